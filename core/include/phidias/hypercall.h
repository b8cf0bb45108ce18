/* SPDX-License-Identifier: Apache-2.0 */
/* HVC/SMC calls from guests: SMCCC function IDs in x0, results in x0. */
#ifndef PHIDIAS_HYPERCALL_H
#define PHIDIAS_HYPERCALL_H

#include <stdint.h>

#define SMCCC_VERSION 0x80000000u
#define SMCCC_NOT_SUPPORTED (-1)

struct vcpu;

void hypercall(struct vcpu *vcpu, uint32_t imm);

#endif
