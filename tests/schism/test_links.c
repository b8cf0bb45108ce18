/* SPDX-License-Identifier: Apache-2.0 */
/*
 * <link> expansion (link.c) checked against docs/shmnet.md and
 * docs/scenario.md, independently of how link.c computes it: the region's
 * size from the protocol's geometry, both ends mapping the same physical
 * region read-write in their stage 2 (walked in the generated tree), guest
 * addresses in the link window clear of everything else of the VM, link
 * caps after the VM's own caps ringing the other end with an SPI nothing
 * else raises there, and the default MACs unicast, locally administered,
 * distinct and stable.
 */
#define _XOPEN_SOURCE 700
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <phidias/config.h>

#include "schism.h"
#include "unit.h"

static const char *root;

/* docs/shmnet.md, "Geometry": the region an end needs, and schism's
 * rounding up to 2 MiB (docs/scenario.md). */
static uint64_t doc_region_size(unsigned mtu, unsigned slots)
{
	uint64_t slot = (mtu + 18 + 63) / 64 * 64;
	uint64_t ring = (slots * 8ull + 4095) / 4096 * 4096;
	uint64_t buf = (slots * slot + 4095) / 4096 * 4096;

	return (0x1000 + 2 * ring + 2 * buf + SZ_2M - 1) / SZ_2M * SZ_2M;
}

static unsigned doc_slots(unsigned mtu)
{
	uint64_t slot = (mtu + 18 + 63) / 64 * 64;
	unsigned n = 256;

	while (n > 16 && n * slot > (4u << 20))
		n /= 2;
	return n;
}

/* Stage-2 walk of the in-memory tree: output address and leaf attributes
 * of ipa, 0 if unmapped. */
static int s2_lookup(const struct pt_tree *t, uint64_t ipa, uint64_t *pa,
		     uint64_t *attrs)
{
	const struct pt_table *tab = t->root;

	for (unsigned level = 1; level <= 3 && tab; level++) {
		unsigned shift = 39 - 9 * level;
		unsigned i = (unsigned)(ipa >> shift) & 511;
		uint64_t d = tab->desc[i];

		if (tab->next[i]) {
			tab = tab->next[i];
			continue;
		}
		if (!d)
			return 0;
		*pa = (d & 0x0000fffffffff000ull & ~((1ull << shift) - 1)) |
		      (ipa & ((1ull << shift) - 1));
		*attrs = d & ~0x0000fffffffff003ull;
		return 1;
	}
	return 0;
}

struct range {
	uint64_t start, size;
};

static int ranges_overlap(struct range a, struct range b)
{
	return a.start < b.start + b.size && b.start < a.start + a.size;
}

static void check_vm_map(const struct scenario *s, const struct vm *vm)
{
	struct range r[64];
	unsigned n = 0;

	r[n++] = (struct range){ PHIDIAS_GUEST_RAM, vm->mem_size };
	r[n++] = (struct range){ PHIDIAS_GUEST_GICD, PHIDIAS_GUEST_GICD_SIZE };
	r[n++] = (struct range){ PHIDIAS_GUEST_GICC, PHIDIAS_GUEST_GICC_SIZE };
	if (vm->uart)
		r[n++] = (struct range){ PHIDIAS_GUEST_UART, 0x1000 };
	for (unsigned d = 0; d < vm->nr_devs && n < 64; d++)
		r[n++] = (struct range){ s->plat.devs[vm->devs[d].dev].base,
					 s->plat.devs[vm->devs[d].dev].size };
	for (unsigned m = 0; m < vm->nr_shm && n < 64; m++)
		r[n++] = (struct range){ vm->shm[m].ipa,
					 s->shmems[vm->shm[m].shmem].size };
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = 0; j < i; j++)
			CHECK(!ranges_overlap(r[i], r[j]), "VM '%s': guest "
			      "ranges 0x%llx and 0x%llx overlap", vm->name,
			      (unsigned long long)r[i].start,
			      (unsigned long long)r[j].start);
}

/* Does anything other than cap (vm, c) raise INTID irq in VM t? */
static int irq_taken(const struct scenario *s, unsigned t, uint64_t irq,
		     unsigned vm, unsigned c)
{
	const struct vm *tv = &s->vms[t];

	if (tv->uart && irq == 33)
		return 1;
	for (unsigned d = 0; d < tv->nr_devs; d++)
		if (s->plat.devs[tv->devs[d].dev].irq == irq)
			return 1;
	for (unsigned v = 0; v < s->nr_vms; v++)
		for (unsigned k = 0; k < s->vms[v].nr_caps; k++)
			if ((v != vm || k != c) && s->vms[v].caps[k].target_vm == t &&
			    s->vms[v].caps[k].param == irq)
				return 1;
	return 0;
}

