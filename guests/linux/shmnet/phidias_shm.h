/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * User-space interface of phidias-shm.ko (docs/linux.md, "Shared memory and
 * doorbells from user space").
 *
 * /dev/phidias/<region>   one per phidias,shmem node of the device tree:
 *   mmap()   the region, shared, write-back cacheable (read-only regions: PROT_READ only)
 *   read()   8 bytes: blocks until a doorbell of the region has rung, returns
 *            the number of rings since the last read (a __u64) and clears it;
 *            O_NONBLOCK: -EAGAIN while there is none
 *   poll()   POLLIN while rings are pending
 *   ioctl()  PHIDIAS_SHM_INFO, PHIDIAS_SHM_RING (one of the region's caps)
 * /dev/phidias/caps       ioctl PHIDIAS_SHM_RING with any capability index of the VM
 */
#ifndef PHIDIAS_SHM_H
#define PHIDIAS_SHM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PHIDIAS_SHM_MAX_CAPS	16

struct phidias_shm_info {
	__u64 size;		/* bytes */
	__u64 guest_addr;	/* where the VM sees it */
	__u32 writable;		/* 0: phidias,access = "ro" */
	__u32 nr_caps;		/* entries used in caps[] */
	__u32 caps[PHIDIAS_SHM_MAX_CAPS];	/* phidias,caps: ring the peers */
	__u32 nr_doorbells;	/* SPI doorbells of the region Linux listens to */
	__u32 reserved;
	char name[64];
};

#define PHIDIAS_SHM_IOC_MAGIC	'P'
/* Fill a struct phidias_shm_info (region fds only). */
#define PHIDIAS_SHM_INFO	_IOR(PHIDIAS_SHM_IOC_MAGIC, 1, struct phidias_shm_info)
/*
 * Ring capability *(__u32 *)arg. On a region's fd the index must be one of
 * the region's caps (-EPERM otherwise); on /dev/phidias/caps any index is
 * passed on. The hypervisor's answer: -EINVAL (bad index), -ESRCH (target stopped).
 */
#define PHIDIAS_SHM_RING	_IOW(PHIDIAS_SHM_IOC_MAGIC, 2, __u32)

#endif /* PHIDIAS_SHM_H */
