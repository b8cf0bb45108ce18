/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pgtable.c alone (descriptor encodings, block/page choice), then whole
 * scenarios: every scenario in tests/schism/good/ and a few built in here run
 * through all passes; the generated config.c + pagetables.c + blobs.S are
 * compiled FOR THE HOST with walker.c, and the mappings the walker finds
 * must be exactly each VM's RAM (stage 2) and exactly the spec's EL2 map.
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
#define EL2_NORMAL_RW (AF | SH_IS | (1ull << 6) | (1ull << 2))	/* AttrIndx 1 */
#define EL2_DEVICE_XN (AF | SH_IS | (1ull << 6) | (0ull << 2) | XN)

static const char *root;

struct map {
	uint64_t va, pa, size, attrs;
};

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
	struct map el2[64], s2got[64], el2got[64];
	unsigned nel2 = 0, ns2got, nel2got = 0, nmem = 0;
	FILE *p;

	diag_reset();
	if (schism_run(&o, &s, &t)) {
		CHECK(0, "%s: schism rejected it (%u errors)", name, diag_count());
		goto out;
	}
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

	/* EL2: hypervisor, per-CPU, VM RAM, UART, GICD, GICC, GICH */
	el2[nel2++] = (struct map){ s->hyp_base, s->hyp_base, s->hyp_size, EL2_NORMAL_RW };
	el2[nel2++] = (struct map){ s->percpu_base, s->percpu_base,
				    s->nr_pcpus * 0x10000ull, EL2_NORMAL_RW | XN };
	for (unsigned i = 0; i < s->nr_vms; i++)
		el2[nel2++] = (struct map){ s->vms[i].mem_base, s->vms[i].mem_base,
					    s->vms[i].mem_size, EL2_NORMAL_RW | XN };
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
	ns2got = 0;
	{
		unsigned cur_vm = ~0u;
		struct map want;

		while (fgets(line, sizeof(line), p)) {
			struct map m;
			unsigned vm, flags, kind;
			char mname[64];

			if (sscanf(line, "EL2 %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64,
				   &m.va, &m.pa, &m.size, &m.attrs) == 4) {
				if (nel2got < 64)
					el2got[nel2got++] = m;
			} else if (sscanf(line, "S2 %u %" SCNx64 " %" SCNx64 " %" SCNx64
					  " %" SCNx64, &vm, &m.va, &m.pa, &m.size,
					  &m.attrs) == 5) {
				if (vm != cur_vm && cur_vm != ~0u) {
					want = (struct map){ 0x40000000ull,
						s->vms[cur_vm].mem_base,
						s->vms[cur_vm].mem_size, S2_NORMAL_RW };
					compare(name, &want, 1, s2got, ns2got);
					ns2got = 0;
				}
				cur_vm = vm;
				if (ns2got < 64)
					s2got[ns2got++] = m;
			} else if (sscanf(line, "MEM %u %" SCNx64 " %" SCNx64 " %" SCNx64
					  " %x %u %63s", &vm, &m.va, &m.pa, &m.size,
					  &flags, &kind, mname) == 7) {
				nmem++;
				CHECK(vm < s->nr_vms && m.va == 0x40000000ull &&
				      m.pa == s->vms[vm].mem_base &&
				      m.size == s->vms[vm].mem_size && flags == 7 &&
				      kind == 1 && !strcmp(mname, "ram"),
				      "%s: config mem area of VM %u wrong: %s", name, vm, line);
			} else {
				CHECK(0, "%s: walker: %s", name, line);
			}
		}
		if (cur_vm != ~0u) {
			want = (struct map){ 0x40000000ull, s->vms[cur_vm].mem_base,
					     s->vms[cur_vm].mem_size, S2_NORMAL_RW };
			compare(name, &want, 1, s2got, ns2got);
		}
		CHECK(cur_vm == s->nr_vms - 1, "%s: stage 2 of some VM missing", name);
	}
	CHECK(pclose(p) == 0, "%s: walker failed", name);
	CHECK(nmem == s->nr_vms, "%s: %u mem areas", name, nmem);
	compare(name, el2, nel2, el2got, nel2got);
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
	cmd = xasprintf("cp %s/config/platforms/qemu-virt.xml %s/config/platform.xsd %s/ && "
			"sed -e 's/name=\"qemu-virt\"/name=\"big\"/' -e 's/size=\"1G\"/size=\"8G\"/' "
			"%s/config/platforms/qemu-virt.xml > %s/big.xml",
			root, root, plats, root, plats);
	run_cmd(cmd);
	free(cmd);

	for (unsigned i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++) {
		path = xasprintf("%s/%s.xml", tmp, builtin[i].name);
		write_file(path, builtin[i].xml, strlen(builtin[i].xml));
		check_scenario_tables(builtin[i].name, path, plats, imgs, tmp);
		free(path);
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
