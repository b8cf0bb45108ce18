/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The minimal IPv4 stack of bm/net.h.  Frames are parsed with explicit
 * bounds: every header is checked against the bytes the frame really has
 * before a field of it is read; multi-byte fields are assembled from bytes
 * (network order, no alignment assumed).  RFC 826 (ARP), RFC 791 (IPv4),
 * RFC 792 (ICMP echo), RFC 768 (UDP), RFC 1071 (the checksum).
 */
#include <stdbool.h>
#include <stdint.h>

#include <bm/error.h>
#include <bm/net.h>
#include <bm/printf.h>
#include <bm/shmnet.h>
#include <bm/string.h>

#define ETH_P_IP	0x0800u
#define ETH_P_ARP	0x0806u
#define ARP_HTYPE_ETH	1u
#define ARP_REQUEST	1u
#define ARP_REPLY	2u
#define ARP_LEN		28u
#define IP_PROTO_ICMP	1u
#define IP_PROTO_UDP	17u
#define IP_MAX_LEN	65535u
#define IP_DF		0x4000u
#define IP_MF		0x2000u
#define IP_OFFSET_MASK	0x1fffu
#define ICMP_ECHO_REPLY	0u
#define ICMP_ECHO	8u
#define IP_TTL		64u

static const uint8_t bm_net_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* RFC 1071: the one's-complement sum of 16-bit words, not yet inverted. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	for (; len >= 2; len -= 2, p += 2)
		sum += get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Pseudo header of UDP (RFC 768). */
static uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint32_t proto, uint32_t len)
{
	return (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) +
	       proto + len;
}

int bm_net_parse_ip(const char *s, uint32_t *ip, unsigned int *prefix_out)
{
	uint32_t a = 0;

	for (unsigned int i = 0; i < 4; i++) {
		uint32_t v = 0;
		unsigned int digits = 0;

		for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
			v = v * 10 + (uint32_t)(*s - '0');
		if (!digits || digits > 3 || v > 255)
			return -BM_EINVAL;
		a = a << 8 | v;
		if (i < 3 && *s++ != '.')
			return -BM_EINVAL;
	}
	if (prefix_out) {
		unsigned int p = 0, digits = 0;

		if (*s++ != '/')
			return -BM_EINVAL;
		for (; *s >= '0' && *s <= '9' && digits < 3; s++, digits++)
			p = p * 10 + (unsigned int)(*s - '0');
		if (!digits || p < 1 || p > 32)
			return -BM_EINVAL;
		*prefix_out = p;
	}
	if (*s && *s != ' ')
		return -BM_EINVAL;
	*ip = a;
	return 0;
}

const char *bm_net_fmt_ip(uint32_t ip, char buf[16])
{
	bm_snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255u,
		    (ip >> 8) & 255u, ip & 255u);
	return buf;
}

void bm_net_init(struct bm_net *n, struct bm_shmnet *link, uint32_t ip,
		 unsigned int prefix)
{
	memset(n, 0, sizeof(*n) - sizeof(n->tx));
	n->link = link;
	n->ip = ip;
	n->mask = prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
	n->ip_id = 1;
}

uint32_t bm_net_max_payload(const struct bm_net *n)
{
	uint32_t ip = n->link->mtu;

	if (ip > IP_MAX_LEN)
		ip = IP_MAX_LEN;
	return ip - BM_NET_IP_HLEN - BM_NET_UDP_HLEN;
}

/* ---- ARP ---- */

static void arp_learn(struct bm_net *n, uint32_t ip, const uint8_t *mac)
{
	unsigned int i;

	if (!ip || (mac[0] & 1u))
		return;		/* never cache a multicast MAC */
	for (i = 0; i < BM_NET_ARP_ENTRIES; i++)
		if (n->arp[i].valid && n->arp[i].ip == ip)
			break;
	if (i == BM_NET_ARP_ENTRIES) {
		i = n->arp_next;
		n->arp_next = (n->arp_next + 1u) % BM_NET_ARP_ENTRIES;
	}
	n->arp[i].ip = ip;
	memcpy(n->arp[i].mac, mac, 6);
	n->arp[i].valid = true;
}

const uint8_t *bm_net_arp_lookup(const struct bm_net *n, uint32_t ip)
{
	for (unsigned int i = 0; i < BM_NET_ARP_ENTRIES; i++)
		if (n->arp[i].valid && n->arp[i].ip == ip)
			return n->arp[i].mac;
	return NULL;
}

