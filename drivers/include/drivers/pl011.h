/* SPDX-License-Identifier: Apache-2.0 */
/* The physical PL011 the hypervisor owns as its console. */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include <stdint.h>

void pl011_init(uint64_t base);
void pl011_putc(char c);
/* Next received character, or -1 when the FIFO is empty. */
int pl011_getc(void);
void pl011_enable_rx_irq(void);
/* Unmask (on) or mask the receive interrupts: the console's flow control. */
void pl011_set_rx_irq(int on);

#endif
