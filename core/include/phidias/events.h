/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Per-CPU timer event queue: statically allocated events, kept ordered by
 * deadline, driven by the EL2 physical timer.  Only the owning CPU touches
 * its queue.
 */
#ifndef PHIDIAS_EVENTS_H
#define PHIDIAS_EVENTS_H

#include <stdint.h>

struct event;
typedef void (*event_fn)(struct event *ev);

struct event {
	uint64_t deadline;	/* physical counter ticks */
	event_fn fn;
	struct event *next;
	uint32_t queued;
};

void event_init(struct event *ev, event_fn fn);
/* (Re)arm ev on this CPU's queue at deadline. */
void event_add(struct event *ev, uint64_t deadline);
void event_cancel(struct event *ev);
/* Run every expired event, then program the timer for the earliest left. */
void events_run(void);

#endif
