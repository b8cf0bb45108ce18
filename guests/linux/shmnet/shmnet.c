// SPDX-License-Identifier: GPL-2.0
/*
 * shmnet: virtual Ethernet between Phidias VMs over a shared region and
 * doorbells. The protocol is docs/shmnet.md (version 1.0), the device-tree
 * binding docs/devicetree.md ("Links: phidias,shmnet").
 *
 * One net_device per "phidias,shmnet" node, named eth0, eth1, ... in node
 * order. The peer is not trusted: every index, offset and length read from
 * the region is read once, checked, and only then used; a bad one is counted
 * and restarts this end of the link.
 *
 * Contexts: ndo_start_xmit (under the queue's xmit lock) owns the transmit
 * indices; the NAPI poll owns the receive indices and runs the link state
 * machine. A link reset changes both, so it runs in NAPI with the xmit lock
 * held. The doorbell interrupt and the link timer only schedule NAPI.
 */

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/of.h>
#include <linux/of_net.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>

#include "phidias.h"

#define DRV_NAME		"shmnet"

#define SHMNET_MAGIC		0x4e534850	/* "PHSN" in memory */
#define SHMNET_MAJOR		1
#define SHMNET_MINOR		0
#define SHMNET_DOWN		0
#define SHMNET_UP		1

#define SHMNET_CTRL_SIZE	64
#define SHMNET_RING0		0x1000
#define SHMNET_AREA_ALIGN	0x1000
#define SHMNET_MIN_MTU		68
#define SHMNET_MAX_MTU		65535
#define SHMNET_MAX_SLOTS	65536
#define SHMNET_VLAN_ROOM	(ETH_HLEN + VLAN_HLEN)	/* max_frame = mtu + 18 */

/* Link timer: how often the peer is looked at while the link is down / up. */
#define SHMNET_POLL_DOWN	(HZ / 4)
#define SHMNET_POLL_UP		HZ
/* The transmit watchdog: a ring that stays full this long restarts the link. */
#define SHMNET_TX_TIMEOUT	(3 * HZ)

/* Frames up to this size are received into one linear buffer, larger ones into pages. */
#define SHMNET_RX_LINEAR	(PAGE_SIZE - 512)
#define SHMNET_RX_HEAD		256

/* The control block of one end (docs/shmnet.md, "Control block"); little-endian. */
struct shmnet_ctrl {
	__le32 magic;
	__le16 major;
	__le16 minor;
	__le32 state;
	__le32 epoch;
	__le32 peer_epoch;
	__le32 tx_prod;
	__le32 rx_cons;
	__le32 rx_event;
	__le32 tx_event;
	__le32 nr_slots;
	__le32 slot_size;
	__le32 mtu;
	__le32 reserved[4];
};

struct shmnet_desc {
	__le32 offset;
	__le32 len;
};

static_assert(sizeof(struct shmnet_ctrl) == SHMNET_CTRL_SIZE);
static_assert(sizeof(struct shmnet_desc) == 8);

/* The peer's control block as read once by shmnet_peer_view(). */
struct shmnet_view {
	bool valid;		/* magic, version and geometry as expected */
	bool magic_ok;
	u32 state;
	u32 epoch;
	u32 peer_epoch;
};

enum shmnet_stat {
	SHMNET_STAT_DOORBELLS_SENT,
	SHMNET_STAT_DOORBELLS_RECEIVED,
	SHMNET_STAT_DOORBELL_ERRORS,
	SHMNET_STAT_POLLS,
	SHMNET_STAT_RING_FULL,
	SHMNET_STAT_QUEUE_WAKES,
	SHMNET_STAT_PROTOCOL_ERRORS,
	SHMNET_STAT_ERR_INDEX,
	SHMNET_STAT_ERR_DESC,
	SHMNET_STAT_ERR_GEOMETRY,
	SHMNET_STAT_LINK_RESETS,
	SHMNET_STAT_PEER_RESTARTS,
	SHMNET_STAT_LINK_UPS,
	SHMNET_STAT_LINK_DOWNS,
	SHMNET_STAT_TX_TIMEOUTS,
	SHMNET_STAT_TX_NO_LINK,
	SHMNET_STAT_RX_NOMEM,
	SHMNET_STAT_COUNT
};

static const char shmnet_stat_names[SHMNET_STAT_COUNT][ETH_GSTRING_LEN] = {
	[SHMNET_STAT_DOORBELLS_SENT]	= "doorbells_sent",
	[SHMNET_STAT_DOORBELLS_RECEIVED] = "doorbells_received",
	[SHMNET_STAT_DOORBELL_ERRORS]	= "doorbell_errors",
	[SHMNET_STAT_POLLS]		= "polls",
	[SHMNET_STAT_RING_FULL]		= "ring_full",
	[SHMNET_STAT_QUEUE_WAKES]	= "queue_wakes",
	[SHMNET_STAT_PROTOCOL_ERRORS]	= "protocol_errors",
	[SHMNET_STAT_ERR_INDEX]		= "err_bad_index",
	[SHMNET_STAT_ERR_DESC]		= "err_bad_descriptor",
	[SHMNET_STAT_ERR_GEOMETRY]	= "err_bad_geometry",
	[SHMNET_STAT_LINK_RESETS]	= "link_resets",
	[SHMNET_STAT_PEER_RESTARTS]	= "peer_restarts",
	[SHMNET_STAT_LINK_UPS]		= "link_ups",
	[SHMNET_STAT_LINK_DOWNS]	= "link_downs",
	[SHMNET_STAT_TX_TIMEOUTS]	= "tx_timeouts",
	[SHMNET_STAT_TX_NO_LINK]	= "tx_dropped_no_link",
	[SHMNET_STAT_RX_NOMEM]		= "rx_dropped_nomem",
};

