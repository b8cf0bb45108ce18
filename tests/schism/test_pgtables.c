/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pgtable.c alone (descriptor encodings, block/page choice), then whole
 * scenarios: every scenario in tests/schism/good/ and a few built in here run
 * through all passes; the generated config.c + pagetables.c + blobs.S are
 * compiled FOR THE HOST with walker.c, and the mappings the walker finds
 * must be exactly what docs/scenario.md promises: per VM (stage 2) its RAM,
 * the GICV frame, its passed-through devices and its shared regions, each
 * with its attributes; EL2 the hypervisor, per-CPU areas, VM RAM, shared
 * regions and the platform's UART/GICD/GICC/GICH. The config's memory
 * areas must list the same, in order, with the right flags and kinds.
 * Usage: test_pgtables <repo root>
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schism.h"
#include "unit.h"

/* Expected attributes, written from Arm ARM D8.3 independently of pgtable.c */
#define AF (1ull << 10)
#define SH_IS (3ull << 8)
#define XN (1ull << 54)
#define S2_NORMAL_RW (AF | SH_IS | (3ull << 6) | (0xfull << 2))
#define S2_NORMAL_RO_XN (AF | SH_IS | (1ull << 6) | (0xfull << 2) | XN)
#define S2_DEVICE_XN (AF | SH_IS | (3ull << 6) | (0x1ull << 2) | XN)
#define EL2_NORMAL_RW (AF | SH_IS | (1ull << 6) | (1ull << 2))	/* AttrIndx 1 */
#define EL2_DEVICE_XN (AF | SH_IS | (1ull << 6) | (0ull << 2) | XN)
#define EL2_NORMAL_RO (AF | SH_IS | (3ull << 6) | (1ull << 2))	/* AP[2] = 1 */
#define EL2_AP_RO (1ull << 7)

static const char *root;

struct map {
	uint64_t va, pa, size, attrs;
};

/* A config memory area as the walker prints it. */
struct area {
	uint64_t ipa, pa, size;
	unsigned flags, kind;
	char name[64];
};

#define MAX_VMS 16
#define MAX_MAPS 64

static void test_descriptor_encodings(void)
{
	struct pt_tree t;

	pt_init(&t, PT_S2);
	CHECK(pt_map(&t, 0x40000000ull, 0x80000000ull, SZ_1G, PT_NORMAL_RW) == 0, "1G");
	CHECK(t.nr_tables == 1 && t.root->desc[1] == (0x80000000ull | S2_NORMAL_RW | 1),
	      "1G block at level 1: 0x%llx", (unsigned long long)t.root->desc[1]);
	CHECK(pt_map(&t, 0x80000000ull, 0x40200000ull, SZ_2M + SZ_4K, PT_NORMAL_RW) == 0,
	      "2M+4K");
	CHECK(t.nr_tables == 3, "%u tables", t.nr_tables);
	CHECK(t.root->next[2] && t.root->next[2]->desc[0] ==
	      (0x40200000ull | S2_NORMAL_RW | 1), "2M block at level 2");
	CHECK(t.root->next[2] && t.root->next[2]->next[1] &&
	      t.root->next[2]->next[1]->desc[0] ==
	      (0x40400000ull | S2_NORMAL_RW | 3), "4K page at level 3");
	CHECK(pt_map(&t, 0x40000000ull, 0x0ull, SZ_4K, PT_NORMAL_RW) != 0,
	      "overlap accepted");
	CHECK(pt_map(&t, 1ull << 39, 0, SZ_4K, PT_NORMAL_RW) != 0, "40-bit IPA accepted");
	pt_free(&t);

	/* PA not 2M aligned: pages only, even though the IPA is */
	pt_init(&t, PT_S2);
	CHECK(pt_map(&t, 0x40000000ull, 0x40201000ull, SZ_2M, PT_NORMAL_RW) == 0, "map");
	CHECK(t.nr_tables == 3 && t.root->next[1]->next[0] &&
	      !t.root->next[1]->desc[0], "no block for a misaligned PA");
	pt_free(&t);

	pt_init(&t, PT_S2);
	CHECK(pt_map(&t, 0x50000000ull, 0x7f000000ull, SZ_4K, PT_NORMAL_RO_XN) == 0, "ro");
	CHECK(t.tables[2]->desc[0] == (0x7f000000ull | S2_NORMAL_RO_XN | 3),
	      "S2 read-only page 0x%llx", (unsigned long long)t.tables[2]->desc[0]);
	CHECK(pt_map(&t, 0x09010000ull, 0x09010000ull, SZ_4K, PT_DEVICE_XN) == 0, "dev");
	CHECK(t.tables[4]->desc[16] == (0x09010000ull | S2_DEVICE_XN | 3),
	      "S2 device page 0x%llx", (unsigned long long)t.tables[4]->desc[16]);
	pt_free(&t);

	pt_init(&t, PT_EL2);
	CHECK(pt_map(&t, 0x09000000ull, 0x09000000ull, SZ_4K, PT_DEVICE_XN) == 0, "dev");
	CHECK(t.tables[2]->desc[0] == (0x09000000ull | EL2_DEVICE_XN | 3),
	      "EL2 device page 0x%llx", (unsigned long long)t.tables[2]->desc[0]);
	CHECK(pt_map(&t, 0x40200000ull, 0x40200000ull, SZ_2M, PT_NORMAL_RW) == 0, "hyp");
	CHECK(t.root->next[1]->desc[1] == (0x40200000ull | EL2_NORMAL_RW | 1),
	      "EL2 normal block 0x%llx", (unsigned long long)t.root->next[1]->desc[1]);
	pt_free(&t);
}

