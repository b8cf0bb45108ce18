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

/* Phidias' vendor-hypervisor calls (docs/abi.md); each sets x0 and what else it returns. */
static void call_abi_version(struct vcpu *v, uint64_t *x)
{
	(void)v;
	x[1] = PHIDIAS_ABI_MINOR;
	x[0] = PHIDIAS_ABI_MAJOR << 16 | PHIDIAS_ABI_MINOR;
}

static void call_cap_invoke(struct vcpu *v, uint64_t *x)
{
	x[0] = (uint64_t)cap_invoke(v, x[1]);
}

static void call_yield(struct vcpu *v, uint64_t *x)
{
	(void)v;
	x[0] = SMCCC_OK;	/* before the switch: x is this vCPU's */
	sched_yield();
}

static void call_cap_info(struct vcpu *v, uint64_t *x)
{
	cap_info(v, x);
}

static void call_count(struct vcpu *v, uint64_t *x)
{
	(void)v;
	x[0] = 4;
}

static void call_uid(struct vcpu *v, uint64_t *x)
{
	(void)v;
	x[1] = phidias_uid[1];
	x[2] = phidias_uid[2];
	x[3] = phidias_uid[3];
	x[0] = phidias_uid[0];
}

static void call_revision(struct vcpu *v, uint64_t *x)
{
	(void)v;
	x[1] = PHIDIAS_ABI_MINOR;
	x[0] = PHIDIAS_ABI_MAJOR;
}

struct vendor_call {
	uint32_t fid;		/* the whole ID: the calling convention must match too */
	void (*fn)(struct vcpu *v, uint64_t *x);
};

/* Indexed by function number: 0-3, and 0xff00-0xff03 (the general queries). */
static const struct vendor_call vendor_calls[4] = {
	{ PHIDIAS_HVC_ABI_VERSION, call_abi_version },
	{ PHIDIAS_HVC_CAP_INVOKE, call_cap_invoke },
	{ PHIDIAS_HVC_YIELD, call_yield },
	{ PHIDIAS_HVC_CAP_INFO, call_cap_info },
};
static const struct vendor_call vendor_queries[4] = {
	{ PHIDIAS_HVC_CALL_COUNT, call_count },
	{ PHIDIAS_HVC_UID, call_uid },
	{ 0, 0 },
	{ PHIDIAS_HVC_REVISION, call_revision },
};

#define SMCCC_OWNER(fid) (((fid) >> 24) & 0x3f)
#define SMCCC_OWNER_ARCH 0
#define SMCCC_OWNER_STANDARD 4	/* PSCI: numbers 0x00-0x1f */
#define SMCCC_OWNER_VENDOR_HYP 6

void hypercall(struct vcpu *v, uint32_t imm)
{
	uint64_t *x = v->regs.x;
	uint32_t fid = (uint32_t)x[0];
	uint32_t num = fid & 0xffff;

	if (imm != 0) {
		x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
		return;
	}
	/* A table or one compare per owning entity (SMCCC 2.5), no search. */
	if (SMCCC_OWNER(fid) == SMCCC_OWNER_VENDOR_HYP) {
		const struct vendor_call *c = 0;

		if (num < 4)
			c = &vendor_calls[num];
		else if (num - 0xff00u < 4)
			c = &vendor_queries[num - 0xff00u];
		if (c && c->fn && c->fid == fid) {
			c->fn(v, x);
			return;
		}
		x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
		return;
	}
	switch (SMCCC_OWNER(fid)) {
	case SMCCC_OWNER_STANDARD:
		if (psci_is_call(fid)) {
			psci_guest_call(v);
			return;
		}
		break;
	case SMCCC_OWNER_ARCH:
		if (fid == SMCCC_VERSION) {
			x[0] = 0x10001;	/* SMCCC 1.1 */
			return;
		}
		if (fid == SMCCC_ARCH_FEATURES) {
			x[0] = (uint64_t)arch_features((uint32_t)x[1]);
			return;
		}
		break;
	default:
		break;
	}
	x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
}
