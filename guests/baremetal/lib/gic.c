/* SPDX-License-Identifier: Apache-2.0 */
/* GICv2 distributor and CPU interface (ARM IHI 0048B, chapter 4). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bm/error.h>
#include <bm/fdt.h>
#include <bm/gic.h>
#include <bm/runtime.h>

#define GICD_CTLR	0x000
#define GICD_TYPER	0x004
#define GICD_ISENABLER	0x100
#define GICD_ICENABLER	0x180
#define GICD_ISPENDR	0x200
#define GICD_ICPENDR	0x280
#define GICD_ISACTIVER	0x300
#define GICD_ICACTIVER	0x380
#define GICD_IPRIORITYR	0x400
#define GICD_ITARGETSR	0x800
#define GICD_ICFGR	0xc00
#define GICD_SGIR	0xf00

#define GICC_CTLR	0x00
#define GICC_PMR	0x04
#define GICC_BPR	0x08
#define GICC_IAR	0x0c
#define GICC_EOIR	0x10

#define BM_GICD_DEFAULT	0x08000000u	/* QEMU virt */
#define BM_GICC_DEFAULT	0x08010000u

static uintptr_t bm_gicd = BM_GICD_DEFAULT;
static uintptr_t bm_gicc = BM_GICC_DEFAULT;

/*
 * MMIO through single plain loads/stores: a trapped access must be one the
 * hypervisor can decode from ESR_EL2 (ISV = 1), i.e. no writeback
 * addressing and no merging of byte loops into wider accesses, which
 * the compiler would do with plain volatile pointers.
 */
