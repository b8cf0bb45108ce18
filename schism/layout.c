/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pass 4: physical memory layout.
 *   1. the hypervisor image at the platform's load address: a 2 MiB budget
 *      for code/data/bss, then every guest blob (kernel, DTB) 4 KiB aligned;
 *      the region is rounded up to 2 MiB;
 *   2. the per-CPU areas right after it, 64 KiB per physical CPU;
 *   3. VM RAM: fixed bases where asked, the rest largest first, each aligned
 *      to the largest block size (1 GiB, 2 MiB, 4 KiB) not larger than it,
 *      lowest address first.
 * The first 2 MiB of RAM stay free (QEMU puts its DTB there).
 */
#include <stdlib.h>
#include <string.h>

#include <phidias/config.h>

#include "schism.h"

struct region {
	uint64_t start, end;	/* [start, end) */
	const char *what;
};

uint64_t layout_block_align(uint64_t size)
{
	if (size >= SZ_1G)
		return SZ_1G;
	if (size >= SZ_2M)
		return SZ_2M;
	return SZ_4K;
}

uint64_t layout_dtb_ipa(uint64_t ram_size)
{
	if (ram_size >= 8 * (1ull << 20))
		return PHIDIAS_GUEST_RAM + ram_size - SZ_2M;
	return PHIDIAS_GUEST_RAM + ram_size - SCHISM_DTB_SIZE;
}

static int overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

/* The first placed region that overlaps [start, end), or NULL. */
static const struct region *find_overlap(const struct region *r, unsigned n,
					 uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < n; i++)
		if (overlaps(start, end, r[i].start, r[i].end))
			return &r[i];
	return NULL;
}

static void place_hypervisor(struct scenario *s, struct region *r, unsigned *n)
{
	const struct platform *p = &s->plat;
	uint64_t off = SCHISM_HYP_CODE_BUDGET, ram_end = p->ram_base + p->ram_size;
	char buf[32];

	for (unsigned i = 0; i < s->nr_vms; i++) {
		struct vm *vm = &s->vms[i];

		off = align_up(off, SZ_4K);
		vm->kernel_blob_off = off;
		off += vm->kernel_size;
		off = align_up(off, SZ_4K);
		vm->dtb_blob_off = off;
		off += SCHISM_DTB_SIZE;
	}
	s->hyp_base = p->hyp_load;
	s->blobs_size = off - SCHISM_HYP_CODE_BUDGET;
	s->hyp_size = align_up(off, SZ_2M);
	s->percpu_base = s->hyp_base + s->hyp_size;
	s->percpu_size = SCHISM_PERCPU_SIZE;

	if (s->hyp_base < p->ram_base + SCHISM_RAM_RESERVED ||
	    s->hyp_base >= ram_end || s->hyp_size > ram_end - s->hyp_base)
		diag_error(s->plat.file, 0, "hypervisor load address 0x%llx "
			   "with an image of %s must lie in platform RAM above "
			   "its first 2 MiB", (unsigned long long)s->hyp_base,
			   fmt_size(s->hyp_size, buf, sizeof(buf)));
	else if (s->nr_pcpus * s->percpu_size > ram_end - s->percpu_base)
		diag_error(s->file, s->cpus_line, "no room for the per-CPU "
			   "areas after the hypervisor image (%s with guest "
			   "images); use smaller images",
			   fmt_size(s->hyp_size, buf, sizeof(buf)));
	r[(*n)++] = (struct region){ p->ram_base, p->ram_base + SCHISM_RAM_RESERVED,
				     "the reserved first 2 MiB of RAM (boot DTB)" };
	r[(*n)++] = (struct region){ s->hyp_base, s->hyp_base + s->hyp_size,
				     "the hypervisor image (with guest images)" };
	r[(*n)++] = (struct region){ s->percpu_base,
				     s->percpu_base + s->nr_pcpus * s->percpu_size,
				     "the per-CPU areas" };
}