static uint8_t *eth_header(struct bm_net *n, const uint8_t *dst, uint32_t type)
{
	memcpy(n->tx, dst, 6);
	memcpy(n->tx + 6, n->link->mac, 6);
	put16(n->tx + 12, type);
	return n->tx + BM_NET_ETH_HLEN;
}

static int net_xmit(struct bm_net *n, uint32_t len)
{
	int err = bm_shmnet_send(n->link, n->tx, len);

	if (err < 0)
		n->stats.tx_errors++;
	return err;
}

static int arp_send(struct bm_net *n, uint32_t op, const uint8_t *tha, uint32_t tpa)
{
	uint8_t *a = eth_header(n, op == ARP_REQUEST ? bm_net_bcast : tha, ETH_P_ARP);

	put16(a, ARP_HTYPE_ETH);
	put16(a + 2, ETH_P_IP);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, n->link->mac, 6);
	put32(a + 14, n->ip);
	if (op == ARP_REQUEST)
		memset(a + 18, 0, 6);
	else
		memcpy(a + 18, tha, 6);
	put32(a + 24, tpa);
	/* padded to the 60 bytes of a minimal Ethernet frame */
	memset(a + ARP_LEN, 0, 60 - BM_NET_ETH_HLEN - ARP_LEN);
	if (op == ARP_REQUEST)
		n->stats.arp_requests_tx++;
	else
		n->stats.arp_replies_tx++;
	return net_xmit(n, 60);
}

int bm_net_arp_request(struct bm_net *n, uint32_t ip)
{
	return arp_send(n, ARP_REQUEST, NULL, ip);
}

static void arp_input(struct bm_net *n, const uint8_t *a, uint32_t len)
{
	uint32_t op, spa, tpa;

	if (len < ARP_LEN) {
		n->stats.rx_short++;
		return;
	}
	if (get16(a) != ARP_HTYPE_ETH || get16(a + 2) != ETH_P_IP || a[4] != 6 ||
	    a[5] != 4) {
		n->stats.rx_bad_header++;
		return;
	}
	op = get16(a + 6);
	spa = get32(a + 14);
	tpa = get32(a + 24);
	if (tpa != n->ip) {
		n->stats.rx_ignored++;
		return;
	}
	arp_learn(n, spa, a + 8);
	if (op == ARP_REQUEST) {
		n->stats.arp_requests_rx++;
		arp_send(n, ARP_REPLY, a + 8, spa);
	} else if (op == ARP_REPLY) {
		n->stats.arp_replies_rx++;
	} else {
		n->stats.rx_bad_header++;
	}
}

/* ---- IPv4 ---- */

/* IPv4 header to dst of a datagram with len payload bytes; returns the payload. */
static uint8_t *ip_header(struct bm_net *n, const uint8_t *mac, uint32_t dst,
			  uint32_t proto, uint32_t len)
{
	uint8_t *ip = eth_header(n, mac, ETH_P_IP);

	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, BM_NET_IP_HLEN + len);
	put16(ip + 4, n->ip_id++);
	put16(ip + 6, IP_DF);
	ip[8] = IP_TTL;
	ip[9] = (uint8_t)proto;
	put16(ip + 10, 0);
	put32(ip + 12, n->ip);
	put32(ip + 16, dst);
	put16(ip + 10, csum_fold(csum_add(0, ip, BM_NET_IP_HLEN)));
	return ip + BM_NET_IP_HLEN;
}

static int ip_fits(const struct bm_net *n, uint32_t payload)
{
	return BM_NET_IP_HLEN + payload <= n->link->mtu &&
	       BM_NET_IP_HLEN + payload <= IP_MAX_LEN;
}

static int icmp_echo_send(struct bm_net *n, const uint8_t *mac, uint32_t dst,
			  uint32_t type, uint16_t id, uint16_t seq,
			  const uint8_t *data, uint32_t len)
{
	uint8_t *ic;

	if (!ip_fits(n, BM_NET_ICMP_HLEN + len))
		return -BM_EMSGSIZE;
	ic = ip_header(n, mac, dst, IP_PROTO_ICMP, BM_NET_ICMP_HLEN + len);
	ic[0] = (uint8_t)type;
	ic[1] = 0;
	put16(ic + 2, 0);
	put16(ic + 4, id);
	put16(ic + 6, seq);
	if (data != ic + BM_NET_ICMP_HLEN)
		memmove(ic + BM_NET_ICMP_HLEN, data, len);
	put16(ic + 2, csum_fold(csum_add(0, ic, BM_NET_ICMP_HLEN + len)));
	return net_xmit(n, BM_NET_ETH_HLEN + BM_NET_IP_HLEN + BM_NET_ICMP_HLEN + len);
}

