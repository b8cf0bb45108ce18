/* SPDX-License-Identifier: Apache-2.0 */
/*
 * emul/vpl011.c on the host: the interrupt level the vGIC is given always
 * ends equal to the UART's own (RIS & IMSC), whichever moment another CPU
 * (the guest's access) cuts in at; and input is refused when the receive
 * FIFO is full, with room reported once half of it is free.
 *
 * "Another CPU" runs from the unlock hook of the lock stand-in: the test
 * replays one console input and, in trial k, runs a guest access right after
 * the k-th unlock of the UART's lock during that input, for every k.
 */
#include <stdio.h>
#include <stdlib.h>

#include <phidias_gen.h>
#include <arch/spinlock.h>
#include <emul/vpl011.h>
#include <phidias/config.h>
#include <phidias/console.h>
#include <phidias/errno.h>
#include <phidias/mmio.h>
#include <phidias/vcpu.h>
#include <phidias/virq.h>
#include <phidias/vm.h>

#include "../schism/unit.h"

#define UARTDR 0x000
#define UARTIMSC 0x038
#define UARTMIS 0x040
#define INT_RX_RT 0x50u

void (*test_on_unlock)(spinlock_t *lock);

void test_deadlock(spinlock_t *lock)
{
	(void)lock;
	fprintf(stderr, "FAIL: a lock was taken twice (deadlock on the target)\n");
	exit(1);
}

/* What vpl011.c calls. */
static int vgic_level;
static unsigned rooms;
static console_input_fn input;
static void *input_opaque;
static mmio_handler handler;
static void *handler_opaque;

void virq_set_level(struct vm *vm, uint32_t intid, int level)
{
	(void)vm;
	(void)intid;
	vgic_level = level;
}

void vcpu_kick(struct vcpu *vcpu) { (void)vcpu; }
void console_vm_putc(struct vm *vm, char c) { (void)vm; (void)c; }
void console_vm_flush(struct vm *vm) { (void)vm; }
void console_vm_room(struct vm *vm) { (void)vm; rooms++; }

void console_attach_input(struct vm *vm, console_input_fn fn, void *opaque)
{
	(void)vm;
	input = fn;
	input_opaque = opaque;
}

int mmio_register(struct vm *vm, uint64_t ipa, uint64_t size, mmio_handler fn, void *opaque)
{
	(void)vm;
	(void)ipa;
	(void)size;
	handler = fn;
	handler_opaque = opaque;
	return 0;
}

static const struct phidias_vm_config cfg = { .name = "g", .id = 0, .nr_vcpus = 1 };
static struct vcpu vcpu0;
static struct vm vm = { .cfg = &cfg, .vcpus = &vcpu0 };

static uint32_t guest(int write, uint64_t reg, uint32_t value)
{
	struct mmio_access acc = { .offset = reg, .value = value, .size = 4, .write = (uint32_t)write };

	handler(&vcpu0, handler_opaque, &acc);
	return (uint32_t)acc.value;
}

/* The guest's side: take what is there, as an interrupt handler does. */
static unsigned cut_at, unlocks;
static void guest_reads_all(spinlock_t *lock)
{
	(void)lock;
	if (++unlocks != cut_at)
		return;
	test_on_unlock = 0;	/* the guest's own unlocks are not cut */
	guest(0, UARTDR, 0);
}

static void test_line_level_matches_the_uart_whatever_the_interleaving(void)
{
	for (cut_at = 1; cut_at <= 4; cut_at++) {
		vpl011_reset(&vm);
		vgic_level = 0;
		guest(1, UARTIMSC, INT_RX_RT);	/* RX interrupts on */
		unlocks = 0;
		test_on_unlock = guest_reads_all;
		CHECK(input(input_opaque, 'x') == 0, "input taken");
		test_on_unlock = 0;
		CHECK((unsigned)vgic_level == (guest(0, UARTMIS, 0) != 0),
		      "guest cut in after unlock %u: vGIC line %d, UART MIS 0x%x", cut_at,
		      vgic_level, guest(0, UARTMIS, 0));
	}
	/* And without any cut: the line follows the FIFO. */
	vpl011_reset(&vm);
	guest(1, UARTIMSC, INT_RX_RT);
	input(input_opaque, 'y');
	CHECK(vgic_level == 1, "a received character raises the line");
	guest(0, UARTDR, 0);
	CHECK(vgic_level == 0, "reading it lowers the line");
}

static void test_a_full_fifo_refuses_input_and_reports_room_at_half(void)
{
	int refused = 0, taken = 0;

	vpl011_reset(&vm);
	rooms = 0;
	for (int i = 0; i < 600; i++) {
		if (input(input_opaque, (char)('a' + i % 26)) == -ENOSPC)
			refused++;
		else
			taken++;
	}
	CHECK(taken == 512 && refused == 88, "512 taken, the rest refused (%d, %d)", taken,
	      refused);
	for (int i = 0; i < 255; i++)
		CHECK(guest(0, UARTDR, 0) == (uint32_t)('a' + i % 26), "byte %d in order", i);
	CHECK(rooms == 0, "no room reported before half is free");
	guest(0, UARTDR, 0);
	CHECK(rooms == 1, "room reported once half is free (%u)", rooms);
	guest(0, UARTDR, 0);
	CHECK(rooms == 1, "and only once");
	CHECK(input(input_opaque, 'z') == 0, "input taken again");
}

int main(void)
{
	struct phidias_emul_dev dev = { .type = PHIDIAS_EMUL_PL011, .irq = 33,
					.ipa = 0x09000000, .size = 0x1000 };

	if (vpl011_init(&vm, &dev) < 0 || !handler || !input) {
		CHECK(0, "vpl011_init");
		return unit_summary("test_vpl011");
	}
	test_line_level_matches_the_uart_whatever_the_interleaving();
	test_a_full_fifo_refuses_input_and_reports_room_at_half();
	return unit_summary("test_vpl011");
}
