/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ticker: a line every period (bootargs period=<n>ms|us, default 10ms),
 * forever or count=<n> times.  Deadlines are absolute, so the ticks do not
 * drift with the time spent printing or descheduled.
 *
 * wait=busy (default) polls the counter, keeping the CPU for the whole
 * slice; wait=wfi arms the virtual timer for the deadline and waits in WFI
 * (interrupts stay masked in PSTATE: the timer condition only wakes the
 * WFI, no exception is taken), so the hypervisor can block the vCPU until
 * then; wait=wfe polls with WFE, which the hypervisor turns into a yield.
 */
#include <bm/bm.h>

#define TICKER_DEFAULT_PERIOD_US 10000u

#define CNTV_CTL_ENABLE 1u	/* IMASK (bit 1) clear: the condition is signalled */

enum ticker_wait { WAIT_BUSY, WAIT_WFI, WAIT_WFE };

static void wait_until(uint64_t deadline, enum ticker_wait how)
{
	switch (how) {
	case WAIT_WFI:
		bm_write_sysreg(cntv_cval_el0, deadline);
		bm_write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
		bm_isb();
		while (bm_counter_read() < deadline)
			__asm__ volatile("wfi" : : : "memory");
		/* Disarm: a met condition left enabled stays pending. */
		bm_write_sysreg(cntv_ctl_el0, 0);
		bm_isb();
		break;
	case WAIT_WFE:
		while (bm_counter_read() < deadline)
			__asm__ volatile("wfe" : : : "memory");
		break;
	default:
		bm_delay_until(deadline);
		break;
	}
}

static enum ticker_wait parse_wait(const char *args)
{
	char how[8];
	int err = bm_bootargs_get(args, "wait", how, sizeof(how));

	if (err == -BM_ENOENT || (err >= 0 && strcmp(how, "busy") == 0))
		return WAIT_BUSY;
	if (err >= 0 && strcmp(how, "wfi") == 0)
		return WAIT_WFI;
	if (err >= 0 && strcmp(how, "wfe") == 0)
		return WAIT_WFE;
	bm_printf("ticker: bad wait, busy-waiting\n");
	return WAIT_BUSY;
}

int main(const void *dtb)
{
	const char *args = bm_bootargs();
	uint64_t period_us = TICKER_DEFAULT_PERIOD_US, count = 0;
	uint64_t freq = bm_counter_freq(), period, next;
	enum ticker_wait how = parse_wait(args);
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
		wait_until(next, how);
		bm_printf("tick %lu cnt=%lu freq=%lu\n", (unsigned long)n,
			  (unsigned long)bm_counter_read(), (unsigned long)freq);
		next += period;
	}
	return 0;
}
