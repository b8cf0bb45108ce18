/* SPDX-License-Identifier: Apache-2.0 */
/*
 * netpeer: an RTOS-style network node on a shmnet link (bm/shmnet.h,
 * bm/net.h): it answers ARP, ICMP echo (any size up to the MTU) and UDP
 * echo (port 7), counts and drops bad frames, and prints its counters when
 * 's' is typed on its console or every stats=<period>.
 *
 * bootargs (docs/baremetal.md):
 *   link=<n>            which phidias,shmnet node (default 0)
 *   ip=<a.b.c.d/p>      its address if the device tree gives none
 *   stats=<period>      print the counters periodically (e.g. 5s)
 *   allow-reset         a UDP datagram "RESET" to port 9999 restarts the VM
 *                       (PSCI SYSTEM_RESET): the peer-restart test
 *   role=client peer=<a.b.c.d> [count=<n>] [sizes=<a,b,..>] [udp=<a,b,..>]
 *                       [burst=<n>] [restart-peer]
 *     ARPs the peer, sends count pings of every size (default 56, 1472 and
 *     the largest the MTU allows) and UDP echoes of every udp size, checks
 *     every reply byte for byte; burst=<n> sends n UDP echoes back to back
 *     (the ring fills: flow control); with restart-peer asks the peer to reset,
 *     waits for the link to come back and pings again.  Prints one line per
 *     step and `netpeer: client PASS` or `netpeer: client FAIL <why>`, then
 *     goes on serving.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bm/bm.h>
#include <bm/mmu.h>
#include <bm/net.h>
#include <bm/shmnet.h>

#define NP_RESET_PORT	9999u
#define NP_CLIENT_PORT	40007u
#define NP_BURST_PORT	40008u
#define NP_BURST_LEN	1000u
#define NP_IDLE_US	100000u		/* longest sleep: the link is synced this often */
#define NP_REPLY_US	3000000u	/* a reply is lost after this */
#define NP_UP_US	60000000u	/* the link must come up within this */
#define NP_MAX_SIZES	8u
#define NP_BUDGET	64u		/* frames per poll, like NAPI */

static struct bm_shmnet np_link;
static struct bm_net np_net;
static uint8_t np_rx[BM_SHMNET_MAX_FRAME] __attribute__((aligned(64)));
static uint8_t np_buf[BM_SHMNET_MAX_FRAME] __attribute__((aligned(64)));
static uint64_t np_stats_period, np_next_stats;
static bool np_allow_reset;
static unsigned int np_burst_echoed;

/* The reply the client waits for. */
static struct {
	bool icmp;		/* waiting for an echo reply, else a UDP echo */
	uint16_t id, seq;
	uint32_t len;
	bool got, bad;
} np_wait;

static void np_timer_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid;
	(void)iar;
	(void)arg;
	bm_vtimer_stop();
}

static uint8_t np_pattern(uint32_t i, uint32_t salt)
{
	return (uint8_t)(i * 7u + salt * 13u + (i >> 8));
}

static bool np_matches(const uint8_t *data, uint32_t len, uint32_t salt)
{
	for (uint32_t i = 0; i < len; i++)
		if (data[i] != np_pattern(i, salt))
			return false;
	return true;
}

static void np_print_stats(void)
{
	bm_shmnet_print_stats(&np_link, "netpeer");
	bm_net_print_stats(&np_net, "netpeer");
}

static void np_on_reply(struct bm_net *n, uint32_t src, uint16_t id, uint16_t seq,
			const uint8_t *data, uint32_t len)
{
	(void)n;
	(void)src;
	if (!np_wait.icmp || id != np_wait.id || seq != np_wait.seq)
		return;
	np_wait.got = true;
	np_wait.bad = len != np_wait.len || !np_matches(data, len, seq);
}

static void np_on_udp(struct bm_net *n, uint32_t src, uint16_t sport, uint16_t dport,
		      const uint8_t *data, uint32_t len)
{
	if (dport == NP_RESET_PORT && np_allow_reset && len == 5 &&
	    !memcmp(data, "RESET", 5)) {
		char ip[16];

		bm_printf("netpeer: reset requested by %s\n", bm_net_fmt_ip(src, ip));
		np_print_stats();
		bm_shmnet_stop(&np_link);
		bm_psci_system_reset();
	}
	if (!np_wait.icmp && dport == NP_CLIENT_PORT && sport == BM_NET_UDP_ECHO_PORT &&
	    len >= 2 && (uint16_t)(data[0] << 8 | data[1]) == np_wait.seq) {
		np_wait.got = true;
		np_wait.bad = len != np_wait.len || !np_matches(data + 2, len - 2, np_wait.seq);
		return;
	}
	if (dport == NP_BURST_PORT && sport == BM_NET_UDP_ECHO_PORT && len == NP_BURST_LEN &&
	    np_matches(data, len, 0)) {
		np_burst_echoed++;
		return;
	}
	n->stats.rx_ignored++;
}

