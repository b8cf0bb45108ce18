/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Emulated PL011 (ARM DDI 0183): the subset Linux's amba-pl011 driver and
 * simple polled drivers use.  Transmit goes straight to the console
 * multiplexer, so the TX FIFO is always empty; receive is a FIFO filled
 * by the multiplexer while the VM has the console focus, which stops
 * handing over input while the FIFO is full (flow control).
 *
 * The interrupt line (UARTINTR: any masked status set) is level-sensitive.
 */
#include <phidias_gen.h>
#include <arch/spinlock.h>
#include <emul/vpl011.h>
#include <phidias/console.h>
#include <phidias/errno.h>
#include <phidias/mmio.h>
#include <phidias/vcpu.h>
#include <phidias/virq.h>
#include <phidias/vm.h>

#define UARTDR 0x000
#define UARTRSR 0x004
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048
#define UARTPERIPHID0 0xfe0

#define FR_RXFE (1u << 4)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)
#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)
#define INT_ALL 0x7ffu

/*
 * Deeper than the hardware's 16 entries, so a typed or pasted line reaches
 * a busy guest whole.  When it is full the multiplexer holds back further
 * input (flow control) until the guest has read half of it.
 */
#define RX_FIFO 512
#define RX_ROOM (RX_FIFO / 2)

/*
 * A guest that reads the flags this many times in a row with nothing
 * received and without transmitting is polling for input: its pending
 * partial line (a prompt) is shown.  A transmitter polls once per character.
 */
#define RX_POLLS_WAITING 64

struct vpl011 {
	spinlock_t lock;
	struct vm *vm;
	uint32_t irq;
	uint32_t line;		/* level last signalled */
	uint8_t rx[RX_FIFO];
	uint32_t rx_head, rx_count;
	uint32_t idle_polls;	/* FR reads with RX empty since the last DR write */
	uint32_t refused;	/* input was refused: tell the console when there is room */
	uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
};

static struct vpl011 uarts[PHIDIAS_NR_VMS];

