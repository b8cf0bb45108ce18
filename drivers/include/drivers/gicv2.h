/* SPDX-License-Identifier: Apache-2.0 */
/* The physical GICv2 (GIC-400): the hypervisor owns distributor and CPU interface. */
#ifndef DRIVERS_GICV2_H
#define DRIVERS_GICV2_H

#include <stdint.h>

#define GIC_SPURIOUS 1023u

void gic_init_dist(uint64_t gicd, uint64_t gicc);
void gic_init_cpu(void);
void gic_enable_irq(uint32_t irq, uint32_t target_cpu);
/* Acknowledge the highest-priority pending interrupt; GIC_SPURIOUS if none. */
uint32_t gic_ack(uint32_t *iar);
void gic_eoi(uint32_t iar);
void gic_send_sgi(uint32_t sgi, uint32_t target_cpu);
uint32_t gic_nr_irqs(void);

#endif
