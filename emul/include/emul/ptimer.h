/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The EL1 physical timer every vCPU sees (CNTP_CTL_EL0, CNTP_CVAL_EL0,
 * CNTP_TVAL_EL0 over the physical counter CNTPCT_EL0), emulated: the
 * guest's accesses trap (CNTHCTL_EL2.EL1PCEN = 0), its deadline waits in
 * the vCPU's CPU's event queue, and its interrupt is a level-sensitive PPI
 * (PHIDIAS_GUEST_PTIMER_IRQ) of the vGIC that follows the timer condition.
 */
#ifndef EMUL_PTIMER_H
#define EMUL_PTIMER_H

#include <stdint.h>

struct vm;
struct vcpu;

enum ptimer_reg {
	PTIMER_CTL,
	PTIMER_CVAL,
	PTIMER_TVAL,
};

/* At boot, for each VM. */
void ptimer_init_vm(struct vm *vm);
/* The timer at its reset state (disabled), line low; the vCPU is not running. */
void ptimer_reset_vcpu(struct vcpu *v);
/* A trapped access of the vCPU loaded on this CPU. */
uint64_t ptimer_read(struct vcpu *v, enum ptimer_reg reg);
void ptimer_write(struct vcpu *v, enum ptimer_reg reg, uint64_t val);

#endif
