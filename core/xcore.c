/* SPDX-License-Identifier: Apache-2.0 */
#include <phidias_gen.h>
#include <phidias/config.h>
#include <drivers/gicv2.h>
#include <phidias/pcpu.h>
#include <phidias/vcpu.h>
#include <phidias/xcore.h>

#define QUEUE_LEN 16u		/* power of two */

/* gic_send_sgi's target list is 8 bits (GICv2 4.3.15). */
_Static_assert(PHIDIAS_NR_PCPUS <= PHIDIAS_MAX_PCPUS, "more physical CPUs than GICv2 can signal");

struct xcore_msg {
	uint32_t type;
	uint64_t arg;
};

/* queue[src][dst]: only src writes head, only dst writes tail. */
struct xcore_queue {
	volatile uint32_t head;
	volatile uint32_t tail;
	volatile uint32_t overflow;	/* messages were dropped: re-check all */
	struct xcore_msg msg[QUEUE_LEN];
};

static struct xcore_queue queues[PHIDIAS_NR_PCPUS][PHIDIAS_NR_PCPUS];

static void resched(uint64_t arg)
{
	(void)arg;
	this_pcpu()->need_resched = 1;
}

static void wake_vcpu(uint64_t arg)
{
	/* vcpu_kick set its wake flag already (before the message: a dropped one too). */
	(void)arg;
	this_pcpu()->need_resched = 1;
}

static void (*const handlers[XCORE_NR_TYPES])(uint64_t arg) = {
	[XCORE_RESCHED] = resched,
	[XCORE_WAKE_VCPU] = wake_vcpu,
};

void xcore_send(uint32_t cpu, enum xcore_msg_type type, uint64_t arg)
{
	uint32_t self = this_pcpu()->id;
	struct xcore_queue *q;
	uint32_t head;

	if (cpu == self) {
		handlers[type](arg);
		return;
	}
	q = &queues[self][cpu];
	head = q->head;
	if (head - __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE) == QUEUE_LEN) {
		/* Full: every message only asks for a re-check, which this one will. */
		q->overflow = 1;
	} else {
		q->msg[head % QUEUE_LEN].type = type;
		q->msg[head % QUEUE_LEN].arg = arg;
		__atomic_store_n(&q->head, head + 1, __ATOMIC_RELEASE);
	}
	gic_send_sgi(XCORE_SGI, cpu);
}

void xcore_kick(uint32_t cpu)
{
	xcore_send(cpu, XCORE_RESCHED, 0);
}

void xcore_irq(void)
{
	uint32_t self = this_pcpu()->id;

	for (uint32_t src = 0; src < PHIDIAS_NR_PCPUS; src++) {
		struct xcore_queue *q = &queues[src][self];
		uint32_t tail = q->tail;

		while (tail != __atomic_load_n(&q->head, __ATOMIC_ACQUIRE)) {
			struct xcore_msg m = q->msg[tail % QUEUE_LEN];

			__atomic_store_n(&q->tail, ++tail, __ATOMIC_RELEASE);
			if (m.type < XCORE_NR_TYPES)
				handlers[m.type](m.arg);
		}
		if (q->overflow) {
			q->overflow = 0;
			resched(0);
		}
	}
}
