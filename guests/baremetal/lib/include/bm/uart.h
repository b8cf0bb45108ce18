/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Polled PL011 console.  The runtime points it at the UART named by the
 * device tree before main() runs (see runtime.h); output works from the first
 * instruction of main().
 */
#ifndef BM_UART_H
#define BM_UART_H

#include <stdbool.h>
#include <stdint.h>

#define BM_UART_DEFAULT_BASE	0x09000000ul

void bm_uart_set_base(uintptr_t base);
uintptr_t bm_uart_base(void);

/* Writes one byte; '\n' goes out as "\r\n". */
void bm_uart_putc(char c);
/* Writes a string (no newline added). */
void bm_uart_puts(const char *s);
/* True when the last byte written ended a line (or nothing was written). */
bool bm_uart_at_line_start(void);

/* Returns the next received byte, or -1 when the receive FIFO is empty. */
int bm_uart_getc(void);
/* Waits for and returns the next received byte. */
char bm_uart_getc_wait(void);

#endif /* BM_UART_H */