static int map_cmp(const void *a, const void *b)
{
	const struct map *x = a, *y = b;

	return x->va < y->va ? -1 : x->va > y->va;
}

/* Sorts and merges contiguous runs with equal attributes, like the walker. */
static unsigned coalesce(struct map *m, unsigned n)
{
	unsigned o = 0;

	qsort(m, n, sizeof(*m), map_cmp);
	for (unsigned i = 0; i < n; i++) {
		if (o && m[o - 1].attrs == m[i].attrs &&
		    m[o - 1].va + m[o - 1].size == m[i].va &&
		    m[o - 1].pa + m[o - 1].size == m[i].pa)
			m[o - 1].size += m[i].size;
		else
			m[o++] = m[i];
	}
	return o;
}

static void compare(const char *what, const struct map *want, unsigned nw,
		    const struct map *got, unsigned ng)
{
	CHECK(nw == ng, "%s: %u mappings expected, walker found %u", what, nw, ng);
	for (unsigned i = 0; i < nw && i < ng; i++)
		CHECK(!memcmp(&want[i], &got[i], sizeof(want[i])),
		      "%s #%u: want va 0x%llx pa 0x%llx size 0x%llx attrs 0x%llx, "
		      "got va 0x%llx pa 0x%llx size 0x%llx attrs 0x%llx", what, i,
		      (unsigned long long)want[i].va, (unsigned long long)want[i].pa,
		      (unsigned long long)want[i].size, (unsigned long long)want[i].attrs,
		      (unsigned long long)got[i].va, (unsigned long long)got[i].pa,
		      (unsigned long long)got[i].size, (unsigned long long)got[i].attrs);
}

static int run_cmd(const char *cmd)
{
	int rc = system(cmd);

	CHECK(rc == 0, "command failed (%d): %s", rc, cmd);
	return rc;
}

/* What stage 2 and the memory areas of VM v must be (docs/scenario.md). */
static unsigned expected_vm(const struct scenario *s, unsigned v,
			    struct map *m, struct area *ar, unsigned *nar)
{
	const struct vm *vm = &s->vms[v];
	unsigned n = 0, na = 0;

