/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PHIDIAS_IRQ_H
#define PHIDIAS_IRQ_H

/* Acknowledge and handle every pending physical interrupt of this CPU. */
void irq_handle(void);
void irq_init_cpu(void);

#endif
