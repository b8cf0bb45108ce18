/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Polled PL011 (PrimeCell UART PL011 TRM, ARM DDI 0183).  The UART is used
 * as firmware or the hypervisor left it: no baud-rate or control set-up, so
 * only DR and FR are touched.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bm/sysreg.h>
#include <bm/uart.h>

#define PL011_DR	0x00
#define PL011_FR	0x18
#define PL011_FR_RXFE	(1u << 4)	/* receive FIFO empty */
#define PL011_FR_TXFF	(1u << 5)	/* transmit FIFO full */

static uintptr_t bm_uart_addr = BM_UART_DEFAULT_BASE;
static bool bm_uart_midline;

static inline uint32_t bm_uart_read(unsigned int reg)
{
	return *(volatile uint32_t *)(bm_uart_addr + reg);
}

static inline void bm_uart_write(unsigned int reg, uint32_t val)
{
	*(volatile uint32_t *)(bm_uart_addr + reg) = val;
}

void bm_uart_set_base(uintptr_t base)
{
	bm_uart_addr = base;
}

uintptr_t bm_uart_base(void)
{
	return bm_uart_addr;
}

static void bm_uart_tx(char c)
{
	while (bm_uart_read(PL011_FR) & PL011_FR_TXFF)
		bm_cpu_relax();
	bm_uart_write(PL011_DR, (uint8_t)c);
}

void bm_uart_putc(char c)
{
	if (c == '\n')
		bm_uart_tx('\r');
	bm_uart_tx(c);
	bm_uart_midline = c != '\n';
}

void bm_uart_puts(const char *s)
{
	while (*s)
		bm_uart_putc(*s++);
}

bool bm_uart_at_line_start(void)
{
	return !bm_uart_midline;
}

int bm_uart_getc(void)
{
	if (bm_uart_read(PL011_FR) & PL011_FR_RXFE)
		return -1;
	return (int)(bm_uart_read(PL011_DR) & 0xffu);
}

char bm_uart_getc_wait(void)
{
	int c;

	while ((c = bm_uart_getc()) < 0)
		bm_cpu_relax();
	return (char)c;
}
