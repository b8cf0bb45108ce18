/* SPDX-License-Identifier: Apache-2.0 */
/* PSCI (ARM DEN 0022): emulated for guests, called on firmware. */
#ifndef ARCH_PSCI_H
#define ARCH_PSCI_H

#include <stdint.h>

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND 0x84000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0x84000003u
#define PSCI_AFFINITY_INFO 0x84000004u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define PSCI_64BIT 0x40000000u

#define PSCI_SUCCESS 0
#define PSCI_NOT_SUPPORTED (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED (-3)
#define PSCI_ALREADY_ON (-4)

struct vcpu;

/* Is fid a PSCI function (either calling convention)? */
static inline int psci_is_call(uint32_t fid)
{
	return (fid & ~PSCI_64BIT & 0xffffffe0u) == 0x84000000u;
}

/* Emulate the PSCI call in the vCPU's x0-x3; result in x0. */
void psci_guest_call(struct vcpu *vcpu);

#endif
