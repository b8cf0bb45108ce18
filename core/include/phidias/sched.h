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
/* Called on the way back to a guest: switch if something asked for it. */
void sched_check(void);

#endif