	m[n++] = (struct map){ 0x40000000ull, vm->mem_base, vm->mem_size, S2_NORMAL_RW };
	ar[na++] = (struct area){ 0x40000000ull, vm->mem_base, vm->mem_size, 7, 1, "ram" };
	m[n++] = (struct map){ 0x08010000ull, s->plat.gicv, 0x2000, S2_DEVICE_XN };
	ar[na++] = (struct area){ 0x08010000ull, s->plat.gicv, 0x2000, 0xb, 3, "gicv" };
	for (unsigned d = 0; d < vm->nr_devs; d++) {
		const struct plat_device *pd = &s->plat.devs[vm->devs[d].dev];

		m[n++] = (struct map){ pd->base, pd->base, pd->size, S2_DEVICE_XN };
		ar[na] = (struct area){ pd->base, pd->base, pd->size, 0xb, 3, "" };
		snprintf(ar[na++].name, 64, "%s", pd->name);
	}
	for (unsigned i = 0; i < vm->nr_shm; i++) {
		const struct vm_shmem *vs = &vm->shm[i];
		const struct shmem *sh = &s->shmems[vs->shmem];

		m[n++] = (struct map){ vs->ipa, sh->base, sh->size,
				       vs->ro ? S2_NORMAL_RO_XN : S2_NORMAL_RW | XN };
		ar[na] = (struct area){ vs->ipa, sh->base, sh->size,
					vs->ro ? 1u : 3u, 2, "" };
		snprintf(ar[na++].name, 64, "%s", sh->name);
	}
	*nar = na;
	return coalesce(m, n);
}

/*
 * Every normal-memory mapping the walker found, at EL2 and in any stage 2,
 * lands inside one RAM bank of the platform and clear of the ranges its
 * firmware reserves; device mappings lie outside RAM.  Written against the
 * platform's own ranges, not layout.c.
 */
static int in_ram(const struct platform *pl, uint64_t pa, uint64_t size,
		  const char **why)
{
	int in = 0;

	for (unsigned i = 0; i < pl->nr_banks; i++)
		in |= pa >= pl->banks[i].base &&
		      pa + size <= pl->banks[i].base + pl->banks[i].size;
	*why = in ? NULL : "outside every RAM bank";
	for (unsigned i = 0; i < pl->nr_reserved; i++)
		if (pa < pl->reserved[i].base + pl->reserved[i].size &&
		    pl->reserved[i].base < pa + size) {
			*why = pl->reserved[i].name;
			return 0;
		}
	return in;
}

static int touches_ram(const struct platform *pl, uint64_t pa, uint64_t size)
{
	for (unsigned i = 0; i < pl->nr_banks; i++)
		if (pa < pl->banks[i].base + pl->banks[i].size &&
		    pl->banks[i].base < pa + size)
			return 1;
	return 0;
}

static void check_ram_use(const char *name, const struct scenario *s,
			  const struct map *el2, unsigned nel2,
			  struct map (*s2)[MAX_MAPS], const unsigned *ns2)
{
	const char *why;

	for (unsigned i = 0; i < nel2; i++) {
		int device = (el2[i].attrs & (7ull << 2)) == 0;	/* AttrIndx 0 */

		if (device)
			CHECK(!touches_ram(&s->plat, el2[i].pa, el2[i].size),
			      "%s: EL2 device mapping 0x%llx over RAM", name,
			      (unsigned long long)el2[i].pa);
		else
			CHECK(in_ram(&s->plat, el2[i].pa, el2[i].size, &why),
			      "%s: EL2 maps 0x%llx-0x%llx: %s", name,
			      (unsigned long long)el2[i].pa,
			      (unsigned long long)(el2[i].pa + el2[i].size - 1), why);
	}
	for (unsigned v = 0; v < s->nr_vms && v < MAX_VMS; v++)
		for (unsigned i = 0; i < ns2[v]; i++) {
			/* stage-2 MemAttr[3:2] = 0b00: device */
			int device = ((s2[v][i].attrs >> 4) & 3) == 0;

			if (device)
				CHECK(!touches_ram(&s->plat, s2[v][i].pa, s2[v][i].size),
				      "%s: VM %u device mapping 0x%llx over RAM",
				      name, v, (unsigned long long)s2[v][i].pa);
			else
				CHECK(in_ram(&s->plat, s2[v][i].pa, s2[v][i].size, &why),
				      "%s: VM %u maps PA 0x%llx-0x%llx: %s", name, v,
				      (unsigned long long)s2[v][i].pa,
				      (unsigned long long)(s2[v][i].pa + s2[v][i].size - 1),
				      why);
		}
}

