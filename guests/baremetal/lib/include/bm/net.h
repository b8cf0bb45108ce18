/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A minimal IPv4 stack over one shmnet link: ARP (answers requests for our
 * address, a small cache to send), ICMP echo (answers requests of any size
 * up to the MTU, reports replies), UDP echo on port 7 (RFC 862, byte for
 * byte), and a hook for other UDP ports.  Every frame is checked before it
 * is used (lengths against the frame, IPv4 header and ICMP/UDP checksums);
 * a bad one is counted and dropped, frames that are merely not for us
 * (other addresses, IPv6, fragments) are counted as ignored.
 */
#ifndef BM_NET_H
#define BM_NET_H

#include <stdbool.h>
#include <stdint.h>

#include <bm/shmnet.h>

#define BM_NET_ARP_ENTRIES	8u
#define BM_NET_UDP_ECHO_PORT	7u
#define BM_NET_ETH_HLEN		14u
#define BM_NET_IP_HLEN		20u
#define BM_NET_ICMP_HLEN	8u
#define BM_NET_UDP_HLEN		8u

struct bm_net_stats {
	uint64_t rx_frames;
	uint64_t rx_short;		/* shorter than the headers it claims */
	uint64_t rx_bad_csum;		/* IPv4 header, ICMP or UDP checksum */
	uint64_t rx_bad_len;		/* length fields that do not fit the frame */
	uint64_t rx_oversize;		/* larger than the link's MTU allows */
	uint64_t rx_bad_header;		/* other malformed headers (ARP, IPv4 version/IHL) */
	uint64_t rx_ignored;		/* not for us / not supported */
	uint64_t arp_requests_rx, arp_replies_tx, arp_requests_tx, arp_replies_rx;
	uint64_t icmp_echo_rx, icmp_echo_tx, icmp_reply_rx;
	uint64_t udp_rx, udp_echo_tx;
	uint64_t tx_errors;		/* link refused a frame */
};

struct bm_net;

/* Called for ICMP echo replies and for UDP datagrams to ports other than 7. */
typedef void (*bm_net_icmp_hook_t)(struct bm_net *n, uint32_t src, uint16_t id,
				   uint16_t seq, const uint8_t *data, uint32_t len);
typedef void (*bm_net_udp_hook_t)(struct bm_net *n, uint32_t src, uint16_t sport,
				  uint16_t dport, const uint8_t *data, uint32_t len);

struct bm_net {
	struct bm_shmnet *link;
	uint32_t ip, mask;		/* host order */
	struct {
		uint32_t ip;
		uint8_t mac[6];
		bool valid;
	} arp[BM_NET_ARP_ENTRIES];
	unsigned int arp_next;		/* round-robin replacement */
	uint16_t ip_id;
	bm_net_icmp_hook_t on_echo_reply;
	bm_net_udp_hook_t on_udp;
	void *user;
	struct bm_net_stats stats;
	uint8_t tx[BM_SHMNET_MAX_FRAME];
};

/* "a.b.c.d/prefix" (or "a.b.c.d" with prefix_out NULL): 0 or -BM_EINVAL. */
int bm_net_parse_ip(const char *s, uint32_t *ip, unsigned int *prefix_out);
/* "a.b.c.d" of ip into buf (16 bytes). */
const char *bm_net_fmt_ip(uint32_t ip, char buf[16]);

void bm_net_init(struct bm_net *n, struct bm_shmnet *link, uint32_t ip,
		 unsigned int prefix);
/* One received frame (copied out of the ring: ours to parse). */
void bm_net_input(struct bm_net *n, const uint8_t *frame, uint32_t len);
/* The cached MAC of ip, or NULL. */
const uint8_t *bm_net_arp_lookup(const struct bm_net *n, uint32_t ip);
/* Broadcasts "who has ip". */
int bm_net_arp_request(struct bm_net *n, uint32_t ip);
/* ICMP echo request with len payload bytes (ARP resolved first). */
int bm_net_send_ping(struct bm_net *n, uint32_t dst, uint16_t id, uint16_t seq,
		     const uint8_t *payload, uint32_t len);
/* A UDP datagram (ARP resolved first). */
int bm_net_send_udp(struct bm_net *n, uint32_t dst, uint16_t sport,
		    uint16_t dport, const uint8_t *data, uint32_t len);
/* Largest ICMP / UDP payload the link carries unfragmented. */
uint32_t bm_net_max_payload(const struct bm_net *n);
void bm_net_print_stats(const struct bm_net *n, const char *tag);

#endif /* BM_NET_H */
