/* SPDX-License-Identifier: Apache-2.0 */
#include <phidias_gen.h>
#include <phidias/config.h>
#include <drivers/gicv2.h>
#include <phidias/pcpu.h>
#include <phidias/vcpu.h>
#include <phidias/xcore.h>

/* gic_send_sgi's target list is 8 bits (GICv2 4.3.15). */
_Static_assert(PHIDIAS_NR_PCPUS <= PHIDIAS_MAX_PCPUS, "more physical CPUs than GICv2 can signal");

/*
 * Some vCPU of this CPU was kicked: a switch unless it is the one running
 * here, whose way back into the guest refills its list registers if they
 * changed (xcore_irq decides that case inline for a CPU with one vCPU).
 */
void xcore_woken(struct pcpu *p)
{
	const struct vcpu *cur = p->current;

	for (uint32_t i = 0; i < p->cfg->nr_vcpus; i++)
		if (p->run[i] != cur && p->run[i]->wake)
			p->need_resched = 1;
	if (!cur || cur->state != VCPU_RUNNABLE)
		p->need_resched = 1;
}

void xcore_kick(uint32_t cpu)
{
	if (cpu == this_pcpu()->id)
		this_pcpu()->need_resched = 1;
	else
		gic_send_sgi(XCORE_RESCHED_SGI, cpu);
}

void vcpu_kick(struct vcpu *v)
{
	xcore_kick_vcpu(v);
}