/* The CPU table: one MPIDR per hypervisor CPU, the platform's, in order;
 * for the HiKey the board's own numbers, written here from hi6220.dtsi. */
static void check_cpus(const char *name, const struct scenario *s,
		       const uint64_t *mpidr, unsigned n)
{
	static const uint64_t hikey[8] = { 0x000, 0x001, 0x002, 0x003,
					   0x100, 0x101, 0x102, 0x103 };

	CHECK(n == s->nr_pcpus, "%s: %u CPU entries for %u CPUs", name, n,
	      s->nr_pcpus);
	for (unsigned i = 0; i < n && i < s->nr_pcpus; i++) {
		CHECK(mpidr[i] == s->plat.mpidr[i], "%s: CPU %u MPIDR 0x%llx, "
		      "platform says 0x%llx", name, i, (unsigned long long)mpidr[i],
		      (unsigned long long)s->plat.mpidr[i]);
		if (!strcmp(s->plat.name, "hikey"))
			CHECK(i < 8 && mpidr[i] == hikey[i], "%s: CPU %u MPIDR 0x%llx "
			      "is not the HiKey's", name, i,
			      (unsigned long long)mpidr[i]);
	}
}

static void check_scenario_tables(const char *name, const char *xml,
				  const char *platforms, const char *imgdir,
				  const char *tmp)
{
	char *incdirs[] = { (char *)imgdir };
	char *schema = xasprintf("%s/config/scenario.xsd", root);
	char *out = xasprintf("%s/out-%s", tmp, name);
	struct schism_opts o = { incdirs, 1, platforms, schema, out, xml };
	struct scenario *s = NULL;
	struct scenario_tables *t = NULL;
	char *cmd, *walker, line[512];
	struct map el2[64], el2got[64];
	static struct map s2got[MAX_VMS][MAX_MAPS];
	static struct area memgot[MAX_VMS][MAX_MAPS];
	unsigned nel2 = 0, nel2got = 0, ns2got[MAX_VMS] = { 0 }, nmem[MAX_VMS] = { 0 };
	uint64_t mpidr[PHIDIAS_MAX_PCPUS];
	unsigned ncpu = 0;
	FILE *p;

	diag_reset();
	if (schism_run(&o, &s, &t)) {
		CHECK(0, "%s: schism rejected it (%u errors)", name, diag_count());
		goto out;
	}
	CHECK(s->nr_vms <= MAX_VMS, "%s: too many VMs for this test", name);
	walker = xasprintf("%s/walker-%s", tmp, name);
	cmd = xasprintf("gcc -std=c11 -Wall -Wextra -Werror -O1 -Wa,--noexecstack -I%s/core/include "
			"-I%s/gen -o %s %s/tests/schism/walker.c %s/gen/config.c "
			"%s/gen/pagetables.c %s/gen/blobs.S", root, out, walker,
			root, out, out, out);
	if (run_cmd(cmd)) {
		free(cmd);
		free(walker);
		goto free_model;
	}
	free(cmd);

	/* EL2: hypervisor, per-CPU, VM RAM, shared regions, UART, GICD, GICC,
	 * GICH; never a passed-through device nor the GICV */
	/* the hypervisor in W^X windows: text RX, rodata and tables RO,
	 * data RW, the guest images RO; only the text executable */
	el2[nel2++] = (struct map){ s->hyp_base, s->hyp_base, SCHISM_HYP_TEXT_END,
				    EL2_NORMAL_RO };
	el2[nel2++] = (struct map){ s->hyp_base + SCHISM_HYP_TEXT_END,
				    s->hyp_base + SCHISM_HYP_TEXT_END,
				    SCHISM_HYP_RO_END - SCHISM_HYP_TEXT_END,
				    EL2_NORMAL_RO | XN };
	el2[nel2++] = (struct map){ s->hyp_base + SCHISM_HYP_RO_END,
				    s->hyp_base + SCHISM_HYP_RO_END,
				    SZ_2M - SCHISM_HYP_RO_END, EL2_NORMAL_RW | XN };
	el2[nel2++] = (struct map){ s->hyp_base + SZ_2M, s->hyp_base + SZ_2M,
				    s->hyp_size - SZ_2M, EL2_NORMAL_RO | XN };
	el2[nel2++] = (struct map){ s->percpu_base, s->percpu_base,
				    s->nr_pcpus * 0x10000ull, EL2_NORMAL_RW | XN };
	for (unsigned i = 0; i < s->nr_vms; i++)
		el2[nel2++] = (struct map){ s->vms[i].mem_base, s->vms[i].mem_base,
					    s->vms[i].mem_size, EL2_NORMAL_RW | XN };
	for (unsigned i = 0; i < s->nr_shmems; i++)
		el2[nel2++] = (struct map){ s->shmems[i].base, s->shmems[i].base,
					    s->shmems[i].size, EL2_NORMAL_RW | XN };
	el2[nel2++] = (struct map){ s->plat.uart_base, s->plat.uart_base, 0x1000, EL2_DEVICE_XN };
	el2[nel2++] = (struct map){ s->plat.gicd, s->plat.gicd, 0x1000, EL2_DEVICE_XN };
	el2[nel2++] = (struct map){ s->plat.gicc, s->plat.gicc, 0x2000, EL2_DEVICE_XN };
	el2[nel2++] = (struct map){ s->plat.gich, s->plat.gich, 0x1000, EL2_DEVICE_XN };
	nel2 = coalesce(el2, nel2);

	p = popen(walker, "r");
	free(walker);
	if (!p) {
		CHECK(0, "cannot run the walker");
		goto free_model;
	}
	while (fgets(line, sizeof(line), p)) {
		struct map m;
		struct area a;
		unsigned vm;

		if (sscanf(line, "EL2 %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64,
			   &m.va, &m.pa, &m.size, &m.attrs) == 4) {
			if (nel2got < 64)
				el2got[nel2got++] = m;
		} else if (sscanf(line, "S2 %u %" SCNx64 " %" SCNx64 " %" SCNx64
				  " %" SCNx64, &vm, &m.va, &m.pa, &m.size,
				  &m.attrs) == 5 && vm < MAX_VMS) {
			if (ns2got[vm] < MAX_MAPS)
				s2got[vm][ns2got[vm]++] = m;
		} else if (sscanf(line, "CPU %u %" SCNx64, &vm, &m.va) == 2) {
			CHECK(vm == ncpu && ncpu < PHIDIAS_MAX_PCPUS, "%s: %s", name, line);
			if (ncpu < PHIDIAS_MAX_PCPUS)
				mpidr[ncpu++] = m.va;
		} else if (sscanf(line, "MEM %u %" SCNx64 " %" SCNx64 " %" SCNx64
				  " %x %u %63s", &vm, &a.ipa, &a.pa, &a.size,
				  &a.flags, &a.kind, a.name) == 7 && vm < MAX_VMS) {
			if (nmem[vm] < MAX_MAPS)
				memgot[vm][nmem[vm]++] = a;
		} else {
			CHECK(0, "%s: walker: %s", name, line);
		}
	}
	CHECK(pclose(p) == 0, "%s: walker failed", name);
	for (unsigned v = 0; v < s->nr_vms && v < MAX_VMS; v++) {
		struct map want[MAX_MAPS];
		struct area awant[MAX_MAPS];
		unsigned na, nw = expected_vm(s, v, want, awant, &na);
		char *what = xasprintf("%s, stage 2 of VM '%s'", name, s->vms[v].name);

		compare(what, want, nw, s2got[v], ns2got[v]);
		CHECK(na == nmem[v], "%s: %u mem areas expected, config has %u",
		      what, na, nmem[v]);
		for (unsigned i = 0; i < na && i < nmem[v]; i++)
			CHECK(awant[i].ipa == memgot[v][i].ipa &&
			      awant[i].pa == memgot[v][i].pa &&
			      awant[i].size == memgot[v][i].size &&
			      awant[i].flags == memgot[v][i].flags &&
			      awant[i].kind == memgot[v][i].kind &&
			      !strcmp(awant[i].name, memgot[v][i].name),
			      "%s: mem area #%u: want 0x%llx 0x%llx 0x%llx 0x%x %u %s, "
			      "got 0x%llx 0x%llx 0x%llx 0x%x %u %s", what, i,
			      (unsigned long long)awant[i].ipa,
			      (unsigned long long)awant[i].pa,
			      (unsigned long long)awant[i].size, awant[i].flags,
			      awant[i].kind, awant[i].name,
			      (unsigned long long)memgot[v][i].ipa,
			      (unsigned long long)memgot[v][i].pa,
			      (unsigned long long)memgot[v][i].size,
			      memgot[v][i].flags, memgot[v][i].kind,
			      memgot[v][i].name);
		free(what);
	}
	compare(name, el2, nel2, el2got, nel2got);
	/* W^X, whatever the expectations above say: nothing writable executes
	 * at EL2, and only the hypervisor's text window executes at all. */
	for (unsigned i = 0; i < nel2got; i++) {
		const struct map *m = &el2got[i];

		CHECK((m->attrs & XN) || (m->attrs & EL2_AP_RO),
		      "%s: EL2 0x%llx+0x%llx is writable and executable", name,
		      (unsigned long long)m->va, (unsigned long long)m->size);
		CHECK((m->attrs & XN) || (m->va >= s->hyp_base &&
		      m->va + m->size <= s->hyp_base + SCHISM_HYP_TEXT_END),
		      "%s: EL2 0x%llx+0x%llx executable outside the text window",
		      name, (unsigned long long)m->va, (unsigned long long)m->size);
	}
	check_ram_use(name, s, el2got, nel2got, s2got, ns2got);
	check_cpus(name, s, mpidr, ncpu);
	printf("%s: %u VM(s), %u EL2 run(s) checked\n", name, s->nr_vms, nel2got);
free_model:
	pgtables_free(t);
	free(t);
	scenario_free(s);
	free(s);
out:
	free(schema);
	free(out);
}

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f) {
		CHECK(0, "cannot create %s", path);
		return;
	}
	if (text)
		fwrite(text, 1, len, f);
	else
		for (size_t i = 0; i < len; i++)
			fputc((int)(i * 7 + 1) & 0xff, f);
	fclose(f);
}

