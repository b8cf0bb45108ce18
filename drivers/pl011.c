/* SPDX-License-Identifier: Apache-2.0 */
/* PL011 TRM (ARM DDI 0183): polled transmit, interrupt-driven receive. */
#include <drivers/pl011.h>

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTIMSC 0x038
#define UARTICR 0x044
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)

static volatile uint8_t *uart;

static inline uint32_t reg_read(uint32_t off)
{
	return *(volatile uint32_t *)(uart + off);
}

static inline void reg_write(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(uart + off) = v;
}

void pl011_init(uint64_t base)
{
	uart = (volatile uint8_t *)base;
}

void pl011_putc(char c)
{
	if (!uart)
		return;
	while (reg_read(UARTFR) & FR_TXFF)
		;
	reg_write(UARTDR, (uint8_t)c);
}

int pl011_getc(void)
{
	if (reg_read(UARTFR) & FR_RXFE)
		return -1;
	return (int)(reg_read(UARTDR) & 0xff);
}

void pl011_enable_rx_irq(void)
{
	reg_write(UARTICR, 0x7ff);
	reg_write(UARTIMSC, INT_RX | INT_RT);
}

void pl011_set_rx_irq(int on)
{
	reg_write(UARTIMSC, on ? INT_RX | INT_RT : 0);
}
