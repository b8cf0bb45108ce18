/* SPDX-License-Identifier: Apache-2.0 */
/* The world switch of everything EL1/EL0 can observe (besides x0-x30, pc, pstate). */
#include <phidias_gen.h>
#include <arch/context.h>
#include <arch/sysreg.h>
#include <phidias/pcpu.h>
#include <phidias/string.h>
#include <phidias/vcpu.h>

/* The layout vectors.S relies on (its offsets come from arch/context.h). */
_Static_assert(__builtin_offsetof(struct vcpu, regs) == 0, "vCPU frame first");
_Static_assert(__builtin_offsetof(struct arch_regs, x) == REGS_X0, "REGS_X0");
_Static_assert(__builtin_offsetof(struct arch_regs, x[30]) == REGS_X(30), "REGS_X");
_Static_assert(__builtin_offsetof(struct arch_regs, pc) == REGS_PC, "REGS_PC");
_Static_assert(__builtin_offsetof(struct arch_regs, pstate) == REGS_PSTATE, "REGS_PSTATE");
_Static_assert(sizeof(struct arch_regs) == REGS_SIZE, "REGS_SIZE");
_Static_assert(__builtin_offsetof(struct pcpu, current) == PCPU_CURRENT, "PCPU_CURRENT");
_Static_assert(__builtin_offsetof(struct pcpu, stack_top) == PCPU_STACK_TOP, "PCPU_STACK_TOP");
_Static_assert(__builtin_offsetof(struct arch_fpregs, q) == 0, "fp.S: q0 first");
_Static_assert(__builtin_offsetof(struct arch_fpregs, fpsr) == FP_FPSR, "FP_FPSR");
_Static_assert(__builtin_offsetof(struct arch_fpregs, fpcr) == FP_FPSR + 8, "fp.S: fpcr after fpsr");

#define CNT_CTL_ENABLE 1u
#define CNT_CTL_IMASK 2u

#define SYSREGS(X) \
	X(sctlr_el1) X(actlr_el1) X(cpacr_el1) X(csselr_el1) \
	X(ttbr0_el1) X(ttbr1_el1) X(tcr_el1) X(mair_el1) X(amair_el1) \
	X(vbar_el1) X(contextidr_el1) X(tpidr_el0) X(tpidrro_el0) X(tpidr_el1) \
	X(sp_el0) X(sp_el1) X(elr_el1) X(spsr_el1) \
	X(esr_el1) X(far_el1) X(afsr0_el1) X(afsr1_el1) X(par_el1) \
	X(mdscr_el1) X(cntkctl_el1) X(cntv_cval_el0) X(cntv_ctl_el0)

#define SAVE(r) s->r = sysreg_read(r);
#define RESTORE(r) sysreg_write(r, s->r);

#define CPTR_TFP (1ul << 10)	/* FP/SIMD accesses from EL0-EL2 trap to EL2 */

/*
 * FP/SIMD registers are switched lazily: they stay in the CPU, owned by
 * the vCPU that last used them, until another vCPU of the CPU touches
 * them.  A vCPU loaded onto a CPU that holds someone else's registers
 * runs with CPTR_EL2.TFP set; its first FP/SIMD instruction traps
 * (arch_fp_access), and only then are the owner's saved and its own loaded.
 * A vCPU that leaves them alone, and a switch back to their owner, cost
 * nothing.  One that took that trap gets its registers loaded with the rest
 * of its state on its next FP_EAGER_LOADS switches in instead: a guest that
 * uses FP/SIMD all the time pays the copy, not a trap, on most switches,
 * and is probed again after that many.  TFP traps EL2's own accesses too:
 * it is cleared before fp.S runs.
 */
#define FP_EAGER_LOADS 16u
struct fp_cpu {
	struct vcpu *owner;	/* whose FP/SIMD registers the CPU holds, or NULL */
	uint64_t cptr;		/* CPTR_EL2 as last written */
	uint64_t base;		/* CPTR_EL2 without TFP (arch_cpu_setup's) */
};

static struct fp_cpu fp_cpus[PHIDIAS_NR_PCPUS];
/* Per vCPU: switches in left that load its FP/SIMD registers eagerly. */
static uint8_t fp_eager[PHIDIAS_NR_VCPUS];

/* CPTR_EL2 written if it changes; an isb() makes it take effect. */
static void write_cptr(struct fp_cpu *f, int trap)
{
	uint64_t cptr = f->base | (trap ? CPTR_TFP : 0);

	if (f->cptr != cptr) {
		f->cptr = cptr;
		sysreg_write(cptr_el2, cptr);
	}
}

