/* SPDX-License-Identifier: Apache-2.0 */
/* PL011 TRM (ARM DDI 0183): polled transmit, interrupt-driven receive. */
#include <drivers/pl011.h>

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIMSC 0x038
#define UARTICR 0x044
#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN_8 (3u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)
#define INT_ALL 0x7ffu
/* Polls of UARTFR.BUSY before reprogramming anyway (a stopped clock). */
#define BUSY_POLLS 1000000u

static volatile uint8_t *uart;

static inline uint32_t reg_read(uint32_t off)
{
	return *(volatile uint32_t *)(uart + off);
}

static inline void reg_write(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(uart + off) = v;
}

uint32_t pl011_divisor(uint32_t clock_hz, uint32_t baud)
{
	/*
	 * TRM 3.3.6: BAUDDIV = UARTCLK / (16 x baud) as a 16.6 fixed-point
	 * number, the fraction rounded to the nearest 1/64: that is
	 * 64 x UARTCLK / (16 x baud) = 4 x UARTCLK / baud, rounded.
	 */
	uint64_t div = baud ? ((uint64_t)clock_hz * 4u + baud / 2u) / baud : 0;

	if (div < 64u || div > 0xffffu * 64u + 63u)
		return 0;
	return (uint32_t)div;
}

int pl011_init(uint64_t base, uint32_t clock_hz, uint32_t baud)
{
	uint32_t div, cr;

	uart = (volatile uint8_t *)base;
	cr = reg_read(UARTCR);
	/* Programmed by the firmware: keep its line settings (the user's
	 * terminal already speaks them). */
	if ((cr & (CR_UARTEN | CR_TXE)) == (CR_UARTEN | CR_TXE))
		return 0;
	div = pl011_divisor(clock_hz, baud);
	if (!div)
		return -1;
	/*
	 * TRM 3.3.8, the reprogramming sequence: disable the UART, let the
	 * character in flight finish, flush the FIFOs (LCR_H.FEN = 0), set
	 * the divisor and then LCR_H, whose write latches IBRD/FBRD (3.3.7),
	 * and enable.  Interrupts stay masked until pl011_enable_rx_irq().
	 */
	reg_write(UARTCR, 0);
	for (uint32_t i = 0; i < BUSY_POLLS && (reg_read(UARTFR) & FR_BUSY); i++)
		;
	reg_write(UARTLCR_H, 0);
	reg_write(UARTIMSC, 0);
	reg_write(UARTICR, INT_ALL);
	reg_write(UARTIBRD, div >> 6);
	reg_write(UARTFBRD, div & 0x3fu);
	reg_write(UARTLCR_H, LCR_H_WLEN_8 | LCR_H_FEN);
	reg_write(UARTCR, CR_UARTEN | CR_TXE | CR_RXE);
	return 1;
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
	reg_write(UARTICR, INT_ALL);
	reg_write(UARTIMSC, INT_RX | INT_RT);
}

void pl011_set_rx_irq(int on)
{
	reg_write(UARTIMSC, on ? INT_RX | INT_RT : 0);
}