static int udp_send(struct bm_net *n, const uint8_t *mac, uint32_t dst,
		    uint16_t sport, uint16_t dport, const uint8_t *data, uint32_t len)
{
	uint32_t ulen = BM_NET_UDP_HLEN + len;
	uint16_t sum;
	uint8_t *u;

	if (!ip_fits(n, ulen))
		return -BM_EMSGSIZE;
	u = ip_header(n, mac, dst, IP_PROTO_UDP, ulen);
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, ulen);
	put16(u + 6, 0);
	if (data != u + BM_NET_UDP_HLEN)
		memmove(u + BM_NET_UDP_HLEN, data, len);
	sum = csum_fold(csum_add(csum_pseudo(n->ip, dst, IP_PROTO_UDP, ulen), u, ulen));
	put16(u + 6, sum ? sum : 0xffffu);	/* 0 would mean "no checksum" */
	return net_xmit(n, BM_NET_ETH_HLEN + BM_NET_IP_HLEN + ulen);
}

int bm_net_send_ping(struct bm_net *n, uint32_t dst, uint16_t id, uint16_t seq,
		     const uint8_t *payload, uint32_t len)
{
	const uint8_t *mac = bm_net_arp_lookup(n, dst);

	if (!mac) {
		bm_net_arp_request(n, dst);
		return -BM_EAGAIN;
	}
	return icmp_echo_send(n, mac, dst, ICMP_ECHO, id, seq, payload, len);
}

int bm_net_send_udp(struct bm_net *n, uint32_t dst, uint16_t sport,
		    uint16_t dport, const uint8_t *data, uint32_t len)
{
	const uint8_t *mac = bm_net_arp_lookup(n, dst);

	if (!mac) {
		bm_net_arp_request(n, dst);
		return -BM_EAGAIN;
	}
	return udp_send(n, mac, dst, sport, dport, data, len);
}

static void icmp_input(struct bm_net *n, const uint8_t *mac, uint32_t src,
		       const uint8_t *ic, uint32_t len)
{
	if (len < BM_NET_ICMP_HLEN) {
		n->stats.rx_short++;
		return;
	}
	if (csum_fold(csum_add(0, ic, len)) != 0) {
		n->stats.rx_bad_csum++;
		return;
	}
	if (ic[0] == ICMP_ECHO && ic[1] == 0) {
		uint8_t copy_mac[6];

		n->stats.icmp_echo_rx++;
		/* the reply is built in n->tx; the request lives in the caller's buffer */
		memcpy(copy_mac, mac, 6);
		if (icmp_echo_send(n, copy_mac, src, ICMP_ECHO_REPLY, get16(ic + 4),
				   get16(ic + 6), ic + BM_NET_ICMP_HLEN,
				   len - BM_NET_ICMP_HLEN) == 0)
			n->stats.icmp_echo_tx++;
	} else if (ic[0] == ICMP_ECHO_REPLY && ic[1] == 0) {
		n->stats.icmp_reply_rx++;
		if (n->on_echo_reply)
			n->on_echo_reply(n, src, get16(ic + 4), get16(ic + 6),
					 ic + BM_NET_ICMP_HLEN, len - BM_NET_ICMP_HLEN);
	} else {
		n->stats.rx_ignored++;
	}
}

static void udp_input(struct bm_net *n, const uint8_t *mac, uint32_t src,
		      uint32_t dst, const uint8_t *u, uint32_t len)
{
	uint32_t ulen;
	uint16_t sport, dport;

	if (len < BM_NET_UDP_HLEN) {
		n->stats.rx_short++;
		return;
	}
	ulen = get16(u + 4);
	if (ulen < BM_NET_UDP_HLEN || ulen > len) {
		n->stats.rx_bad_len++;
		return;
	}
	if (get16(u + 6) != 0 &&
	    csum_fold(csum_add(csum_pseudo(src, dst, IP_PROTO_UDP, ulen), u, ulen)) != 0) {
		n->stats.rx_bad_csum++;
		return;
	}
	n->stats.udp_rx++;
	sport = get16(u);
	dport = get16(u + 2);
	if (dport == BM_NET_UDP_ECHO_PORT) {
		uint8_t copy_mac[6];

		memcpy(copy_mac, mac, 6);
		if (udp_send(n, copy_mac, src, dport, sport, u + BM_NET_UDP_HLEN,
			     ulen - BM_NET_UDP_HLEN) == 0)
			n->stats.udp_echo_tx++;
	} else if (n->on_udp) {
		n->on_udp(n, src, sport, dport, u + BM_NET_UDP_HLEN,
			  ulen - BM_NET_UDP_HLEN);
	} else {
		n->stats.rx_ignored++;
	}
}

