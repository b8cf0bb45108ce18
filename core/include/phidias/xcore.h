/* SPDX-License-Identifier: Apache-2.0 */
/* Cross-CPU signalling, by a physical SGI reserved for the hypervisor. */
#ifndef PHIDIAS_XCORE_H
#define PHIDIAS_XCORE_H

#include <stdint.h>

#define XCORE_SGI 0u

/* Make CPU cpu re-evaluate its run list soon. */
void xcore_kick(uint32_t cpu);
void xcore_irq(void);

#endif
