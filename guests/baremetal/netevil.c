/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netevil: a hostile shmnet peer, for the tests that the other end (the
 * Linux driver, the bare-metal runtime) survives anything in the shared
 * region.  It runs the protocol and the netpeer stack correctly (ARP, ICMP
 * and UDP echo), then, from a seeded PRNG, breaks the protocol on purpose,
 * rings the peer after every attack and says what it did:
 *   - descriptor offsets outside its buffers (control blocks, rings, the
 *     peer's buffers, past the region, wrapping around 2^32),
 *   - lengths beyond the buffer area, 0xffffffff, below 14,
 *   - its producer index jumping forwards or backwards, its consumer index
 *     of the peer's ring jumping,
 *   - a garbage magic, a lying geometry, an epoch storm (50 restarts),
 *   - protocol-valid frames with bad contents (short, bad IPv4/ICMP/UDP
 *     checksums, IP and UDP lengths beyond the frame, IP above the MTU),
 *   - a descriptor rewritten after it was published.
 * Between attacks it waits (at most 2 s) for the link to come back up.
 * Then `netevil: attacks done`, and it behaves; with verify=<ip> it pings
 * the peer and prints `netevil: verify PASS` or `netevil: verify FAIL`;
 * last it sends one frame of each bad kind (`netevil: bad frames sent`).
 *
 * bootargs: seed=<n> (default 1), attacks=<n> (default 100), after=<n>
 * (echo requests to answer first, default 0), peer=<a.b.c.d> (target of the
 * garbage IP frames), verify=<a.b.c.d>, ip=<a.b.c.d/p> if the DT has none,
 * link=<n>.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bm/bm.h>
#include <bm/mmu.h>
#include <bm/net.h>
#include <bm/shmnet.h>

#define NE_IDLE_US	20000u
#define NE_UP_US	2000000u
#define NE_VERIFY_N	10u
#define NE_FRAME_KINDS	7u

static struct bm_shmnet ne_link;
static struct bm_net ne_net;
static uint8_t ne_rx[BM_SHMNET_MAX_FRAME] __attribute__((aligned(64)));
static uint8_t ne_frame[BM_SHMNET_MAX_FRAME] __attribute__((aligned(64)));
static uint64_t ne_rng;
static uint32_t ne_peer_ip;
static volatile bool ne_reply;

static uint64_t ne_rand(void)
{
	/* xorshift64*: the same attacks for the same seed */
	ne_rng ^= ne_rng >> 12;
	ne_rng ^= ne_rng << 25;
	ne_rng ^= ne_rng >> 27;
	return ne_rng * 0x2545f4914f6cdd1dull;
}

static void ne_timer_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid;
	(void)iar;
	(void)arg;
	bm_vtimer_stop();
}

static void ne_on_reply(struct bm_net *n, uint32_t src, uint16_t id, uint16_t seq,
			const uint8_t *data, uint32_t len)
{
	(void)n;
	(void)src;
	(void)seq;
	(void)data;
	if (id == 0x4556 && len == 56)
		ne_reply = true;
}

static void ne_service(uint64_t sleep_us)
{
	unsigned int n = 0;

	bm_shmnet_poll(&ne_link);
	for (; n < 64; n++) {
		int r = bm_shmnet_recv(&ne_link, ne_rx, sizeof(ne_rx));

		if (r > 0)
			bm_net_input(&ne_net, ne_rx, (uint32_t)r);
		else if (r == 0)
			break;
	}
	if (!sleep_us || n == 64 || !bm_shmnet_idle(&ne_link))
		return;
	bm_vtimer_arm_in(bm_us_to_ticks(sleep_us));
	bm_irq_wait();
	bm_vtimer_stop();
}

static bool ne_wait_up(uint64_t us)
{
	uint64_t end = bm_counter_read() + bm_us_to_ticks(us);

	while (!ne_link.up && bm_counter_read() < end)
		ne_service(NE_IDLE_US);
	return ne_link.up;
}

static volatile struct bm_shmnet_ctrl *ne_self(void)
{
	return (volatile struct bm_shmnet_ctrl *)(ne_link.base + 0x40u * ne_link.end);
}

static volatile struct bm_shmnet_desc *ne_desc(uint32_t index)
{
	return (volatile struct bm_shmnet_desc *)(ne_link.base + ne_link.ring_off[ne_link.end]) +
	       (index & (ne_link.nr_slots - 1u));
}