static const struct {
	const char *name, *xml;
} builtin[] = {
	{ "gig-blocks", /* 1G VMs at 1G-aligned PAs: level-1 blocks */
	  "<scenario name=\"gig\" platform=\"big\">\n"
	  " <hypervisor cpus=\"4\"/>\n"
	  " <vm name=\"a\"><vcpu pcpu=\"0\"/><memory size=\"1G\"/>"
	  "<kernel file=\"hello.bin\"/></vm>\n"
	  " <vm name=\"b\"><vcpu pcpu=\"1\"/><memory size=\"2G\" base=\"0x100000000\"/>"
	  "<kernel file=\"hello.bin\"/><uart/></vm>\n"
	  " <vm name=\"c\"><vcpu pcpu=\"2\"/><vcpu pcpu=\"3\"/>"
	  "<memory size=\"1G\"/><kernel file=\"hello.bin\"/></vm>\n"
	  "</scenario>\n" },
	{ "odd-pages", /* fixed at a page-aligned PA: pages and tables mixed */
	  "<scenario name=\"odd\" platform=\"qemu-virt\">\n"
	  " <vm name=\"a\"><vcpu pcpu=\"0\"/><memory size=\"0x203000\" base=\"0x50001000\"/>"
	  "<kernel file=\"hello.bin\"/></vm>\n"
	  " <vm name=\"b\"><vcpu pcpu=\"0\"/><memory size=\"132K\"/>"
	  "<kernel file=\"hello.bin\"/></vm>\n"
	  " <vm name=\"c\"><vcpu pcpu=\"1\"/><memory size=\"6M\"/>"
	  "<kernel file=\"ticker.bin\"/></vm>\n"
	  " <vm name=\"d\"><vcpu pcpu=\"1\"/><memory size=\"0x1ff000\"/>"
	  "<kernel file=\"hello.bin\"/></vm>\n"
	  "</scenario>\n" },
	{ "hikey-eight-cpus", /* all 8 HiKey CPUs; around the firmware holes;
			       * a VM too big for any gap of the first GiB */
	  "<scenario name=\"hk8\" platform=\"hikey\">\n"
	  " <hypervisor cpus=\"8\"/>\n"
	  " <shmem name=\"s\" size=\"1M\"/>\n"
	  " <vm name=\"a\"><vcpu pcpu=\"0\"/><vcpu pcpu=\"4\"/><memory size=\"512M\"/>"
	  "<kernel file=\"hello.bin\"/><uart/><shmem ref=\"s\" base=\"0x60000000\"/></vm>\n"
	  " <vm name=\"b\"><vcpu pcpu=\"1\"/><memory size=\"32M\" base=\"0x22000000\"/>"
	  "<kernel file=\"hello.bin\"/><device ref=\"rtc\"/></vm>\n"
	  " <vm name=\"c\"><vcpu pcpu=\"2\"/><vcpu pcpu=\"3\"/><memory size=\"90M\"/>"
	  "<kernel file=\"hello.bin\"/><shmem ref=\"s\" base=\"0x60000000\"/></vm>\n"
	  " <vm name=\"d\"><vcpu pcpu=\"5\"/><vcpu pcpu=\"6\"/><vcpu pcpu=\"7\"/>"
	  "<memory size=\"300M\"/><kernel file=\"ticker.bin\"/></vm>\n"
	  " <vm name=\"e\"><vcpu pcpu=\"7\"/><memory size=\"0x3000000\"/>"
	  "<kernel file=\"echo.bin\"/></vm>\n"
	  "</scenario>\n" },
	{ "shared-and-devices", /* shmem (fixed/free, ro/rw), devices, initrd */
	  "<scenario name=\"shd\" platform=\"qemu-virt\">\n"
	  " <hypervisor cpus=\"2\"/>\n"
	  " <shmem name=\"net0\" size=\"2M\"/>\n"
	  " <shmem name=\"log\" size=\"12K\" base=\"0x7f001000\"/>\n"
	  " <vm name=\"a\"><vcpu pcpu=\"0\"/><vcpu pcpu=\"1\"/><memory size=\"32M\"/>"
	  "<kernel file=\"hello.bin\"/><initrd file=\"ticker.bin\"/><uart/>"
	  "<device ref=\"rtc\"/><shmem ref=\"net0\" base=\"0x50000000\"/>"
	  "<shmem ref=\"log\" base=\"0x50201000\" access=\"ro\"/>"
	  "<cap type=\"ipc\" target_xref=\"b\" param=\"40\"/></vm>\n"
	  " <vm name=\"b\"><vcpu pcpu=\"1\"/><memory size=\"8M\"/>"
	  "<kernel file=\"hello.bin\"/><device ref=\"gpio\"/>"
	  "<shmem ref=\"net0\" base=\"0x60000000\" access=\"rw\"/>"
	  "<shmem ref=\"log\" base=\"0x60403000\" access=\"rw\"/>"
	  "<cap type=\"ipc\" target_xref=\"a\" param=\"3\"/></vm>\n"
	  "</scenario>\n" },
};

