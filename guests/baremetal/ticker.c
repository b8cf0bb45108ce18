/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ticker: a line every period (bootargs period=<n>ms|us, default 10ms),
 * forever or count=<n> times.  Deadlines are absolute, so the ticks do not
 * drift with the time spent printing or descheduled.
 */
#include <bm/bm.h>

#define TICKER_DEFAULT_PERIOD_US 10000u

int main(const void *dtb)
{
	const char *args = bm_bootargs();
	uint64_t period_us = TICKER_DEFAULT_PERIOD_US, count = 0;
	uint64_t freq = bm_counter_freq(), period, next;
	int err;

	(void)dtb;
	err = bm_bootargs_get_duration_us(args, "period", &period_us);
	if (err == -BM_EINVAL || err == -BM_ERANGE || (err == 0 && period_us == 0)) {
		bm_printf("ticker: bad period, using %uus\n",
			  TICKER_DEFAULT_PERIOD_US);
		period_us = TICKER_DEFAULT_PERIOD_US;
	}
	err = bm_bootargs_get_u64(args, "count", &count);
	if (err == -BM_EINVAL || err == -BM_ERANGE) {
		bm_printf("ticker: bad count, ticking forever\n");
		count = 0;
	}

	period = bm_us_to_ticks(period_us);
	if (period == 0)
		period = 1;
	next = bm_counter_read() + period;
	for (uint64_t n = 1; count == 0 || n <= count; n++) {
		bm_delay_until(next);
		bm_printf("tick %lu cnt=%lu freq=%lu\n", (unsigned long)n,
			  (unsigned long)bm_counter_read(), (unsigned long)freq);
		next += period;
	}
	return 0;
}
