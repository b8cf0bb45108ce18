/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pass 5: translation tables as an in-memory model (4 KiB granule, 39-bit
 * input addresses, level-1 root of 512 entries; config.h). Blocks are used
 * wherever both the input and the output address are aligned to the block
 * size and the range covers it: 1 GiB at level 1, 2 MiB at level 2, else
 * 4 KiB pages at level 3.
 *
 * Descriptor encodings, Arm ARM (DDI 0487) D8.3 (VMSAv8-64 descriptors):
 *   bit 0 valid; bit 1: 1 = table (levels 1-2) or page (level 3),
 *   0 = block (levels 1-2); output address bits [47:12]; AF bit 10;
 *   SH[9:8] = 0b11 inner shareable.
 * Stage 1 (EL2): AttrIndx[4:2] into MAIR_EL2; AP[7:6]: AP[2] (bit 7) = 0
 *   read/write, 1 read-only; AP[1] (bit 6) is RES1 in the single-range EL2
 *   regime; XN bit 54 (EL2 has a single XN, PXN is RES0).
 * Stage 2: MemAttr[5:2] = 0b1111 normal inner/outer write-back,
 *   0b0001 Device-nGnRE; S2AP[7:6] = 0b11 read/write, 0b01 read-only;
 *   XN bit 54 (XN[1:0] = 0b10: not executable at EL1 nor EL0).
 *
 * What EL2 stage 1 holds: the hypervisor image in its W^X windows
 * (schism.h: text read-only and executable, rodata and these tables
 * read-only, data and bss read-write, the guest images read-only; all but
 * the text XN), the per-CPU areas, every VM's RAM and shared region (RW,
 * XN), the UART and the GIC frames (device, XN).
 *
 * What a VM's stage 2 holds (docs/scenario.md): its RAM (normal, RWX), the
 * GICV frame at the guest GICC address (device, XN), its passed-through
 * devices at IPA == PA (device, XN), its shared regions (normal WB inner
 * shareable, XN, read-only where access="ro"). The GIC distributor and
 * the UART are not mapped: their accesses trap and are emulated.
 */
#include <stdlib.h>
#include <string.h>

#include <phidias/config.h>

#include "schism.h"

#define PT_VALID (1ull << 0)
#define PT_TABLE_OR_PAGE (1ull << 1)
#define PT_AF (1ull << 10)
#define PT_SH_INNER (3ull << 8)
#define PT_XN (1ull << 54)
#define PT_S1_ATTRIDX(i) ((uint64_t)(i) << 2)
#define PT_S1_AP_RW_EL2 (1ull << 6)	/* AP[2] = 0, AP[1] RES1 */
#define PT_S2_MEMATTR_NORMAL_WB (0xfull << 2)
#define PT_S2_MEMATTR_DEVICE_NGNRE (0x1ull << 2)
#define PT_S2_AP_RW (3ull << 6)
#define PT_S2_AP_RO (1ull << 6)
#define PT_S1_AP_RO_EL2 (3ull << 6)	/* AP[2] = 1: read-only */

uint64_t pt_leaf_attrs(enum pt_stage stage, enum pt_mem mem)
{
	uint64_t a = PT_AF | PT_SH_INNER;

	int ro = mem == PT_NORMAL_RO_XN || mem == PT_NORMAL_RO_X;

	if (stage == PT_EL2) {
		a |= ro ? PT_S1_AP_RO_EL2 : PT_S1_AP_RW_EL2;
		a |= PT_S1_ATTRIDX(mem == PT_DEVICE_XN ? PHIDIAS_MAIR_IDX_DEVICE
						       : PHIDIAS_MAIR_IDX_NORMAL);
	} else {
		a |= ro ? PT_S2_AP_RO : PT_S2_AP_RW;
		a |= mem == PT_DEVICE_XN ? PT_S2_MEMATTR_DEVICE_NGNRE
					 : PT_S2_MEMATTR_NORMAL_WB;
	}
	if (mem != PT_NORMAL_RW && mem != PT_NORMAL_RO_X)
		a |= PT_XN;
	return a;
}

static struct pt_table *pt_new(struct pt_tree *t, unsigned level)
{
	struct pt_table *tab = xcalloc(1, sizeof(*tab));
	struct pt_table **tables;

