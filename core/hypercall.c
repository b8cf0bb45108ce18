/* SPDX-License-Identifier: Apache-2.0 */
#include <arch/psci.h>
#include <phidias/hypercall.h>
#include <phidias/vcpu.h>

void hypercall(struct vcpu *v, uint32_t imm)
{
	uint32_t fid = (uint32_t)v->regs.x[0];

	if (imm != 0) {
		v->regs.x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
		return;
	}
	if (psci_is_call(fid)) {
		psci_guest_call(v);
		return;
	}
	switch (fid) {
	case SMCCC_VERSION:
		v->regs.x[0] = 0x10001;	/* SMCCC 1.1 */
		break;
	default:
		v->regs.x[0] = (uint64_t)(int64_t)SMCCC_NOT_SUPPORTED;
		break;
	}
}
