/* SPDX-License-Identifier: Apache-2.0 */
#include <arch/cpu.h>
#include <drivers/gtimer.h>
#include <phidias/events.h>
#include <phidias/pcpu.h>

void event_init(struct event *ev, event_fn fn)
{
	ev->fn = fn;
	ev->next = 0;
	ev->queued = 0;
}

static void program_timer(struct pcpu *p)
{
	if (p->events)
		gtimer_set_deadline(p->events->deadline);
	else
		gtimer_disable();
}

static void unlink(struct pcpu *p, struct event *ev)
{
	for (struct event **pp = &p->events; *pp; pp = &(*pp)->next) {
		if (*pp == ev) {
			*pp = ev->next;
			break;
		}
	}
	ev->queued = 0;
	ev->next = 0;
}

void event_add(struct event *ev, uint64_t deadline)
{
	struct pcpu *p = this_pcpu();
	struct event **pp;

	if (ev->queued)
		unlink(p, ev);
	ev->deadline = deadline;
	for (pp = &p->events; *pp && (*pp)->deadline <= deadline; pp = &(*pp)->next)
		;
	ev->next = *pp;
	*pp = ev;
	ev->queued = 1;
	program_timer(p);
}

void event_cancel(struct event *ev)
{
	struct pcpu *p = this_pcpu();

	if (!ev->queued)
		return;
	unlink(p, ev);
	program_timer(p);
}

void events_run(void)
{
	struct pcpu *p = this_pcpu();
	uint64_t now = arch_counter();

	while (p->events && p->events->deadline <= now) {
		struct event *ev = p->events;

		unlink(p, ev);
		ev->fn(ev);
	}
	program_timer(p);
}
