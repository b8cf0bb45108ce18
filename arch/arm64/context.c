/* SPDX-License-Identifier: Apache-2.0 */
/* The world switch of everything EL1/EL0 can observe (besides x0-x30, pc, pstate). */
#include <arch/context.h>
#include <arch/sysreg.h>
#include <phidias/string.h>
#include <phidias/vcpu.h>

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

void arch_vcpu_reset(struct vcpu *vcpu, uint64_t entry, uint64_t arg)
{
	memset(&vcpu->regs, 0, sizeof(vcpu->regs));
	memset(&vcpu->arch.sys, 0, sizeof(vcpu->arch.sys));
	memset(&vcpu->arch.fp, 0, sizeof(vcpu->arch.fp));
	vcpu->regs.x[0] = arg;
	vcpu->regs.pc = entry;
	vcpu->regs.pstate = SPSR_EL1H_DAIF;
	vcpu->arch.sys.sctlr_el1 = SCTLR_EL1_RESET;
}

void arch_vcpu_save(struct vcpu *vcpu)
{
	struct arch_sysregs *s = &vcpu->arch.sys;

	SYSREGS(SAVE)
	arch_fp_save(&vcpu->arch.fp);
	/* Its timer must not fire for whatever the CPU runs next. */
	sysreg_write(cntv_ctl_el0, 0);
}

void arch_vcpu_load(const struct vcpu *vcpu)
{
	const struct arch_sysregs *s = &vcpu->arch.sys;

	/* cntv_ctl_el0 is 0 (arch_vcpu_save) until restored with the rest. */
	sysreg_write(vttbr_el2, vcpu->arch.vttbr);
	sysreg_write(vmpidr_el2, vcpu->arch.vmpidr);
	sysreg_write(cntvoff_el2, vcpu->arch.cntvoff);
	SYSREGS(RESTORE)
	arch_fp_restore(&vcpu->arch.fp);
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
