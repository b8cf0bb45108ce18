/* SPDX-License-Identifier: Apache-2.0 */
/* Per-CPU round robin over the statically assigned vCPUs. */
#ifndef PHIDIAS_SCHED_H
#define PHIDIAS_SCHED_H

struct vcpu;

void sched_init_cpu(void);
/* Pick what runs next on this CPU (idling until something can). */
void sched_schedule(void);
/* The current vCPU gives up the rest of its slice. */
void sched_yield(void);
/* The current vCPU waits (WFI) until it is woken. */
void sched_block(void);
/* Run the current CPU's first vCPU; never returns. */
void sched_start(void) __attribute__((noreturn));
/*
 * The current vCPU's VM has console output not yet shown: its next WFI
 * must reach the scheduler (sched_block shows the line when the VM idles).
 */
void sched_trap_idle(void);
/*
 * Wait until physical CPU cpu has parked the vCPUs set VCPU_STOPPED before
 * the call: none runs guest code or is inside a trap there, and none is
 * still loaded there (so nothing of it is saved later over a reset).  The
 * CPU acknowledges from its scheduler; on this CPU it is immediate.
 */
void sched_park(uint32_t cpu);

#endif
