/* SPDX-License-Identifier: Apache-2.0 */
/* The physical GICv2 (GIC-400): the hypervisor owns distributor and CPU interface. */
#ifndef DRIVERS_GICV2_H
#define DRIVERS_GICV2_H

#include <stdint.h>
#include <drivers/gicv2_regs.h>

#define GIC_SPURIOUS 1023u

void gic_init_dist(uint64_t gicd, uint64_t gicc, uint64_t gich);
/* This CPU's interfaces; cpu is its index (learns its GIC interface number). */
void gic_init_cpu(uint32_t cpu);
void gic_enable_irq(uint32_t irq, uint32_t target_cpu);
void gic_disable_irq(uint32_t irq);

/*
 * This CPU's interface (GICC), inline like the GICH accessors below: every
 * interrupt uses three of them.  gic_gicc is set once, at boot.
 */
extern volatile uint8_t *gic_gicc;

static inline uint32_t gicc_read32(uint32_t off) { return *(volatile uint32_t *)(gic_gicc + off); }
static inline void gicc_write32(uint32_t off, uint32_t v) { *(volatile uint32_t *)(gic_gicc + off) = v; }

/* Acknowledge the highest-priority pending interrupt; GIC_SPURIOUS if none. */
static inline uint32_t gic_ack(uint32_t *iar)
{
	*iar = gicc_read32(GICC_IAR);
	return *iar & 0x3ff;
}

/*
 * The CPU interface runs with EOImode 1: gic_eoi drops the running
 * priority only; gic_deactivate ends the interrupt, unless a guest's
 * hardware-linked virtual interrupt will (GICv2 4.4.5, 5.4).
 */
static inline void gic_eoi(uint32_t iar) { gicc_write32(GICC_EOIR, iar); }
static inline void gic_deactivate(uint32_t iar) { gicc_write32(GICC_DIR, iar); }
/*
 * The distributor, and the GIC CPU interface mask of each physical CPU as
 * the distributor names it (GICD_ITARGETSR, the GICD_SGIR target list),
 * learnt by each CPU at its gic_init_cpu.  GICv2 has 8 CPU interfaces.
 */
#define GIC_MAX_CPUS 8
extern volatile uint8_t *gic_gicd;
extern uint8_t gic_cpu_mask[GIC_MAX_CPUS];

/*
 * SGI sgi to physical CPU target_cpu (an index < PHIDIAS_NR_PCPUS, which
 * is at most GIC_MAX_CPUS), after this CPU's earlier stores.
 */
static inline void gic_send_sgi(uint32_t sgi, uint32_t target_cpu)
{
	uint32_t mask = gic_cpu_mask[target_cpu];

	__asm__ volatile("dsb ishst" ::: "memory");
	*(volatile uint32_t *)(gic_gicd + GICD_SGIR) = mask << 16 | sgi;
}
/* End an SPI's active state, from any CPU. */
void gic_clear_spi_active(uint32_t irq);
/* Active state of this CPU's private interrupt irq (< 32). */
int gic_ppi_active(uint32_t irq);
void gic_set_ppi_active(uint32_t irq, int active);

/* Virtual interface control (GICH), of this CPU. */
#define GICH_HCR_EN (1u << 0)
#define GICH_HCR_UIE (1u << 1)
#define GICH_HCR_NPIE (1u << 3)
#define GICH_LR_VIRTUAL(id) ((uint32_t)(id) & 0x3ffu)
#define GICH_LR_PHYS(id) (((uint32_t)(id) & 0x3ffu) << 10)
#define GICH_LR_CPUID(c) (((uint32_t)(c) & 7u) << 10)
#define GICH_LR_EOI (1u << 19)
#define GICH_LR_PRIO(p) ((((uint32_t)(p) >> 3) & 0x1fu) << 23)
#define GICH_LR_PENDING (1u << 28)
#define GICH_LR_ACTIVE (1u << 29)
#define GICH_LR_GROUP1 (1u << 30)
#define GICH_LR_HW (1u << 31)

uint32_t gich_nr_lrs(void);

/*
 * The GICH accessors are inline: every vCPU switch and injection uses
 * several, and each is one load or store.  gic_gich is set once, at boot.
 */
extern volatile uint8_t *gic_gich;

static inline uint32_t gich_read32(uint32_t off) { return *(volatile uint32_t *)(gic_gich + off); }
static inline void gich_write32(uint32_t off, uint32_t v) { *(volatile uint32_t *)(gic_gich + off) = v; }
static inline uint32_t gich_read_lr(uint32_t i) { return gich_read32(GICH_LR0 + 4 * i); }
static inline void gich_write_lr(uint32_t i, uint32_t v) { gich_write32(GICH_LR0 + 4 * i, v); }
static inline void gich_write_hcr(uint32_t v) { gich_write32(GICH_HCR, v); }
static inline uint32_t gich_read_vmcr(void) { return gich_read32(GICH_VMCR); }
static inline void gich_write_vmcr(uint32_t v) { gich_write32(GICH_VMCR, v); }
static inline uint32_t gich_read_apr(void) { return gich_read32(GICH_APR); }
static inline void gich_write_apr(uint32_t v) { gich_write32(GICH_APR, v); }
/* GICH_ELRSR0: bit i set when LR i holds no interrupt (LRs 0-31). */
static inline uint32_t gich_read_elrsr(void) { return gich_read32(GICH_ELRSR0); }

#endif
