/* SPDX-License-Identifier: Apache-2.0 */
#include <drivers/gicv2.h>
#include <phidias/pcpu.h>
#include <phidias/xcore.h>

void xcore_kick(uint32_t cpu)
{
	if (cpu == this_pcpu()->id) {
		this_pcpu()->need_resched = 1;
		return;
	}
	gic_send_sgi(XCORE_SGI, cpu);
}

void xcore_irq(void)
{
	/* Whatever changed, the run list is re-read before returning to a guest. */
	this_pcpu()->need_resched = 1;
}
