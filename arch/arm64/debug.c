/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PMU, self-hosted debug, trace and activity monitors kept from guests
 * (arch/debug.h).  Register encodings: Arm ARM (DDI 0487) C5.3 (op0 = 0b10,
 * debug and trace), D13.2 / D13.3 (the PMU and AMU registers, op0 = 0b11);
 * traps: MDCR_EL2 and CPTR_EL2 (D13.2); the OS lock: D2.5.
 */
#include <arch/debug.h>
#include <arch/sysreg.h>
#include <phidias/vcpu.h>

/* MDCR_EL2 */
#define MDCR_HPMN_MASK 0x1ful
#define MDCR_TPMCR (1ul << 5)	/* PMCR_EL0 */
#define MDCR_TPM (1ul << 6)	/* every other PMU register */
#define MDCR_TDOSA (1ul << 10)	/* OS lock / power-down: OSLAR, OSLSR, OSDLR, DBGPRCR */
#define MDCR_TDA (1ul << 9)	/* the rest of the debug registers, MDSCR_EL1 included */
#define MDCR_TDRA (1ul << 11)	/* debug ROM address: MDRAR_EL1 */
#define MDCR_TPMS (1ul << 14)	/* statistical profiling (E2PB = 0b00 also traps its buffer) */
#define MDCR_HPMD (1ul << 17)	/* no counting at EL2 (PMUv3p1) */
#define MDCR_TTRF (1ul << 19)	/* trace filter: TRFCR_EL1 */

/* CPTR_EL2 (non-VHE layout) */
#define CPTR_TTA (1ul << 20)	/* trace registers */
#define CPTR_TAM (1ul << 30)	/* activity monitors */

/* ID_AA64DFR0_EL1 / ID_AA64PFR0_EL1 fields (4 bits each) */
#define FIELD(reg, shift) (((reg) >> (shift)) & 0xful)
#define DFR0_PMUVER 8
#define DFR0_BRPS 12
#define DFR0_WRPS 20
#define DFR0_PMSVER 32
#define DFR0_DOUBLELOCK 36
#define DFR0_TRACEFILT 40
#define PFR0_AMU 44

/* PMCR_EL0: P and C reset the counters, E = 0 stops them all. */
#define PMCR_P (1ul << 1)
#define PMCR_C (1ul << 2)
#define PMCR_N(pmcr) (((pmcr) >> 11) & 0x1ful)

/* The MDSCR_EL1 bits a guest controls: SS, TDCC, KDE, MDE. */
#define MDSCR_GUEST ((1ul << 0) | (1ul << 12) | (1ul << 13) | (1ul << 15))

/* Trapped MSR/MRS ISS (Arm ARM D13.2.37, EC 0x18). */
#define ISS_OP0(iss) (((iss) >> 20) & 3u)
#define ISS_OP2(iss) (((iss) >> 17) & 7u)
#define ISS_OP1(iss) (((iss) >> 14) & 7u)
#define ISS_CRN(iss) (((iss) >> 10) & 0xfu)
#define ISS_RT(iss) (((iss) >> 5) & 0x1fu)
#define ISS_CRM(iss) (((iss) >> 1) & 0xfu)
#define ISS_READ(iss) ((iss) & 1u)

static int pmu_present(uint64_t dfr0)
{
	uint64_t v = FIELD(dfr0, DFR0_PMUVER);

	return v != 0 && v != 0xf;	/* 0xf: an IMPLEMENTATION DEFINED PMU */
}

