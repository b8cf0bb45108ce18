/* SPDX-License-Identifier: Apache-2.0 */
/* The EL2 physical timer (CNTHP_*), the hypervisor's only time source. */
#ifndef DRIVERS_GTIMER_H
#define DRIVERS_GTIMER_H

#include <stdint.h>

/* Fire at the given physical counter value (level interrupt until re-armed). */
void gtimer_set_deadline(uint64_t cval);
void gtimer_disable(void);

#endif
