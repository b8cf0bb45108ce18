/* SPDX-License-Identifier: Apache-2.0 */
/* Exception entry to the guest's EL1, done by EL2 (Arm ARM D1.10.2, D17.2.37). */
#include <arch/inject.h>
#include <arch/sysreg.h>
#include <phidias/vcpu.h>

/* PSTATE / SPSR fields (Arm ARM C5.2.18) */
#define PSR_M_MASK 0x1ful	/* M[4] = nRW (AArch32), M[3:0] = EL and SP */
#define PSR_M_EL1T 0x4ul
#define PSR_M_EL1H 0x5ul
#define PSR_M_AARCH32 0x10ul
#define PSR_DAIF (0xful << 6)
#define PSR_BTYPE (3ul << 10)
#define PSR_SSBS (1ul << 12)
#define PSR_IL (1ul << 20)
#define PSR_SS (1ul << 21)
#define PSR_PAN (1ul << 22)
#define PSR_UAO (1ul << 23)
#define PSR_TCO (1ul << 25)

#define SCTLR_EL1_SPAN (1ul << 23)
#define SCTLR_EL1_DSSBS (1ul << 44)

/* Offsets in the vector table by where the exception comes from (D1.10.2). */
#define VEC_CUR_SP0 0x000ul
#define VEC_CUR_SPX 0x200ul
#define VEC_LOWER_A64 0x400ul
#define VEC_LOWER_A32 0x600ul

#define EC_IABT_CUR 0x21ul
#define EC_DABT_CUR 0x25ul

/* Abort ISS fields kept for the guest (D17.2.37: WnR, CM; FnV says FAR is void). */
#define ABT_FNV (1ul << 10)
#define ABT_CM (1ul << 8)
#define ABT_WNR (1ul << 6)
#define ABT_S1PTW (1ul << 7)
#define FSC(iss) ((iss) & 0x3ful)
#define FSC_PERM(fsc) (((fsc) & 0x3cul) == 0x0cul)	/* permission fault, level 0-3 */
#define FSC_EXT_ABORT 0x10ul		/* synchronous external abort */

static int from_el1(uint64_t pstate)
{
	return !(pstate & PSR_M_AARCH32) && (pstate & 0xcul) == 0x4ul;
}

static uint64_t vector_offset(uint64_t pstate)
{
	if (pstate & PSR_M_AARCH32)
		return VEC_LOWER_A32;	/* EL1 is AArch64 (HCR_EL2.RW): only EL0 is AArch32 */
	switch (pstate & PSR_M_MASK) {
	case PSR_M_EL1T:
		return VEC_CUR_SP0;
	case PSR_M_EL1H:
		return VEC_CUR_SPX;
	default:
		return VEC_LOWER_A64;
	}
}

/*
 * PSTATE after taking an exception to EL1h (AArch64.TakeException): DAIF
 * masked, SS and IL cleared, BTYPE 0, UAO 0; PAN set unless SCTLR_EL1.SPAN,
 * SSBS from SCTLR_EL1.DSSBS and TCO set, where the CPU has those features.
 * NZCV, DIT and the rest are unchanged.
 */
static uint64_t entry_pstate(uint64_t old)
{
	uint64_t sctlr = sysreg_read(sctlr_el1);
	uint64_t mmfr1 = sysreg_read(id_aa64mmfr1_el1);
	uint64_t pfr1 = sysreg_read(id_aa64pfr1_el1);
	uint64_t p = old & ~(PSR_M_MASK | PSR_DAIF | PSR_BTYPE | PSR_IL | PSR_SS |
			     PSR_UAO | PSR_TCO);

	if (old & PSR_M_AARCH32)
		p = old & 0xf0000000ul;		/* from AArch32: only NZCV carries over */
	p |= PSR_M_EL1H | PSR_DAIF;
	if (((mmfr1 >> 20) & 0xf) && !(sctlr & SCTLR_EL1_SPAN))
		p |= PSR_PAN;			/* FEAT_PAN */
	if ((pfr1 >> 4) & 0xf) {		/* FEAT_SSBS */
		p &= ~PSR_SSBS;
		if (sctlr & SCTLR_EL1_DSSBS)
			p |= PSR_SSBS;
	}
	if (((pfr1 >> 8) & 0xf) >= 2)		/* FEAT_MTE2 */
		p |= PSR_TCO;
	return p;
}

static void take_exception(struct vcpu *v, uint64_t esr)
{
	uint64_t old = v->regs.pstate;

	sysreg_write(elr_el1, v->regs.pc);	/* the faulting instruction */
	sysreg_write(spsr_el1, old);
	sysreg_write(esr_el1, esr);
	v->regs.pc = sysreg_read(vbar_el1) + vector_offset(old);
	v->regs.pstate = entry_pstate(old);
}

void arch_inject_undef(struct vcpu *v, uint64_t esr_el2)
{
	/* EC 0 (EC_UNKNOWN), ISS 0; IL as for the trapped instruction; FAR_EL1 UNKNOWN. */
	take_exception(v, esr_el2 & ESR_IL);
}

void arch_inject_abort(struct vcpu *v, uint64_t esr_el2, uint64_t far)
{
	uint64_t iss = ESR_ISS(esr_el2);
	int instr = ESR_EC(esr_el2) == EC_IABT_LOW;
	uint64_t ec, esr, fsc = FSC_EXT_ABORT;

	if (instr)
		ec = from_el1(v->regs.pstate) ? EC_IABT_CUR : EC_IABT_LOW;
	else
		ec = from_el1(v->regs.pstate) ? EC_DABT_CUR : EC_DABT_LOW;
	/* A stage-2 walk for stage 1 (S1PTW) is an external abort to the guest. */
	if (FSC_PERM(FSC(iss)) && !(iss & ABT_S1PTW))
		fsc = FSC(iss);
	/* IL is RES1 for aborts without a valid syndrome (D17.2.37). */
	esr = ec << ESR_EC_SHIFT | ESR_IL | fsc | (iss & ABT_FNV);
	if (!instr)
		esr |= iss & (ABT_WNR | ABT_CM);
	if (!(iss & ABT_FNV))
		sysreg_write(far_el1, far);
	take_exception(v, esr);
}
