/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Synchronous exceptions the hypervisor makes a guest take at EL1, exactly
 * as the hardware would have raised them there (Arm ARM D1.10, pseudo-code
 * AArch64.TakeException).  The vCPU must be the one loaded on this CPU, just
 * trapped: its EL1 registers are live.
 */
#ifndef ARCH_INJECT_H
#define ARCH_INJECT_H

#include <stdint.h>

struct vcpu;

/* The trapped instruction is UNDEFINED: EC 0 (Unknown reason) at EL1. */
void arch_inject_undef(struct vcpu *v, uint64_t esr_el2);
/*
 * The data or instruction abort trapped with esr_el2 (EC 0x24 / 0x20) is
 * the guest's: a stage-2 permission fault stays a permission fault, any
 * other (nothing mapped there, an access no device accepts) becomes a
 * synchronous external abort.  FAR_EL1 = the faulting virtual address.
 */
void arch_inject_abort(struct vcpu *v, uint64_t esr_el2, uint64_t far);

#endif