/* Per-context packet counters; each is written by one context only. */
struct shmnet_pcount {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t dropped;
	u64_stats_t errors;
	struct u64_stats_sync syncp;
};

struct shmnet {
	struct net_device *ndev;
	struct platform_device *pdev;
	struct napi_struct napi;
	struct timer_list timer;

	/* Geometry, from the device tree; never from the region. */
	void *base;
	u64 size;
	u32 end;		/* 0 or 1 */
	u32 cap;		/* the capability that rings the peer */
	u32 link_mtu;
	u32 max_frame;
	u32 nr_slots;
	u32 slot_size;
	u32 ring_off[2];	/* RING0, RING1 */
	u32 buf_off[2];		/* BUF0, BUF1 */
	struct shmnet_ctrl *self;
	struct shmnet_ctrl *peer;
	struct shmnet_desc *tx_ring;		/* ours */
	const struct shmnet_desc *rx_ring;	/* the peer's */

	/* Private copies of our indices: the region is never trusted. */
	u32 epoch;
	u32 peer_epoch;
	u32 tx_prod;		/* xmit (and resets, with the xmit lock) */
	u32 tx_notified;	/* tx_prod when the peer was last considered for a ring */
	u32 tx_rxc;		/* last valid peer rx_cons seen by xmit */
	u32 rx_cons;		/* NAPI */
	u32 bad_epoch;		/* the peer epoch whose geometry error was counted */
	bool link_up;		/* changed under the xmit lock */
	int irq;

	unsigned long flags;
#define SHMNET_RESTART	0	/* xmit or the watchdog asks NAPI for a Start */

	struct shmnet_pcount rx;	/* NAPI */
	struct shmnet_pcount tx;	/* xmit */
	atomic64_t stat[SHMNET_STAT_COUNT];
};

static void shmnet_count(struct shmnet *sn, enum shmnet_stat s)
{
	atomic64_inc(&sn->stat[s]);
}

static u32 shmnet_rd(const __le32 *p)
{
	return le32_to_cpu(READ_ONCE(*p));
}

static void shmnet_wr(__le32 *p, u32 v)
{
	WRITE_ONCE(*p, cpu_to_le32(v));
}

static void shmnet_ring(struct shmnet *sn)
{
	long ret = phidias_cap_invoke(sn->cap);

	shmnet_count(sn, SHMNET_STAT_DOORBELLS_SENT);
	if (ret < 0) {
		shmnet_count(sn, SHMNET_STAT_DOORBELL_ERRORS);
		netdev_dbg(sn->ndev, "doorbell cap %u: error %ld\n", sn->cap, ret);
	}
}

/* True if a range moved from @old to @new includes index @ev (docs/shmnet.md). */
static bool shmnet_crossed(u32 new, u32 old, u32 ev)
{
	return (u32)(new - ev - 1) < (u32)(new - old);
}

/* Read the peer's control block: magic first, with acquire, then the rest. */
static void shmnet_peer_view(struct shmnet *sn, struct shmnet_view *v)
{
	struct shmnet_ctrl *p = sn->peer;
	u32 magic = le32_to_cpu(smp_load_acquire(&p->magic));
	u16 major = le16_to_cpu(READ_ONCE(p->major));

	v->magic_ok = magic == SHMNET_MAGIC;
	v->state = shmnet_rd(&p->state);
	v->epoch = shmnet_rd(&p->epoch);
	v->peer_epoch = shmnet_rd(&p->peer_epoch);
	v->valid = v->magic_ok && major == SHMNET_MAJOR && v->epoch != 0 &&
		   shmnet_rd(&p->nr_slots) == sn->nr_slots &&
		   shmnet_rd(&p->slot_size) == sn->slot_size &&
		   shmnet_rd(&p->mtu) == sn->link_mtu;
}

static bool shmnet_view_up(const struct shmnet *sn, const struct shmnet_view *v)
{
	return v->valid && v->state == SHMNET_UP && v->epoch == sn->peer_epoch &&
	       v->peer_epoch == sn->epoch;
}

/* Drop everything in flight: both rings empty, events at 0. Xmit lock held. */
static void shmnet_reset_indices(struct shmnet *sn)
{
	struct shmnet_ctrl *s = sn->self;

	sn->tx_prod = 0;
	sn->tx_notified = 0;
	sn->tx_rxc = 0;
	sn->rx_cons = 0;
	shmnet_wr(&s->tx_prod, 0);
	shmnet_wr(&s->rx_cons, 0);
	shmnet_wr(&s->rx_event, 0);
	shmnet_wr(&s->tx_event, 0);
}