static void ne_ring(void)
{
	(void)bm_hyp_cap_invoke(ne_link.cap);
}

/* Publishes one descriptor at the next index, as the protocol would. */
static void ne_publish(uint32_t offset, uint32_t len)
{
	volatile struct bm_shmnet_desc *d = ne_desc(ne_link.tx_prod);

	d->offset = offset;
	d->len = len;
	__asm__ volatile("dmb ish" : : : "memory");
	ne_self()->tx_prod = ++ne_link.tx_prod;
	ne_ring();
}

/* A protocol-valid frame to the peer with an IPv4 header of our making. */
static uint32_t ne_ip_frame(uint8_t proto, uint32_t payload)
{
	const uint8_t *mac = bm_net_arp_lookup(&ne_net, ne_peer_ip);
	uint8_t *ip = ne_frame + 14;
	uint32_t sum = 0, total = 20 + payload;

	memset(ne_frame, 0, sizeof(ne_frame));
	if (mac)
		memcpy(ne_frame, mac, 6);
	else
		memset(ne_frame, 0xff, 6);
	memcpy(ne_frame + 6, ne_link.mac, 6);
	ne_frame[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(total >> 8);
	ip[3] = (uint8_t)total;
	ip[8] = 64;
	ip[9] = proto;
	for (unsigned int i = 0; i < 4; i++) {
		ip[12 + i] = (uint8_t)(ne_net.ip >> (24 - 8 * i));
		ip[16 + i] = (uint8_t)(ne_peer_ip >> (24 - 8 * i));
	}
	for (unsigned int i = 0; i < 20; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	sum = ~sum & 0xffffu;
	ip[10] = (uint8_t)(sum >> 8);
	ip[11] = (uint8_t)sum;
	return 14 + total;
}

static void ne_garbage_frame(unsigned int kind)
{
	uint32_t len;

	switch (kind % NE_FRAME_KINDS) {
	case 0:
		ne_ip_frame(1, 64);
		bm_printf("garbage frame: short (IPv4 header cut, 20 bytes)\n");
		bm_shmnet_send(&ne_link, ne_frame, 20);
		return;
	case 1:
		len = ne_ip_frame(1, 64);
		ne_frame[14 + 10] ^= 0x5a;
		bm_printf("garbage frame: bad IPv4 header checksum\n");
		break;
	case 2:
		len = ne_ip_frame(1, 64);
		ne_frame[34] = 8;			/* echo request, checksum left 0 */
		ne_frame[35] = 0;
		ne_frame[36] = 0x12;
		bm_printf("garbage frame: ICMP echo with a bad checksum\n");
		break;
	case 3:
		len = ne_ip_frame(17, 64);
		ne_frame[34 + 3] = 7;			/* to the echo port */
		ne_frame[34 + 4] = 0;
		ne_frame[34 + 5] = 72;
		ne_frame[34 + 6] = 0xde;		/* wrong, non-zero checksum */
		ne_frame[34 + 7] = 0xad;
		bm_printf("garbage frame: UDP with a bad checksum\n");
		break;
	case 4:
		len = ne_ip_frame(17, 64);
		ne_frame[34 + 3] = 7;
		ne_frame[34 + 4] = 0x40;		/* UDP length 16K in a 64-byte payload */
		bm_printf("garbage frame: UDP length beyond the datagram\n");
		break;
	case 6:
		/* a full-size frame whose IPv4 total length exceeds the MTU
		 * (impossible to express above an MTU of 65531) */
		if (ne_link.mtu > 65531u) {
			ne_garbage_frame(5);
			return;
		}
		len = ne_ip_frame(1, ne_link.mtu - 16u);
		bm_printf("garbage frame: IPv4 total length %u above the MTU %u\n",
			  ne_link.mtu + 4u, ne_link.mtu);
		break;
	default:
		len = ne_ip_frame(1, 64);
		/* IP total length beyond the frame, checksum kept valid */
		ne_frame[16] = 0x7f;
		ne_frame[24] = ne_frame[25] = 0;
		{
			uint32_t sum = 0;

			for (unsigned int i = 0; i < 20; i += 2)
				sum += (uint32_t)(ne_frame[14 + i] << 8 | ne_frame[15 + i]);
			while (sum >> 16)
				sum = (sum & 0xffffu) + (sum >> 16);
			sum = ~sum & 0xffffu;
			ne_frame[24] = (uint8_t)(sum >> 8);
			ne_frame[25] = (uint8_t)sum;
		}
		bm_printf("garbage frame: IPv4 total length 0x7f.. beyond the frame\n");
		break;
	}
	bm_shmnet_send(&ne_link, ne_frame, len);
}

static void ne_attack(unsigned int n)
{
	uint32_t nr = ne_link.nr_slots, slot = ne_link.slot_size;
	uint32_t mine = ne_link.buf_off[ne_link.end], end = mine + nr * slot;
	uint32_t r = (uint32_t)ne_rand(), v;
	unsigned int kind = (unsigned int)(ne_rand() % 13u);

	bm_printf("netevil: attack %u: ", n);
	switch (kind) {
	case 0:
		v = r % mine;
		bm_printf("descriptor offset 0x%x (control blocks / rings)\n", v);
		ne_publish(v, 64);
		break;
	case 1:
		v = ne_link.buf_off[1u - ne_link.end] + r % (nr * slot);
		bm_printf("descriptor offset 0x%x (the peer's own buffers)\n", v);
		ne_publish(v, 64);
		break;
	case 2:
		v = (uint32_t)ne_link.size + r % 0x100000u;
		bm_printf("descriptor offset 0x%x (past the region)\n", v);
		ne_publish(v, 64);
		break;
	case 3:
		bm_printf("descriptor offset 0xfffffff0 len 64 (wraps 2^32)\n");
		ne_publish(0xfffffff0u, 64);
		break;
	case 4:
		v = 1u + r % 4096u;
		bm_printf("descriptor len %u from 0x%x (beyond the buffer area)\n", v + 64u,
			  end - 64u);
		ne_publish(end - 64u, v + 64u);
		break;
	case 5:
		v = (r & 1) ? 0xffffffffu : r % 14u;
		bm_printf("descriptor len 0x%x\n", v);
		ne_publish(mine, v);
		break;
	case 6:
		v = nr + 1u + r % 100000u;
		bm_printf("tx_prod jumps by %u\n", v);
		ne_link.tx_prod += v;
		ne_self()->tx_prod = ne_link.tx_prod;
		ne_ring();
		break;
	case 7:
		v = 1u + r % 1000u;
		bm_printf("tx_prod goes back by %u\n", v);
		ne_link.tx_prod -= v;
		ne_self()->tx_prod = ne_link.tx_prod;
		ne_ring();
		break;
	case 8:
		v = nr + 1u + r % 100000u;
		bm_printf("rx_cons jumps by %u\n", v);
		ne_self()->rx_cons = ne_link.rx_cons + v;
		ne_ring();
		break;
	case 9:
		bm_printf("magic 0x%x\n", r);
		ne_self()->magic = r == BM_SHMNET_MAGIC ? 0 : r;
		ne_ring();
		ne_service(NE_IDLE_US);
		bm_shmnet_start(&ne_link);
		break;
	case 10:
		bm_printf("geometry: nr_slots %u instead of %u\n", nr * 2u, nr);
		ne_self()->nr_slots = nr * 2u;
		ne_ring();
		ne_service(NE_IDLE_US);
		bm_shmnet_start(&ne_link);
		break;
	case 11:
		bm_printf("epoch storm: 50 restarts\n");
		for (unsigned int i = 0; i < 50; i++)
			bm_shmnet_start(&ne_link);
		break;
	default:
		if (r & 1) {
			bm_printf("descriptor rewritten after publishing\n");
			ne_ip_frame(1, 64);
			bm_shmnet_send(&ne_link, ne_frame, 98);
			ne_desc(ne_link.tx_prod - 1u)->len = 0x10000000u;
			ne_desc(ne_link.tx_prod - 1u)->offset = 0x10u;
			ne_ring();
		} else {
			ne_garbage_frame((unsigned int)(r >> 1));
		}
		break;
	}
	/* let the peer notice, then wait for it to bring the link back */
	ne_service(NE_IDLE_US);
	if (!ne_wait_up(NE_UP_US)) {
		/* it may only be waiting for us: a clean start brings it back */
		bm_shmnet_start(&ne_link);
		ne_wait_up(NE_UP_US);
	}
}

static void ne_verify(uint32_t peer)
{
	uint8_t payload[56];
	unsigned int ok = 0;
	char ip[16];

	for (unsigned int i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	for (unsigned int i = 0; i < 50 && !bm_net_arp_lookup(&ne_net, peer); i++) {
		bm_net_arp_request(&ne_net, peer);
		for (unsigned int k = 0; k < 10 && !bm_net_arp_lookup(&ne_net, peer); k++)
			ne_service(NE_IDLE_US);
	}
	for (uint16_t seq = 1; seq <= NE_VERIFY_N; seq++) {
		uint64_t end = bm_counter_read() + bm_us_to_ticks(3000000);

		ne_reply = false;
		if (bm_net_send_ping(&ne_net, peer, 0x4556, seq, payload, sizeof(payload)) < 0)
			continue;
		while (!ne_reply && bm_counter_read() < end)
			ne_service(NE_IDLE_US);
		ok += ne_reply;
	}
	bm_printf("netevil: verify %s: %u/%u pings answered\n", bm_net_fmt_ip(peer, ip), ok,
		  NE_VERIFY_N);
	bm_printf("netevil: verify %s\n", ok == NE_VERIFY_N ? "PASS" : "FAIL");
}

int main(const void *dtb)
{
	const char *args = bm_bootargs();
	uint64_t seed = 1, attacks = 100, after = 0, which = 0;
	uint32_t ip = 0, verify = 0;
	unsigned int prefix = 0;
	char buf[32];

	(void)dtb;
	bm_mmu_enable();
	bm_gic_init();
	bm_irq_register(BM_VTIMER_INTID, ne_timer_irq, NULL);
	bm_gic_enable(BM_VTIMER_INTID);
	bm_irq_disable();
	bm_bootargs_get_u64(args, "seed", &seed);
	bm_bootargs_get_u64(args, "attacks", &attacks);
	bm_bootargs_get_u64(args, "after", &after);
	bm_bootargs_get_u64(args, "link", &which);
	ne_rng = seed ? seed : 1;
	if (bm_shmnet_find((unsigned int)which, &ne_link) < 0) {
		bm_printf("netevil: FAIL no usable phidias,shmnet node: %s\n",
			  ne_link.last_error ? ne_link.last_error : "none");
		return 1;
	}
	if (!(ne_link.ip && bm_net_parse_ip(ne_link.ip, &ip, &prefix) == 0) &&
	    !(bm_bootargs_get(args, "ip", buf, sizeof(buf)) >= 0 &&
	      bm_net_parse_ip(buf, &ip, &prefix) == 0)) {
		bm_printf("netevil: FAIL no IP address (DT phidias,ip or bootargs ip=)\n");
		return 1;
	}
	if (bm_bootargs_get(args, "peer", buf, sizeof(buf)) >= 0)
		bm_net_parse_ip(buf, &ne_peer_ip, NULL);
	if (bm_bootargs_get(args, "verify", buf, sizeof(buf)) >= 0)
		bm_net_parse_ip(buf, &verify, NULL);
	if (!ne_peer_ip)
		ne_peer_ip = verify;
	bm_net_init(&ne_net, &ne_link, ip, prefix);
	ne_net.on_echo_reply = ne_on_reply;
	if (bm_shmnet_open(&ne_link) < 0) {
		bm_printf("netevil: FAIL %s\n", ne_link.last_error);
		return 1;
	}
	bm_printf("netevil: link %s end %u peer %s, seed %lu, %lu attacks after %lu echo "
		  "requests\n", ne_link.name, ne_link.end, ne_link.peer, (unsigned long)seed,
		  (unsigned long)attacks, (unsigned long)after);
	while (!ne_link.up || ne_net.stats.icmp_echo_tx < after)
		ne_service(100000);
	bm_printf("netevil: link up, attacking\n");
	for (unsigned int i = 1; i <= attacks; i++)
		ne_attack(i);
	bm_shmnet_start(&ne_link);
	ne_wait_up(10 * NE_UP_US);
	bm_printf("netevil: attacks done, link %s; behaving from now on\n",
		  ne_link.up ? "up" : "down");
	bm_shmnet_print_stats(&ne_link, "netevil");
	if (verify)
		ne_verify(verify);
	/* one of each bad frame, for the peer's counters */
	for (unsigned int k = 0; k < NE_FRAME_KINDS; k++) {
		ne_garbage_frame(k);
		ne_service(NE_IDLE_US);
	}
	bm_printf("netevil: bad frames sent: %u kinds\n", NE_FRAME_KINDS);
	for (;;)
		ne_service(100000);
}