static inline uint32_t rd32(uintptr_t a)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static inline void wr32(uintptr_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

static inline uint8_t rd8(uintptr_t a)
{
	uint32_t v;

	__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return (uint8_t)v;
}

static inline void wr8(uintptr_t a, uint8_t v)
{
	__asm__ volatile("strb %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}

uintptr_t bm_gicd_base(void)
{
	return bm_gicd;
}

uintptr_t bm_gicc_base(void)
{
	return bm_gicc;
}

uint32_t bm_gic_nr_irqs(void)
{
	uint32_t n = ((rd32(bm_gicd + GICD_TYPER) & 0x1fu) + 1u) * 32u;

	return n > 1020u ? 1020u : n;
}

static void bm_gic_find(void)
{
	static const char *const compat[] = { "arm,cortex-a15-gic", "arm,gic-400" };
	const struct bm_fdt *fdt = bm_dt();
	uint64_t d, c;

	if (!fdt)
		return;
	for (unsigned int i = 0; i < sizeof(compat) / sizeof(compat[0]); i++) {
		int node = bm_fdt_node_by_compatible(fdt, -1, compat[i]);

		if (node >= 0 && bm_fdt_get_reg(fdt, node, 0, &d, NULL) == 0 &&
		    bm_fdt_get_reg(fdt, node, 1, &c, NULL) == 0) {
			bm_gicd = (uintptr_t)d;
			bm_gicc = (uintptr_t)c;
			return;
		}
	}
}

void bm_gic_cpu_init(void)
{
	wr32(bm_gicd + GICD_ICENABLER, 0xffffffffu);
	wr32(bm_gicd + GICD_ICPENDR, 0xffff0000u);	/* PPIs; SGI bits are WI */
	for (uint32_t i = 0; i < 32; i++)
		wr8(bm_gicd + GICD_IPRIORITYR + i, BM_GIC_DEFAULT_PRIO);
	wr32(bm_gicc + GICC_PMR, 0xffu);
	wr32(bm_gicc + GICC_BPR, 0u);	/* every priority bit is a group priority */
	wr32(bm_gicc + GICC_CTLR, 1u);	/* EnableGrp0, EOImode 0 */
}

int bm_gic_init(void)
{
	uint32_t n;

	bm_gic_find();
	n = bm_gic_nr_irqs();
	wr32(bm_gicd + GICD_CTLR, 0u);
	for (uint32_t i = BM_GIC_SPI_BASE; i < n; i += 32) {
		wr32(bm_gicd + GICD_ICENABLER + i / 8, 0xffffffffu);
		wr32(bm_gicd + GICD_ICPENDR + i / 8, 0xffffffffu);
		wr32(bm_gicd + GICD_ICACTIVER + i / 8, 0xffffffffu);
	}
	for (uint32_t i = BM_GIC_SPI_BASE; i < n; i++) {
		wr8(bm_gicd + GICD_IPRIORITYR + i, BM_GIC_DEFAULT_PRIO);
		wr8(bm_gicd + GICD_ITARGETSR + i, 1u);
	}
	for (uint32_t i = BM_GIC_SPI_BASE; i < n; i += 16)
		wr32(bm_gicd + GICD_ICFGR + i / 4, 0u);
	wr32(bm_gicd + GICD_CTLR, 1u);
	bm_gic_cpu_init();
	return 0;
}

static inline uint32_t bit(uint32_t intid)
{
	return 1u << (intid % 32u);
}

static inline uintptr_t word(uint32_t reg, uint32_t intid)
{
	return bm_gicd + reg + (intid / 32u) * 4u;
}

void bm_gic_enable(uint32_t intid)
{
	wr32(word(GICD_ISENABLER, intid), bit(intid));
}

void bm_gic_disable(uint32_t intid)
{
	wr32(word(GICD_ICENABLER, intid), bit(intid));
}

bool bm_gic_is_enabled(uint32_t intid)
{
	return (rd32(word(GICD_ISENABLER, intid)) & bit(intid)) != 0;
}

void bm_gic_set_priority(uint32_t intid, uint8_t prio)
{
	wr8(bm_gicd + GICD_IPRIORITYR + intid, prio);
}

uint8_t bm_gic_priority(uint32_t intid)
{
	return rd8(bm_gicd + GICD_IPRIORITYR + intid);
}

void bm_gic_set_target(uint32_t intid, uint8_t cpu_mask)
{
	wr8(bm_gicd + GICD_ITARGETSR + intid, cpu_mask);
}

uint8_t bm_gic_target(uint32_t intid)
{
	return rd8(bm_gicd + GICD_ITARGETSR + intid);
}

void bm_gic_set_edge(uint32_t intid, bool edge)
{
	uintptr_t reg = bm_gicd + GICD_ICFGR + (intid / 16u) * 4u;
	uint32_t shift = (intid % 16u) * 2u + 1u;	/* Int_config[1] */
	uint32_t v = rd32(reg);

	v = edge ? (v | (1u << shift)) : (v & ~(1u << shift));
	wr32(reg, v);
}

void bm_gic_set_pending(uint32_t intid)
{
	wr32(word(GICD_ISPENDR, intid), bit(intid));
}

void bm_gic_clear_pending(uint32_t intid)
{
	wr32(word(GICD_ICPENDR, intid), bit(intid));
}

bool bm_gic_is_pending(uint32_t intid)
{
	return (rd32(word(GICD_ISPENDR, intid)) & bit(intid)) != 0;
}

bool bm_gic_is_active(uint32_t intid)
{
	return (rd32(word(GICD_ISACTIVER, intid)) & bit(intid)) != 0;
}

uint32_t bm_gic_pending_word(uint32_t n)
{
	return rd32(bm_gicd + GICD_ISPENDR + n * 4u);
}

uint32_t bm_gic_active_word(uint32_t n)
{
	return rd32(bm_gicd + GICD_ISACTIVER + n * 4u);
}

void bm_gic_send_sgi(uint32_t sgi, uint32_t filter, uint8_t cpu_mask)
{
	__asm__ volatile("dsb sy" : : : "memory");	/* make prior writes visible */
	wr32(bm_gicd + GICD_SGIR, ((filter & 3u) << 24) | ((uint32_t)cpu_mask << 16) |
				   (sgi & 0xfu));
}

void bm_gic_set_pmr(uint8_t pmr)
{
	wr32(bm_gicc + GICC_PMR, pmr);
}

uint32_t bm_gic_ack(void)
{
	return rd32(bm_gicc + GICC_IAR);
}

void bm_gic_eoi(uint32_t iar)
{
	wr32(bm_gicc + GICC_EOIR, iar);
}

uint32_t bm_gic_cpu_id(void)
{
	/* GICD_ITARGETSR0-7 read as the reading CPU's own mask (GICv2 4.3.12). */
	uint8_t mask = rd8(bm_gicd + GICD_ITARGETSR);

	return mask ? (uint32_t)__builtin_ctz(mask) : 0u;
}
