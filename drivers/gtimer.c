/* SPDX-License-Identifier: Apache-2.0 */
#include <arch/sysreg.h>
#include <drivers/gtimer.h>

#define CNT_CTL_ENABLE 1u

void gtimer_set_deadline(uint64_t cval)
{
	sysreg_write(cnthp_cval_el2, cval);
	sysreg_write(cnthp_ctl_el2, CNT_CTL_ENABLE);
	isb();
}

void gtimer_disable(void)
{
	sysreg_write(cnthp_ctl_el2, 0);
	isb();
}
