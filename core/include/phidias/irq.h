/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PHIDIAS_IRQ_H
#define PHIDIAS_IRQ_H

#include <drivers/gicv2.h>
#include <phidias/config.h>
#include <phidias/console.h>
#include <phidias/events.h>
#include <phidias/log.h>
#include <phidias/pcpu.h>
#include <phidias/virq.h>
#include <phidias/xcore.h>

/* Acknowledge and handle every pending physical interrupt of this CPU. */
void irq_handle(void);
/*
 * The same for one of them: 0 if none was pending.  A guest's exit needs
 * no more: another one pending takes the guest straight back out.  Inline:
 * the light exit (arch_light_irq) is its hottest caller.
 */
static inline int irq_handle_one(void)
{
	const struct phidias_platform_config *plat = &phidias_config.plat;
	uint32_t iar, irq = gic_ack(&iar);

	if (irq == GIC_SPURIOUS)
		return 0;
	gic_eoi(iar);
	/* SGIs are the hypervisor's own: never a guest's (virq_physical). */
	if (XCORE_IS_SGI(irq)) {
		/* What its sender wrote before the SGI, read after it (xcore.h). */
		__asm__ volatile("dmb ishld" ::: "memory");
		xcore_irq(irq);
	} else if (virq_physical(irq)) {
		return 1;	/* the guest's EOI deactivates it */
	} else if (irq == plat->hyp_timer_irq) {
		events_run();
	} else if (irq == plat->uart_irq) {
		console_irq();
	} else if (irq == plat->maint_irq) {
		virq_maintenance();
	} else if (irq != plat->virt_timer_irq) {
		/* (the virtual timer's, for a vCPU no longer loaded: its own load re-arms it) */
		log_info("CPU %u: unexpected interrupt %u", this_pcpu()->id, irq);
	}
	gic_deactivate(iar);
	return 1;
}

void irq_init_cpu(void);

#endif
