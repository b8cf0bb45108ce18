/* SPDX-License-Identifier: Apache-2.0 */
#include <arch/cpu.h>
#include <arch/psci.h>
#include <emul/ptimer.h>
#include <phidias/hypercall.h>
#include <phidias/pcpu.h>
#include <phidias/sched.h>
#include <phidias/vcpu.h>
#include <phidias/vm.h>
#include <phidias/xcore.h>

static int64_t firmware_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("dsb sy\n smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 : : "memory");
	return (int64_t)x0;
}

int64_t arch_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	return firmware_call(PSCI_CPU_ON | PSCI_64BIT, mpidr, entry, context);
}

void arch_psci_system_off(void)
{
	firmware_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	arch_halt();
}

/* The vCPU of v's VM with the given MPIDR affinity, or NULL. */
static struct vcpu *vcpu_by_mpidr(struct vm *vm, uint64_t mpidr)
{
	for (uint32_t i = 0; i < vm->cfg->nr_vcpus; i++)
		if ((vm->vcpus[i].arch.vmpidr & 0xff00ffffffull) == (mpidr & 0xff00ffffffull))
			return &vm->vcpus[i];
	return 0;
}

static int64_t cpu_on(struct vcpu *v, uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	struct vcpu *t = vcpu_by_mpidr(v->vm, mpidr);
	int64_t ret = PSCI_SUCCESS;

	if (!t)
		return PSCI_INVALID_PARAMETERS;
	spin_lock(&t->pcpu->lock);
	if (t->state != VCPU_OFF) {
		ret = t->state == VCPU_STOPPED ? PSCI_DENIED : PSCI_ALREADY_ON;
	} else {
		/*
		 * Its CPU may still hold its old EL1 state: that CPU resets
		 * it when it next runs it (sched.c run()), never this one.
		 */
		t->start_entry = entry;
		t->start_arg = ctx;
		t->start_pending = 1;
		ptimer_reset_vcpu(t);	/* a CPU powering up starts with its timers off */
		t->state = VCPU_RUNNABLE;
	}
	spin_unlock(&t->pcpu->lock);
	if (ret == PSCI_SUCCESS) {
		vm_vcpu_on(v->vm);
		vcpu_kick(t);
	}
	return ret;
}

/*
 * Functions that have an SMC64 form besides SMC32 (PSCI 1.0, 5.1): the
 * others exist only as SMC32 and their SMC64 IDs are not PSCI functions.
 */
static int has_smc64(uint32_t fid)
{
	switch (fid & ~PSCI_64BIT) {
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
		return 1;
	default:
		return 0;
	}
}

static int64_t features(uint32_t fid)
{
	if (fid == SMCCC_VERSION)
		return PSCI_SUCCESS;	/* how Linux finds SMCCC 1.1 */
	if ((fid & PSCI_64BIT) && !has_smc64(fid))
		return PSCI_NOT_SUPPORTED;
	switch (fid & ~PSCI_64BIT) {
	case PSCI_VERSION:
	case PSCI_CPU_SUSPEND:
	case PSCI_CPU_OFF:
	case PSCI_CPU_ON:
	case PSCI_AFFINITY_INFO:
	case PSCI_MIGRATE_INFO_TYPE:
	case PSCI_SYSTEM_OFF:
	case PSCI_SYSTEM_RESET:
	case PSCI_FEATURES:
		return PSCI_SUCCESS;
	default:
		return PSCI_NOT_SUPPORTED;
	}
}

void psci_guest_call(struct vcpu *v)
{
	uint64_t *x = v->regs.x;
	uint32_t fid = (uint32_t)x[0];
	int64_t ret;

	if ((fid & PSCI_64BIT) && !has_smc64(fid)) {
		x[0] = (uint64_t)(int64_t)PSCI_NOT_SUPPORTED;
		return;
	}
	switch (fid & ~PSCI_64BIT) {
	case PSCI_VERSION:
		ret = 0x10000;		/* 1.0 */
		break;
	case PSCI_CPU_SUSPEND:
		/* Every power state is treated as standby: wait like WFI. */
		x[0] = PSCI_SUCCESS;
		sched_block();
		return;
	case PSCI_CPU_OFF: {
		int off;

		spin_lock(&v->pcpu->lock);
		off = v->state == VCPU_RUNNABLE;
		if (off)
			v->state = VCPU_OFF;
		spin_unlock(&v->pcpu->lock);
		if (off) {
			/*
			 * Away from it before the guest runs again, even if
			 * a CPU_ON from another CPU makes it runnable first:
			 * only run() applies that CPU_ON's reset.
			 */
			xcore_kick(v->pcpu->id);
			vm_vcpu_off(v->vm);
		}
		return;
	}
	case PSCI_CPU_ON:
		ret = cpu_on(v, x[1], x[2], x[3]);
		break;
	case PSCI_AFFINITY_INFO: {
		struct vcpu *t = vcpu_by_mpidr(v->vm, x[1]);

		ret = !t || x[2] ? PSCI_INVALID_PARAMETERS :
		      (t->state == VCPU_OFF || t->state == VCPU_STOPPED) ? 1 : 0;
		break;
	}
	case PSCI_MIGRATE_INFO_TYPE:
		ret = 2;		/* no trusted OS to migrate */
		break;
	case PSCI_SYSTEM_OFF:
		vm_stop(v->vm, "powered off");
		return;
	case PSCI_SYSTEM_RESET:
		vm_reset(v->vm);
		return;
	case PSCI_FEATURES:
		ret = features((uint32_t)x[1]);
		break;
	default:
		ret = PSCI_NOT_SUPPORTED;
		break;
	}
	x[0] = (uint64_t)ret;
}
