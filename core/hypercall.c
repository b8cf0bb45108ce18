/* SPDX-License-Identifier: Apache-2.0 */
#include <arch/psci.h>
#include <phidias/hypercall.h>
#include <phidias/sched.h>
#include <phidias/vcpu.h>
#include <phidias/virq.h>
#include <phidias/vm.h>

/* Phidias' UID for the vendor-hypervisor UID query: 7b3c1a52-94d0-4e8f-b6a1-5d2e0c9f4a37 */
static const uint32_t phidias_uid[4] = { 0x521a3c7bu, 0x8f4ed094u, 0x2e5da1b6u, 0x374a9f0cu };

static int64_t cap_invoke(struct vcpu *v, uint64_t index)
{
	const struct phidias_vm_config *cfg = v->vm->cfg;
	const struct phidias_cap *cap;
	struct vm *target;

	if (index >= cfg->nr_caps)
		return SMCCC_INVALID_PARAMETER;
	cap = &cfg->caps[index];
	switch (cap->type) {
	case PHIDIAS_CAP_IPC:
		target = &vms[cap->target_vm];
		if (target->state != VM_RUNNING)
			return PHIDIAS_E_STOPPED;
		/* An SGI doorbell rings the target's vCPU 0, from "CPU 0". */
		virq_inject(target, cap->param, target->vcpus, 0);
		return SMCCC_OK;
	default:
		return SMCCC_NOT_SUPPORTED;
	}
}

/* x0 = type, x1 = target VM index, x2 = parameter of capability x1. */
static void cap_info(struct vcpu *v, uint64_t *x)
{
	const struct phidias_vm_config *cfg = v->vm->cfg;

	if (x[1] >= cfg->nr_caps) {
		x[0] = (uint64_t)(int64_t)SMCCC_INVALID_PARAMETER;
		return;
	}
	x[0] = cfg->caps[x[1]].type;
	x[2] = cfg->caps[x[1]].param;
	x[1] = cfg->caps[x[1]].target_vm;
}

static int64_t arch_features(uint32_t fid)
{
	switch (fid) {
	case SMCCC_VERSION:
	case SMCCC_ARCH_FEATURES:
		return SMCCC_OK;
	default:
		return SMCCC_NOT_SUPPORTED;	/* incl. the CPU-erratum workarounds */
	}
}

void hypercall(struct vcpu *v, uint32_t imm)
{
	uint64_t *x = v->regs.x;
	uint32_t fid = (uint32_t)x[0];
	int64_t ret;

	if (imm != 0) {
		x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
		return;
	}
	if (psci_is_call(fid)) {
		psci_guest_call(v);
		return;
	}
	switch (fid) {
	case SMCCC_VERSION:
		ret = 0x10001;	/* SMCCC 1.1 */
		break;
	case SMCCC_ARCH_FEATURES:
		ret = arch_features((uint32_t)x[1]);
		break;
	case PHIDIAS_HVC_CALL_COUNT:
		ret = 4;
		break;
	case PHIDIAS_HVC_UID:
		x[1] = phidias_uid[1];
		x[2] = phidias_uid[2];
		x[3] = phidias_uid[3];
		ret = phidias_uid[0];
		break;
	case PHIDIAS_HVC_REVISION:
	case PHIDIAS_HVC_ABI_VERSION:
		x[1] = PHIDIAS_ABI_MINOR;
		ret = fid == PHIDIAS_HVC_REVISION ? PHIDIAS_ABI_MAJOR :
		      (int64_t)(PHIDIAS_ABI_MAJOR << 16 | PHIDIAS_ABI_MINOR);
		break;
	case PHIDIAS_HVC_CAP_INVOKE:
		ret = cap_invoke(v, x[1]);
		break;
	case PHIDIAS_HVC_CAP_INFO:
		cap_info(v, x);
		return;
	case PHIDIAS_HVC_YIELD:
		x[0] = SMCCC_OK;
		sched_yield();
		return;
	default:
		ret = SMCCC_NOT_SUPPORTED;
		break;
	}
	x[0] = (uint64_t)ret;
}
