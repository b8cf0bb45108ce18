/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiled FOR THE HOST together with a scenario's generated config.c,
 * pagetables.c and blobs.S by test_pgtables: walks the EL2 and every VM's
 * stage-2 tables from phidias_config (table descriptors hold host pointers,
 * since the arrays are linked into this program) and prints every leaf
 * mapping, coalesced, for the test to compare with what it expects:
 *   EL2 <va> <pa> <size> <attrs>
 *   S2 <vm> <ipa> <pa> <size> <attrs>
 *   MEM <vm> <ipa> <pa> <size> <flags> <kind> <name>
 *   CPU <pcpu> <mpidr>
 *   ERR <what>     (malformed tables or config)
 * attrs = the descriptor without output address and bits [1:0].
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <phidias/config.h>

#include "phidias_gen.h"

#define OA_MASK 0x0000fffffffff000ull

struct run {
	int active;
	uint64_t va, pa, size, attrs;
};

static int errors;

static void flush(const char *prefix, struct run *r)
{
	if (r->active)
		printf("%s 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 "\n",
		       prefix, r->va, r->pa, r->size, r->attrs);
	r->active = 0;
}

static void leaf(const char *prefix, struct run *r, uint64_t va, uint64_t pa,
		 uint64_t size, uint64_t attrs)
{
	if (r->active && r->attrs == attrs && r->va + r->size == va &&
	    r->pa + r->size == pa) {
		r->size += size;
		return;
	}
	flush(prefix, r);
	*r = (struct run){ 1, va, pa, size, attrs };
}

static void walk(const char *prefix, struct run *r, const uint64_t *table,
		 unsigned level, uint64_t va_base)
{
	unsigned shift = 39 - 9 * level;

	if (((uintptr_t)table & 0xfff) != 0) {
		printf("ERR table %p at level %u not 4 KiB aligned\n",
		       (const void *)table, level);
		errors++;
		return;
	}
	for (unsigned i = 0; i < 512; i++) {
		uint64_t d = table[i], va = va_base + ((uint64_t)i << shift);
		uint64_t size = 1ull << shift;

		if (!(d & 1))
			continue;
		if (level < 3 && (d & 3) == 3) {
			if (d & ~(OA_MASK | 3)) {
				printf("ERR table descriptor 0x%" PRIx64
				       " has attribute bits\n", d);
				errors++;
			}
			walk(prefix, r, (const uint64_t *)(uintptr_t)(d & OA_MASK),
			     level + 1, va);
			continue;
		}
		if (level == 3 && (d & 3) != 3) {
			printf("ERR reserved level-3 descriptor 0x%" PRIx64 "\n", d);
			errors++;
			continue;
		}
		if ((d & OA_MASK) & (size - 1)) {
			printf("ERR level-%u block 0x%" PRIx64 " output address "
			       "not aligned\n", level, d);
			errors++;
		}
		leaf(prefix, r, va, d & OA_MASK, size, d & ~(OA_MASK | 3));
	}
}

int main(void)
{
	const struct phidias_config *c = &phidias_config;
	struct run r = { 0 };
	char prefix[32];

	if (memcmp(c->signature, PHIDIAS_CONFIG_SIGNATURE, 8) ||
	    c->version != PHIDIAS_CONFIG_VERSION)
		printf("ERR bad signature or version\n");
	if (c->scenario_hash != PHIDIAS_SCENARIO_HASH || !c->el2_root ||
	    c->nr_vms != PHIDIAS_NR_VMS || c->nr_pcpus != PHIDIAS_NR_PCPUS)
		printf("ERR config header does not match phidias_gen.h\n");
	walk("EL2", &r, (const uint64_t *)(uintptr_t)c->el2_root, 1, 0);
	flush("EL2", &r);
	for (uint32_t v = 0; v < c->nr_vms; v++) {
		const struct phidias_vm_config *vm = &c->vms[v];

		snprintf(prefix, sizeof(prefix), "S2 %u", v);
		walk(prefix, &r, (const uint64_t *)(uintptr_t)vm->s2_root, 1, 0);
		flush(prefix, &r);
		for (uint32_t m = 0; m < vm->nr_mem; m++)
			printf("MEM %u 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
			       " 0x%x %u %s\n", v, vm->mem[m].ipa, vm->mem[m].pa,
			       vm->mem[m].size, vm->mem[m].flags, vm->mem[m].kind,
			       vm->mem[m].name);
		for (uint32_t b = 0; b < vm->nr_blobs; b++)
			if (!vm->blobs[b].src || vm->blobs[b].dst_ipa < vm->mem[0].ipa ||
			    vm->blobs[b].dst_ipa + vm->blobs[b].size >
			    vm->mem[0].ipa + vm->mem[0].size ||
			    vm->blobs[b].dst_pa - vm->mem[0].pa !=
			    vm->blobs[b].dst_ipa - vm->mem[0].ipa)
				printf("ERR blob %s of VM %u outside its RAM\n",
				       vm->blobs[b].name, v);
		if (vm->first_vcpu + vm->nr_vcpus > c->nr_vcpus)
			printf("ERR vCPUs of VM %u out of range\n", v);
	}
	for (uint32_t p = 0; p < c->nr_pcpus; p++)
		printf("CPU %u 0x%" PRIx64 "\n", p, c->pcpus[p].mpidr);
	return errors ? 1 : 0;
}
