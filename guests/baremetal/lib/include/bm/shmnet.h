/* SPDX-License-Identifier: Apache-2.0 */
/*
 * shmnet, the virtual Ethernet of a scenario <link> (docs/shmnet.md is the
 * protocol, docs/devicetree.md the phidias,shmnet node): one end of one
 * link.  The guest polls: bm_shmnet_poll() runs the link state machine,
 * bm_shmnet_recv() / bm_shmnet_send() move frames, bm_shmnet_idle() asks to
 * be rung before the guest waits (bm_irq_wait); the doorbell handler only
 * counts.  Nothing read from the shared region is trusted: a bad index,
 * descriptor or geometry of the peer is counted and restarts this end.
 *
 * The region must be mapped normal write-back (bm_mmu_enable) like the
 * peer maps it; bm_shmnet_open() refuses otherwise.  One CPU drives a link
 * (no locking); interrupts are taken only inside bm_irq_wait().
 */
#ifndef BM_SHMNET_H
#define BM_SHMNET_H

#include <stdbool.h>
#include <stdint.h>

#define BM_SHMNET_MAGIC		0x4e534850u	/* "PHSN" in memory */
#define BM_SHMNET_MAJOR		1u
#define BM_SHMNET_MINOR		0u
#define BM_SHMNET_DOWN		0u
#define BM_SHMNET_UP		1u
#define BM_SHMNET_MIN_FRAME	14u		/* Ethernet header */
#define BM_SHMNET_FRAME_EXTRA	18u		/* header + one VLAN tag */
#define BM_SHMNET_MAX_FRAME	(65535u + BM_SHMNET_FRAME_EXTRA)
#define BM_SHMNET_STALL_US	3000000u	/* frames unconsumed this long: peer gone */

/* The control block of one end (docs/shmnet.md), 64 bytes at 0x0 / 0x40. */
struct bm_shmnet_ctrl {
	uint32_t magic;
	uint16_t major, minor;
	uint32_t state;
	uint32_t epoch;
	uint32_t peer_epoch;
	uint32_t tx_prod;
	uint32_t rx_cons;
	uint32_t rx_event;
	uint32_t tx_event;
	uint32_t nr_slots;
	uint32_t slot_size;
	uint32_t mtu;
	uint32_t reserved[4];
};

struct bm_shmnet_desc {
	uint32_t offset;	/* from the region base */
	uint32_t len;
};

struct bm_shmnet_stats {
	uint64_t tx_frames, tx_bytes;
	uint64_t rx_frames, rx_bytes;
	uint64_t tx_dropped;	/* link down or ring full */
	uint64_t rx_dropped;	/* frame larger than the caller's buffer */
	uint64_t rx_errors;	/* protocol errors of the peer (each restarts) */
	uint64_t ring_full;
	uint64_t doorbells_tx, doorbells_rx;
	uint64_t starts;	/* Start of this end (first one included) */
	uint64_t peer_restarts;	/* new peer epochs seen */
	uint64_t stalls;	/* restarts because the peer stopped consuming */
	uint64_t link_ups, link_downs;
};

struct bm_shmnet {
	/* from the device tree */
	uintptr_t base;
	uint64_t size;
	const char *name;	/* phidias,name */
	const char *peer;	/* phidias,peer */
	const char *ip;		/* phidias,ip or NULL */
	uint32_t end;		/* 0 or 1 */
	uint32_t mtu, nr_slots, slot_size;
	uint32_t cap;		/* rings the peer */
	uint32_t intid;		/* the peer rings this SPI */
	uint8_t mac[6];
	/* layout (offsets from base) */
	uint32_t ring_off[2], buf_off[2];
	/* private state: the authoritative copies */
	uint32_t epoch, peer_epoch, tx_prod, rx_cons;
	bool up;
	uint32_t bad_epoch;	/* peer epoch whose bad geometry was counted */
	uint32_t stall_cons;	/* peer rx_cons when the stall clock started */
	uint64_t stall_since;	/* counter ticks, 0: not stalled */
	const char *last_error;	/* why the last protocol error restarted us */
	volatile uint32_t rings;	/* doorbells taken (handler) */
	struct bm_shmnet_stats stats;
};

/* The n-th phidias,shmnet node (from 0): reads and checks the node, the
 * geometry and the region size; -BM_ENOENT past the last, -BM_EINVAL with
 * l->last_error set when the node is unusable. */
int bm_shmnet_find(unsigned int n, struct bm_shmnet *l);
/* Registers and enables the doorbell interrupt (bm_gic_init first), then
 * runs Start. 0, or -BM_EINVAL when the region is not cacheable memory. */
int bm_shmnet_open(struct bm_shmnet *l);
/* Start (every reset of this end): new epoch, indices reset, ring. */
void bm_shmnet_start(struct bm_shmnet *l);
/* Stop: state DOWN, ring. */
void bm_shmnet_stop(struct bm_shmnet *l);
/* Sync with the peer and the stall watchdog; returns whether the link is up. */
bool bm_shmnet_poll(struct bm_shmnet *l);
/* One frame (14..mtu+18 bytes): 0; -BM_ENOTCONN (down), -BM_EAGAIN (ring
 * full), -BM_EMSGSIZE, -BM_EPROTO (the peer's index was bad: restarted).
 * Every failure counts as tx_dropped. */
int bm_shmnet_send(struct bm_shmnet *l, const void *frame, uint32_t len);
/* The next frame into buf: its length; 0 if none; -BM_EPROTO (bad
 * descriptor or index: counted, restarted); -BM_EMSGSIZE (dropped: larger
 * than size). */
int bm_shmnet_recv(struct bm_shmnet *l, void *buf, uint32_t size);
/* With IRQs masked, before waiting: asks to be rung for the next frame
 * and re-checks. true if nothing arrived (the guest may wait). */
bool bm_shmnet_idle(struct bm_shmnet *l);
/* Largest frame of the link. */
static inline uint32_t bm_shmnet_max_frame(const struct bm_shmnet *l)
{
	return l->mtu + BM_SHMNET_FRAME_EXTRA;
}
/* One line of counters, prefixed with tag. */
void bm_shmnet_print_stats(const struct bm_shmnet *l, const char *tag);

#endif /* BM_SHMNET_H */
