/* SPDX-License-Identifier: Apache-2.0 */
#include <phidias_gen.h>
#include <phidias/config.h>
#include <drivers/gicv2.h>
#include <phidias/pcpu.h>
#include <phidias/vcpu.h>
#include <phidias/xcore.h>

/* gic_send_sgi's target list is 8 bits (GICv2 4.3.15). */
_Static_assert(PHIDIAS_NR_PCPUS <= PHIDIAS_MAX_PCPUS, "more physical CPUs than GICv2 can signal");

/* What each CPU is asked to do, set by others before they send it the SGI. */
#define REQ_RESCHED 1u		/* re-read the run list (a vCPU stopped, ...) */
#define REQ_WAKE 2u		/* some vCPU of it has its wake flag set (vcpu_kick) */

static uint32_t requests[PHIDIAS_NR_PCPUS];

/*
 * Some vCPU of this CPU was kicked: a switch unless it is the one running
 * here, whose way back into the guest refills its list registers if they
 * changed.
 */
static void woken(struct pcpu *p)
{
	const struct vcpu *cur = p->current;

	/* Alone on its CPU and running here, the woken one is cur: nothing to look at. */
	if (p->cfg->nr_vcpus > 1 || !cur)
		for (uint32_t i = 0; i < p->cfg->nr_vcpus; i++) {
			const struct vcpu *v = &vcpus[p->cfg->vcpus[i]];

			if (v != cur && v->wake)
				p->need_resched = 1;
		}
	if (!cur || cur->state != VCPU_RUNNABLE)
		p->need_resched = 1;
}

/* Requests coalesce: each asks only for a look, which one look answers. */
static void request(uint32_t cpu, uint32_t what)
{
	__atomic_or_fetch(&requests[cpu], what, __ATOMIC_RELEASE);
	gic_send_sgi(XCORE_SGI, cpu);
}

void xcore_wake(uint32_t cpu)
{
	if (cpu != this_pcpu()->id)	/* this CPU looks at its flags anyway */
		request(cpu, REQ_WAKE);
}

void xcore_kick(uint32_t cpu)
{
	if (cpu == this_pcpu()->id)
		this_pcpu()->need_resched = 1;
	else
		request(cpu, REQ_RESCHED);
}

void xcore_irq(void)
{
	struct pcpu *p = this_pcpu();
	uint32_t what = __atomic_exchange_n(&requests[p->id], 0, __ATOMIC_ACQUIRE);

	if (what & REQ_RESCHED)
		p->need_resched = 1;
	if (what & REQ_WAKE)
		woken(p);
}
