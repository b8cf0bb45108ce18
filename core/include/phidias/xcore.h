/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cross-CPU requests: a physical SGI reserved for the hypervisor per kind
 * of request.  They carry no payload (what to do is in the vCPUs' own
 * flags, written before the SGI is sent), so they coalesce, as the GIC
 * does with an SGI already pending.  The SGI orders memory: its sender
 * writes the SGI register after a barrier, and its receiver reads shared
 * data only after acknowledging it (irq_handle_one).
 */
#ifndef PHIDIAS_XCORE_H
#define PHIDIAS_XCORE_H

#include <stdint.h>
#include <drivers/gicv2.h>
#include <phidias/pcpu.h>
#include <phidias/vcpu.h>

#define XCORE_RESCHED_SGI 0u	/* re-read the run list (a vCPU stopped, ...) */
#define XCORE_WAKE_SGI 1u	/* some vCPU of it has its wake flag set (vcpu_kick) */
#define XCORE_IS_SGI(irq) ((irq) <= XCORE_WAKE_SGI)

/*
 * A vCPU of CPU cpu has its wake flag set (vcpu_kick): the CPU switches if
 * the woken one is not the vCPU it runs.  Nothing for this CPU itself.
 */
static inline void xcore_wake(uint32_t cpu)
{
	if (cpu != this_pcpu()->id)	/* this CPU looks at its flags anyway */
		gic_send_sgi(XCORE_WAKE_SGI, cpu);
}
/* Make CPU cpu (this one too) re-evaluate its run list soon. */
void xcore_kick(uint32_t cpu);

/* vcpu_kick inline, for the injection paths (vgic.c). */
static inline void xcore_kick_vcpu(struct vcpu *v)
{
	v->wake = 1;
	__asm__ volatile("dmb ish" ::: "memory");
	xcore_wake(v->pcpu->id);
}

/* XCORE_WAKE_SGI, on a CPU with several vCPUs or none running. */
void xcore_woken(struct pcpu *p);

/* SGI irq (XCORE_IS_SGI) arrived: answer the request. */
static inline void xcore_irq(uint32_t irq)
{
	struct pcpu *p = this_pcpu();
	const struct vcpu *cur = p->current;

	if (irq == XCORE_RESCHED_SGI)
		p->need_resched = 1;
	else if (p->cfg->nr_vcpus > 1 || !cur)
		xcore_woken(p);
	else if (cur->state != VCPU_RUNNABLE)
		p->need_resched = 1;
	/*
	 * Else the woken one is cur, alone on its CPU and running: its way
	 * back into the guest refills its list registers if they changed.
	 */
}

#endif
