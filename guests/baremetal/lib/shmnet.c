/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One end of a shmnet link (docs/shmnet.md, version 1.0).  Section names in
 * the comments are the protocol's.  The peer may write anything anywhere in
 * the region at any time: every field of it is read once into a local,
 * checked, and only then used; our own indices live in struct bm_shmnet.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bm/error.h>
#include <bm/fdt.h>
#include <bm/gic.h>
#include <bm/hyp.h>
#include <bm/irq.h>
#include <bm/mmu.h>
#include <bm/printf.h>
#include <bm/runtime.h>
#include <bm/shmnet.h>
#include <bm/string.h>
#include <bm/timer.h>

#define SHMNET_CTRL_SIZE	0x40u
#define SHMNET_RING0		0x1000u
#define SHMNET_PAGE		0x1000ull
#define SHMNET_MTU_MIN		68u
#define SHMNET_MTU_MAX		65535u
#define GIC_SPI			0u
#define GIC_SPI_BASE		32u

_Static_assert(sizeof(struct bm_shmnet_ctrl) == 64, "control block is 64 bytes");
_Static_assert(sizeof(struct bm_shmnet_desc) == 8, "descriptor is 8 bytes");

/* ---- memory ordering (docs/shmnet.md, "Memory ordering (AArch64)") ---- */

static inline uint32_t shmnet_load_acquire(const volatile uint32_t *p)
{
	uint32_t v;

	__asm__ volatile("ldar %w0, [%1]" : "=r"(v) : "r"(p) : "memory");
	return v;
}

static inline void shmnet_store_release(volatile uint32_t *p, uint32_t v)
{
	__asm__ volatile("stlr %w0, [%1]" : : "r"(v), "r"(p) : "memory");
}

/* store -> load ordering: event publish / re-check, index publish / event read */
static inline void shmnet_full_barrier(void)
{
	__asm__ volatile("dmb ish" : : : "memory");
}

static volatile struct bm_shmnet_ctrl *shmnet_ctrl(const struct bm_shmnet *l,
						   uint32_t end)
{
	return (volatile struct bm_shmnet_ctrl *)(l->base + SHMNET_CTRL_SIZE * end);
}

static volatile struct bm_shmnet_ctrl *shmnet_self(const struct bm_shmnet *l)
{
	return shmnet_ctrl(l, l->end);
}

static volatile struct bm_shmnet_ctrl *shmnet_peer(const struct bm_shmnet *l)
{
	return shmnet_ctrl(l, 1u - l->end);
}

static volatile struct bm_shmnet_desc *shmnet_desc(const struct bm_shmnet *l,
						   uint32_t end, uint32_t index)
{
	return (volatile struct bm_shmnet_desc *)(l->base + l->ring_off[end]) +
	       (index & (l->nr_slots - 1u));
}

/* ---- device tree ---- */

static uint64_t shmnet_align_page(uint64_t v)
{
	return (v + SHMNET_PAGE - 1u) & ~(SHMNET_PAGE - 1u);
}

static int shmnet_bad(struct bm_shmnet *l, const char *why)
{
	l->last_error = why;
	return -BM_EINVAL;
}