static void shmnet_set_link(struct shmnet *sn, bool up)
{
	if (sn->link_up == up)
		return;
	sn->link_up = up;
	if (up) {
		shmnet_count(sn, SHMNET_STAT_LINK_UPS);
		netif_carrier_on(sn->ndev);
	} else {
		shmnet_count(sn, SHMNET_STAT_LINK_DOWNS);
		netif_carrier_off(sn->ndev);
	}
}

/*
 * Start (docs/shmnet.md, "Link state"): (re)start our side with a new epoch.
 * Called from ndo_open, or from NAPI with the xmit lock held.
 */
static void shmnet_start(struct shmnet *sn)
{
	struct shmnet_ctrl *s = sn->self;
	u32 old = shmnet_rd(&s->epoch);
	bool was_valid = shmnet_rd(&s->magic) == SHMNET_MAGIC;

	shmnet_set_link(sn, false);
	shmnet_wr(&s->state, SHMNET_DOWN);
	smp_store_release(&s->magic, 0);
	/* The peer sees magic == 0 before any of the resets below. */
	smp_wmb();

	/*
	 * Our private epoch wins; the block's (the peer can write it) only
	 * carries the epoch over a module reload.
	 */
	if (sn->epoch || !was_valid)
		old = sn->epoch;
	sn->epoch = old + 1 ? old + 1 : 1;
	sn->peer_epoch = 0;
	shmnet_reset_indices(sn);
	shmnet_wr(&s->peer_epoch, 0);
	WRITE_ONCE(s->major, cpu_to_le16(SHMNET_MAJOR));
	WRITE_ONCE(s->minor, cpu_to_le16(SHMNET_MINOR));
	shmnet_wr(&s->nr_slots, sn->nr_slots);
	shmnet_wr(&s->slot_size, sn->slot_size);
	shmnet_wr(&s->mtu, sn->link_mtu);
	memset(s->reserved, 0, sizeof(s->reserved));

	shmnet_wr(&s->epoch, sn->epoch);
	shmnet_wr(&s->state, SHMNET_UP);
	smp_store_release(&s->magic, cpu_to_le32(SHMNET_MAGIC));
	shmnet_count(sn, SHMNET_STAT_LINK_RESETS);
	shmnet_ring(sn);
}

static void shmnet_protocol_error(struct shmnet *sn, enum shmnet_stat what)
{
	shmnet_count(sn, SHMNET_STAT_PROTOCOL_ERRORS);
	shmnet_count(sn, what);
	set_bit(SHMNET_RESTART, &sn->flags);
	net_warn_ratelimited("%s: protocol error (%s) from peer, restarting the link\n",
			     sn->ndev->name, shmnet_stat_names[what]);
}

/*
 * Sync (docs/shmnet.md): look at the peer, restart if asked to, follow a
 * peer's restart, and set the carrier. NAPI context.
 */
static void shmnet_sync(struct shmnet *sn)
{
	struct netdev_queue *txq = netdev_get_tx_queue(sn->ndev, 0);
	struct shmnet_view v;
	bool ring = false;

	shmnet_peer_view(sn, &v);
	if (v.magic_ok && !v.valid && v.epoch != sn->bad_epoch &&
	    (sn->link_up || v.epoch != sn->peer_epoch)) {
		/* A peer that runs another version or geometry. */
		sn->bad_epoch = v.epoch;
		shmnet_protocol_error(sn, SHMNET_STAT_ERR_GEOMETRY);
	}

	if (!test_bit(SHMNET_RESTART, &sn->flags) && shmnet_view_up(sn, &v) == sn->link_up &&
	    !(v.valid && v.epoch != sn->peer_epoch))
		return;		/* nothing changes: no lock */

	__netif_tx_lock(txq, smp_processor_id());
	if (test_and_clear_bit(SHMNET_RESTART, &sn->flags)) {
		shmnet_start(sn);
		shmnet_peer_view(sn, &v);
	}
	if (v.valid && v.epoch != sn->peer_epoch) {
		/* The peer (re)started: drop all in flight, then say we saw it. */
		shmnet_set_link(sn, false);
		shmnet_reset_indices(sn);
		sn->peer_epoch = v.epoch;
		smp_store_release(&sn->self->peer_epoch, cpu_to_le32(v.epoch));
		shmnet_count(sn, SHMNET_STAT_PEER_RESTARTS);
		ring = true;
	}
	shmnet_set_link(sn, shmnet_view_up(sn, &v));
	if (netif_tx_queue_stopped(txq) && (!sn->link_up || sn->tx_prod == 0))
		netif_tx_wake_queue(txq);	/* the ring is empty again */
	__netif_tx_unlock(txq);
	if (ring)
		shmnet_ring(sn);
}

/* Is the peer still the one we are linked with? Used before blaming it. */
static bool shmnet_peer_same(struct shmnet *sn)
{
	struct shmnet_view v;

	shmnet_peer_view(sn, &v);
	return shmnet_view_up(sn, &v);
}

