/* SPDX-License-Identifier: Apache-2.0 */
/* Identity-mapped stage 1 with caches (see bm/mmu.h). */
#include <stdbool.h>
#include <stdint.h>

#include <bm/mmu.h>
#include <bm/sysreg.h>

/* VMSAv8-64 descriptors, 4 KiB granule (Arm ARM D8.3). */
#define DESC_BLOCK	1ull
#define DESC_TABLE	3ull
#define DESC_ATTR(i)	((uint64_t)(i) << 2)	/* AttrIndx[2:0] into MAIR_EL1 */
#define DESC_SH_INNER	(3ull << 8)
#define DESC_AF		(1ull << 10)
#define DESC_PXN	(1ull << 53)
#define DESC_UXN	(1ull << 54)

#define ATTR_DEVICE	0	/* MAIR attr0 = 0x04, Device-nGnRE */
#define ATTR_NORMAL	1	/* MAIR attr1 = 0xff, Normal WB RW-allocate */
#define MAIR_VALUE	0xff04ull

/* TCR_EL1 (D17.2.131): T0SZ = 25 (39 bits), walks WB-cacheable inner
 * shareable, TG0 = 4 KiB, EPD1 (no TTBR1 walks), IPS = 40 bits. */
#define TCR_VALUE	(25ull | (1ull << 8) | (1ull << 10) | (3ull << 12) | \
			 (1ull << 23) | (2ull << 32))

#define SCTLR_M		(1ull << 0)
#define SCTLR_C		(1ull << 2)
#define SCTLR_I		(1ull << 12)

#define SZ_1G		0x40000000ull
#define SZ_2M		0x200000ull
#define DEVICE_END	0x20000000ull	/* below: devices; above: memory */
#define NORMAL_END	0x100000000ull

static uint64_t bm_mmu_l1[512] __attribute__((aligned(4096)));
static uint64_t bm_mmu_l2[512] __attribute__((aligned(4096)));	/* first GiB */

static uint64_t bm_mmu_block(uint64_t pa)
{
	if (pa < DEVICE_END)
		return pa | DESC_BLOCK | DESC_AF | DESC_ATTR(ATTR_DEVICE) |
		       DESC_PXN | DESC_UXN;
	return pa | DESC_BLOCK | DESC_AF | DESC_ATTR(ATTR_NORMAL) | DESC_SH_INNER;
}

bool bm_mmu_enabled(void)
{
	return (bm_read_sysreg(sctlr_el1) & SCTLR_M) != 0;
}

void bm_mmu_enable(void)
{
	uint64_t sctlr;

	if (bm_mmu_enabled())
		return;
	if (!bm_mmu_l1[0]) {
		for (unsigned int i = 0; i < 512; i++)
			bm_mmu_l2[i] = bm_mmu_block(i * SZ_2M);
		bm_mmu_l1[0] = (uint64_t)(uintptr_t)bm_mmu_l2 | DESC_TABLE;
		for (uint64_t i = 1; i < NORMAL_END / SZ_1G; i++)
			bm_mmu_l1[i] = bm_mmu_block(i * SZ_1G);
	}
	/* The tables were written with the MMU off (non-cacheable): the walker,
	 * which reads them cacheable, sees memory once they are complete. */
	__asm__ volatile("dsb ish" : : : "memory");
	bm_write_sysreg(mair_el1, MAIR_VALUE);
	bm_write_sysreg(tcr_el1, TCR_VALUE);
	bm_write_sysreg(ttbr0_el1, (uint64_t)(uintptr_t)bm_mmu_l1);
	bm_isb();
	__asm__ volatile("tlbi vmalle1\n\tdsb nsh" : : : "memory");
	bm_isb();
	sctlr = bm_read_sysreg(sctlr_el1);
	bm_write_sysreg(sctlr_el1, sctlr | SCTLR_M | SCTLR_C | SCTLR_I);
	bm_isb();
}
