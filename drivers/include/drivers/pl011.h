/* SPDX-License-Identifier: Apache-2.0 */
/* The physical PL011 the hypervisor owns as its console. */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include <stdint.h>

/*
 * Takes the UART at base as the console.  If the firmware left it enabled
 * it is used as it is (0); otherwise it is programmed for baud, 8N1, FIFOs
 * on, from its reference clock (1).  -1: disabled and no divisor gives
 * that baud rate from clock_hz (0 = unknown); output is then attempted
 * anyway.
 */
int pl011_init(uint64_t base, uint32_t clock_hz, uint32_t baud);
/* IBRD << 6 | FBRD for the rate, 0 if out of the PL011's range. */
uint32_t pl011_divisor(uint32_t clock_hz, uint32_t baud);
void pl011_putc(char c);
/* Next received character, or -1 when the FIFO is empty. */
int pl011_getc(void);
void pl011_enable_rx_irq(void);
/* Unmask (on) or mask the receive interrupts: the console's flow control. */
void pl011_set_rx_irq(int on);

#endif