int main(int argc, char **argv)
{
	char tmpl[] = "/tmp/schism-pgt-XXXXXX";
	char *tmp, *imgs, *plats, *path, *cmd, *gooddir;
	DIR *d;
	struct dirent *e;

	root = argc > 1 ? argv[1] : ".";
	diag_set_quiet(0);
	test_descriptor_encodings();

	tmp = mkdtemp(tmpl);
	if (!tmp) {
		CHECK(0, "mkdtemp");
		return unit_summary("test_pgtables");
	}
	imgs = xasprintf("%s/img", tmp);
	plats = xasprintf("%s/platforms", tmp);
	mkdir(imgs, 0777);
	mkdir(plats, 0777);
	{
		const char *names[] = { "hello.bin", "ticker.bin", "crash.bin", "echo.bin" };

		for (unsigned i = 0; i < 4; i++) {
			path = xasprintf("%s/%s", imgs, names[i]);
			write_file(path, NULL, 5000 + 4096 * i);
			free(path);
		}
	}
	cmd = xasprintf("cp %s/config/platforms/qemu-virt.xml %s/config/platforms/hikey.xml "
			"%s/config/platform.xsd %s/ && "
			"sed -e 's/name=\"qemu-virt\"/name=\"big\"/' -e 's/size=\"1G\"/size=\"8G\"/' "
			"%s/config/platforms/qemu-virt.xml > %s/big.xml",
			root, root, root, plats, root, plats);
	run_cmd(cmd);
	free(cmd);

	for (unsigned i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		path = xasprintf("%s/%s.xml", tmp, builtin[i].name);
		write_file(path, builtin[i].xml, strlen(builtin[i].xml));
		check_scenario_tables(builtin[i].name, path, plats, imgs, tmp);
		free(path);
	}

	/* The HiKey scenarios, with stand-ins for the Linux images. */
	{
		static const uint8_t image_hdr[64] = {
			[0] = 0x10, [3] = 0x14,		/* b +64 */
			[9] = 0x00, [10] = 0x08,	/* text_offset 0x80000 */
			[18] = 0x40,			/* image_size 4 MiB */
			[56] = 'A', [57] = 'R', [58] = 'M', [59] = 0x64,
		};
		char *name;

		path = xasprintf("%s/Image", imgs);
		write_file(path, (const char *)image_hdr, sizeof(image_hdr));
		free(path);
		path = xasprintf("%s/initramfs.cpio.gz", imgs);
		write_file(path, NULL, 300000);
		free(path);
		name = xasprintf("%s/scenarios", root);
		d = opendir(name);
		CHECK(d != NULL, "no %s", name);
		while (d && (e = readdir(d))) {
			size_t n = strlen(e->d_name);

			if (strncmp(e->d_name, "hikey-", 6) || n < 5 ||
			    strcmp(e->d_name + n - 4, ".xml"))
				continue;
			path = xasprintf("%s/%s", name, e->d_name);
			cmd = xasprintf("%.*s", (int)(n - 4), e->d_name);
			check_scenario_tables(cmd, path, plats, imgs, tmp);
			free(cmd);
			free(path);
		}
		if (d)
			closedir(d);
		free(name);
	}

	gooddir = xasprintf("%s/tests/schism/good", root);
	d = opendir(gooddir);
	CHECK(d != NULL, "no %s", gooddir);
	while (d && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *stem;

		if (n < 5 || strcmp(e->d_name + n - 4, ".xml"))
			continue;
		path = xasprintf("%s/%s", gooddir, e->d_name);
		stem = xasprintf("%.*s", (int)(n - 4), e->d_name);
		check_scenario_tables(stem, path, plats, imgs, tmp);
		free(stem);
		free(path);
	}
	if (d)
		closedir(d);
	free(gooddir);
	remove_tree(tmp);
	free(imgs);
	free(plats);
	return unit_summary("test_pgtables");
}