static void check_links(const struct scenario *s, const struct scenario_tables *t,
			const unsigned *own_caps)
{
	const uint64_t rw = pt_leaf_attrs(PT_S2, PT_NORMAL_RW_XN);

	for (unsigned i = 0; i < s->nr_links; i++) {
		const struct link *l = &s->links[i];
		const struct shmem *sh = &s->shmems[l->shmem];

		CHECK(l->expanded, "link '%s' not expanded", l->name);
		CHECK(!strcmp(sh->name, l->name), "link '%s': region '%s'",
		      l->name, sh->name);
		CHECK(l->slot_size == (l->mtu + 18 + 63) / 64 * 64,
		      "link '%s': slot size %u", l->name, l->slot_size);
		CHECK(sh->size == doc_region_size(l->mtu, l->nr_slots),
		      "link '%s': region of 0x%llx bytes, the doc says 0x%llx",
		      l->name, (unsigned long long)sh->size,
		      (unsigned long long)doc_region_size(l->mtu, l->nr_slots));
		CHECK(sh->base % SZ_2M == 0, "link '%s': PA not 2 MiB aligned",
		      l->name);
		for (unsigned e = 0; e < 2; e++) {
			const struct link_end *end = &l->ends[e];
			const struct vm *vm = &s->vms[end->vm];
			const struct cap *cap = &vm->caps[end->cap];
			const struct link_end *peer = &l->ends[1 - e];
			unsigned found = 0;

			CHECK(end->ipa >= 0x20000000ull && end->ipa + sh->size <=
			      0x40000000ull && end->ipa % SZ_2M == 0,
			      "link '%s' end %u: guest address 0x%llx outside the "
			      "window", l->name, e, (unsigned long long)end->ipa);
			for (uint64_t off = 0; off < sh->size; off += SZ_4K) {
				uint64_t pa = 0, attrs = 0;

				if (!s2_lookup(&t->s2[end->vm], end->ipa + off, &pa,
					       &attrs) || pa != sh->base + off ||
				    attrs != rw) {
					CHECK(0, "link '%s', VM '%s': IPA 0x%llx -> "
					      "0x%llx attrs 0x%llx, want 0x%llx 0x%llx",
					      l->name, vm->name,
					      (unsigned long long)(end->ipa + off),
					      (unsigned long long)pa,
					      (unsigned long long)attrs,
					      (unsigned long long)(sh->base + off),
					      (unsigned long long)rw);
					break;
				}
			}
			for (unsigned m = 0; m < vm->nr_shm; m++)
				if (vm->shm[m].shmem == l->shmem) {
					found++;
					CHECK(!vm->shm[m].ro && vm->shm[m].ipa == end->ipa,
					      "link '%s': mapping of VM '%s'", l->name,
					      vm->name);
				}
			CHECK(found == 1, "link '%s' mapped %u times in VM '%s'",
			      l->name, found, vm->name);
			CHECK(end->cap >= own_caps[end->vm], "link '%s': cap %u of VM "
			      "'%s' is among its own %u caps", l->name, end->cap,
			      vm->name, own_caps[end->vm]);
			CHECK(cap->target_vm == peer->vm && cap->param == peer->irq,
			      "link '%s': cap of VM '%s' rings VM %u INTID %llu",
			      l->name, vm->name, cap->target_vm,
			      (unsigned long long)cap->param);
			CHECK(end->irq >= 32 && end->irq < PHIDIAS_VGIC_NR_IRQS,
			      "link '%s': INTID %u not an SPI", l->name, end->irq);
			CHECK(!irq_taken(s, end->vm, end->irq, peer->vm, peer->cap),
			      "link '%s': INTID %u of VM '%s' clashes", l->name,
			      end->irq, vm->name);
			CHECK(!(end->mac[0] & 1) && (end->mac_given || end->mac[0] & 2),
			      "link '%s' end %u: MAC not unicast/local", l->name, e);
		}
	}
}

static void write_file(const char *path, size_t len)
{
	FILE *f = fopen(path, "wb");

	for (size_t i = 0; f && i < len; i++)
		fputc(1, f);
	if (f)
		fclose(f);
}