static void place_fixed(struct scenario *s, struct vm *vm, struct region *r,
			unsigned *n, char **names)
{
	const struct platform *p = &s->plat;
	uint64_t end = vm->mem_base + vm->mem_size;
	const struct region *o;

	if (end < vm->mem_base || vm->mem_base < p->ram_base ||
	    end > p->ram_base + p->ram_size) {
		diag_error(s->file, vm->mem_line, "memory of VM '%s' "
			   "(0x%llx-0x%llx) is outside platform RAM "
			   "(0x%llx-0x%llx); change base or size",
			   vm->name, (unsigned long long)vm->mem_base,
			   (unsigned long long)end - 1,
			   (unsigned long long)p->ram_base,
			   (unsigned long long)(p->ram_base + p->ram_size - 1));
		return;
	}
	o = find_overlap(r, *n, vm->mem_base, end);
	if (o) {
		diag_error(s->file, vm->mem_line, "memory of VM '%s' "
			   "(0x%llx-0x%llx) overlaps %s (0x%llx-0x%llx); "
			   "move base or drop it to let schism place the VM",
			   vm->name, (unsigned long long)vm->mem_base,
			   (unsigned long long)end - 1, o->what,
			   (unsigned long long)o->start,
			   (unsigned long long)o->end - 1);
		return;
	}
	names[*n] = xasprintf("the memory of VM '%s' (line %ld)", vm->name,
			      vm->mem_line);
	r[*n] = (struct region){ vm->mem_base, end, names[*n] };
	(*n)++;
}

static void place_free(struct scenario *s, struct vm *vm, struct region *r,
		       unsigned *n, char **names)
{
	const struct platform *p = &s->plat;
	uint64_t align = layout_block_align(vm->mem_size);
	uint64_t ram_end = p->ram_base + p->ram_size;
	uint64_t a = align_up(p->ram_base, align), free_total = 0;
	char b1[32], b2[32], b3[32], b4[32];

	while (a <= ram_end && vm->mem_size <= ram_end - a) {
		const struct region *o = find_overlap(r, *n, a, a + vm->mem_size);

		if (!o) {
			vm->mem_base = a;
			names[*n] = xasprintf("the memory of VM '%s'", vm->name);
			r[*n] = (struct region){ a, a + vm->mem_size, names[*n] };
			(*n)++;
			return;
		}
		a = align_up(o->end, align);
	}
	/* How much is left, for the message: RAM minus what is placed. */
	free_total = p->ram_size;
	for (unsigned i = 0; i < *n; i++)
		free_total -= r[i].end - r[i].start;
	diag_error(s->file, vm->mem_line, "not enough RAM for VM '%s': it needs "
		   "%s aligned to %s, but only %s of the platform's %s RAM is "
		   "left and no aligned gap is large enough; reduce the memory "
		   "of some VMs", vm->name,
		   fmt_size(vm->mem_size, b1, sizeof(b1)),
		   fmt_size(align, b2, sizeof(b2)),
		   fmt_size(free_total, b3, sizeof(b3)),
		   fmt_size(p->ram_size, b4, sizeof(b4)));
}

int layout_memory(struct scenario *s)
{
	unsigned before = diag_count(), n = 0, *order, nfree = 0;
	struct region *r = xcalloc(s->nr_vms + 3, sizeof(*r));
	char **names = xcalloc(s->nr_vms + 3, sizeof(*names));

	place_hypervisor(s, r, &n);
	for (unsigned i = 0; i < s->nr_vms; i++) {
		struct vm *vm = &s->vms[i];

		if (!vm->mem_fixed)
			continue;
		place_fixed(s, vm, r, &n, names);
	}

	/* Largest first; equal sizes keep scenario order (stable). */
	order = xcalloc(s->nr_vms, sizeof(*order));
	for (unsigned i = 0; i < s->nr_vms; i++) {
		unsigned j;

		if (s->vms[i].mem_fixed)
			continue;
		for (j = nfree; j > 0 && s->vms[order[j - 1]].mem_size <
					 s->vms[i].mem_size; j--)
			order[j] = order[j - 1];
		order[j] = i;
		nfree++;
	}
	for (unsigned i = 0; i < nfree; i++)
		place_free(s, &s->vms[order[i]], r, &n, names);

	for (unsigned i = 0; i < s->nr_vms; i++) {
		struct vm *vm = &s->vms[i];

		vm->dtb_ipa = layout_dtb_ipa(vm->mem_size);
	}
	for (unsigned i = 0; i < s->nr_vms + 3; i++)
		free(names[i]);
	free(names);
	free(order);
	free(r);
	return diag_count() == before ? 0 : -1;
}
