/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Optional stage-1 MMU for guests that share memory with a cacheable peer
 * (shmnet, docs/shmnet.md: the region is normal write-back memory on both
 * sides).  Without it every data access of a bare-metal guest is
 * Device-nGnRnE (SCTLR_EL1.M = 0, Arm ARM D8.2.11), which would mismatch
 * a Linux peer's cacheable mapping of the same pages.
 *
 * bm_mmu_enable() installs one identity map, 4 KiB granule, 39-bit VA:
 *   0x00000000-0x1fffffff  Device-nGnRE, execute-never (GIC, UART, devices)
 *   0x20000000-0xffffffff  Normal write-back, inner shareable (the link
 *                          window, RAM at 0x40000000, shared regions)
 * and turns on the MMU and the data cache of the calling CPU.  Call it on
 * every CPU that touches shared memory (the tables are shared).
 */
#ifndef BM_MMU_H
#define BM_MMU_H

#include <stdbool.h>

void bm_mmu_enable(void);
bool bm_mmu_enabled(void);

#endif /* BM_MMU_H */