/* PrimeCell identification of an Arm PL011 r1p5, as QEMU's model. */
static const uint8_t id_regs[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

static void update_rx_status(struct vpl011 *u)
{
	if (u->rx_count)
		u->ris |= INT_RX | INT_RT;
	else
		u->ris &= ~(INT_RX | INT_RT);
}

/*
 * Signal the interrupt line if it changed; u->lock held.  The level is
 * computed and handed to the vGIC in one critical section: were the lock
 * dropped in between, input on one CPU and a guest access on another could
 * apply their levels in the wrong order and leave the vGIC's line high
 * while the UART's is low (a level-sensitive interrupt that never ends).
 * Lock order: u->lock, then the vGIC's.
 */
static void update_line(struct vpl011 *u)
{
	uint32_t level = (u->ris & u->imsc) != 0;

	if (level == u->line)
		return;
	u->line = level;
	if (u->irq)
		virq_set_level(u->vm, u->irq, (int)level);
}

/* The console's input callback (under its input lock). */
static int input(void *opaque, char c)
{
	struct vpl011 *u = opaque;

	spin_lock(&u->lock);
	if (u->rx_count == RX_FIFO) {
		u->refused = 1;
		spin_unlock(&u->lock);
		return -ENOSPC;
	}
	u->rx[(u->rx_head + u->rx_count) % RX_FIFO] = (uint8_t)c;
	u->rx_count++;
	update_rx_status(u);
	update_line(u);
	spin_unlock(&u->lock);
	/* A vCPU waiting in WFI for input gets to look. */
	for (uint32_t i = 0; i < u->vm->cfg->nr_vcpus; i++)
		vcpu_kick(&u->vm->vcpus[i]);
	return 0;
}

/* Input was refused and half the FIFO is free again: whether to tell the console; u->lock held. */
static int room_again(struct vpl011 *u)
{
	if (!u->refused || u->rx_count > RX_ROOM)
		return 0;
	u->refused = 0;
	return 1;
}

/*
 * UARTFR, which changes nothing but the count of polls that found the
 * FIFO empty: also read without the lock (a snapshot of the FIFO).
 */
static uint32_t fr_read(struct vpl011 *u, int *waiting)
{
	uint32_t n = __atomic_load_n(&u->rx_count, __ATOMIC_RELAXED);

	if (!n && __atomic_add_fetch(&u->idle_polls, 1, __ATOMIC_RELAXED) == RX_POLLS_WAITING)
		*waiting = 1;
	return FR_TXFE | (n ? 0 : FR_RXFE) | (n == RX_FIFO ? FR_RXFF : 0);
}

static uint32_t reg_read(struct vpl011 *u, uint64_t reg, int *waiting)
{
	uint32_t v;

	switch (reg) {
	case UARTDR:
		if (!u->rx_count) {
			*waiting = 1;
			return 0;
		}
		v = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % RX_FIFO;
		__atomic_store_n(&u->rx_count, u->rx_count - 1, __ATOMIC_RELAXED);
		update_rx_status(u);
		return v;
	case UARTRSR:
		return 0;
	case UARTFR:
		return fr_read(u, waiting);
	case UARTILPR: return u->ilpr;
	case UARTIBRD: return u->ibrd;
	case UARTFBRD: return u->fbrd;
	case UARTLCR_H: return u->lcr_h;
	case UARTCR: return u->cr;
	case UARTIFLS: return u->ifls;
	case UARTIMSC: return u->imsc;
	case UARTRIS: return u->ris;
	case UARTMIS: return u->ris & u->imsc;
	case UARTDMACR: return u->dmacr;
	default:
		if (reg >= UARTPERIPHID0 && reg < 0x1000)
			return id_regs[(reg - UARTPERIPHID0) / 4];
		return 0;	/* reserved: RAZ */
	}
}

static void reg_write(struct vpl011 *u, uint64_t reg, uint32_t v)
{
	switch (reg) {
	case UARTDR:
		console_vm_putc(u->vm, (char)(v & 0xff));
		__atomic_store_n(&u->idle_polls, 0, __ATOMIC_RELAXED);
		/* Sent at once: the transmit interrupt is raised, as the FIFO is empty. */
		u->ris |= INT_TX;
		break;
	case UARTRSR: break;	/* error clear */
	case UARTILPR: u->ilpr = v & 0xff; break;
	case UARTIBRD: u->ibrd = v & 0xffff; break;
	case UARTFBRD: u->fbrd = v & 0x3f; break;
	case UARTLCR_H: u->lcr_h = v & 0xff; break;
	case UARTCR: u->cr = v & 0xff87; break;
	case UARTIFLS: u->ifls = v & 0x3f; break;
	case UARTIMSC: u->imsc = v & INT_ALL; break;
	case UARTICR:
		u->ris &= ~(v & INT_ALL);
		update_rx_status(u);
		break;
	case UARTDMACR: u->dmacr = v & 7; break;
	default: break;	/* read-only or reserved: WI */
	}
}

static enum mmio_result vpl011_access(struct vcpu *vcpu, void *opaque, struct mmio_access *acc)
{
	struct vpl011 *u = opaque;
	uint64_t reg = acc->offset & ~3ul;
	unsigned shift = (unsigned)(acc->offset & 3) * 8;
	int waiting = 0, room;

	(void)vcpu;
	if (acc->offset == UARTFR && acc->size == 4 && !acc->write) {
		/* What a polling driver reads most: no lock (fr_read). */
		acc->value = fr_read(u, &waiting);
		if (waiting)
			console_vm_flush(u->vm);
		return MMIO_HANDLED;
	}
	if (acc->size > 4 || (acc->offset & (acc->size - 1)))
		return MMIO_ERROR;
	spin_lock(&u->lock);
	if (acc->write) {
		uint32_t mask = acc->size == 4 ? 0xffffffffu : ((1u << (acc->size * 8)) - 1) << shift;
		uint32_t old = reg == UARTDR ? 0 : reg_read(u, reg, &waiting);

		reg_write(u, reg, (old & ~mask) | (((uint32_t)acc->value << shift) & mask));
	} else {
		acc->value = reg_read(u, reg, &waiting) >> shift;
	}
	update_line(u);
	room = room_again(u);
	spin_unlock(&u->lock);
	if (room)
		console_vm_room(u->vm);
	if (waiting)
		console_vm_flush(u->vm);
	return MMIO_HANDLED;
}

/* Registers at their reset values (PL011 TRM 3.2), nothing received. */
static void reset_state(struct vpl011 *u)
{
	u->rx_head = u->rx_count = u->idle_polls = 0;
	u->ilpr = u->ibrd = u->fbrd = u->lcr_h = u->imsc = u->ris = u->dmacr = 0;
	u->cr = 0x300;		/* TXE | RXE */
	u->ifls = 0x12;
	u->line = 0;		/* the interrupt controller is reset with the VM too */
}

void vpl011_reset(struct vm *vm)
{
	struct vpl011 *u = &uarts[vm->cfg->id];
	int room;

	spin_lock(&u->lock);
	reset_state(u);
	room = room_again(u);
	spin_unlock(&u->lock);
	if (room)
		console_vm_room(vm);
}

int vpl011_init(struct vm *vm, const struct phidias_emul_dev *dev)
{
	struct vpl011 *u = &uarts[vm->cfg->id];

	u->vm = vm;
	u->irq = dev->irq;
	reset_state(u);
	console_attach_input(vm, input, u);
	return mmio_register(vm, dev->ipa, dev->size, vpl011_access, u);
}