/* Transmit room came back: wake the queue. NAPI context. */
static void shmnet_reclaim(struct shmnet *sn)
{
	struct netdev_queue *txq = netdev_get_tx_queue(sn->ndev, 0);
	u32 rxc;

	if (!netif_tx_queue_stopped(txq))
		return;
	__netif_tx_lock(txq, smp_processor_id());
	rxc = le32_to_cpu(smp_load_acquire(&sn->peer->rx_cons));
	if ((u32)(sn->tx_prod - rxc) > sn->nr_slots) {
		if (shmnet_peer_same(sn))
			shmnet_protocol_error(sn, SHMNET_STAT_ERR_INDEX);
	} else {
		sn->tx_rxc = rxc;
		if ((u32)(sn->tx_prod - rxc) < sn->nr_slots && netif_tx_queue_stopped(txq)) {
			shmnet_count(sn, SHMNET_STAT_QUEUE_WAKES);
			netif_tx_wake_queue(txq);
		}
	}
	__netif_tx_unlock(txq);
}

static struct sk_buff *shmnet_copy_in(struct shmnet *sn, const u8 *src, u32 len)
{
	struct sk_buff *skb;
	u32 head, off;
	int i;

	if (len <= SHMNET_RX_LINEAR) {
		skb = napi_alloc_skb(&sn->napi, len);
		if (skb)
			skb_put_data(skb, src, len);
		return skb;
	}
	/* Large frames go into pages: no high-order allocation for a 64 KiB frame. */
	head = SHMNET_RX_HEAD;
	skb = napi_alloc_skb(&sn->napi, head);
	if (!skb)
		return NULL;
	skb_put_data(skb, src, head);
	for (i = 0, off = head; off < len; i++) {
		u32 chunk = min_t(u32, len - off, PAGE_SIZE);
		struct page *page;

		if (i == MAX_SKB_FRAGS)
			goto fail;
		page = alloc_page(GFP_ATOMIC | __GFP_NOWARN);
		if (!page)
			goto fail;
		memcpy(page_address(page), src + off, chunk);
		skb_add_rx_frag(skb, i, page, 0, chunk, PAGE_SIZE);
		off += chunk;
	}
	return skb;
fail:
	dev_kfree_skb_any(skb);
	return NULL;
}

/* Receive up to @budget frames; returns how many were taken off the ring. */
static int shmnet_rx(struct shmnet *sn, int budget)
{
	u32 nr = sn->nr_slots, mask = nr - 1, start = sn->rx_cons;
	u64 lo = sn->buf_off[!sn->end];
	u64 hi = lo + (u64)nr * sn->slot_size;
	u64 bytes = 0;
	u32 prod, cons = start, avail, ev;
	int done = 0, drops = 0;

	prod = le32_to_cpu(smp_load_acquire(&sn->peer->tx_prod));
	avail = prod - cons;
	if (avail > nr) {
		/* A peer that restarted is not an error: its Start rings us. */
		if (shmnet_peer_same(sn))
			shmnet_protocol_error(sn, SHMNET_STAT_ERR_INDEX);
		return 0;
	}
	while (done < budget && avail) {
		const struct shmnet_desc *d = &sn->rx_ring[cons & mask];
		u32 off = shmnet_rd(&d->offset);
		u32 len = shmnet_rd(&d->len);
		struct sk_buff *skb;

		if (off < lo || (u64)off + len > hi || len < ETH_HLEN || len > sn->max_frame) {
			shmnet_protocol_error(sn, SHMNET_STAT_ERR_DESC);
			break;
		}
		skb = shmnet_copy_in(sn, (const u8 *)sn->base + off, len);
		cons++;
		avail--;
		done++;
		if (unlikely(!skb)) {
			shmnet_count(sn, SHMNET_STAT_RX_NOMEM);
			drops++;
			continue;
		}
		bytes += len;
		skb->protocol = eth_type_trans(skb, sn->ndev);
		napi_gro_receive(&sn->napi, skb);
	}
	if (cons == start)
		return done;

	sn->rx_cons = cons;
	/* Every copy out is complete before the producer may reuse the slots. */
	smp_store_release(&sn->self->rx_cons, cpu_to_le32(cons));
	u64_stats_update_begin(&sn->rx.syncp);
	u64_stats_add(&sn->rx.packets, done - drops);
	u64_stats_add(&sn->rx.bytes, bytes);
	u64_stats_add(&sn->rx.dropped, drops);
	u64_stats_update_end(&sn->rx.syncp);

	smp_mb();	/* rx_cons published before tx_event is read */
	ev = shmnet_rd(&sn->peer->tx_event);
	if (shmnet_crossed(cons, start, ev))
		shmnet_ring(sn);
	return done;
}

static int shmnet_poll(struct napi_struct *napi, int budget)
{
	struct shmnet *sn = container_of(napi, struct shmnet, napi);
	int done = 0;

	shmnet_count(sn, SHMNET_STAT_POLLS);
	shmnet_sync(sn);
	if (sn->link_up) {
		shmnet_reclaim(sn);
		done = shmnet_rx(sn, budget);
	}
	if (test_bit(SHMNET_RESTART, &sn->flags))
		shmnet_sync(sn);	/* the Start is done at once */
	if (done >= budget)
		return budget;
	if (!napi_complete_done(napi, done))
		return done;
	if (!sn->link_up)
		return done;
	/* About to wait: ask to be rung, then look again (no lost wake-up). */
	shmnet_wr(&sn->self->rx_event, sn->rx_cons);
	smp_mb();
	if (le32_to_cpu(smp_load_acquire(&sn->peer->tx_prod)) != sn->rx_cons ||
	    (netif_queue_stopped(sn->ndev) &&
	     (u32)(sn->tx_prod - le32_to_cpu(smp_load_acquire(&sn->peer->rx_cons))) <
	     sn->nr_slots))
		napi_schedule(napi);
	return done;
}

