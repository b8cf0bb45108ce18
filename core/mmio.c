/* SPDX-License-Identifier: Apache-2.0 */
#include <phidias_gen.h>
#include <phidias/errno.h>
#include <phidias/mmio.h>
#include <phidias/vcpu.h>
#include <phidias/vm.h>

#define MMIO_MAX_PER_VM 8

struct mmio_region {
	uint64_t ipa;
	uint64_t size;
	mmio_handler fn;
	void *opaque;
};

static struct mmio_region regions[PHIDIAS_NR_VMS][MMIO_MAX_PER_VM];
static uint32_t nr_regions[PHIDIAS_NR_VMS];

int mmio_register(struct vm *vm, uint64_t ipa, uint64_t size,
		  mmio_handler fn, void *opaque)
{
	uint32_t id = vm->cfg->id;
	struct mmio_region *r;

	if (nr_regions[id] == MMIO_MAX_PER_VM)
		return -ENOSPC;
	r = &regions[id][nr_regions[id]++];
	r->ipa = ipa;
	r->size = size;
	r->fn = fn;
	r->opaque = opaque;
	return 0;
}

enum mmio_result mmio_dispatch(struct vcpu *vcpu, uint64_t ipa,
			       struct mmio_access *acc)
{
	uint32_t id = vcpu->vm->cfg->id;

	for (uint32_t i = 0; i < nr_regions[id]; i++) {
		const struct mmio_region *r = &regions[id][i];

		if (ipa >= r->ipa && ipa - r->ipa < r->size) {
			acc->offset = ipa - r->ipa;
			return r->fn(vcpu, r->opaque, acc);
		}
	}
	return MMIO_UNHANDLED;
}
