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
/*
 * Per destination: the sources whose queue has news, and NEWS_WAKE for a
 * kicked vCPU (set before the SGI).
 */
static uint32_t news[PHIDIAS_NR_PCPUS];
#define NEWS_WAKE (1u << 31)
_Static_assert(PHIDIAS_MAX_PCPUS < 31, "news: a bit per source CPU, and NEWS_WAKE");

static void resched(uint64_t arg)
{
	(void)arg;
	this_pcpu()->need_resched = 1;
}

/*
 * Some vCPU of this CPU was kicked (its wake flag set before the SGI): a
 * switch unless it is the one running here, whose way back into the guest
 * refills its list registers if they changed.
 */
static void woken(void)
{
	struct pcpu *p = this_pcpu();
	const struct vcpu *cur = p->current;

	for (uint32_t i = 0; i < p->cfg->nr_vcpus; i++) {
		const struct vcpu *v = &vcpus[p->cfg->vcpus[i]];

		if (v != cur && v->wake)
			p->need_resched = 1;
	}
	if (!cur || cur->state != VCPU_RUNNABLE)
		p->need_resched = 1;
}

static void (*const handlers[XCORE_NR_TYPES])(uint64_t arg) = {
	[XCORE_RESCHED] = resched,
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
	__atomic_or_fetch(&news[cpu], 1u << self, __ATOMIC_RELEASE);
	gic_send_sgi(XCORE_SGI, cpu);
}

void xcore_wake(uint32_t cpu)
{
	if (cpu == this_pcpu()->id)
		return;		/* the caller's own CPU looks at its flags anyway */
	__atomic_or_fetch(&news[cpu], NEWS_WAKE, __ATOMIC_RELEASE);
	gic_send_sgi(XCORE_SGI, cpu);
}

void xcore_kick(uint32_t cpu)
{
	xcore_send(cpu, XCORE_RESCHED, 0);
}

void xcore_irq(void)
{
	uint32_t self = this_pcpu()->id;
	uint32_t from = __atomic_exchange_n(&news[self], 0, __ATOMIC_ACQUIRE);

	if (from & NEWS_WAKE) {
		from &= ~NEWS_WAKE;
		woken();
	}

	while (from) {
		uint32_t src = (uint32_t)__builtin_ctz(from);
		struct xcore_queue *q = &queues[src][self];
		uint32_t tail = q->tail;

		from &= from - 1;
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
