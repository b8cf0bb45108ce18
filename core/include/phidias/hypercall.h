/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest calls (docs/abi.md): HVC #0 or SMC #0, SMC Calling Convention
 * (ARM DEN 0028) function ID in w0, arguments in x1-x7, results in x0-x3.
 * Phidias' own calls live in the vendor-specific hypervisor service range.
 */
#ifndef PHIDIAS_HYPERCALL_H
#define PHIDIAS_HYPERCALL_H

#include <stdint.h>

#define SMCCC_VERSION 0x80000000u
#define SMCCC_ARCH_FEATURES 0x80000001u
#define SMCCC_SMC64 0x40000000u

#define SMCCC_OK 0
#define SMCCC_NOT_SUPPORTED (-1)
#define SMCCC_NOT_REQUIRED (-2)
#define SMCCC_INVALID_PARAMETER (-3)

/* Vendor-specific hypervisor service (owning entity 6). */
#define PHIDIAS_HVC_CALL_COUNT 0x8600ff00u
#define PHIDIAS_HVC_UID 0x8600ff01u
#define PHIDIAS_HVC_REVISION 0x8600ff03u
#define PHIDIAS_HVC_ABI_VERSION 0x86000000u
#define PHIDIAS_HVC_CAP_INVOKE 0xc6000001u
#define PHIDIAS_HVC_YIELD 0x86000002u
#define PHIDIAS_HVC_CAP_INFO 0xc6000003u

#define PHIDIAS_ABI_MAJOR 1u
#define PHIDIAS_ABI_MINOR 0u

/* Phidias-specific errors, beyond SMCCC's */
#define PHIDIAS_E_STOPPED (-4)	/* the capability's target VM is not running */

struct vcpu;

void hypercall(struct vcpu *vcpu, uint32_t imm);

#endif
