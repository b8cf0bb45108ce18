// SPDX-License-Identifier: Apache-2.0
/*
 * shmring: the smallest use of /dev/phidias/<region> (docs/linux.md).
 *
 *   shmring REGION info            size, address, caps of the region
 *   shmring REGION send CAP TEXT   write TEXT at the start of the region, ring CAP
 *   shmring REGION wait            block until a peer rings, print what it wrote
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "phidias_shm.h"

#define MSG_MAX 256

static int die(const char *what)
{
	fprintf(stderr, "shmring: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct phidias_shm_info info;
	char path[128];
	char *mem;
	int fd;

	if (argc < 3) {
		fprintf(stderr, "usage: shmring REGION info|send CAP TEXT|wait\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/dev/phidias/%s", argv[1]);
	fd = open(path, O_RDWR);
	if (fd < 0)
		fd = open(path, O_RDONLY);
	if (fd < 0)
		return die(path);
	if (ioctl(fd, PHIDIAS_SHM_INFO, &info) < 0)
		return die("PHIDIAS_SHM_INFO");

	if (!strcmp(argv[2], "info")) {
		printf("%s: %llu bytes at 0x%llx, %s, caps:", info.name,
		       (unsigned long long)info.size, (unsigned long long)info.guest_addr,
		       info.writable ? "rw" : "ro");
		for (uint32_t i = 0; i < info.nr_caps; i++)
			printf(" %u", info.caps[i]);
		printf(", %u doorbell(s)\n", info.nr_doorbells);
		return 0;
	}

	mem = mmap(NULL, info.size, PROT_READ | (info.writable ? PROT_WRITE : 0), MAP_SHARED,
		   fd, 0);
	if (mem == MAP_FAILED)
		return die("mmap");

	if (!strcmp(argv[2], "send") && argc == 5) {
		uint32_t cap = (uint32_t)strtoul(argv[3], NULL, 0);

		if (!info.writable) {
			fprintf(stderr, "shmring: %s is read-only\n", info.name);
			return 1;
		}
		snprintf(mem, MSG_MAX, "%s", argv[4]);
		/* The message is in memory before the doorbell (the ioctl's HVC orders it). */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		if (ioctl(fd, PHIDIAS_SHM_RING, &cap) < 0)
			return die("PHIDIAS_SHM_RING");
		printf("rang cap %u\n", cap);
		return 0;
	}
	if (!strcmp(argv[2], "wait")) {
		uint64_t rings;

		printf("waiting for a doorbell on %s\n", info.name);
		fflush(stdout);
		if (read(fd, &rings, sizeof(rings)) != sizeof(rings))
			return die("read");
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		printf("doorbell x%llu: %.*s\n", (unsigned long long)rings, MSG_MAX, mem);
		return 0;
	}
	fprintf(stderr, "shmring: unknown command %s\n", argv[2]);
	return 2;
}