/* One pass: link state, every frame that is there, console; then sleep
 * until a doorbell, the timeout (at most NP_IDLE_US) or anything else. */
static void np_service(uint64_t sleep_us)
{
	bool was_up = np_link.up;
	uint64_t starts = np_link.stats.starts;
	unsigned int n = 0;
	int c;

	bm_shmnet_poll(&np_link);
	for (; n < NP_BUDGET; n++) {
		int r = bm_shmnet_recv(&np_link, np_rx, sizeof(np_rx));

		if (r > 0)
			bm_net_input(&np_net, np_rx, (uint32_t)r);
		else if (r == 0)
			break;
	}
	if (np_link.stats.starts != starts)
		bm_printf("netpeer: link restarted: %s\n",
			  np_link.last_error ? np_link.last_error : "?");
	if (np_link.up != was_up)
		bm_printf("netpeer: link %s\n", np_link.up ? "up" : "down");
	while ((c = bm_uart_getc()) >= 0)
		if (c == 's')
			np_print_stats();
	if (np_stats_period && bm_counter_read() >= np_next_stats) {
		np_print_stats();
		np_next_stats = bm_counter_read() + np_stats_period;
	}
	if (!sleep_us || n == NP_BUDGET || !bm_shmnet_idle(&np_link))
		return;
	if (sleep_us > NP_IDLE_US)
		sleep_us = NP_IDLE_US;
	bm_vtimer_arm_in(bm_us_to_ticks(sleep_us));
	bm_irq_wait();
	bm_vtimer_stop();
}

static bool np_wait_reply(uint64_t timeout_us)
{
	uint64_t end = bm_counter_read() + bm_us_to_ticks(timeout_us);

	while (!np_wait.got) {
		uint64_t now = bm_counter_read();

		if (now >= end)
			return false;
		np_service(bm_ticks_to_us(end - now) + 1);
	}
	return true;
}

static bool np_wait_up(uint64_t timeout_us)
{
	uint64_t end = bm_counter_read() + bm_us_to_ticks(timeout_us);

	while (!np_link.up) {
		if (bm_counter_read() >= end)
			return false;
		np_service(NP_IDLE_US);
	}
	return true;
}