	tab->level = level;
	tab->index = t->nr_tables;
	tables = realloc(t->tables, (t->nr_tables + 1) * sizeof(*tables));
	if (!tables) {
		fprintf(stderr, "schism: out of memory\n");
		exit(1);
	}
	t->tables = tables;
	t->tables[t->nr_tables++] = tab;
	return tab;
}

void pt_init(struct pt_tree *t, enum pt_stage stage)
{
	memset(t, 0, sizeof(*t));
	t->stage = stage;
	t->root = pt_new(t, 1);
}

static uint64_t level_shift(unsigned level)
{
	return 39 - 9 * level;	/* 1: 30, 2: 21, 3: 12 */
}

static int map_level(struct pt_tree *t, struct pt_table *tab, uint64_t va,
		     uint64_t pa, uint64_t size, uint64_t attrs)
{
	uint64_t bsize = 1ull << level_shift(tab->level);

	while (size) {
		unsigned idx = (unsigned)((va >> level_shift(tab->level)) & 511);
		uint64_t chunk = bsize - (va & (bsize - 1));

		if (chunk > size)
			chunk = size;
		if (chunk == bsize && is_aligned(pa, bsize)) {
			/* whole entry: block (levels 1-2) or page (level 3) */
			if (tab->desc[idx] || tab->next[idx])
				return -1;
			tab->desc[idx] = pa | attrs | PT_VALID |
					 (tab->level == 3 ? PT_TABLE_OR_PAGE : 0);
		} else {
			if (tab->level == 3 || tab->desc[idx])
				return -1;	/* unaligned page, or a block there */
			if (!tab->next[idx])
				tab->next[idx] = pt_new(t, tab->level + 1);
			if (map_level(t, tab->next[idx], va, pa, chunk, attrs))
				return -1;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return 0;
}

int pt_map(struct pt_tree *t, uint64_t va, uint64_t pa, uint64_t size,
	   enum pt_mem mem)
{
	const uint64_t top = 1ull << PHIDIAS_PT_VA_BITS;

	if (!is_aligned(va | pa | size, SZ_4K) || va >= top || size > top - va ||
	    pa >= (1ull << 48) || size > (1ull << 48) - pa)
		return -1;
	return map_level(t, t->root, va, pa, size, pt_leaf_attrs(t->stage, mem));
}

void pt_free(struct pt_tree *t)
{
	for (unsigned i = 0; i < t->nr_tables; i++)
		free(t->tables[i]);
	free(t->tables);
	memset(t, 0, sizeof(*t));
}

int pgtables_build(const struct scenario *s, struct scenario_tables *t)
{
	const struct platform *p = &s->plat;
	const struct {
		uint64_t base, size;
		enum pt_mem mem;
		const char *what;
	} el2[] = {
		/* W^X: the windows of schism.h, each as the linker fills it */
		{ s->hyp_base, SCHISM_HYP_TEXT_END, PT_NORMAL_RO_X,
		  "hypervisor text" },
		{ s->hyp_base + SCHISM_HYP_TEXT_END,
		  SCHISM_HYP_RO_END - SCHISM_HYP_TEXT_END, PT_NORMAL_RO_XN,
		  "hypervisor read-only data" },
		{ s->hyp_base + SCHISM_HYP_RO_END,
		  SCHISM_HYP_CODE_BUDGET - SCHISM_HYP_RO_END, PT_NORMAL_RW_XN,
		  "hypervisor data" },
		{ s->hyp_base + SCHISM_HYP_CODE_BUDGET,
		  s->hyp_size - SCHISM_HYP_CODE_BUDGET, PT_NORMAL_RO_XN,
		  "guest images in the hypervisor image" },
		{ s->percpu_base, s->nr_pcpus * s->percpu_size, PT_NORMAL_RW_XN,
		  "per-CPU areas" },
		{ p->uart_base, SCHISM_UART_SIZE, PT_DEVICE_XN, "UART" },
		{ p->gicd, SCHISM_GICD_SIZE, PT_DEVICE_XN, "GICD" },
		{ p->gicc, SCHISM_GICC_SIZE, PT_DEVICE_XN, "GICC" },
		{ p->gich, SCHISM_GICH_SIZE, PT_DEVICE_XN, "GICH" },
	};
	unsigned before = diag_count();

	memset(t, 0, sizeof(*t));
	pt_init(&t->el2, PT_EL2);
	for (unsigned i = 0; i < sizeof(el2) / sizeof(el2[0]); i++)
		if (el2[i].size && pt_map(&t->el2, el2[i].base, el2[i].base, el2[i].size,
			   el2[i].mem))
			diag_error(p->file, 0, "cannot map the %s at 0x%llx in "
				   "the EL2 tables: it overlaps another region "
				   "or lies above 512 GiB", el2[i].what,
				   (unsigned long long)el2[i].base);
	t->nr_vms = s->nr_vms;
	t->s2 = xcalloc(s->nr_vms, sizeof(*t->s2));
	for (unsigned i = 0; i < s->nr_vms; i++) {
		const struct vm *vm = &s->vms[i];

		if (pt_map(&t->el2, vm->mem_base, vm->mem_base, vm->mem_size,
			   PT_NORMAL_RW_XN))
			diag_error(s->file, vm->mem_line, "cannot map the memory "
				   "of VM '%s' in the EL2 tables: it overlaps a "
				   "device of the platform", vm->name);
		pt_init(&t->s2[i], PT_S2);
		if (pt_map(&t->s2[i], PHIDIAS_GUEST_RAM, vm->mem_base,
			   vm->mem_size, PT_NORMAL_RW))
			diag_error(s->file, vm->mem_line, "cannot map the memory "
				   "of VM '%s' at IPA 0x%llx", vm->name,
				   (unsigned long long)PHIDIAS_GUEST_RAM);
		if (pt_map(&t->s2[i], PHIDIAS_GUEST_GICC, p->gicv,
			   PHIDIAS_GUEST_GICC_SIZE, PT_DEVICE_XN))
			diag_error(p->file, 0, "cannot map the GICV frame at "
				   "0x%llx for VM '%s'",
				   (unsigned long long)p->gicv, vm->name);
		for (unsigned d = 0; d < vm->nr_devs; d++) {
			const struct plat_device *pd = &p->devs[vm->devs[d].dev];

			if (pt_map(&t->s2[i], pd->base, pd->base, pd->size,
				   PT_DEVICE_XN))
				diag_error(s->file, vm->devs[d].line, "cannot "
					   "map device '%s' into VM '%s'",
					   pd->name, vm->name);
		}
		for (unsigned m = 0; m < vm->nr_shm; m++) {
			const struct vm_shmem *vs = &vm->shm[m];
			const struct shmem *sh = &s->shmems[vs->shmem];

			if (pt_map(&t->s2[i], vs->ipa, sh->base, sh->size,
				   vs->ro ? PT_NORMAL_RO_XN : PT_NORMAL_RW_XN))
				diag_error(s->file, vs->line, "cannot map shared "
					   "region '%s' into VM '%s' at 0x%llx",
					   sh->name, vm->name,
					   (unsigned long long)vs->ipa);
		}
	}
	for (unsigned i = 0; i < s->nr_shmems; i++) {
		const struct shmem *sh = &s->shmems[i];

		if (pt_map(&t->el2, sh->base, sh->base, sh->size, PT_NORMAL_RW_XN))
			diag_error(s->file, sh->line, "cannot map shared region "
				   "'%s' in the EL2 tables", sh->name);
	}
	if (diag_count() == before) {
		/* They live in the read-only window after the rodata. */
		const uint64_t room = SCHISM_HYP_RO_END - SCHISM_HYP_TEXT_END -
				      SCHISM_HYP_RODATA_RESERVE;
		uint64_t n = t->el2.nr_tables;
		char buf[32];

		for (unsigned i = 0; i < t->nr_vms; i++) {
			n += t->s2[i].nr_tables;
			if (n * SZ_4K > room) {
				diag_error(s->file, s->vms[i].line, "with VM '%s' the "
					   "translation tables take %llu pages, more "
					   "than the %llu (%s) the hypervisor image "
					   "has room for: use fewer VMs",
					   s->vms[i].name, (unsigned long long)n,
					   (unsigned long long)(room / SZ_4K),
					   fmt_size(room, buf, sizeof(buf)));
				break;
			}
		}
	}
	return diag_count() == before ? 0 : -1;
}

void pgtables_free(struct scenario_tables *t)
{
	pt_free(&t->el2);
	for (unsigned i = 0; i < t->nr_vms; i++)
		pt_free(&t->s2[i]);
	free(t->s2);
	memset(t, 0, sizeof(*t));
}
