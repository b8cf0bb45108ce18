/* SPDX-License-Identifier: Apache-2.0 */
/* IRQ dispatch: acknowledge at the GIC, call the handler, EOI. */
#include <stddef.h>
#include <stdint.h>

#include <bm/error.h>
#include <bm/gic.h>
#include <bm/irq.h>
#include <bm/smp.h>

struct bm_irq_slot {
	bm_irq_handler_t handler;
	void *arg;
};

/* SGIs and PPIs are banked per CPU, and so are their handlers. */
static struct bm_irq_slot bm_irq_private[BM_SMP_MAX_CPUS][BM_GIC_SPI_BASE];
static struct bm_irq_slot bm_irq_shared[BM_IRQ_MAX - BM_GIC_SPI_BASE];
static volatile uint64_t bm_irq_nr_unhandled;

static struct bm_irq_slot *bm_irq_slot(uint32_t intid)
{
	uint32_t cpu = bm_smp_cpu();

	if (intid < BM_GIC_SPI_BASE)
		return cpu < BM_SMP_MAX_CPUS ? &bm_irq_private[cpu][intid] : NULL;
	return intid < BM_IRQ_MAX ? &bm_irq_shared[intid - BM_GIC_SPI_BASE] : NULL;
}

int bm_irq_register(uint32_t intid, bm_irq_handler_t handler, void *arg)
{
	struct bm_irq_slot *slot = bm_irq_slot(intid);

	if (!slot)
		return -BM_EINVAL;
	slot->arg = arg;
	slot->handler = handler;
	return 0;
}

uint64_t bm_irq_unhandled(void)
{
	return bm_irq_nr_unhandled;
}

void bm_irq_dispatch(void)
{
	/* Take everything that is pending before returning (fewer exceptions). */
	for (;;) {
		uint32_t iar = bm_gic_ack();
		uint32_t intid = BM_GIC_IAR_INTID(iar);
		struct bm_irq_slot *slot;

		if (intid >= BM_GIC_SPURIOUS - 3u)	/* 1020-1023: nothing to ack */
			return;
		slot = bm_irq_slot(intid);
		if (slot && slot->handler)
			slot->handler(intid, iar, slot->arg);
		else
			bm_irq_nr_unhandled++;
		bm_gic_eoi(iar);
	}
}

void bm_irq_wait(void)
{
	__asm__ volatile("dsb sy\n\twfi" : : : "memory");
	bm_irq_enable();
	__asm__ volatile("isb" : : : "memory");
	bm_irq_disable();
}