static bool np_resolve(uint32_t peer)
{
	char ip[16];
	const uint8_t *mac;

	for (unsigned int i = 0; i < 50 && !(mac = bm_net_arp_lookup(&np_net, peer)); i++) {
		uint64_t end;

		bm_net_arp_request(&np_net, peer);
		end = bm_counter_read() + bm_us_to_ticks(200000);
		while (!bm_net_arp_lookup(&np_net, peer) && bm_counter_read() < end)
			np_service(200000);
	}
	mac = bm_net_arp_lookup(&np_net, peer);
	if (!mac)
		return false;
	bm_printf("netpeer: arp %s is %02x:%02x:%02x:%02x:%02x:%02x\n",
		  bm_net_fmt_ip(peer, ip), mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return true;
}

/* count pings of len payload bytes; the number answered correctly. */
static unsigned int np_ping(uint32_t peer, uint32_t len, unsigned int count,
			    uint16_t *seq)
{
	unsigned int ok = 0;

	for (unsigned int i = 0; i < count; i++) {
		uint16_t s = ++*seq;

		for (uint32_t k = 0; k < len; k++)
			np_buf[k] = np_pattern(k, s);
		np_wait.icmp = true;
		np_wait.id = 0x4e50;
		np_wait.seq = s;
		np_wait.len = len;
		np_wait.got = np_wait.bad = false;
		if (bm_net_send_ping(&np_net, peer, np_wait.id, s, np_buf, len) < 0)
			continue;
		if (np_wait_reply(NP_REPLY_US) && !np_wait.bad)
			ok++;
	}
	return ok;
}

static unsigned int np_udp(uint32_t peer, uint32_t len, unsigned int count,
			   uint16_t *seq)
{
	unsigned int ok = 0;

	for (unsigned int i = 0; i < count; i++) {
		uint16_t s = ++*seq;

		np_buf[0] = (uint8_t)(s >> 8);
		np_buf[1] = (uint8_t)s;
		for (uint32_t k = 0; k + 2 < len; k++)
			np_buf[k + 2] = np_pattern(k, s);
		np_wait.icmp = false;
		np_wait.seq = s;
		np_wait.len = len;
		np_wait.got = np_wait.bad = false;
		if (bm_net_send_udp(&np_net, peer, NP_CLIENT_PORT, BM_NET_UDP_ECHO_PORT,
				    np_buf, len) < 0)
			continue;
		if (np_wait_reply(NP_REPLY_US) && !np_wait.bad)
			ok++;
	}
	return ok;
}

/* "56,1472,9000" -> sizes clamped to [lo, max]; the number of them. */
static unsigned int np_sizes(const char *key, uint32_t *out, uint32_t lo, uint32_t max,
			     const uint32_t *dflt, unsigned int ndflt)
{
	char buf[96];
	unsigned int n = 0;
	uint64_t v;

	if (bm_bootargs_get(bm_bootargs(), key, buf, sizeof(buf)) < 0) {
		for (; n < ndflt; n++)
			out[n] = dflt[n];
		return n;
	}
	for (char *p = buf; *p && n < NP_MAX_SIZES;) {
		size_t len = 0;

		while (p[len] && p[len] != ',')
			len++;
		if (bm_parse_u64(p, len, &v) == 0 && v >= lo && v <= max)
			out[n++] = (uint32_t)v;
		else
			bm_printf("netpeer: %s: size '%.*s' ignored (%u-%u)\n", key,
				  (int)len, p, lo, max);
		p += len;
		if (*p)
			p++;
	}
	return n;
}

static const char *np_run_client(uint32_t peer)
{
	uint32_t max = bm_net_max_payload(&np_net), sizes[NP_MAX_SIZES], udp[NP_MAX_SIZES];
	const uint32_t dping[] = { 56, 1472 < max ? 1472 : max, max };
	const uint32_t dudp[] = { 2, 7, 512, max };
	unsigned int nping, nudp, count = 10, ok;
	uint64_t v, restarts;
	uint16_t seq = 0;
	char ip[16];

	if (bm_bootargs_get_u64(bm_bootargs(), "count", &v) == 0 && v > 0 && v <= 10000)
		count = (unsigned int)v;
	/* ICMP and UDP headers are both 8 bytes: one payload limit */
	nping = np_sizes("sizes", sizes, 0, max, dping, 3);
	nudp = np_sizes("udp", udp, 2, max, dudp, 4);
	if (!nping)
		return "no ping sizes";
	if (!np_wait_up(NP_UP_US))
		return "the link did not come up";
	if (!np_resolve(peer))
		return "no ARP reply";
	for (unsigned int i = 0; i < nping; i++) {
		ok = np_ping(peer, sizes[i], count, &seq);
		bm_printf("netpeer: ping %s size %u: %u/%u ok\n", bm_net_fmt_ip(peer, ip),
			  sizes[i], ok, count);
		if (ok != count)
			return "pings lost or corrupted";
	}
	for (unsigned int i = 0; i < nudp; i++) {
		ok = np_udp(peer, udp[i], count, &seq);
		bm_printf("netpeer: udp %s size %u: %u/%u ok\n", bm_net_fmt_ip(peer, ip),
			  udp[i], ok, count);
		if (ok != count)
			return "UDP echoes lost or corrupted";
	}
	if (bm_bootargs_get_u64(bm_bootargs(), "burst", &v) == 0 && v > 0 && v <= 100000) {
		/* back to back, no waiting: the ring fills, flow control drops */
		uint64_t full = np_link.stats.ring_full, bells = np_link.stats.doorbells_tx;
		unsigned int sent = 0, dropped = 0;

		for (uint32_t k = 0; k < NP_BURST_LEN; k++)
			np_buf[k] = np_pattern(k, 0);
		for (uint64_t i = 0; i < v; i++) {
			if (bm_net_send_udp(&np_net, peer, NP_BURST_PORT, BM_NET_UDP_ECHO_PORT,
					    np_buf, NP_BURST_LEN) == 0)
				sent++;
			else
				dropped++;
			if (i % 16 == 15)
				np_service(0);	/* take the echoes without sleeping */
		}
		bells = np_link.stats.doorbells_tx - bells;
		full = np_link.stats.ring_full - full;
		/* until every echo is back or none came for NP_REPLY_US (the
		 * peer's ring was full too: it counts what it dropped) */
		for (unsigned int last = np_burst_echoed, quiet = 0;
		     np_burst_echoed < sent && quiet < NP_REPLY_US / NP_IDLE_US;) {
			np_service(NP_IDLE_US);
			quiet = np_burst_echoed == last ? quiet + 1 : 0;
			last = np_burst_echoed;
		}
		bm_printf("netpeer: burst %lu udp: sent %u dropped %u (ring full %lu times), "
			  "%lu doorbells, echoed %u\n", (unsigned long)v, sent, dropped,
			  (unsigned long)full, (unsigned long)bells, np_burst_echoed);
		if (!sent || sent + dropped != v || !np_link.up)
			return "the burst broke the link";
	}
	if (!bm_bootargs_has(bm_bootargs(), "restart-peer"))
		return NULL;
	restarts = np_link.stats.peer_restarts;
	bm_printf("netpeer: asking %s to restart\n", bm_net_fmt_ip(peer, ip));
	bm_net_send_udp(&np_net, peer, NP_CLIENT_PORT, NP_RESET_PORT,
			(const uint8_t *)"RESET", 5);
	{
		uint64_t end = bm_counter_read() + bm_us_to_ticks(NP_UP_US);

		while (np_link.stats.peer_restarts == restarts && bm_counter_read() < end)
			np_service(NP_IDLE_US);
	}
	if (np_link.stats.peer_restarts == restarts)
		return "the peer did not restart";
	if (!np_wait_up(NP_UP_US))
		return "the link did not come back";
	bm_printf("netpeer: link back after the peer's restart\n");
	ok = np_ping(peer, sizes[nping - 1], count, &seq);
	bm_printf("netpeer: ping %s size %u after restart: %u/%u ok\n",
		  bm_net_fmt_ip(peer, ip), sizes[nping - 1], ok, count);
	if (ok != count)
		return "pings lost after the restart";
	return NULL;
}

int main(const void *dtb)
{
	const char *args = bm_bootargs();
	char buf[32], ipbuf[16];
	uint32_t ip = 0, peer = 0;
	unsigned int prefix = 0;
	uint64_t v, which = 0;
	bool client;
	int err;

	(void)dtb;
	bm_mmu_enable();
	bm_gic_init();
	bm_irq_register(BM_VTIMER_INTID, np_timer_irq, NULL);
	bm_gic_enable(BM_VTIMER_INTID);
	bm_irq_disable();

	bm_bootargs_get_u64(args, "link", &which);
	err = bm_shmnet_find((unsigned int)which, &np_link);
	if (err < 0) {
		bm_printf("netpeer: FAIL no usable phidias,shmnet node %u: %s\n",
			  (unsigned int)which, np_link.last_error ? np_link.last_error : "none");
		return 1;
	}
	if ((np_link.ip && bm_net_parse_ip(np_link.ip, &ip, &prefix) == 0) ||
	    (bm_bootargs_get(args, "ip", buf, sizeof(buf)) >= 0 &&
	     bm_net_parse_ip(buf, &ip, &prefix) == 0)) {
		/* the device tree's address, else the bootargs' */
	} else {
		bm_printf("netpeer: FAIL no IP address: give <end ip=\"a.b.c.d/p\"> or "
			  "bootargs ip=a.b.c.d/p\n");
		return 1;
	}
	np_allow_reset = bm_bootargs_has(args, "allow-reset");
	if (bm_bootargs_get_duration_us(args, "stats", &v) == 0 && v) {
		np_stats_period = bm_us_to_ticks(v);
		np_next_stats = bm_counter_read() + np_stats_period;
	}
	bm_net_init(&np_net, &np_link, ip, prefix);
	np_net.on_echo_reply = np_on_reply;
	np_net.on_udp = np_on_udp;
	bm_printf("netpeer: link %s end %u peer %s mtu %u slots %u x %u, cap %u, doorbell %u, "
		  "mac %02x:%02x:%02x:%02x:%02x:%02x, ip %s/%u\n", np_link.name, np_link.end,
		  np_link.peer, np_link.mtu, np_link.nr_slots, np_link.slot_size, np_link.cap,
		  np_link.intid, np_link.mac[0], np_link.mac[1], np_link.mac[2], np_link.mac[3],
		  np_link.mac[4], np_link.mac[5], bm_net_fmt_ip(ip, ipbuf), prefix);
	err = bm_shmnet_open(&np_link);
	if (err < 0) {
		bm_printf("netpeer: FAIL %s\n", np_link.last_error ? np_link.last_error : "open");
		return 1;
	}

	client = bm_bootargs_get(args, "role", buf, sizeof(buf)) >= 0 &&
		 !strcmp(buf, "client");
	if (client) {
		if (bm_bootargs_get(args, "peer", buf, sizeof(buf)) < 0 ||
		    bm_net_parse_ip(buf, &peer, NULL) < 0) {
			bm_printf("netpeer: client FAIL no peer=a.b.c.d in the bootargs\n");
		} else {
			const char *why = np_run_client(peer);

			np_print_stats();
			if (why)
				bm_printf("netpeer: client FAIL %s\n", why);
			else
				bm_printf("netpeer: client PASS\n");
		}
	}
	for (;;)
		np_service(NP_IDLE_US);
}
