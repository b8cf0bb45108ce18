/* SPDX-License-Identifier: Apache-2.0 */
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/debug.h>
#include <arch/setup.h>
#include <arch/sysreg.h>
#include <phidias/config.h>
#include <phidias/pcpu.h>

/* TCR_EL2 / VTCR_EL2 fields (Arm ARM D13.2.131, D13.2.146) */
#define TCR_T0SZ (64u - PHIDIAS_PT_VA_BITS)
#define TCR_IRGN0_WBWA (1ul << 8)
#define TCR_ORGN0_WBWA (1ul << 10)
#define TCR_SH0_INNER (3ul << 12)
#define TCR_PS_SHIFT 16
#define TCR_EL2_RES1 ((1ul << 31) | (1ul << 23))
#define VTCR_SL0_LEVEL1 (1ul << 6)
/*
 * VMIDs are 8 bits (VS = 0, VTTBR_EL2.VMID[55:48]): config.h's
 * PHIDIAS_MAX_VMS is sized for that, and 16-bit VMIDs (FEAT_VMID16) would
 * need VTTBR bits the world switch does not set.
 */
#define VTCR_VS_8BIT (0ul << 19)
#define VTCR_RES1 (1ul << 31)
#define CPTR_EL2_RES1 0x33fful

static uint64_t pa_range(void)
{
	uint64_t r = sysreg_read(id_aa64mmfr0_el1) & 0xf;

	return r > 5 ? 5 : r;	/* 48 bits is as far as 4 KiB tables with level 0 go */
}

void arch_mmu_enable(void)
{
	uint64_t tcr = TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
		       (pa_range() << TCR_PS_SHIFT) | TCR_EL2_RES1;

	sysreg_write(mair_el2, PHIDIAS_MAIR_VALUE);
	sysreg_write(tcr_el2, tcr);
	sysreg_write(ttbr0_el2, phidias_config.el2_root);
	isb();
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb_sy();
	isb();
	/*
	 * WXN: whatever the tables say, a writable page never executes at
	 * EL2 (the generated tables already map text read-only, data XN).
	 */
	sysreg_write(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_EL2_M | SCTLR_EL2_C |
				SCTLR_EL2_SA | SCTLR_EL2_I | SCTLR_EL2_WXN);
	isb();
}

/*
 * HCR_EL2 while guests run.  TIDCP: the IMPLEMENTATION DEFINED registers
 * (S3_x_C11/C15_x) can reach the physical core's controls, shared with
 * other VMs; they trap and are UNDEFINED to guests.
 */
#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_FMO | HCR_IMO | HCR_AMO | HCR_FB | \
		   HCR_BSU_IS | HCR_TSC | HCR_TIDCP | HCR_RW)

void arch_trap_wait(int trap)
{
	/* In force from the ERET into the guest, a context synchronization. */
	sysreg_write(hcr_el2, HCR_GUEST | (trap ? HCR_TWI | HCR_TWE : 0));
}

void arch_cpu_setup(struct pcpu *p)
{
	uint64_t vtcr = TCR_T0SZ | VTCR_SL0_LEVEL1 | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA |
			TCR_SH0_INNER | (pa_range() << TCR_PS_SHIFT) | VTCR_VS_8BIT |
			VTCR_RES1;

	sysreg_write(tpidr_el2, p);
	sysreg_write(vtcr_el2, vtcr);
	arch_trap_wait(1);	/* until the scheduler's wait_policy says otherwise */
	/*
	 * FP/SIMD traps until a vCPU uses it, then not while its registers
	 * are the CPU's (context.c, lazy switching).  PMU, debug, trace and
	 * activity monitors do trap (arch/debug.h).
	 */
	arch_fp_cpu_init(CPTR_EL2_RES1 | arch_debug_cpu_setup());
	/* EL1 reads the physical counter; the EL1 physical timer traps (docs). */
	sysreg_write(cnthctl_el2, CNTHCTL_EL1PCTEN);
	sysreg_write(cnthp_ctl_el2, 0);
	/* Guests see their own MIDR. */
	sysreg_write(vpidr_el2, sysreg_read(midr_el1));
	__asm__ volatile("tlbi alle1\n dsb ish" ::: "memory");
	isb();
}

uint64_t arch_cpu_self_mpidr(void)
{
	/* Affinity fields only: Aff3 [39:32], Aff2-Aff0 [23:0] (Arm ARM D13.2.86). */
	return sysreg_read(mpidr_el1) & 0xff00ffffffull;
}
