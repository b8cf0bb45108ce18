/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MMIO dispatch: a data abort in a VM's emulated region goes to its device
 * through a direct-mapped table of 64 KiB blocks, not a search: each block
 * of guest-physical space names the one region in it.  A block two regions
 * share (or a VM with a region too large for the table) falls back to
 * looking at the VM's few regions in turn.
 */
#include <phidias_gen.h>
#include <phidias/errno.h>
#include <phidias/mmio.h>
#include <phidias/vcpu.h>
#include <phidias/vm.h>

#define MMIO_MAX_PER_VM 8
#define BLOCK_SHIFT 16
#define NR_BUCKETS 64u		/* power of two */
#define MAX_BLOCKS 16u		/* a larger region: no table for its VM */

struct mmio_region {
	uint64_t ipa;
	uint64_t size;
	mmio_handler fn;
	void *opaque;
};

struct mmio_vm {
	/* The region in each block (hashed by block number); NULL: none. */
	const struct mmio_region *bucket[NR_BUCKETS];
	struct mmio_region regions[MMIO_MAX_PER_VM];
	uint32_t nr;
};

/* In a bucket: two regions share the block (or one too large for the table). */
static const struct mmio_region search_all;

static struct mmio_vm mmio_vms[PHIDIAS_NR_VMS];

/* The block number folded (devices sit 16 MiB apart on the guests' map: 0x08.., 0x09..). */
static uint32_t bucket_of(uint64_t ipa)
{
	uint64_t b = ipa >> BLOCK_SHIFT;

	return (uint32_t)(b ^ (b >> 6) ^ (b >> 12)) & (NR_BUCKETS - 1);
}

int mmio_register(struct vm *vm, uint64_t ipa, uint64_t size,
		  mmio_handler fn, void *opaque)
{
	struct mmio_vm *m = &mmio_vms[vm->cfg->id];
	uint64_t first = ipa >> BLOCK_SHIFT, last = (ipa + size - 1) >> BLOCK_SHIFT;
	struct mmio_region *r;

	vm->mmio = m;
	if (m->nr == MMIO_MAX_PER_VM)
		return -ENOSPC;
	if (!size || ipa + size < ipa)
		return -EINVAL;
	r = &m->regions[m->nr++];
	r->ipa = ipa;
	r->size = size;
	r->fn = fn;
	r->opaque = opaque;
	if (last - first >= MAX_BLOCKS) {
		for (uint32_t i = 0; i < NR_BUCKETS; i++)
			m->bucket[i] = &search_all;
		return 0;
	}
	for (uint64_t b = first; b <= last; b++) {
		const struct mmio_region **e = &m->bucket[bucket_of(b << BLOCK_SHIFT)];

		*e = *e ? &search_all : r;
	}
	return 0;
}

enum mmio_result mmio_dispatch(struct vcpu *vcpu, uint64_t ipa,
			       struct mmio_access *acc)
{
	const struct mmio_vm *m = vcpu->vm->mmio;
	const struct mmio_region *r;

	if (!m)
		return MMIO_UNHANDLED;
	r = m->bucket[bucket_of(ipa)];
	if (r == &search_all) {
		r = 0;
		for (uint32_t i = 0; i < m->nr && !r; i++)
			if (ipa - m->regions[i].ipa < m->regions[i].size)
				r = &m->regions[i];
	}
	if (!r || ipa - r->ipa >= r->size)
		return MMIO_UNHANDLED;
	acc->offset = ipa - r->ipa;
	return r->fn(vcpu, r->opaque, acc);
}
