/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PHIDIAS_VCPU_H
#define PHIDIAS_VCPU_H

#include <stdint.h>
#include <arch/context.h>
#include <phidias/config.h>
#include <phidias/events.h>
#include <phidias/pcpu.h>
#include <phidias/virq.h>

enum vcpu_state {
	VCPU_OFF,		/* not started (PSCI CPU_OFF / not yet CPU_ON) */
	VCPU_RUNNABLE,
	VCPU_BLOCKED,		/* in WFI, waiting for a wake-up */
	VCPU_STOPPED,		/* its VM stopped */
};

struct vm;
struct pcpu;
struct vgic_cpu;

struct vcpu {
	struct arch_regs regs;	/* first: the exception entry saves here */
	struct arch_vcpu arch;
	const struct phidias_vcpu_config *cfg;
	struct vm *vm;
	struct pcpu *pcpu;
	uint32_t id;		/* global index */
	volatile uint32_t state;	/* enum vcpu_state; changed under the pcpu's lock */
	volatile uint32_t wake;	/* set by anyone, consumed by its pcpu */
	struct vgic_cpu *vgic;	/* its vGIC CPU interface state; NULL: its VM has no vGIC */
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
/*
 * Its list registers refilled before it enters (vcpu->virq_dirty set).
 * The refill delivers what woke it: a WFI must not fall through for it
 * again.  The wake flag is cleared first: a later wake-up stays seen.
 */
static inline void vcpu_refill(struct vcpu *v)
{
	v->wake = 0;
	__asm__ volatile("dmb ish" ::: "memory");
	virq_entry(v);
}
/*
 * After a trap handled without a full register save (the current vCPU, on
 * its CPU): 1 when it may go straight back (its list registers refilled if
 * needed), 0 when the full entry path must run (a switch may follow).
 */
static inline int vcpu_light_return(struct vcpu *v)
{
	if (this_pcpu()->need_resched || v->state != VCPU_RUNNABLE)
		return 0;
	if (v->virq_dirty)
		vcpu_refill(v);
	return 1;
}

#endif
