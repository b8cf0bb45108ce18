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
	volatile uint32_t running;	/* executing guest code right now */
	uint32_t reload;	/* its saved state was reset: load it even if current */
	struct event timer_wake;	/* virtual-timer deadline while blocked */
};

extern struct vcpu vcpus[];

/* Ask the vCPU to re-check whether it can run (from any physical CPU). */
void vcpu_kick(struct vcpu *vcpu);
/* Around every guest run, on its CPU: after the exit, and last before entry. */
void vcpu_exited(struct vcpu *vcpu);
void vcpu_prepare_entry(void);

#endif
