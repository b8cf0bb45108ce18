/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbgprobe: what a guest sees of the PMU and the self-hosted debug
 * registers (docs/hypervisor.md, "Performance monitors and debug").
 *
 * Reads every PMU and debug register once, then tries to take them over:
 * enables the cycle counter and event counter 0, arms breakpoint and
 * watchpoint 0 at bootargs mark=<hex>, unlocks the OS lock and writes
 * MDSCR_EL1 (bootargs mdscr=<hex>); yields rounds=<n> times so that a
 * neighbour on the same physical CPU does the same with its own mark, and
 * reads everything again.  Under Phidias every register but MDSCR_EL1 must
 * read as zero, before and after, and MDSCR_EL1 must read back what this
 * VM wrote (it is part of the vCPU), whatever the neighbour wrote.  Prints
 * one line per register that breaks this and a verdict:
 *   dbgprobe: PASS <n> registers ...   or   dbgprobe: FAIL <n> problem(s)
 */
#include <bm/bm.h>

#define PMCR_E (1ul << 0)
#define PMCR_P (1ul << 1)
#define PMCR_C (1ul << 2)
#define PMCNTEN_C (1ul << 31)
#define MDSCR_GUEST ((1ul << 0) | (1ul << 12) | (1ul << 13) | (1ul << 15))
/* DBGBCR: E, PMC = EL1 and EL0, BAS = all; DBGWCR also LSC = load/store. */
#define DBGBCR_ARM (1ul | (3ul << 1) | (0xful << 5))
#define DBGWCR_ARM (1ul | (3ul << 1) | (3ul << 3) | (0xfful << 5))

/* Every register a guest reads: the PMU (if ID_AA64DFR0_EL1 says it has one) and debug. */
#define PMU_REGS(X) \
	X(pmcr_el0) X(pmcntenset_el0) X(pmcntenclr_el0) X(pmovsclr_el0) \
	X(pmselr_el0) X(pmceid0_el0) X(pmceid1_el0) X(pmccntr_el0) \
	X(pmxevtyper_el0) X(pmxevcntr_el0) X(pmuserenr_el0) \
	X(pmintenset_el1) X(pmintenclr_el1) X(pmovsset_el0) \
	X(pmevcntr0_el0) X(pmevtyper0_el0) X(pmccfiltr_el0)
#define DEBUG_REGS(X) \
	X(dbgbvr0_el1) X(dbgbcr0_el1) X(dbgwvr0_el1) X(dbgwcr0_el1) \
	X(dbgbvr1_el1) X(dbgbcr1_el1) X(mdccint_el1) X(mdccsr_el0) \
	X(mdrar_el1) X(oslsr_el1) X(osdlr_el1)

static unsigned problems, checked;

static void expect(const char *name, uint64_t got, uint64_t want, const char *when)
{
	checked++;
	if (got != want) {
		problems++;
		bm_printf("dbgprobe: %s %s = 0x%lx, want 0x%lx\n", when, name,
			  (unsigned long)got, (unsigned long)want);
	}
}

#define READ_ZERO(r) expect(#r, bm_read_sysreg(r), 0, when);

static void read_all(int pmu, uint64_t mdscr, const char *when)
{
	if (pmu) {
		PMU_REGS(READ_ZERO)
	}
	DEBUG_REGS(READ_ZERO)
	expect("mdscr_el1", bm_read_sysreg(mdscr_el1) & MDSCR_GUEST, mdscr, when);
}

static void take_over(int pmu, uint64_t mark, uint64_t mdscr)
{
	if (pmu) {
		bm_write_sysreg(pmuserenr_el0, 0xf);
		bm_write_sysreg(pmccfiltr_el0, 0);
		bm_write_sysreg(pmevtyper0_el0, 0x11);	/* CPU_CYCLES */
		bm_write_sysreg(pmselr_el0, 0);
		bm_write_sysreg(pmevcntr0_el0, mark & 0xffffffffu);
		bm_write_sysreg(pmccntr_el0, mark);
		bm_write_sysreg(pmintenset_el1, PMCNTEN_C | 1u);
		bm_write_sysreg(pmcntenset_el0, PMCNTEN_C | 1u);
		bm_write_sysreg(pmcr_el0, PMCR_E | PMCR_P | PMCR_C);
		bm_write_sysreg(pmovsset_el0, 1u);
	}
	bm_write_sysreg(oslar_el1, 0);
	bm_write_sysreg(osdlr_el1, 0);
	bm_write_sysreg(mdccint_el1, ~0ul);
	/* Far from this guest's code: were they armed, nothing would fire here. */
	bm_write_sysreg(dbgbvr0_el1, mark & ~3ul);
	bm_write_sysreg(dbgbcr0_el1, DBGBCR_ARM);
	bm_write_sysreg(dbgwvr0_el1, mark & ~7ul);
	bm_write_sysreg(dbgwcr0_el1, DBGWCR_ARM);
	bm_write_sysreg(dbgbvr1_el1, ~mark & ~3ul);
	bm_write_sysreg(mdscr_el1, mdscr);
	bm_isb();
}

int main(const void *dtb)
{
	const char *args = bm_bootargs();
	uint64_t mark = 0x5a5a0000, mdscr = 0, rounds = 20, dfr0;
	int pmu;

	(void)dtb;
	bm_bootargs_get_u64(args, "mark", &mark);
	bm_bootargs_get_u64(args, "mdscr", &mdscr);
	bm_bootargs_get_u64(args, "rounds", &rounds);
	mdscr &= MDSCR_GUEST & ~1ul;	/* no single-step: it would trap here */
	dfr0 = bm_read_sysreg(id_aa64dfr0_el1);
	pmu = ((dfr0 >> 8) & 0xf) != 0 && ((dfr0 >> 8) & 0xf) != 0xf;
	bm_printf("dbgprobe: ID_AA64DFR0_EL1 0x%lx: %s, %lu breakpoints, "
		  "%lu watchpoints\n", (unsigned long)dfr0,
		  pmu ? "PMUv3" : "no PMU", (unsigned long)((dfr0 >> 12) & 0xf) + 1,
		  (unsigned long)((dfr0 >> 20) & 0xf) + 1);

	read_all(pmu, 0, "before");
	take_over(pmu, mark, mdscr);
	read_all(pmu, mdscr, "after own writes");
	for (uint64_t i = 0; i < rounds; i++) {
		bm_hyp_yield();
		/* Burn some cycles a working counter would have counted. */
		for (volatile unsigned j = 0; j < 10000; j++)
			;
	}
	read_all(pmu, mdscr, "after the neighbour ran");
	if (problems)
		bm_printf("dbgprobe: FAIL %u problem(s) in %u reads\n", problems,
			  checked);
	else
		bm_printf("dbgprobe: PASS %u reads: PMU and debug registers read "
			  "as zero, writes ignored, MDSCR_EL1 0x%lx kept\n", checked,
			  (unsigned long)mdscr);
	return 0;
}
