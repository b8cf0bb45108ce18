/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pass 4: physical memory layout.
 *   1. the hypervisor image at the platform's load address: a 2 MiB budget
 *      for code/data/bss, then every guest blob (kernel, DTB, initrd) 4 KiB
 *      aligned; identical kernel or initrd files (same size and content) are
 *      placed once and every VM that names one copies it from there;
 *      the region is rounded up to 2 MiB;
 *   2. the per-CPU areas right after it, 64 KiB per physical CPU;
 *   3. VM RAM and shared regions: fixed bases where asked, the rest largest
 *      first (VMs before regions of equal size), each aligned
 *      to the largest block size (1 GiB, 2 MiB, 4 KiB) not larger than it,
 *      lowest address first.
 * The first 2 MiB of RAM stay free (QEMU puts its DTB there).
 * The platform may have several RAM banks and reserved ranges inside them
 * (firmware): every item lies inside one bank and clear of the reserved
 * ranges, which the placement treats as already taken.
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

uint64_t layout_initrd_ipa(uint64_t ram_size, uint64_t initrd_size)
{
	uint64_t dtb = layout_dtb_ipa(ram_size);

	if (initrd_size > dtb - PHIDIAS_GUEST_RAM)
		return 0;
	return (dtb - initrd_size) & ~(SZ_4K - 1);
}

static int overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

int layout_in_ram(const struct platform *p, uint64_t base, uint64_t size,
		  const struct plat_range **what)
{
	int in_bank = 0;

	if (what)
		*what = NULL;
	if (base + size < base)
		return 0;
	for (unsigned i = 0; i < p->nr_banks; i++)
		if (base >= p->banks[i].base &&
		    base + size <= p->banks[i].base + p->banks[i].size)
			in_bank = 1;
	for (unsigned i = 0; i < p->nr_reserved; i++)
		if (overlaps(base, base + size, p->reserved[i].base,
			     p->reserved[i].base + p->reserved[i].size)) {
			if (what)
				*what = &p->reserved[i];
			return 0;
		}
	return in_bank;
}