int bm_shmnet_find(unsigned int n, struct bm_shmnet *l)
{
	const struct bm_fdt *fdt = bm_dt();
	const uint8_t *p;
	uint64_t ring, buf, need;
	uint32_t len = 0;
	int node = -1;

	memset(l, 0, sizeof(*l));
	if (!fdt)
		return -BM_ENOENT;
	do {
		node = bm_fdt_node_by_compatible(fdt, node, "phidias,shmnet");
	} while (node >= 0 && n-- > 0);
	if (node < 0)
		return node;
	l->name = bm_fdt_getprop_string(fdt, node, "phidias,name");
	l->peer = bm_fdt_getprop_string(fdt, node, "phidias,peer");
	l->ip = bm_fdt_getprop_string(fdt, node, "phidias,ip");
	if (!l->name)
		l->name = "?";
	if (!l->peer)
		l->peer = "?";
	if (bm_fdt_get_reg(fdt, node, 0, &l->base, &l->size) < 0)
		return shmnet_bad(l, "no reg");
	if (bm_fdt_getprop_u32(fdt, node, "phidias,end", &l->end) < 0 ||
	    bm_fdt_getprop_u32(fdt, node, "phidias,mtu", &l->mtu) < 0 ||
	    bm_fdt_getprop_u32(fdt, node, "phidias,ring-slots", &l->nr_slots) < 0 ||
	    bm_fdt_getprop_u32(fdt, node, "phidias,slot-size", &l->slot_size) < 0 ||
	    bm_fdt_getprop_u32(fdt, node, "phidias,cap", &l->cap) < 0)
		return shmnet_bad(l, "a phidias,end/mtu/ring-slots/slot-size/cap property is missing");
	p = bm_fdt_getprop(fdt, node, "interrupts", &len);
	if (!p || len != 12 || bm_fdt_read_cells(p, 1) != GIC_SPI)
		return shmnet_bad(l, "interrupts is not one SPI");
	l->intid = (uint32_t)bm_fdt_read_cells(p + 4, 1) + GIC_SPI_BASE;
	p = bm_fdt_getprop(fdt, node, "local-mac-address", &len);
	if (!p || len != 6)
		return shmnet_bad(l, "local-mac-address is not 6 bytes");
	memcpy(l->mac, p, 6);

	if (l->end > 1)
		return shmnet_bad(l, "phidias,end is not 0 or 1");
	if (l->mtu < SHMNET_MTU_MIN || l->mtu > SHMNET_MTU_MAX)
		return shmnet_bad(l, "phidias,mtu is not 68-65535");
	if (!l->nr_slots || (l->nr_slots & (l->nr_slots - 1u)) || l->nr_slots > 65536u)
		return shmnet_bad(l, "phidias,ring-slots is not a power of two");
	if (l->slot_size < bm_shmnet_max_frame(l) || l->slot_size % 64u ||
	    l->slot_size > (1u << 20))
		return shmnet_bad(l, "phidias,slot-size is not mtu + 18 rounded up to 64");
	if (l->base % SHMNET_PAGE || l->intid >= BM_IRQ_MAX)
		return shmnet_bad(l, "region not page aligned or doorbell out of range");
	/* docs/shmnet.md, "Geometry" */
	ring = shmnet_align_page((uint64_t)l->nr_slots * sizeof(struct bm_shmnet_desc));
	buf = shmnet_align_page((uint64_t)l->nr_slots * l->slot_size);
	need = SHMNET_RING0 + 2u * ring + buf + (uint64_t)l->nr_slots * l->slot_size;
	if (need > l->size || need > 0xffffffffull)
		return shmnet_bad(l, "the region is too small for its geometry");
	l->ring_off[0] = SHMNET_RING0;
	l->ring_off[1] = (uint32_t)(SHMNET_RING0 + ring);
	l->buf_off[0] = (uint32_t)(SHMNET_RING0 + 2u * ring);
	l->buf_off[1] = (uint32_t)(SHMNET_RING0 + 2u * ring + buf);
	return 0;
}

/* ---- doorbells ---- */

static void shmnet_doorbell(uint32_t intid, uint32_t iar, void *arg)
{
	struct bm_shmnet *l = arg;

	(void)intid;
	(void)iar;
	l->rings++;
	l->stats.doorbells_rx++;
}

static void shmnet_ring(struct bm_shmnet *l)
{
	/* A stopped peer VM answers STOPPED: nothing to do, its Start rings us. */
	(void)bm_hyp_cap_invoke(l->cap);
	l->stats.doorbells_tx++;
}

int bm_shmnet_open(struct bm_shmnet *l)
{
	int err;

	if (!bm_mmu_enabled())
		return shmnet_bad(l, "the region must be cacheable: call bm_mmu_enable() first");
	err = bm_irq_register(l->intid, shmnet_doorbell, l);
	if (err < 0)
		return err;
	bm_gic_set_edge(l->intid, true);
	bm_gic_enable(l->intid);
	bm_shmnet_start(l);
	return 0;
}