static void ip_input(struct bm_net *n, const uint8_t *mac, const uint8_t *ip,
		     uint32_t len)
{
	uint32_t ihl, total, frag, src, dst;

	if (len < BM_NET_IP_HLEN) {
		n->stats.rx_short++;
		return;
	}
	ihl = (ip[0] & 15u) * 4u;
	if ((ip[0] >> 4) != 4 || ihl < BM_NET_IP_HLEN) {
		n->stats.rx_bad_header++;
		return;
	}
	if (ihl > len) {
		n->stats.rx_short++;
		return;
	}
	if (csum_fold(csum_add(0, ip, ihl)) != 0) {
		n->stats.rx_bad_csum++;
		return;
	}
	total = get16(ip + 2);
	if (total < ihl || total > len) {
		n->stats.rx_bad_len++;
		return;
	}
	if (total > n->link->mtu) {
		n->stats.rx_oversize++;
		return;
	}
	src = get32(ip + 12);
	dst = get32(ip + 16);
	frag = get16(ip + 6);
	if (dst != n->ip || (frag & (IP_MF | IP_OFFSET_MASK))) {
		n->stats.rx_ignored++;	/* not ours, or a fragment (not reassembled) */
		return;
	}
	if (ip[9] == IP_PROTO_ICMP)
		icmp_input(n, mac, src, ip + ihl, total - ihl);
	else if (ip[9] == IP_PROTO_UDP)
		udp_input(n, mac, src, dst, ip + ihl, total - ihl);
	else
		n->stats.rx_ignored++;
}

void bm_net_input(struct bm_net *n, const uint8_t *frame, uint32_t len)
{
	uint32_t type;

	n->stats.rx_frames++;
	if (len < BM_NET_ETH_HLEN) {
		n->stats.rx_short++;
		return;
	}
	if (len > bm_shmnet_max_frame(n->link)) {
		n->stats.rx_oversize++;
		return;
	}
	if (memcmp(frame, n->link->mac, 6) && memcmp(frame, bm_net_bcast, 6)) {
		n->stats.rx_ignored++;
		return;
	}
	type = get16(frame + 12);
	if (type == ETH_P_ARP)
		arp_input(n, frame + BM_NET_ETH_HLEN, len - BM_NET_ETH_HLEN);
	else if (type == ETH_P_IP)
		ip_input(n, frame + 6, frame + BM_NET_ETH_HLEN, len - BM_NET_ETH_HLEN);
	else
		n->stats.rx_ignored++;
}

void bm_net_print_stats(const struct bm_net *n, const char *tag)
{
	const struct bm_net_stats *s = &n->stats;

	bm_printf("%s: net rx %lu short %lu bad_csum %lu bad_len %lu oversize %lu "
		  "bad_header %lu ignored %lu arp req_rx %lu rep_tx %lu req_tx %lu "
		  "rep_rx %lu icmp echo_rx %lu echo_tx %lu reply_rx %lu udp rx %lu "
		  "echo_tx %lu tx_errors %lu\n", tag, (unsigned long)s->rx_frames,
		  (unsigned long)s->rx_short, (unsigned long)s->rx_bad_csum,
		  (unsigned long)s->rx_bad_len, (unsigned long)s->rx_oversize,
		  (unsigned long)s->rx_bad_header, (unsigned long)s->rx_ignored,
		  (unsigned long)s->arp_requests_rx, (unsigned long)s->arp_replies_tx,
		  (unsigned long)s->arp_requests_tx, (unsigned long)s->arp_replies_rx,
		  (unsigned long)s->icmp_echo_rx, (unsigned long)s->icmp_echo_tx,
		  (unsigned long)s->icmp_reply_rx, (unsigned long)s->udp_rx,
		  (unsigned long)s->udp_echo_tx, (unsigned long)s->tx_errors);
}
