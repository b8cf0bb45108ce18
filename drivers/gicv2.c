/* SPDX-License-Identifier: Apache-2.0 */
/* GICv2 architecture specification (ARM IHI 0048B), chapter 4. */
#include <drivers/gicv2.h>
#include <drivers/gicv2_regs.h>
#include <phidias/config.h>


#define HYP_PRIORITY 0xa0

volatile uint8_t *gic_gicd, *gic_gicc, *gic_gich;
static uint32_t nr_irqs;
/*
 * The interface number of a CPU is wired by the SoC (on HiKey cluster 1
 * is 4-7) and need not be the hypervisor's CPU index, so each CPU reads
 * its own (gic_init_cpu); until then its index is the best guess.
 */
_Static_assert(PHIDIAS_MAX_PCPUS == GIC_MAX_CPUS, "gic_cpu_mask's initializer names 8 CPUs");
uint8_t gic_cpu_mask[GIC_MAX_CPUS] = { 1, 2, 4, 8, 16, 32, 64, 128 };

static uint8_t target_mask(uint32_t cpu)
{
	return cpu < GIC_MAX_CPUS ? gic_cpu_mask[cpu] : 0;
}

static inline void d_write32(uint32_t off, uint32_t v) { *(volatile uint32_t *)(gic_gicd + off) = v; }
static inline uint32_t d_read32(uint32_t off) { return *(volatile uint32_t *)(gic_gicd + off); }

void gic_init_dist(uint64_t d, uint64_t c, uint64_t h)
{
	gic_gicd = (volatile uint8_t *)d;
	gic_gicc = (volatile uint8_t *)c;
	gic_gich = (volatile uint8_t *)h;
	nr_irqs = 32 * ((d_read32(GICD_TYPER) & 0x1f) + 1);
	if (nr_irqs > 1020)
		nr_irqs = 1020;

	d_write32(GICD_CTLR, 0);
	for (uint32_t i = 32; i < nr_irqs; i += 32) {
		d_write32(GICD_ICENABLER + i / 8, 0xffffffff);
		d_write32(GICD_ICPENDR + i / 8, 0xffffffff);
	}
	for (uint32_t i = 32; i < nr_irqs; i += 4)
		d_write32(GICD_IPRIORITYR + i, HYP_PRIORITY * 0x01010101u);
	/* Group 0 and group 1 both forwarded (only one exists without security extensions). */
	d_write32(GICD_CTLR, 3);
}

void gic_init_cpu(uint32_t cpu)
{
	/*
	 * GICD_ITARGETSR0-7 are banked and read as the reading CPU's own
	 * interface mask (GIC arch. spec. v2, 4.3.12); a uniprocessor GIC
	 * reads them as zero.
	 */
	uint8_t self = *(gic_gicd + GICD_ITARGETSR);

	if (cpu < PHIDIAS_MAX_PCPUS)
		gic_cpu_mask[cpu] = self ? self : (uint8_t)(1u << cpu);
	/* Banked SGI/PPI state of this CPU. */
	d_write32(GICD_ICENABLER, 0xffffffff);
	d_write32(GICD_ICPENDR, 0xffffffff);
	for (uint32_t i = 0; i < 32; i += 4)
		d_write32(GICD_IPRIORITYR + i, HYP_PRIORITY * 0x01010101u);
	gicc_write32(GICC_PMR, 0xff);
	gicc_write32(GICC_BPR, 0);
	gicc_write32(GICC_CTLR, 3 | GICC_CTLR_EOIMODE);
	for (uint32_t i = 0; i < gich_nr_lrs(); i++)
		gich_write32(GICH_LR0 + 4 * i, 0);
	gich_write32(GICH_APR, 0);
	gich_write32(GICH_HCR, GICH_HCR_EN);
}

void gic_enable_irq(uint32_t irq, uint32_t target_cpu)
{
	if (irq >= 32) {
		volatile uint8_t *t = gic_gicd + GICD_ITARGETSR + irq;

		*t = target_mask(target_cpu);
	}
	d_write32(GICD_ISENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

void gic_disable_irq(uint32_t irq)
{
	d_write32(GICD_ICENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

void gic_clear_spi_active(uint32_t irq)
{
	d_write32(GICD_ICACTIVER + (irq / 32) * 4, 1u << (irq % 32));
}

int gic_ppi_active(uint32_t irq)
{
	return (d_read32(GICD_ISACTIVER) >> irq) & 1;
}

void gic_set_ppi_active(uint32_t irq, int active)
{
	d_write32(active ? GICD_ISACTIVER : GICD_ICACTIVER, 1u << irq);
}

uint32_t gich_nr_lrs(void)
{
	return (gich_read32(GICH_VTR) & 0x3f) + 1;
}