/* ---- link state ---- */

static void shmnet_reset_indices(struct bm_shmnet *l)
{
	volatile struct bm_shmnet_ctrl *self = shmnet_self(l);

	l->tx_prod = l->rx_cons = 0;
	l->stall_since = 0;
	self->tx_prod = 0;
	self->rx_cons = 0;
	self->rx_event = 0;
	self->tx_event = 0;
}

static void shmnet_set_up(struct bm_shmnet *l, bool up)
{
	if (up == l->up)
		return;
	l->up = up;
	if (up)
		l->stats.link_ups++;
	else
		l->stats.link_downs++;
}

void bm_shmnet_start(struct bm_shmnet *l)
{
	volatile struct bm_shmnet_ctrl *self = shmnet_self(l);
	uint32_t old_magic = self->magic, old_epoch = self->epoch;

	/* 1. the peer stops trusting this block */
	self->state = BM_SHMNET_DOWN;
	shmnet_store_release(&self->magic, 0);
	/* 2. a new epoch: ours if we ran before, else the block's + 1 */
	if (l->epoch)
		l->epoch++;
	else
		l->epoch = old_magic == BM_SHMNET_MAGIC ? old_epoch + 1u : 1u;
	if (!l->epoch)
		l->epoch = 1;
	/* 3. indices, events, geometry */
	shmnet_reset_indices(l);
	l->peer_epoch = 0;
	self->peer_epoch = 0;
	self->major = BM_SHMNET_MAJOR;
	self->minor = BM_SHMNET_MINOR;
	self->nr_slots = l->nr_slots;
	self->slot_size = l->slot_size;
	self->mtu = l->mtu;
	for (unsigned int i = 0; i < 4; i++)
		self->reserved[i] = 0;
	/* 4. epoch, UP, then (release) magic */
	self->epoch = l->epoch;
	self->state = BM_SHMNET_UP;
	shmnet_store_release(&self->magic, BM_SHMNET_MAGIC);
	l->stats.starts++;
	shmnet_set_up(l, false);
	/* 5. */
	shmnet_ring(l);
}

void bm_shmnet_stop(struct bm_shmnet *l)
{
	shmnet_store_release(&shmnet_self(l)->state, BM_SHMNET_DOWN);
	shmnet_set_up(l, false);
	shmnet_ring(l);
}

/* Does the peer's block still show the link up with the epochs we know? */
static bool shmnet_peer_still_up(const struct bm_shmnet *l)
{
	volatile struct bm_shmnet_ctrl *peer = shmnet_peer(l);

	return shmnet_load_acquire(&peer->magic) == BM_SHMNET_MAGIC &&
	       shmnet_load_acquire(&peer->epoch) == l->peer_epoch &&
	       shmnet_load_acquire(&peer->state) == BM_SHMNET_UP &&
	       shmnet_load_acquire(&peer->peer_epoch) == l->epoch;
}

/*
 * "Protocol error": counted, and this end starts again - unless the peer's
 * block no longer shows the link up with the same epochs: then the peer is
 * restarting (its indices were reset before we saw its new epoch), which
 * is no error; its Start rings us and Sync brings the link back.
 */
static int shmnet_protocol_error(struct bm_shmnet *l, const char *why)
{
	if (!shmnet_peer_still_up(l)) {
		shmnet_set_up(l, false);
		return -BM_ENOTCONN;
	}
	l->stats.rx_errors++;
	l->last_error = why;
	bm_shmnet_start(l);
	return -BM_EPROTO;
}

