/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The EL1 virtual timer (CNTV_*, Arm ARM D11.2.4), one per vCPU.  Its
 * interrupt is PPI 27 (the device tree's third /timer interrupt, PPI 11),
 * level-sensitive: a handler must re-arm or stop the timer before it
 * returns, or it is taken again at once.
 */
#ifndef BM_VTIMER_H
#define BM_VTIMER_H

#include <stdbool.h>
#include <stdint.h>

#define BM_VTIMER_INTID		27u

/* Fire when CNTVCT_EL0 >= cval (CNTV_CVAL_EL0; ENABLE = 1, IMASK = 0). */
void bm_vtimer_arm_at(uint64_t cval);
/* Fire `ticks` counter ticks from now. */
void bm_vtimer_arm_in(uint64_t ticks);
/* ENABLE = 0: no interrupt. */
void bm_vtimer_stop(void);
/* CNTV_CTL_EL0.ISTATUS: the timer condition is met. */
bool bm_vtimer_fired(void);
uint64_t bm_vtimer_cval(void);

#endif /* BM_VTIMER_H */
