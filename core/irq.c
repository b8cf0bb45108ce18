/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Physical interrupts: the hypervisor's own (its timer, the cross-CPU SGIs,
 * the console, the vGIC maintenance interrupt) and the guests' (their
 * virtual timers and passed-through devices), which go to the vGIC.
 */
#include <drivers/gicv2.h>
#include <drivers/pl011.h>
#include <phidias/config.h>
#include <phidias/console.h>
#include <phidias/events.h>
#include <phidias/irq.h>
#include <phidias/log.h>
#include <phidias/pcpu.h>
#include <phidias/virq.h>
#include <phidias/xcore.h>

void irq_init_cpu(void)
{
	const struct phidias_platform_config *plat = &phidias_config.plat;

	gic_init_cpu(this_pcpu()->id);
	gic_enable_irq(XCORE_RESCHED_SGI, 0);
	gic_enable_irq(XCORE_WAKE_SGI, 0);
	gic_enable_irq(plat->hyp_timer_irq, 0);
	gic_enable_irq(plat->maint_irq, 0);
	gic_enable_irq(plat->virt_timer_irq, 0);
	if (this_pcpu()->id == 0) {
		gic_enable_irq(plat->uart_irq, 0);
		pl011_enable_rx_irq();
	}
}

void irq_handle(void)
{
	while (irq_handle_one())
		;
}