bool bm_shmnet_poll(struct bm_shmnet *l)
{
	volatile struct bm_shmnet_ctrl *peer = shmnet_peer(l);
	volatile struct bm_shmnet_ctrl *self = shmnet_self(l);
	uint32_t magic, epoch, state, peer_peer_epoch, cons, prod;

	/* Sync: the peer's block, acquire first (docs/shmnet.md, "Link state") */
	magic = shmnet_load_acquire(&peer->magic);
	epoch = shmnet_load_acquire(&peer->epoch);
	if (magic != BM_SHMNET_MAGIC || epoch == 0) {
		shmnet_set_up(l, false);
		return false;
	}
	if (peer->major != BM_SHMNET_MAJOR || peer->nr_slots != l->nr_slots ||
	    peer->slot_size != l->slot_size || peer->mtu != l->mtu) {
		/* a bad version or geometry behind a valid magic: counted (and
		 * restarted for) once per peer epoch, not at every look */
		if (epoch != l->bad_epoch) {
			l->bad_epoch = epoch;
			l->stats.rx_errors++;
			l->last_error = "peer version or geometry differs";
			bm_shmnet_start(l);
		}
		shmnet_set_up(l, false);
		return false;
	}
	if (epoch != l->peer_epoch) {
		/* the peer (re)started: drop everything in flight, reset */
		shmnet_reset_indices(l);
		l->peer_epoch = epoch;
		shmnet_store_release(&self->peer_epoch, epoch);
		l->stats.peer_restarts++;
		shmnet_ring(l);
	}
	state = shmnet_load_acquire(&peer->state);
	peer_peer_epoch = shmnet_load_acquire(&peer->peer_epoch);
	shmnet_set_up(l, state == BM_SHMNET_UP && peer_peer_epoch == l->epoch);
	if (!l->up)
		return false;

	/* indices in range (docs/shmnet.md, "Protocol error") */
	prod = shmnet_load_acquire(&peer->tx_prod);
	cons = shmnet_load_acquire(&peer->rx_cons);
	if (prod - l->rx_cons > l->nr_slots) {
		shmnet_protocol_error(l, "peer tx_prod out of range");
		return false;
	}
	if (l->tx_prod - cons > l->nr_slots) {
		shmnet_protocol_error(l, "peer rx_cons out of range");
		return false;
	}
	/* "Peer gone silently": our frames stay unconsumed */
	if (cons == l->tx_prod) {
		l->stall_since = 0;
	} else if (!l->stall_since || cons != l->stall_cons) {
		l->stall_since = bm_counter_read();
		l->stall_cons = cons;
	} else if (bm_counter_read() - l->stall_since >
		   bm_us_to_ticks(BM_SHMNET_STALL_US)) {
		l->stats.stalls++;
		l->last_error = "peer stopped consuming";
		bm_shmnet_start(l);
		return false;
	}
	return true;
}

/* ---- data path ---- */

int bm_shmnet_send(struct bm_shmnet *l, const void *frame, uint32_t len)
{
	volatile struct bm_shmnet_ctrl *peer = shmnet_peer(l);
	volatile struct bm_shmnet_ctrl *self = shmnet_self(l);
	volatile struct bm_shmnet_desc *d;
	uint32_t cons, off, old, rx_event;

	if (len < BM_SHMNET_MIN_FRAME || len > bm_shmnet_max_frame(l)) {
		l->stats.tx_dropped++;
		return -BM_EMSGSIZE;
	}
	if (!l->up) {
		l->stats.tx_dropped++;
		return -BM_ENOTCONN;
	}
	/* 1. room? (acquire: the slot is free before we write it) */
	cons = shmnet_load_acquire(&peer->rx_cons);
	if (l->tx_prod - cons > l->nr_slots) {
		l->stats.tx_dropped++;
		return shmnet_protocol_error(l, "peer rx_cons out of range");
	}
	if (l->tx_prod - cons == l->nr_slots) {
		/* "Sender waiting for room": ask to be rung, re-check */
		l->stats.ring_full++;
		self->tx_event = cons + l->nr_slots / 2u;
		shmnet_full_barrier();
		cons = shmnet_load_acquire(&peer->rx_cons);
		if (l->tx_prod - cons >= l->nr_slots) {
			l->stats.tx_dropped++;
			return -BM_EAGAIN;
		}
	}
	/* 2. frame and descriptor */
	off = l->buf_off[l->end] + (l->tx_prod & (l->nr_slots - 1u)) * l->slot_size;
	memcpy((void *)(l->base + off), frame, len);
	d = shmnet_desc(l, l->end, l->tx_prod);
	d->offset = off;
	d->len = len;
	/* 3. publish */
	old = l->tx_prod++;
	shmnet_store_release(&self->tx_prod, l->tx_prod);
	l->stats.tx_frames++;
	l->stats.tx_bytes += len;
	/* 4. ring only if the peer asked for one of these frames */
	shmnet_full_barrier();
	rx_event = peer->rx_event;
	if ((uint32_t)(l->tx_prod - rx_event - 1u) < (uint32_t)(l->tx_prod - old))
		shmnet_ring(l);
	return 0;
}