static irqreturn_t shmnet_irq(int irq, void *data)
{
	struct shmnet *sn = data;

	shmnet_count(sn, SHMNET_STAT_DOORBELLS_RECEIVED);
	napi_schedule(&sn->napi);
	return IRQ_HANDLED;
}

static void shmnet_timer(struct timer_list *t)
{
	struct shmnet *sn = from_timer(sn, t, timer);

	napi_schedule(&sn->napi);
	mod_timer(&sn->timer, jiffies + (sn->link_up ? SHMNET_POLL_UP : SHMNET_POLL_DOWN));
}

static void shmnet_tx_notify(struct shmnet *sn)
{
	u32 new = sn->tx_prod, old = sn->tx_notified;

	if (new == old)
		return;
	sn->tx_notified = new;
	smp_mb();	/* tx_prod published before rx_event is read */
	if (shmnet_crossed(new, old, shmnet_rd(&sn->peer->rx_event)))
		shmnet_ring(sn);
}

/* The peer's rx_cons, checked; false (and a restart asked for) if it is bad. */
static bool shmnet_tx_room(struct shmnet *sn, u32 *used)
{
	u32 rxc = le32_to_cpu(smp_load_acquire(&sn->peer->rx_cons));

	if ((u32)(sn->tx_prod - rxc) > sn->nr_slots) {
		shmnet_protocol_error(sn, SHMNET_STAT_ERR_INDEX);
		napi_schedule(&sn->napi);
		return false;
	}
	sn->tx_rxc = rxc;
	*used = sn->tx_prod - rxc;
	return true;
}

static void shmnet_tx_drop(struct shmnet *sn, struct sk_buff *skb)
{
	u64_stats_update_begin(&sn->tx.syncp);
	u64_stats_inc(&sn->tx.dropped);
	u64_stats_update_end(&sn->tx.syncp);
	dev_kfree_skb_any(skb);
	shmnet_tx_notify(sn);
}

static netdev_tx_t shmnet_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct shmnet *sn = netdev_priv(ndev);
	u32 nr = sn->nr_slots, len = skb->len, slot, off, used;
	struct shmnet_desc *d;

	if (unlikely(!sn->link_up)) {
		shmnet_count(sn, SHMNET_STAT_TX_NO_LINK);
		shmnet_tx_drop(sn, skb);
		return NETDEV_TX_OK;
	}
	if (unlikely(len < ETH_HLEN || len > sn->max_frame)) {
		u64_stats_update_begin(&sn->tx.syncp);
		u64_stats_inc(&sn->tx.errors);
		u64_stats_update_end(&sn->tx.syncp);
		shmnet_tx_drop(sn, skb);
		return NETDEV_TX_OK;
	}
	used = sn->tx_prod - sn->tx_rxc;
	if (unlikely(used >= nr)) {
		if (!shmnet_tx_room(sn, &used)) {
			shmnet_tx_drop(sn, skb);
			return NETDEV_TX_OK;
		}
		if (used >= nr) {	/* the queue is stopped before this happens */
			netif_stop_queue(ndev);
			shmnet_tx_notify(sn);
			return NETDEV_TX_BUSY;
		}
	}

	slot = sn->tx_prod & (nr - 1);
	off = sn->buf_off[sn->end] + slot * sn->slot_size;
	skb_copy_bits(skb, 0, (u8 *)sn->base + off, len);
	d = &sn->tx_ring[slot];
	shmnet_wr(&d->offset, off);
	shmnet_wr(&d->len, len);
	sn->tx_prod++;
	/* Descriptor and frame are visible before the index. */
	smp_store_release(&sn->self->tx_prod, cpu_to_le32(sn->tx_prod));

	u64_stats_update_begin(&sn->tx.syncp);
	u64_stats_inc(&sn->tx.packets);
	u64_stats_add(&sn->tx.bytes, len);
	u64_stats_update_end(&sn->tx.syncp);
	dev_consume_skb_any(skb);

	if (used + 1 >= nr && shmnet_tx_room(sn, &used) && used >= nr) {
		/* Full: wait for half the ring, then look again (no lost wake-up). */
		netif_stop_queue(ndev);
		shmnet_count(sn, SHMNET_STAT_RING_FULL);
		shmnet_wr(&sn->self->tx_event, sn->tx_rxc + nr / 2);
		smp_mb();
		if (shmnet_tx_room(sn, &used) && used < nr)
			netif_start_queue(ndev);
	}
	if (!netdev_xmit_more() || netif_queue_stopped(ndev))
		shmnet_tx_notify(sn);
	return NETDEV_TX_OK;
}