/* "0x40000000-0x7fffffff" for each bank, for messages. */
static char *banks_str(const struct platform *p)
{
	char *s = xstrdup("");

	for (unsigned i = 0; i < p->nr_banks; i++) {
		char *t = xasprintf("%s%s0x%llx-0x%llx", s, i ? ", " : "",
				    (unsigned long long)p->banks[i].base,
				    (unsigned long long)(p->banks[i].base +
							 p->banks[i].size - 1));
		free(s);
		s = t;
	}
	return s;
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

/* A guest image file placed in the hypervisor image. */
struct placed {
	const char *path;
	uint64_t size, off;
	uint8_t *bytes;		/* read once another file of its size comes */
};

static int same_file_content(struct placed *a, const char *path, uint64_t size)
{
	size_t len;
	uint8_t *b;
	int same;

	if (a->size != size)
		return 0;
	if (!a->bytes)
		a->bytes = read_file(a->path, &len);
	b = read_file(path, &len);
	same = a->bytes && b && len == size &&
	       fnv1a64(FNV1A64_INIT, a->bytes, size) == fnv1a64(FNV1A64_INIT, b, size) &&
	       memcmp(a->bytes, b, size) == 0;
	free(b);
	return same;
}

/*
 * Where the image file `path` of `size` bytes goes: the offset of an
 * identical one placed before, or *off (which then moves past it).  Guest
 * images are only ever read (copied into VM RAM at VM start and reset), so
 * VMs can share one pristine copy.
 */
static uint64_t place_image(struct placed *done, unsigned *nr_done, const char *path,
			    uint64_t size, uint64_t *off)
{
	uint64_t at;

	if (path)
		for (unsigned i = 0; i < *nr_done; i++)
			if (same_file_content(&done[i], path, size))
				return done[i].off;
	at = align_up(*off, SZ_4K);
	*off = at + size;
	if (path)
		done[(*nr_done)++] = (struct placed){ path, size, at, NULL };
	return at;
}

static void place_hypervisor(struct scenario *s, struct region *r, unsigned *n)
{
	const struct platform *p = &s->plat;
	uint64_t off = SCHISM_HYP_CODE_BUDGET;
	const struct plat_range *rsv = NULL;
	struct placed *done = xcalloc(2 * s->nr_vms + 1, sizeof(*done));
	unsigned nr_done = 0;
	char buf[32];

	for (unsigned i = 0; i < s->nr_vms; i++) {
		struct vm *vm = &s->vms[i];

		vm->kernel_blob_off = place_image(done, &nr_done, vm->kernel_path,
						  vm->kernel_size, &off);
		off = align_up(off, SZ_4K);
		vm->dtb_blob_off = off;
		off += SCHISM_DTB_SIZE;
		if (vm->initrd_path)
			vm->initrd_blob_off = place_image(done, &nr_done, vm->initrd_path,
							  vm->initrd_size, &off);
	}
	for (unsigned i = 0; i < nr_done; i++)
		free(done[i].bytes);
	free(done);
	s->hyp_base = p->hyp_load;
	s->blobs_size = off - SCHISM_HYP_CODE_BUDGET;
	s->hyp_size = align_up(off, SZ_2M);
	s->percpu_base = s->hyp_base + s->hyp_size;
	s->percpu_size = SCHISM_PERCPU_SIZE;

	if (s->hyp_base < p->ram_base + SCHISM_RAM_RESERVED ||
	    !layout_in_ram(p, s->hyp_base, s->hyp_size, &rsv))
		diag_error(s->plat.file, p->hyp_line, "hypervisor load address 0x%llx "
			   "with an image of %s must lie in one RAM bank, above "
			   "the first 2 MiB of RAM%s%s%s", (unsigned long long)s->hyp_base,
			   fmt_size(s->hyp_size, buf, sizeof(buf)),
			   rsv ? ", clear of the firmware's reserved range '" : "",
			   rsv ? rsv->name : "", rsv ? "'" : "");
	else if (!layout_in_ram(p, s->percpu_base, s->nr_pcpus * s->percpu_size,
				&rsv))
		diag_error(s->file, s->cpus_line, "no room for the per-CPU "
			   "areas after the hypervisor image (%s with guest "
			   "images): they run into %s; use smaller images",
			   fmt_size(s->hyp_size, buf, sizeof(buf)),
			   rsv ? "a range the firmware reserves" : "the end of its RAM bank");
	r[(*n)++] = (struct region){ p->ram_base, p->ram_base + SCHISM_RAM_RESERVED,
				     "the reserved first 2 MiB of RAM (boot DTB)" };
	r[(*n)++] = (struct region){ s->hyp_base, s->hyp_base + s->hyp_size,
				     "the hypervisor image (with guest images)" };
	r[(*n)++] = (struct region){ s->percpu_base,
				     s->percpu_base + s->nr_pcpus * s->percpu_size,
				     "the per-CPU areas" };
	for (unsigned i = 0; i < p->nr_reserved; i++) {
		const struct plat_range *g = &p->reserved[i];

		r[(*n)++] = (struct region){ g->base, g->base + g->size, g->name };
	}
}

/* A VM's RAM or a shared region, as the placement sees it. */
struct item {
	uint64_t size;
	int fixed;
	uint64_t *base;
	long line;
	char *subject;		/* "memory of VM 'a'", "shared region 'x'" */
	const char *noun;	/* "VM", "region" */
	char *need;		/* "VM 'a'", "shared region 'x'" */
};

static void place_fixed(struct scenario *s, const struct item *it,
			struct region *r, unsigned *n, char **names)
{
	const struct platform *p = &s->plat;
	uint64_t end = *it->base + it->size;
	const struct plat_range *rsv = NULL;
	const struct region *o;

	if (!layout_in_ram(p, *it->base, it->size, &rsv) && rsv) {
		diag_error(s->file, it->line, "%s (0x%llx-0x%llx) overlaps "
			   "'%s' (0x%llx-0x%llx), memory the firmware reserves "
			   "(%s:%ld); move base or drop it to let schism place "
			   "the %s", it->subject, (unsigned long long)*it->base,
			   (unsigned long long)end - 1, rsv->name,
			   (unsigned long long)rsv->base,
			   (unsigned long long)(rsv->base + rsv->size - 1),
			   p->file, rsv->line, it->noun);
		return;
	}
	if (!layout_in_ram(p, *it->base, it->size, NULL)) {
		char *b = banks_str(p);

		diag_error(s->file, it->line, "%s (0x%llx-0x%llx) is outside "
			   "platform RAM (%s%s); change base or size",
			   it->subject, (unsigned long long)*it->base,
			   (unsigned long long)end - 1,
			   p->nr_banks > 1 ? "it must lie inside one bank: " : "", b);
		free(b);
		return;
	}
	o = find_overlap(r, *n, *it->base, end);
	if (o) {
		diag_error(s->file, it->line, "%s (0x%llx-0x%llx) overlaps %s "
			   "(0x%llx-0x%llx); move base or drop it to let schism "
			   "place the %s", it->subject,
			   (unsigned long long)*it->base,
			   (unsigned long long)end - 1, o->what,
			   (unsigned long long)o->start,
			   (unsigned long long)o->end - 1, it->noun);
		return;
	}
	names[*n] = xasprintf("the %s (line %ld)", it->subject, it->line);
	r[*n] = (struct region){ *it->base, end, names[*n] };
	(*n)++;
}

static void place_free(struct scenario *s, const struct item *it,
		       struct region *r, unsigned *n, char **names)
{
	const struct platform *p = &s->plat;
	uint64_t align = layout_block_align(it->size);
	uint64_t free_total = 0, ram_total = 0;
	char b1[32], b2[32], b3[32], b4[32];

	/* Banks in address order, lowest fitting aligned address first. */
	for (unsigned b = 0; b < p->nr_banks; b++) {
		uint64_t bank_end = p->banks[b].base + p->banks[b].size;
		uint64_t a = align_up(p->banks[b].base, align);

		while (a <= bank_end && it->size <= bank_end - a) {
			const struct region *o = find_overlap(r, *n, a, a + it->size);

			if (!o) {
				*it->base = a;
				names[*n] = xasprintf("the %s", it->subject);
				r[*n] = (struct region){ a, a + it->size, names[*n] };
				(*n)++;
				return;
			}
			a = align_up(o->end, align);
		}
	}
	/* How much is left, for the message: RAM minus what is placed. */
	for (unsigned b = 0; b < p->nr_banks; b++)
		ram_total += p->banks[b].size;
	free_total = ram_total;
	for (unsigned i = 0; i < *n; i++)
		free_total -= r[i].end - r[i].start;
	diag_error(s->file, it->line, "not enough RAM for %s: it needs "
		   "%s aligned to %s, but only %s of the platform's %s RAM is "
		   "left and no aligned gap is large enough; reduce the memory "
		   "of some VMs or shared regions", it->need,
		   fmt_size(it->size, b1, sizeof(b1)),
		   fmt_size(align, b2, sizeof(b2)),
		   fmt_size(free_total, b3, sizeof(b3)),
		   fmt_size(ram_total, b4, sizeof(b4)));
}

int layout_memory(struct scenario *s)
{
	unsigned before = diag_count(), n = 0, *order, nfree = 0;
	unsigned nit = s->nr_vms + s->nr_shmems;
	unsigned nr = nit + 3 + s->plat.nr_reserved;
	struct region *r = xcalloc(nr, sizeof(*r));
	char **names = xcalloc(nr, sizeof(*names));
	struct item *it = xcalloc(nit, sizeof(*it));

	/* VMs first, then shared regions: equal sizes keep this order. */
	for (unsigned i = 0; i < s->nr_vms; i++) {
		struct vm *vm = &s->vms[i];

		it[i] = (struct item){ vm->mem_size, vm->mem_fixed, &vm->mem_base,
			vm->mem_line, xasprintf("memory of VM '%s'", vm->name),
			"VM", xasprintf("VM '%s'", vm->name) };
	}
	for (unsigned i = 0; i < s->nr_shmems; i++) {
		struct shmem *m = &s->shmems[i];

		it[s->nr_vms + i] = (struct item){ m->size, m->fixed, &m->base,
			m->line, xasprintf("shared region '%s'", m->name),
			"region", xasprintf("shared region '%s'", m->name) };
	}

	place_hypervisor(s, r, &n);
	for (unsigned i = 0; i < nit; i++)
		if (it[i].fixed)
			place_fixed(s, &it[i], r, &n, names);

	/* Largest first; equal sizes keep scenario order (stable). */
	order = xcalloc(nit, sizeof(*order));
	for (unsigned i = 0; i < nit; i++) {
		unsigned j;

		if (it[i].fixed)
			continue;
		for (j = nfree; j > 0 && it[order[j - 1]].size < it[i].size; j--)
			order[j] = order[j - 1];
		order[j] = i;
		nfree++;
	}
	for (unsigned i = 0; i < nfree; i++)
		place_free(s, &it[order[i]], r, &n, names);

	for (unsigned i = 0; i < s->nr_vms; i++) {
		struct vm *vm = &s->vms[i];

		vm->dtb_ipa = layout_dtb_ipa(vm->mem_size);
	}
	for (unsigned i = 0; i < nit; i++) {
		free(it[i].subject);
		free(it[i].need);
	}
	for (unsigned i = 0; i < nr; i++)
		free(names[i]);
	free(it);
	free(names);
	free(order);
	free(r);
	return diag_count() == before ? 0 : -1;
}