int bm_shmnet_recv(struct bm_shmnet *l, void *buf, uint32_t size)
{
	volatile struct bm_shmnet_ctrl *peer = shmnet_peer(l);
	volatile struct bm_shmnet_ctrl *self = shmnet_self(l);
	volatile struct bm_shmnet_desc *d;
	uint32_t prod, off, len, base, end, old, tx_event;
	int ret;

	if (!l->up)
		return 0;
	/* 1. acquire: no descriptor or frame read before the index */
	prod = shmnet_load_acquire(&peer->tx_prod);
	if (prod == l->rx_cons)
		return 0;
	if (prod - l->rx_cons > l->nr_slots)
		return shmnet_protocol_error(l, "peer tx_prod out of range");
	/* 2. read the descriptor once, check it, copy the frame out */
	d = shmnet_desc(l, 1u - l->end, l->rx_cons);
	off = d->offset;
	len = d->len;
	base = l->buf_off[1u - l->end];
	end = base + l->nr_slots * l->slot_size;
	if (off < base || (uint64_t)off + len > end)
		return shmnet_protocol_error(l, "descriptor offset outside the peer's buffers");
	if (len < BM_SHMNET_MIN_FRAME || len > bm_shmnet_max_frame(l))
		return shmnet_protocol_error(l, "descriptor length out of range");
	if (len > size) {
		l->stats.rx_dropped++;
		ret = -BM_EMSGSIZE;
	} else {
		memcpy(buf, (const void *)(l->base + off), len);
		l->stats.rx_frames++;
		l->stats.rx_bytes += len;
		ret = (int)len;
	}
	/* 3. release: the copy is complete before the slot may be reused */
	old = l->rx_cons++;
	shmnet_store_release(&self->rx_cons, l->rx_cons);
	shmnet_full_barrier();
	tx_event = peer->tx_event;
	if ((uint32_t)(l->rx_cons - tx_event - 1u) < (uint32_t)(l->rx_cons - old))
		shmnet_ring(l);
	return ret;
}

bool bm_shmnet_idle(struct bm_shmnet *l)
{
	volatile struct bm_shmnet_ctrl *self = shmnet_self(l);

	if (!l->up)
		return true;
	/* "Receiver about to wait": publish, full barrier, re-check */
	self->rx_event = l->rx_cons;
	shmnet_full_barrier();
	return shmnet_load_acquire(&shmnet_peer(l)->tx_prod) == l->rx_cons;
}

void bm_shmnet_print_stats(const struct bm_shmnet *l, const char *tag)
{
	const struct bm_shmnet_stats *s = &l->stats;

	bm_printf("%s: link %s %s tx %lu/%luB rx %lu/%luB tx_dropped %lu rx_dropped %lu "
		  "rx_errors %lu ring_full %lu doorbells tx %lu rx %lu starts %lu "
		  "peer_restarts %lu stalls %lu ups %lu downs %lu\n", tag, l->name,
		  l->up ? "up" : "down", (unsigned long)s->tx_frames,
		  (unsigned long)s->tx_bytes, (unsigned long)s->rx_frames,
		  (unsigned long)s->rx_bytes, (unsigned long)s->tx_dropped,
		  (unsigned long)s->rx_dropped, (unsigned long)s->rx_errors,
		  (unsigned long)s->ring_full, (unsigned long)s->doorbells_tx,
		  (unsigned long)s->doorbells_rx, (unsigned long)s->starts,
		  (unsigned long)s->peer_restarts, (unsigned long)s->stalls,
		  (unsigned long)s->link_ups, (unsigned long)s->link_downs);
}
