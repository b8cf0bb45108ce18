/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PHIDIAS_PCPU_H
#define PHIDIAS_PCPU_H

#include <stdint.h>
#include <arch/cpu.h>
#include <arch/spinlock.h>
#include <phidias/events.h>

struct vcpu;
struct vm;

struct pcpu {
	struct vcpu *current;	/* PCPU_CURRENT: the exception entry reads it */
	uint64_t stack_top;	/* PCPU_STACK_TOP: reset on every entry to a guest */
	/* The vCPU whose EL1, FP/SIMD, timer and vGIC state the CPU holds. */
	struct vcpu *loaded;
	/*
	 * Park handshake (sched_park): requesters bump park_req; the CPU's
	 * scheduler unloads a stopped vCPU it holds, then sets park_ack.
	 */
	volatile uint32_t park_req;
	volatile uint32_t park_ack;
	uint32_t id;
	const struct phidias_pcpu_config *cfg;
	uint32_t rr_index;	/* position of current in cfg->vcpus */
	struct vcpu *const *run;	/* cfg->vcpus as pointers (sched_init_cpu) */
	uint32_t need_resched;
	/* Its guest's WFI/WFE wait natively, untrapped (sched.c: wait_policy). */
	uint32_t wait_native;
	struct event slice_end;	/* at or before slice_deadline (sched.c) */
	uint64_t slice_deadline;
	struct event *events;	/* ordered timer events */
	spinlock_t lock;	/* vCPU state changes from other CPUs */
	struct vm *resetting;	/* VMs whose RAM this CPU reloads (vm_reset) */
};

extern struct pcpu pcpus[];

#endif