static int run(const char *scenario, const char *imgs, struct scenario **s,
	       struct scenario_tables **t)
{
	char *incdirs[] = { (char *)imgs };
	char *schema = xasprintf("%s/config/scenario.xsd", root);
	char *plats = xasprintf("%s/config/platforms", root);
	struct schism_opts o = { incdirs, 1, plats, schema, NULL, scenario };
	int rc;

	diag_reset();
	rc = schism_run(&o, s, t);
	free(schema);
	free(plats);
	return rc;
}

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/schism-links-XXXXXX";
	char *tmp, *img, *path;
	struct scenario *s = NULL;
	struct scenario_tables *t = NULL;

	root = argc > 1 ? argv[1] : ".";
	tmp = mkdtemp(tmpl);
	if (!tmp) {
		CHECK(0, "mkdtemp");
		return unit_summary("test_links");
	}
	img = xasprintf("%s/hello.bin", tmp);
	write_file(img, 5000);

	CHECK(doc_slots(9000) == 256 && doc_slots(16366) == 256 &&
	      doc_slots(16367) == 128 && doc_slots(65535) == 32,
	      "the doc's slot examples");
	path = xasprintf("%s/tests/schism/good/links.xml", root);
	if (run(path, tmp, &s, &t)) {
		CHECK(0, "links.xml rejected (%u errors)", diag_count());
	} else {
		/* the caps the scenario writes itself, per VM */
		const unsigned own[] = { 1, 2, 0 };

		CHECK(s->nr_links == 3 && s->nr_vms == 3, "links.xml: %u links",
		      s->nr_links);
		check_links(s, t, own);
		for (unsigned v = 0; v < s->nr_vms; v++)
			check_vm_map(s, &s->vms[v]);
		/* explicit slots, else the doc's rule */
		CHECK(s->links[0].nr_slots == doc_slots(9000), "lan0 slots");
		CHECK(s->links[1].nr_slots == 2 && s->links[1].slot_size == 128,
		      "tiny: %u slots of %u", s->links[1].nr_slots,
		      s->links[1].slot_size);
		CHECK(s->links[2].nr_slots == 32 && s->links[2].slot_size == 65600,
		      "jumbo geometry");
		CHECK(!memcmp(s->links[0].ends[0].mac, "\x02\0\0\0\0\x01", 6),
		      "explicit MAC");
		/* the region at 0x20000000 of VM 'a' is avoided */
		CHECK(s->links[0].ends[0].ipa == 0x20200000ull, "lan0 in 'a' at "
		      "0x%llx", (unsigned long long)s->links[0].ends[0].ipa);
		CHECK(s->links[0].ends[0].ip_addr == 0x0a000001u &&
		      s->links[0].ends[0].ip_prefix == 24, "ip parsed");
		/* derived MACs depend on the names only: the same on a rerun */
		{
			uint8_t mac[6];
			struct scenario *s2 = NULL;
			struct scenario_tables *t2 = NULL;

			memcpy(mac, s->links[2].ends[0].mac, 6);
			pgtables_free(t);
			free(t);
			scenario_free(s);
			free(s);
			s = NULL;
			if (!run(path, tmp, &s2, &t2)) {
				CHECK(!memcmp(mac, s2->links[2].ends[0].mac, 6),
				      "derived MAC not stable");
				pgtables_free(t2);
				free(t2);
				scenario_free(s2);
				free(s2);
			} else {
				CHECK(0, "rerun failed");
			}
		}
	}
	if (s) {
		pgtables_free(t);
		free(t);
		scenario_free(s);
		free(s);
	}
	free(path);

	/* scenarios/net.xml: both links in both VMs */
	path = xasprintf("%s/scenarios/net.xml", root);
	{
		char *k = xasprintf("%s/Image", tmp), *i = xasprintf("%s/initramfs.cpio.gz", tmp);

		write_file(k, 4096);
		write_file(i, 4096);
		free(k);
		free(i);
	}
	s = NULL;
	if (run(path, tmp, &s, &t)) {
		CHECK(0, "net.xml rejected (%u errors)", diag_count());
	} else {
		const unsigned own[] = { 0, 0 };

		check_links(s, t, own);
		for (unsigned v = 0; v < s->nr_vms; v++)
			check_vm_map(s, &s->vms[v]);
		CHECK(s->nr_links == 2 && s->links[1].mtu == 65535, "net links");
		pgtables_free(t);
		free(t);
		scenario_free(s);
		free(s);
	}
	free(path);
	remove_tree(tmp);
	free(img);
	return unit_summary("test_links");
}