/* The CPU holds nobody's FP/SIMD registers: every vCPU's first use traps. */
static void fp_disown(struct fp_cpu *f)
{
	f->owner = 0;
	write_cptr(f, 1);
	isb();
}

void arch_fp_cpu_init(uint64_t cptr)
{
	struct fp_cpu *f = &fp_cpus[this_pcpu()->id];

	f->base = cptr;
	f->cptr = ~0ul;
	fp_disown(f);
}

/* The owner's FP/SIMD registers into its vCPU; the trap off for fp.S. */
static void fp_save_owner(struct fp_cpu *f)
{
	write_cptr(f, 0);
	isb();
	if (f->owner)
		arch_fp_save(&f->owner->arch.fp);
}

/* The CPU's FP/SIMD registers become vcpu's, untrapped. */
static void __attribute__((noinline)) fp_take(struct fp_cpu *f, struct vcpu *vcpu)
{
	fp_save_owner(f);
	arch_fp_restore(&vcpu->arch.fp);
	f->owner = vcpu;
}

void arch_fp_access(struct vcpu *vcpu)
{
	fp_take(&fp_cpus[this_pcpu()->id], vcpu);
	fp_eager[vcpu->id] = FP_EAGER_LOADS;	/* it uses them: load them with it */
}

void arch_fp_flush(void)
{
	struct fp_cpu *f = &fp_cpus[this_pcpu()->id];

	if (!f->owner)
		return;
	fp_save_owner(f);
	fp_disown(f);
}

void arch_vcpu_reset(struct vcpu *vcpu, uint64_t entry, uint64_t arg)
{
	struct fp_cpu *f = &fp_cpus[vcpu->pcpu->id];

	/*
	 * Its own CPU may still hold its old FP/SIMD registers (CPU_ON, sched.c
	 * run()): void now.  Another CPU resets it only once its CPU has
	 * flushed them (sched_park), so this touches the owner only here.
	 */
	if (vcpu->pcpu == this_pcpu() && f->owner == vcpu)
		fp_disown(f);
	memset(&vcpu->regs, 0, sizeof(vcpu->regs));
	memset(&vcpu->arch.sys, 0, sizeof(vcpu->arch.sys));
	memset(&vcpu->arch.fp, 0, sizeof(vcpu->arch.fp));
	fp_eager[vcpu->id] = 0;
	vcpu->regs.x[0] = arg;
	vcpu->regs.pc = entry;
	vcpu->regs.pstate = SPSR_EL1H_DAIF;
	vcpu->arch.sys.sctlr_el1 = SCTLR_EL1_RESET;
}

void arch_vcpu_save(struct vcpu *vcpu)
{
	struct arch_sysregs *s = &vcpu->arch.sys;

	SYSREGS(SAVE)
	/* Its FP/SIMD registers stay in the CPU, still its own (fp_cpu). */
	/* Its timer must not fire for whatever the CPU runs next. */
	sysreg_write(cntv_ctl_el0, 0);
}

void arch_vcpu_load(struct vcpu *vcpu)
{
	const struct arch_sysregs *s = &vcpu->arch.sys;
	struct fp_cpu *f = &fp_cpus[this_pcpu()->id];

	/* cntv_ctl_el0 is 0 (arch_vcpu_save) until restored with the rest. */
	sysreg_write(vttbr_el2, vcpu->arch.vttbr);
	sysreg_write(vmpidr_el2, vcpu->arch.vmpidr);
	sysreg_write(cntvoff_el2, vcpu->arch.cntvoff);
	SYSREGS(RESTORE)
	/* Its FP/SIMD registers now if it used them lately, else on first use. */
	if (__builtin_expect(f->owner != vcpu && fp_eager[vcpu->id], 0)) {
		fp_eager[vcpu->id]--;
		fp_take(f, vcpu);	/* a tail call: its isb() ends the load */
		return;
	}
	write_cptr(f, f->owner != vcpu);
	isb();
}

int arch_vcpu_vtimer_deadline(const struct vcpu *vcpu, uint64_t *deadline)
{
	/* The vCPU blocking is the one loaded: read its timer live. */
	uint64_t ctl = sysreg_read(cntv_ctl_el0);

	(void)vcpu;
	if ((ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) != CNT_CTL_ENABLE)
		return 0;
	*deadline = sysreg_read(cntv_cval_el0) + sysreg_read(cntvoff_el2);
	return 1;
}
