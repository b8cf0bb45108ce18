/* SPDX-License-Identifier: Apache-2.0 */
/* The EL1 virtual timer. */
#include <stdbool.h>
#include <stdint.h>

#include <bm/sysreg.h>
#include <bm/timer.h>
#include <bm/vtimer.h>

#define CNTV_CTL_ENABLE		(1u << 0)
#define CNTV_CTL_IMASK		(1u << 1)
#define CNTV_CTL_ISTATUS	(1u << 2)

void bm_vtimer_arm_at(uint64_t cval)
{
	bm_write_sysreg(cntv_cval_el0, cval);
	bm_write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	bm_isb();
}

void bm_vtimer_arm_in(uint64_t ticks)
{
	bm_vtimer_arm_at(bm_counter_read() + ticks);
}

void bm_vtimer_stop(void)
{
	bm_write_sysreg(cntv_ctl_el0, 0);
	bm_isb();
}

bool bm_vtimer_fired(void)
{
	return (bm_read_sysreg(cntv_ctl_el0) & CNTV_CTL_ISTATUS) != 0;
}

uint64_t bm_vtimer_cval(void)
{
	return bm_read_sysreg(cntv_cval_el0);
}
