/* SPDX-License-Identifier: Apache-2.0 */
/* Busy-wait delays on the virtual counter. */
#include <stdint.h>

#include <bm/sysreg.h>
#include <bm/timer.h>

#define BM_US_PER_S 1000000u

/* a * b / c, exact and without overflow as long as c * b < 2^64. */
static uint64_t bm_muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	return (a / c) * b + (a % c) * b / c;
}

uint64_t bm_us_to_ticks(uint64_t us)
{
	return bm_muldiv(us, bm_counter_freq(), BM_US_PER_S);
}

uint64_t bm_ticks_to_us(uint64_t ticks)
{
	uint64_t freq = bm_counter_freq();

	return freq ? bm_muldiv(ticks, BM_US_PER_S, freq) : 0;
}

void bm_delay_until(uint64_t deadline)
{
	while (bm_counter_read() < deadline)
		bm_cpu_relax();
}

void bm_delay_ticks(uint64_t ticks)
{
	bm_delay_until(bm_counter_read() + ticks);
}

void bm_delay_us(uint64_t us)
{
	bm_delay_ticks(bm_us_to_ticks(us));
}

void bm_delay_ms(uint64_t ms)
{
	bm_delay_us(ms * 1000u);
}
