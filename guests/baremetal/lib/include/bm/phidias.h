/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the device tree's /phidias node says about this VM (docs/
 * devicetree.md): its id, shared-memory regions with the capabilities that
 * ring their peers and the doorbells they receive, all capabilities, and
 * the incoming doorbells.  Strings point into the device tree.
 */
#ifndef BM_PHIDIAS_H
#define BM_PHIDIAS_H

#include <stdbool.h>
#include <stdint.h>

#define BM_PHIDIAS_MAX_LIST	8	/* caps / doorbells kept per region */

struct bm_phidias_shmem {
	uint64_t base;			/* guest address */
	uint64_t size;
	const char *name;		/* phidias,name */
	const char *peers;		/* phidias,peers: first peer (string list) */
	bool read_only;			/* phidias,access = "ro" */
	uint32_t nr_caps;		/* phidias,caps: indices that ring a peer */
	uint32_t caps[BM_PHIDIAS_MAX_LIST];
	uint32_t nr_doorbells;		/* INTIDs peers ring here: SPIs then SGIs */
	uint32_t doorbells[BM_PHIDIAS_MAX_LIST];
};

struct bm_phidias_cap {
	uint32_t index;			/* the index cap_invoke takes */
	const char *type;		/* "ipc" */
	const char *target;		/* VM it rings */
	uint32_t intid;			/* INTID injected there */
};

struct bm_phidias_doorbell {
	const char *source;		/* VM that may ring */
	uint32_t source_cap;		/* its capability index */
	uint32_t intid;			/* INTID it injects here */
};

/* 0 when /phidias exists (running under Phidias), else -BM_ENOENT. */
int bm_phidias_present(void);
/* phidias,vm-id, or a negative code. */
int bm_phidias_vm_id(void);
/* The n-th (from 0) phidias,shmem node; -BM_ENOENT past the last. */
int bm_phidias_shmem(unsigned int n, struct bm_phidias_shmem *out);
/* The n-th capability node; -BM_ENOENT past the last. */
int bm_phidias_cap(unsigned int n, struct bm_phidias_cap *out);
/* The n-th incoming doorbell; -BM_ENOENT past the last. */
int bm_phidias_doorbell(unsigned int n, struct bm_phidias_doorbell *out);

#endif /* BM_PHIDIAS_H */
