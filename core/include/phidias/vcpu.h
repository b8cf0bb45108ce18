/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PHIDIAS_VCPU_H
#define PHIDIAS_VCPU_H

#include <stdint.h>
#include <arch/context.h>
#include <phidias/config.h>
#include <phidias/events.h>

enum vcpu_state {
	VCPU_OFF,		/* not started (PSCI CPU_OFF / not yet CPU_ON) */
	VCPU_RUNNABLE,
	VCPU_BLOCKED,		/* in WFI, waiting for a wake-up */
	VCPU_STOPPED,		/* its VM stopped */
};

struct vm;
struct pcpu;

struct vcpu {
	struct arch_regs regs;	/* first: the exception entry saves here */
	struct arch_vcpu arch;
	const struct phidias_vcpu_config *cfg;
	struct vm *vm;
	struct pcpu *pcpu;
	uint32_t id;		/* global index */
	volatile uint32_t state;	/* enum vcpu_state; changed under the pcpu's lock */
	volatile uint32_t wake;	/* set by anyone, consumed by its pcpu */
	/* Its interrupt state changed: refill the list registers (virq_entry). */
	volatile uint32_t virq_dirty;
	uint32_t vtimer_fired;	/* its virtual timer interrupt injected, not yet seen taken or withdrawn */
	/*
	 * PSCI CPU_ON asked for a fresh start at start_entry (x0 = start_arg):
	 * set with the state under the pcpu's lock, applied by its own CPU in
	 * the scheduler, which discards whatever of the vCPU it still holds.
	 */
	uint32_t start_pending;
	uint64_t start_entry, start_arg;
	struct event timer_wake;	/* virtual-timer deadline while blocked */
};

extern struct vcpu vcpus[];

/* Ask the vCPU to re-check whether it can run (from any physical CPU). */
void vcpu_kick(struct vcpu *vcpu);
/* Last before every entry to a guest, on its CPU (vectors.S): the vCPU to enter. */
struct vcpu *vcpu_prepare_entry(void);

#endif
