/* SPDX-License-Identifier: Apache-2.0 */
/* Everything a bare-metal guest usually needs, in one include. */
#ifndef BM_BM_H
#define BM_BM_H

#include <bm/bootargs.h>
#include <bm/error.h>
#include <bm/fdt.h>
#include <bm/gic.h>
#include <bm/hyp.h>
#include <bm/irq.h>
#include <bm/phidias.h>
#include <bm/printf.h>
#include <bm/psci.h>
#include <bm/runtime.h>
#include <bm/smccc.h>
#include <bm/smp.h>
#include <bm/string.h>
#include <bm/sysreg.h>
#include <bm/timer.h>
#include <bm/uart.h>
#include <bm/vtimer.h>

#endif /* BM_BM_H */