static void shmnet_tx_timeout(struct net_device *ndev, unsigned int txqueue)
{
	struct shmnet *sn = netdev_priv(ndev);

	/* The peer stopped consuming (gone silently): restart, wait for it. */
	shmnet_count(sn, SHMNET_STAT_TX_TIMEOUTS);
	netdev_warn(ndev, "transmit ring full for %u ms, restarting the link\n",
		    jiffies_to_msecs(SHMNET_TX_TIMEOUT));
	set_bit(SHMNET_RESTART, &sn->flags);
	napi_schedule(&sn->napi);
}

static int shmnet_open(struct net_device *ndev)
{
	struct shmnet *sn = netdev_priv(ndev);

	netif_carrier_off(ndev);
	sn->link_up = false;
	clear_bit(SHMNET_RESTART, &sn->flags);
	shmnet_start(sn);
	napi_enable(&sn->napi);
	netif_start_queue(ndev);
	mod_timer(&sn->timer, jiffies + SHMNET_POLL_DOWN);
	local_bh_disable();
	napi_schedule(&sn->napi);
	local_bh_enable();
	return 0;
}

/* Stop (docs/shmnet.md): say DOWN and ring; the peer sees the link go at once. */
static void shmnet_say_down(struct shmnet *sn)
{
	smp_store_release(&sn->self->state, cpu_to_le32(SHMNET_DOWN));
	shmnet_ring(sn);
}

static int shmnet_stop(struct net_device *ndev)
{
	struct shmnet *sn = netdev_priv(ndev);

	del_timer_sync(&sn->timer);
	napi_disable(&sn->napi);
	netif_tx_disable(ndev);
	if (sn->link_up) {
		sn->link_up = false;
		shmnet_count(sn, SHMNET_STAT_LINK_DOWNS);
	}
	netif_carrier_off(ndev);
	shmnet_say_down(sn);
	return 0;
}

static void shmnet_read_pcount(struct shmnet_pcount *c, u64 *packets, u64 *bytes,
			       u64 *dropped, u64 *errors)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&c->syncp);
		*packets = u64_stats_read(&c->packets);
		*bytes = u64_stats_read(&c->bytes);
		*dropped = u64_stats_read(&c->dropped);
		*errors = u64_stats_read(&c->errors);
	} while (u64_stats_fetch_retry(&c->syncp, start));
}

static void shmnet_get_stats64(struct net_device *ndev, struct rtnl_link_stats64 *st)
{
	struct shmnet *sn = netdev_priv(ndev);

	shmnet_read_pcount(&sn->rx, &st->rx_packets, &st->rx_bytes, &st->rx_dropped,
			   &st->rx_errors);
	shmnet_read_pcount(&sn->tx, &st->tx_packets, &st->tx_bytes, &st->tx_dropped,
			   &st->tx_errors);
	st->rx_errors += atomic64_read(&sn->stat[SHMNET_STAT_PROTOCOL_ERRORS]);
	st->rx_frame_errors = atomic64_read(&sn->stat[SHMNET_STAT_ERR_DESC]);
	st->rx_missed_errors = atomic64_read(&sn->stat[SHMNET_STAT_RX_NOMEM]);
	st->tx_carrier_errors = atomic64_read(&sn->stat[SHMNET_STAT_TX_NO_LINK]);
}

