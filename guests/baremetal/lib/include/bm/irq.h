/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Interrupt handling: IRQ exceptions at EL1 are acknowledged at the GIC and
 * dispatched to the handler registered for the INTID, then EOIed.  Handlers
 * run with interrupts masked (no nesting), on the interrupted stack.
 */
#ifndef BM_IRQ_H
#define BM_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define BM_IRQ_MAX	128u	/* INTIDs 0..127 can have a handler */

/* iar is the whole GICC_IAR value (SGIs: source CPU in bits 12:10). */
typedef void (*bm_irq_handler_t)(uint32_t intid, uint32_t iar, void *arg);

/*
 * Register (or with NULL remove) the handler for intid; -BM_EINVAL if too
 * big.  SGIs and PPIs (0-31) are banked: their handler is the calling
 * vCPU's only.
 */
int bm_irq_register(uint32_t intid, bm_irq_handler_t handler, void *arg);

/* PSTATE.I: unmask / mask IRQs on this CPU. */
static inline void bm_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline void bm_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

static inline bool bm_irq_enabled(void)
{
	uint64_t daif;

	__asm__ volatile("mrs %0, daif" : "=r"(daif));
	return (daif & (1u << 7)) == 0;
}

/*
 * Sleep until an interrupt has been handled: call with IRQs masked after
 * checking the condition you wait for; WFI wakes on a pending interrupt
 * even while masked, which is then taken when IRQs are briefly unmasked.
 * Returns with IRQs masked.
 */
void bm_irq_wait(void);

/* Interrupts taken on this CPU without a handler (they are EOIed). */
uint64_t bm_irq_unhandled(void);
/* Called by the vector code. */
void bm_irq_dispatch(void);

#endif /* BM_IRQ_H */
