/* SPDX-License-Identifier: Apache-2.0 */
/* What a vCPU owns of the CPU: registers saved on every trap and on every switch. */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

/*
 * Offsets used by vectors.S, each pinned by a _Static_assert in context.c:
 * struct arch_regs (first in struct vcpu) and struct pcpu's first fields.
 */
#define REGS_X0 0
#define REGS_X(n) (REGS_X0 + (n) * 8)
#define REGS_PC (31 * 8)
#define REGS_PSTATE (32 * 8)
#define REGS_SIZE (33 * 8)
#define PCPU_CURRENT 0
#define PCPU_STACK_TOP 8
/* What the light exits' handlers return to vectors.S (trap.c). */
#define LIGHT_FULL 0		/* not handled: the full trap path (vectors.S tests for 0) */
#define LIGHT_DONE 1		/* handled, straight back into the guest */
#define LIGHT_ENTRY 2		/* handled; the full entry path (a switch may follow) */
/* struct arch_fpregs, for fp.S: q0-q31 from offset 0, then fpsr and fpcr. */
#define FP_FPSR (64 * 8)

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Saved by the exception entry on every trap from the guest. */
struct arch_regs {
	uint64_t x[31];
	uint64_t pc;		/* ELR_EL2 */
	uint64_t pstate;	/* SPSR_EL2 */
};

/* EL1/EL0 state a guest can observe, saved and restored on a vCPU switch. */
struct arch_sysregs {
	uint64_t sctlr_el1, actlr_el1, cpacr_el1, csselr_el1;
	uint64_t ttbr0_el1, ttbr1_el1, tcr_el1, mair_el1, amair_el1;
	uint64_t vbar_el1, contextidr_el1;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1;
	uint64_t sp_el0, sp_el1, elr_el1, spsr_el1;
	uint64_t esr_el1, far_el1, afsr0_el1, afsr1_el1, par_el1;
	uint64_t mdscr_el1, cntkctl_el1;
	uint64_t cntv_ctl_el0, cntv_cval_el0;
};

struct arch_fpregs {
	uint64_t q[64];		/* q0-q31, two halves each */
	uint64_t fpsr, fpcr;
};

struct arch_vcpu {
	struct arch_sysregs sys;
	struct arch_fpregs fp;
	uint64_t vmpidr;
	uint64_t vttbr;
	uint64_t cntvoff;
};

struct vcpu;
/* Set a vCPU to its architectural reset state, about to run at entry with x0 = arg. */
void arch_vcpu_reset(struct vcpu *vcpu, uint64_t entry, uint64_t arg);
/*
 * Save the CPU's EL1/EL0 and timer state into the vCPU loaded on it; its
 * FP/SIMD registers stay in the CPU until another vCPU uses them.
 */
void arch_vcpu_save(struct vcpu *vcpu);
/* Load the vCPU's saved state (and its stage 2, MPIDR, counter offset). */
void arch_vcpu_load(struct vcpu *vcpu);
/* The CPU's FP/SIMD setup: cptr is CPTR_EL2 without the FP/SIMD trap. */
void arch_fp_cpu_init(uint64_t cptr);
/* A trapped FP/SIMD access of vcpu: its registers into the CPU, the trap off. */
void arch_fp_access(struct vcpu *vcpu);
/* The FP/SIMD registers the CPU holds back into their vCPU (before a reset of it). */
void arch_fp_flush(void);
/* Is the loaded vCPU's virtual timer armed?  Its deadline in physical counter ticks. */
int arch_vcpu_vtimer_deadline(const struct vcpu *vcpu, uint64_t *deadline);
void arch_fp_save(struct arch_fpregs *fp);
void arch_fp_restore(const struct arch_fpregs *fp);
#endif
#endif