#define ZERO_BP(n) case n: sysreg_write(dbgbcr##n##_el1, 0); \
		       sysreg_write(dbgbvr##n##_el1, 0); break;
#define ZERO_WP(n) case n: sysreg_write(dbgwcr##n##_el1, 0); \
		       sysreg_write(dbgwvr##n##_el1, 0); break;

/* Disarm breakpoint and watchpoint n (a firmware or earlier boot may have set them). */
static void zero_bp(unsigned n)
{
	switch (n) {
	ZERO_BP(0) ZERO_BP(1) ZERO_BP(2) ZERO_BP(3) ZERO_BP(4) ZERO_BP(5)
	ZERO_BP(6) ZERO_BP(7) ZERO_BP(8) ZERO_BP(9) ZERO_BP(10) ZERO_BP(11)
	ZERO_BP(12) ZERO_BP(13) ZERO_BP(14) ZERO_BP(15)
	default: break;
	}
}

static void zero_wp(unsigned n)
{
	switch (n) {
	ZERO_WP(0) ZERO_WP(1) ZERO_WP(2) ZERO_WP(3) ZERO_WP(4) ZERO_WP(5)
	ZERO_WP(6) ZERO_WP(7) ZERO_WP(8) ZERO_WP(9) ZERO_WP(10) ZERO_WP(11)
	ZERO_WP(12) ZERO_WP(13) ZERO_WP(14) ZERO_WP(15)
	default: break;
	}
}

uint64_t arch_debug_cpu_setup(void)
{
	uint64_t dfr0 = sysreg_read(id_aa64dfr0_el1);
	uint64_t mdcr = MDCR_TPMCR | MDCR_TPM | MDCR_TDA | MDCR_TDOSA | MDCR_TDRA;
	uint64_t cptr = CPTR_TTA;

	if (pmu_present(dfr0)) {
		uint64_t pmcr = sysreg_read(pmcr_el0);

		sysreg_write(pmcr_el0, PMCR_P | PMCR_C);
		sysreg_write(pmcntenclr_el0, 0xffffffffu);
		sysreg_write(pmintenclr_el1, 0xffffffffu);
		sysreg_write(pmovsclr_el0, 0xffffffffu);
		sysreg_write(pmuserenr_el0, 0);
		/*
		 * HPMN = N: no counter is reserved for EL2, so all of them
		 * obey PMCR_EL0.E, which stays 0 since EL1 cannot reach it.
		 */
		mdcr |= PMCR_N(pmcr) & MDCR_HPMN_MASK;
		if (FIELD(dfr0, DFR0_PMUVER) >= 4)
			mdcr |= MDCR_HPMD;
	}
	for (unsigned n = 0; n <= FIELD(dfr0, DFR0_BRPS); n++)
		zero_bp(n);
	for (unsigned n = 0; n <= FIELD(dfr0, DFR0_WRPS); n++)
		zero_wp(n);
	sysreg_write(mdscr_el1, 0);
	/*
	 * Release the OS lock (set on a cold reset, D2.5): with it held a
	 * guest's single-step would never be taken.  Nothing else is armed.
	 */
	sysreg_write(oslar_el1, 0);
	if (FIELD(dfr0, DFR0_DOUBLELOCK) != 0xf)
		sysreg_write(osdlr_el1, 0);
	if (FIELD(dfr0, DFR0_PMSVER))
		mdcr |= MDCR_TPMS;
	if (FIELD(dfr0, DFR0_TRACEFILT))
		mdcr |= MDCR_TTRF;
	if (FIELD(sysreg_read(id_aa64pfr0_el1), PFR0_AMU))
		cptr |= CPTR_TAM;
	sysreg_write(mdcr_el2, mdcr);
	isb();
	return cptr;
}

/* Is the trapped register one arch_debug_cpu_setup() keeps from EL1? */
static int is_kept_from_guests(uint64_t iss)
{
	unsigned op0 = ISS_OP0(iss), op1 = ISS_OP1(iss);
	unsigned crn = ISS_CRN(iss), crm = ISS_CRM(iss), op2 = ISS_OP2(iss);

	if (op0 == 2)
		return 1;	/* debug and trace (C5.3): breakpoints, DCC, OS lock, ... */
	if (op0 != 3)
		return 0;
	if (crn == 9 && (op1 == 0 || op1 == 3) && crm >= 12)
		return 1;	/* PMCR..PMOVSSET, PMUSERENR, PMINTENSET/CLR, PMMIR */
	if (crn == 9 && op1 == 0 && (crm == 9 || crm == 10))
		return 1;	/* statistical profiling (PMSCR_EL1 ...) */
	if (crn == 14 && op1 == 3 && crm >= 8)
		return 1;	/* PMEVCNTR<n>, PMEVTYPER<n>, PMCCFILTR */
	if (crn == 13 && op1 == 3 && crm >= 2)
		return 1;	/* activity monitors (AMCR_EL0 ...) */
	if (crn == 1 && op1 == 0 && crm == 2 && op2 == 1)
		return 1;	/* TRFCR_EL1 */
	return 0;
}

int arch_debug_sysreg(struct vcpu *v, uint64_t esr)
{
	uint64_t iss = ESR_ISS(esr);
	unsigned rt = ISS_RT(iss);
	/* MDSCR_EL1: op0 2, op1 0, CRn 0, CRm 2, op2 2 */
	int mdscr = ISS_OP0(iss) == 2 && ISS_OP1(iss) == 0 && ISS_CRN(iss) == 0 &&
		    ISS_CRM(iss) == 2 && ISS_OP2(iss) == 2;
	uint64_t val = 0;

	if (!is_kept_from_guests(iss))
		return 0;
	if (mdscr) {
		/* Live in the CPU while v runs; the world switch saves it. */
		if (ISS_READ(iss))
			val = sysreg_read(mdscr_el1) & MDSCR_GUEST;
		else
			sysreg_write(mdscr_el1, (rt != 31 ? v->regs.x[rt] : 0) &
						MDSCR_GUEST);
	}
	/* Everything else: reads as zero, writes ignored. */
	if (ISS_READ(iss) && rt != 31)
		v->regs.x[rt] = val;
	v->regs.pc += 4;
	return 1;
}