static const struct net_device_ops shmnet_netdev_ops = {
	.ndo_open		= shmnet_open,
	.ndo_stop		= shmnet_stop,
	.ndo_start_xmit		= shmnet_xmit,
	.ndo_tx_timeout		= shmnet_tx_timeout,
	.ndo_get_stats64	= shmnet_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void shmnet_get_drvinfo(struct net_device *ndev, struct ethtool_drvinfo *info)
{
	struct shmnet *sn = netdev_priv(ndev);

	strscpy(info->driver, DRV_NAME, sizeof(info->driver));
	snprintf(info->fw_version, sizeof(info->fw_version), "shmnet %d.%d end %u",
		 SHMNET_MAJOR, SHMNET_MINOR, sn->end);
	strscpy(info->bus_info, dev_name(&sn->pdev->dev), sizeof(info->bus_info));
}

static int shmnet_get_sset_count(struct net_device *ndev, int sset)
{
	return sset == ETH_SS_STATS ? SHMNET_STAT_COUNT : -EOPNOTSUPP;
}

static void shmnet_get_strings(struct net_device *ndev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		memcpy(data, shmnet_stat_names, sizeof(shmnet_stat_names));
}

static void shmnet_get_ethtool_stats(struct net_device *ndev, struct ethtool_stats *stats,
				     u64 *data)
{
	struct shmnet *sn = netdev_priv(ndev);
	int i;

	for (i = 0; i < SHMNET_STAT_COUNT; i++)
		data[i] = atomic64_read(&sn->stat[i]);
}

static void shmnet_get_ringparam(struct net_device *ndev, struct ethtool_ringparam *ring,
				 struct kernel_ethtool_ringparam *kring,
				 struct netlink_ext_ack *extack)
{
	struct shmnet *sn = netdev_priv(ndev);

	ring->rx_max_pending = sn->nr_slots;
	ring->tx_max_pending = sn->nr_slots;
	ring->rx_pending = sn->nr_slots;
	ring->tx_pending = sn->nr_slots;
}

static const struct ethtool_ops shmnet_ethtool_ops = {
	.get_drvinfo		= shmnet_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= shmnet_get_sset_count,
	.get_strings		= shmnet_get_strings,
	.get_ethtool_stats	= shmnet_get_ethtool_stats,
	.get_ringparam		= shmnet_get_ringparam,
};

/* Geometry from the device tree (docs/shmnet.md, "Geometry"), checked. */
static int shmnet_parse(struct shmnet *sn, struct device_node *np, struct resource *res)
{
	struct device *dev = &sn->pdev->dev;
	u64 ring, buf, need;

	if (of_property_read_u32(np, "phidias,end", &sn->end) || sn->end > 1 ||
	    of_property_read_u32(np, "phidias,cap", &sn->cap) ||
	    of_property_read_u32(np, "phidias,mtu", &sn->link_mtu) ||
	    of_property_read_u32(np, "phidias,ring-slots", &sn->nr_slots) ||
	    of_property_read_u32(np, "phidias,slot-size", &sn->slot_size)) {
		dev_err(dev, "%pOF: phidias,end/cap/mtu/ring-slots/slot-size missing or bad\n", np);
		return -EINVAL;
	}
	if (sn->link_mtu < SHMNET_MIN_MTU || sn->link_mtu > SHMNET_MAX_MTU) {
		dev_err(dev, "%pOF: phidias,mtu %u is not in %d..%d\n", np, sn->link_mtu,
			SHMNET_MIN_MTU, SHMNET_MAX_MTU);
		return -EINVAL;
	}
	sn->max_frame = sn->link_mtu + SHMNET_VLAN_ROOM;
	if (!is_power_of_2(sn->nr_slots) || sn->nr_slots > SHMNET_MAX_SLOTS ||
	    sn->slot_size < sn->max_frame || sn->slot_size % 64) {
		dev_err(dev, "%pOF: bad geometry: %u slots of %u bytes for MTU %u\n", np,
			sn->nr_slots, sn->slot_size, sn->link_mtu);
		return -EINVAL;
	}
	ring = ALIGN((u64)sn->nr_slots * sizeof(struct shmnet_desc), SHMNET_AREA_ALIGN);
	buf = ALIGN((u64)sn->nr_slots * sn->slot_size, SHMNET_AREA_ALIGN);
	need = SHMNET_RING0 + 2 * ring + buf + (u64)sn->nr_slots * sn->slot_size;
	sn->size = resource_size(res);
	if (need > sn->size || need > U32_MAX) {
		dev_err(dev, "%pOF: region of %llu bytes is too small for %u slots of %u bytes (%llu needed); link not started\n",
			np, sn->size, sn->nr_slots, sn->slot_size, need);
		return -EINVAL;
	}
	/* All below U32_MAX now: offsets fit a descriptor. */
	sn->ring_off[0] = SHMNET_RING0;
	sn->ring_off[1] = SHMNET_RING0 + ring;
	sn->buf_off[0] = SHMNET_RING0 + 2 * ring;
	sn->buf_off[1] = SHMNET_RING0 + 2 * ring + buf;
	return 0;
}

/* Index of @np among the phidias,shmnet nodes: it names the interface. */
static int shmnet_node_index(struct device_node *np)
{
	struct device_node *n;
	int i = 0;

	for_each_compatible_node(n, NULL, "phidias,shmnet") {
		if (n == np) {
			of_node_put(n);
			return i;
		}
		i++;
	}
	return -1;
}

static int shmnet_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct device_node *np = dev->of_node;
	const char *name = "?", *peer = "?";
	struct net_device *ndev;
	struct resource *res;
	struct shmnet *sn;
	int irq, ret, idx, i;

	ndev = devm_alloc_etherdev(dev, sizeof(*sn));
	if (!ndev)
		return -ENOMEM;
	SET_NETDEV_DEV(ndev, dev);
	sn = netdev_priv(ndev);
	sn->ndev = ndev;
	sn->pdev = pdev;
	for (i = 0; i < SHMNET_STAT_COUNT; i++)
		atomic64_set(&sn->stat[i], 0);
	u64_stats_init(&sn->rx.syncp);
	u64_stats_init(&sn->tx.syncp);

	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res)
		return dev_err_probe(dev, -EINVAL, "%pOF: no reg\n", np);
	ret = shmnet_parse(sn, np, res);
	if (ret)
		return ret;
	if (!devm_request_mem_region(dev, res->start, resource_size(res), dev_name(dev)))
		return dev_err_probe(dev, -EBUSY, "%pR is in use\n", res);
	/* Normal write-back cacheable, as on the peer's side (never uncached). */
	sn->base = devm_memremap(dev, res->start, resource_size(res), MEMREMAP_WB);
	if (IS_ERR(sn->base))
		return dev_err_probe(dev, PTR_ERR(sn->base), "cannot map %pR\n", res);
	sn->self = (struct shmnet_ctrl *)((u8 *)sn->base + sn->end * SHMNET_CTRL_SIZE);
	sn->peer = (struct shmnet_ctrl *)((u8 *)sn->base + !sn->end * SHMNET_CTRL_SIZE);
	sn->tx_ring = (struct shmnet_desc *)((u8 *)sn->base + sn->ring_off[sn->end]);
	sn->rx_ring = (const struct shmnet_desc *)((u8 *)sn->base + sn->ring_off[!sn->end]);

	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	sn->irq = irq;

	ndev->netdev_ops = &shmnet_netdev_ops;
	ndev->ethtool_ops = &shmnet_ethtool_ops;
	ndev->watchdog_timeo = SHMNET_TX_TIMEOUT;
	ndev->min_mtu = SHMNET_MIN_MTU;
	ndev->max_mtu = sn->link_mtu;
	ndev->mtu = sn->link_mtu;
	/* Frames are copied out of the skb: any layout will do, no linearizing. */
	ndev->features = NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA;
	ndev->hw_features = NETIF_F_SG | NETIF_F_FRAGLIST;
	ndev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	if (of_get_ethdev_address(np, ndev))
		eth_hw_addr_random(ndev);
	idx = shmnet_node_index(np);
	if (idx >= 0)
		snprintf(ndev->name, IFNAMSIZ, "eth%d", idx);

	netif_napi_add(ndev, &sn->napi, shmnet_poll);
	timer_setup(&sn->timer, shmnet_timer, 0);
	netif_carrier_off(ndev);

	/* Not ready to receive until the interface is up. */
	shmnet_say_down(sn);

	ret = devm_request_irq(dev, irq, shmnet_irq, 0, dev_name(dev), sn);
	if (ret)
		return dev_err_probe(dev, ret, "doorbell IRQ %d\n", irq);

	ret = register_netdev(ndev);
	if (ret == -EEXIST) {	/* ethN taken by another driver: any free name */
		strscpy(ndev->name, "eth%d", IFNAMSIZ);
		ret = register_netdev(ndev);
	}
	if (ret) {
		netif_napi_del(&sn->napi);
		return dev_err_probe(dev, ret, "register_netdev\n");
	}
	platform_set_drvdata(pdev, sn);
	of_property_read_string(np, "phidias,name", &name);
	of_property_read_string(np, "phidias,peer", &peer);
	netdev_info(ndev, "link %s end %u to %s: MTU %u, %u slots of %u bytes, cap %u, IRQ %d, %pM\n",
		    name, sn->end, peer, sn->link_mtu, sn->nr_slots, sn->slot_size, sn->cap,
		    irq, ndev->dev_addr);
	return 0;
}

