// SPDX-License-Identifier: Apache-2.0
/*
 * udpseq: a stream of numbered, checksummed UDP datagrams, to check that a
 * link delivers them complete and in order (tests/system/test_net_linux.py).
 *
 *   udpseq recv PORT COUNT [TIMEOUT_S]   receive; print one summary line
 *   udpseq send ADDR PORT COUNT SIZE PPS send COUNT datagrams of SIZE bytes at PPS a second
 *   udpseq echo ADDR PORT COUNT SIZE     send COUNT datagrams to a UDP echo server one
 *                                        at a time; each reply must be the datagram,
 *                                        byte for byte (2 s each):
 *     udpseq: echoed E of COUNT, mismatched M, lost L
 *
 * Datagram: u32 sequence, u32 size, u32 FNV-1a of the payload, payload (a
 * pattern that depends on the sequence). "In order" counts datagrams that
 * came after every earlier-numbered one that arrived. The receiver prints
 *   udpseq: received R of COUNT, in order O, out of order X, duplicates D, corrupt C, lost L
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define HDR 12
#define MAXDG 65507

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void fill(uint8_t *p, size_t n, uint32_t seq)
{
	uint32_t x = seq * 2654435761u + 1;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int do_send(const char *addr, int port, uint32_t count, size_t size, double pps)
{
	static uint8_t buf[MAXDG];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	double t0 = now();

	if (size < HDR || size > MAXDG || inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "udpseq: bad address or size\n");
		return 2;
	}
	for (uint32_t seq = 0; seq < count; seq++) {
		double due = t0 + seq / pps;

		while (now() < due)
			usleep(200);
		fill(buf + HDR, size - HDR, seq);
		put32(buf, seq);
		put32(buf + 4, (uint32_t)size);
		put32(buf + 8, fnv1a(buf + HDR, size - HDR));
		while (sendto(s, buf, size, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			if (errno != ENOBUFS && errno != EAGAIN) {
				perror("udpseq: sendto");
				return 1;
			}
			usleep(1000);
		}
	}
	printf("udpseq: sent %u datagrams of %zu bytes in %.2f s\n", count, size, now() - t0);
	return 0;
}

static int do_recv(int port, uint32_t count, int timeout)
{
	static uint8_t buf[MAXDG + 1], seen[1 << 20];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_ANY) };
	struct timeval tv = { .tv_sec = timeout };
	int s = socket(AF_INET, SOCK_DGRAM, 0), rcvbuf = 4 << 20;
	uint32_t got = 0, inorder = 0, ooo = 0, dup = 0, bad = 0, next = 0;

	if (count > sizeof(seen)) {
		fprintf(stderr, "udpseq: at most %zu datagrams\n", sizeof(seen));
		return 2;
	}
	/* Room for a burst of 64 KiB datagrams (FORCE: above rmem_max, as root). */
	if (setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) < 0)
		setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udpseq: bind");
		return 1;
	}
	printf("udpseq: listening on %d\n", port);
	fflush(stdout);
	while (got + bad < count) {
		ssize_t n;
		uint32_t seq;

		/* The first datagram may take long; after it, a gap of `timeout` ends. */
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recv(s, buf, sizeof(buf), 0);
		if (n < 0)
			break;
		if (n < HDR || get32(buf + 4) != (uint32_t)n ||
		    get32(buf + 8) != fnv1a(buf + HDR, n - HDR) || get32(buf) >= count) {
			bad++;
			continue;
		}
		seq = get32(buf);
		if (seen[seq]) {
			dup++;
			continue;
		}
		seen[seq] = 1;
		got++;
		/* A gap is a loss (counted at the end); only going back is disorder. */
		if (seq >= next) {
			inorder++;
			next = seq + 1;
		} else {
			ooo++;
		}
	}
	printf("udpseq: received %u of %u, in order %u, out of order %u, duplicates %u, corrupt %u, lost %u\n",
	       got, count, inorder, ooo, dup, bad, count - got);
	return 0;
}

static int do_echo(const char *addr, int port, uint32_t count, size_t size)
{
	static uint8_t buf[MAXDG], back[MAXDG + 1];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 2 };
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	uint32_t ok = 0, bad = 0, lost = 0;

	if (size < HDR || size > MAXDG || inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		fprintf(stderr, "udpseq: bad address or size\n");
		return 2;
	}
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("udpseq: connect");
		return 1;
	}
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (uint32_t seq = 0; seq < count; seq++) {
		ssize_t n;

		fill(buf + HDR, size - HDR, seq);
		put32(buf, seq);
		put32(buf + 4, (uint32_t)size);
		put32(buf + 8, fnv1a(buf + HDR, size - HDR));
		if (send(s, buf, size, 0) < 0) {
			perror("udpseq: send");
			return 1;
		}
		for (;;) {
			n = recv(s, back, sizeof(back), 0);
			/* A late echo of an earlier datagram is skipped, not a mismatch. */
			if (n >= HDR && get32(back) < seq && (size_t)n == size)
				continue;
			break;
		}
		if (n < 0)
			lost++;
		else if ((size_t)n == size && !memcmp(buf, back, size))
			ok++;
		else
			bad++;
	}
	printf("udpseq: echoed %u of %u, mismatched %u, lost %u\n", ok, count, bad, lost);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "recv"))
		return do_recv(atoi(argv[2]), (uint32_t)strtoul(argv[3], NULL, 0),
			       argc > 4 ? atoi(argv[4]) : 10);
	if (argc == 6 && !strcmp(argv[1], "echo"))
		return do_echo(argv[2], atoi(argv[3]), (uint32_t)strtoul(argv[4], NULL, 0),
			       (size_t)strtoul(argv[5], NULL, 0));
	if (argc == 7 && !strcmp(argv[1], "send"))
		return do_send(argv[2], atoi(argv[3]), (uint32_t)strtoul(argv[4], NULL, 0),
			       (size_t)strtoul(argv[5], NULL, 0), atof(argv[6]));
	fprintf(stderr, "usage: udpseq recv PORT COUNT [TIMEOUT_S]\n"
		"       udpseq send ADDR PORT COUNT SIZE PPS\n"
		"       udpseq echo ADDR PORT COUNT SIZE\n");
	return 2;
}
