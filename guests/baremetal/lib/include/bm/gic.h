/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GICv2 driver (ARM IHI 0048B): distributor and CPU interface, found in the
 * device tree ("arm,cortex-a15-gic" / "arm,gic-400": reg 0 = distributor,
 * reg 1 = CPU interface).  Interrupts are group 0, signalled as IRQ; EOI
 * mode 0 (GICC_EOIR drops the priority and deactivates).
 */
#ifndef BM_GIC_H
#define BM_GIC_H

#include <stdbool.h>
#include <stdint.h>

#define BM_GIC_NR_SGIS		16u
#define BM_GIC_SPI_BASE		32u
#define BM_GIC_SPURIOUS		1023u
#define BM_GIC_DEFAULT_PRIO	0xa0u

/* GICD_SGIR target list filter (GICv2 4.3.15). */
#define BM_GIC_SGI_TO_LIST	0u
#define BM_GIC_SGI_TO_OTHERS	1u
#define BM_GIC_SGI_TO_SELF	2u

/* GICC_IAR / GICC_EOIR fields. */
#define BM_GIC_IAR_INTID(iar)	((iar) & 0x3ffu)
#define BM_GIC_IAR_CPUID(iar)	(((iar) >> 10) & 7u)

/*
 * Finds the GIC in the device tree (fallback: QEMU virt's 0x08000000 /
 * 0x08010000), resets the distributor (every SPI disabled, not pending,
 * priority BM_GIC_DEFAULT_PRIO, routed to CPU 0, level) and enables it, then
 * the calling CPU's interface.  Called once, on the boot CPU.
 */
int bm_gic_init(void);
/*
 * Per CPU (secondaries, after bm_gic_init on the boot CPU): banked SGIs and
 * PPIs disabled and at the default priority, PMR = 0xff, BPR = 0, GICC on.
 */
void bm_gic_cpu_init(void);
uintptr_t bm_gicd_base(void);
uintptr_t bm_gicc_base(void);
/* Number of interrupt lines the distributor implements (GICD_TYPER). */
uint32_t bm_gic_nr_irqs(void);

void bm_gic_enable(uint32_t intid);
void bm_gic_disable(uint32_t intid);
bool bm_gic_is_enabled(uint32_t intid);
void bm_gic_set_priority(uint32_t intid, uint8_t prio);
uint8_t bm_gic_priority(uint32_t intid);
/* SPIs: CPU-interface mask (bit n = CPU n). */
void bm_gic_set_target(uint32_t intid, uint8_t cpu_mask);
uint8_t bm_gic_target(uint32_t intid);
/* true: edge-triggered, false: level-sensitive (GICD_ICFGR). */
void bm_gic_set_edge(uint32_t intid, bool edge);
/* GICD_ISPENDR / ICPENDR (for SGIs pending is set through bm_gic_send_sgi). */
void bm_gic_set_pending(uint32_t intid);
void bm_gic_clear_pending(uint32_t intid);
bool bm_gic_is_pending(uint32_t intid);
bool bm_gic_is_active(uint32_t intid);
/* Raw 32-bit GICD_ISPENDR<n> / GICD_ISACTIVER<n>, n = intid / 32. */
uint32_t bm_gic_pending_word(uint32_t n);
uint32_t bm_gic_active_word(uint32_t n);
/* GICD_SGIR: filter BM_GIC_SGI_TO_*, cpu_mask for BM_GIC_SGI_TO_LIST. */
void bm_gic_send_sgi(uint32_t sgi, uint32_t filter, uint8_t cpu_mask);
/* GICC_PMR: only interrupts of higher priority (lower value) are signalled. */
void bm_gic_set_pmr(uint8_t pmr);
/* GICC_IAR (acknowledge: returns the whole register) and GICC_EOIR. */
uint32_t bm_gic_ack(void);
void bm_gic_eoi(uint32_t iar);
/* The calling CPU's GIC CPU-interface number (from GICD_ITARGETSR0). */
uint32_t bm_gic_cpu_id(void);

#endif /* BM_GIC_H */
