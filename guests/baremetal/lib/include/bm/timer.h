/* SPDX-License-Identifier: Apache-2.0 */
/* The generic timer's virtual counter, and busy-wait delays on it. */
#ifndef BM_TIMER_H
#define BM_TIMER_H

#include <stdint.h>

/* CNTVCT_EL0; the ISB keeps the read from being hoisted (Arm ARM D11.2.2). */
static inline uint64_t bm_counter_read(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
}

/* CNTFRQ_EL0: counter ticks per second, as set up by firmware. */
static inline uint64_t bm_counter_freq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

/* Conversions; exact for any realistic value (no 64-bit overflow). */
uint64_t bm_us_to_ticks(uint64_t us);
uint64_t bm_ticks_to_us(uint64_t ticks);

/*
 * Busy-waits (with bm_cpu_relax()) until the counter reaches deadline, or
 * for the given time.  They keep the CPU: under the hypervisor the vCPU
 * still runs for the rest of its time slice.
 */
void bm_delay_until(uint64_t deadline);
void bm_delay_ticks(uint64_t ticks);
void bm_delay_us(uint64_t us);
void bm_delay_ms(uint64_t ms);

#endif /* BM_TIMER_H */