static int shmnet_remove(struct platform_device *pdev)
{
	struct shmnet *sn = platform_get_drvdata(pdev);

	unregister_netdev(sn->ndev);	/* runs ndo_stop: DOWN and a ring */
	devm_free_irq(&pdev->dev, sn->irq, sn);
	netif_napi_del(&sn->napi);
	return 0;
}

/* Reboot or power-off: tell the peer at once, it will not hear from us again. */
static void shmnet_shutdown(struct platform_device *pdev)
{
	struct shmnet *sn = platform_get_drvdata(pdev);

	if (sn)
		shmnet_say_down(sn);
}

static const struct of_device_id shmnet_of_match[] = {
	{ .compatible = "phidias,shmnet" },
	{ }
};
MODULE_DEVICE_TABLE(of, shmnet_of_match);

static struct platform_driver shmnet_driver = {
	.probe		= shmnet_probe,
	.remove		= shmnet_remove,
	.shutdown	= shmnet_shutdown,
	.driver		= {
		.name	= DRV_NAME,
		.of_match_table = shmnet_of_match,
	},
};

/*
 * /phidias is not a simple-bus, so nothing creates platform devices for its
 * children: make one per link node, in node order, and remove them on exit.
 */
#define SHMNET_MAX_LINKS	16
static struct platform_device *shmnet_pdevs[SHMNET_MAX_LINKS];

static void shmnet_destroy_devices(void)
{
	int i;

	for (i = SHMNET_MAX_LINKS - 1; i >= 0; i--) {
		if (shmnet_pdevs[i])
			of_platform_device_destroy(&shmnet_pdevs[i]->dev, NULL);
		shmnet_pdevs[i] = NULL;
	}
}

static int __init shmnet_init(void)
{
	struct device_node *np;
	int ret, n = 0;

	ret = platform_driver_register(&shmnet_driver);
	if (ret)
		return ret;
	for_each_compatible_node(np, NULL, "phidias,shmnet") {
		if (!of_device_is_available(np))
			continue;
		if (n == SHMNET_MAX_LINKS) {
			pr_warn(DRV_NAME ": more than %d links, %pOF ignored\n",
				SHMNET_MAX_LINKS, np);
			continue;
		}
		shmnet_pdevs[n] = of_platform_device_create(np, NULL, NULL);
		if (!shmnet_pdevs[n])
			pr_warn(DRV_NAME ": no device for %pOF\n", np);
		else
			n++;
	}
	return 0;
}

static void __exit shmnet_exit(void)
{
	shmnet_destroy_devices();
	platform_driver_unregister(&shmnet_driver);
}

module_init(shmnet_init);
module_exit(shmnet_exit);

MODULE_DESCRIPTION("Phidias shared-memory virtual Ethernet (docs/shmnet.md)");
MODULE_AUTHOR("The Phidias authors");
MODULE_LICENSE("GPL");
