/* SPDX-License-Identifier: Apache-2.0 */
/*
 * drivers/pl011.c compiled for the host against a register block in
 * memory: the console is brought up from its reset state with the divisor,
 * line control and enable bits of the PL011 TRM (ARM DDI 0183), and left
 * alone when the firmware already enabled it.  Run by test_pl011.py.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <drivers/pl011.h>

static unsigned failures, checks;

#define CHECK(cond, ...) do {						\
		checks++;						\
		if (!(cond)) {						\
			failures++;					\
			printf("FAIL %s:%d: ", __FILE__, __LINE__);	\
			printf(__VA_ARGS__);				\
			printf("\n");					\
		}							\
	} while (0)

/* Register offsets and reset values from the TRM (3.2, 3.3). */
#define IBRD 0x24
#define FBRD 0x28
#define LCR_H 0x2c
#define CR 0x30
#define IMSC 0x38
#define FR 0x18
#define CR_RESET 0x300u		/* TXE | RXE, UARTEN clear */

static uint32_t regs[0x1000 / 4];

static uint32_t reg(unsigned off)
{
	return regs[off / 4];
}

static void reset(void)
{
	memset(regs, 0, sizeof(regs));
	regs[CR / 4] = CR_RESET;
	regs[FR / 4] = 0x90;	/* TXFE | RXFE */
	regs[IMSC / 4] = 0;
}

static void test_divisor_matches_the_trm(void)
{
	/* TRM 3.3.6 worked example: 4 MHz, 230400 baud -> 1.085: IBRD 1, FBRD 5 */
	CHECK(pl011_divisor(4000000, 230400) == (1u << 6 | 5u), "4 MHz / 230400: 0x%x",
	      pl011_divisor(4000000, 230400));
	/* HiKey: 19.2 MHz / (16 x 115200) = 10.4167: IBRD 10, FBRD 27 */
	CHECK(pl011_divisor(19200000, 115200) == (10u << 6 | 27u), "19.2 MHz: 0x%x",
	      pl011_divisor(19200000, 115200));
	/* QEMU virt: 24 MHz -> 13.0208: IBRD 13, FBRD 1 */
	CHECK(pl011_divisor(24000000, 115200) == (13u << 6 | 1u), "24 MHz: 0x%x",
	      pl011_divisor(24000000, 115200));
	/* out of range: below 1, above 65535.98, no clock, no baud */
	CHECK(pl011_divisor(1000000, 115200) == 0, "divisor below 1 accepted");
	CHECK(pl011_divisor(4000000000u, 1) == 0, "divisor above 0xffff accepted");
	CHECK(pl011_divisor(0, 115200) == 0 && pl011_divisor(24000000, 0) == 0,
	      "zero clock or baud accepted");
}

static void test_uart_from_reset_is_programmed(void)
{
	reset();
	CHECK(pl011_init((uint64_t)(uintptr_t)regs, 19200000, 115200) == 1,
	      "reset UART not programmed");
	CHECK(reg(IBRD) == 10 && reg(FBRD) == 27, "IBRD %u FBRD %u", reg(IBRD), reg(FBRD));
	/* 8 data bits (WLEN 0b11), FIFOs on, 1 stop bit, no parity, no break */
	CHECK(reg(LCR_H) == 0x70, "LCR_H 0x%x", reg(LCR_H));
	/* UARTEN | TXE | RXE, no flow control, no loopback */
	CHECK(reg(CR) == 0x301, "CR 0x%x", reg(CR));
	CHECK(reg(IMSC) == 0, "interrupts unmasked before the console asks: 0x%x",
	      reg(IMSC));
}

static void test_uart_enabled_by_firmware_is_kept(void)
{
	reset();
	regs[CR / 4] = 0x301;
	regs[IBRD / 4] = 26;	/* 48 MHz firmware setting */
	regs[FBRD / 4] = 3;
	regs[LCR_H / 4] = 0x70;
	CHECK(pl011_init((uint64_t)(uintptr_t)regs, 19200000, 115200) == 0,
	      "enabled UART reprogrammed");
	CHECK(reg(IBRD) == 26 && reg(FBRD) == 3 && reg(CR) == 0x301,
	      "firmware settings changed: IBRD %u FBRD %u CR 0x%x", reg(IBRD),
	      reg(FBRD), reg(CR));
}

static void test_uart_without_clock_is_left_alone(void)
{
	reset();
	CHECK(pl011_init((uint64_t)(uintptr_t)regs, 0, 115200) == -1,
	      "no clock: not reported");
	CHECK(reg(CR) == CR_RESET && reg(IBRD) == 0, "registers written without a clock");
}

static void test_busy_transmitter_does_not_hang_init(void)
{
	reset();
	regs[FR / 4] |= 0x8;	/* BUSY stuck (a gated clock) */
	CHECK(pl011_init((uint64_t)(uintptr_t)regs, 24000000, 115200) == 1,
	      "init gave up");
	CHECK(reg(IBRD) == 13 && reg(FBRD) == 1 && reg(CR) == 0x301, "not programmed");
}

static void test_output_reaches_the_data_register(void)
{
	reset();
	pl011_init((uint64_t)(uintptr_t)regs, 24000000, 115200);
	pl011_putc('Z');
	CHECK(reg(0) == 'Z', "UARTDR 0x%x", reg(0));
}

int main(void)
{
	test_divisor_matches_the_trm();
	test_uart_from_reset_is_programmed();
	test_uart_enabled_by_firmware_is_kept();
	test_uart_without_clock_is_left_alone();
	test_busy_transmitter_does_not_hang_init();
	test_output_reaches_the_data_register();
	printf("test_pl011: %u passed, %u failed\n", checks - failures, failures);
	return failures ? 1 : 0;
}
