/* SPDX-License-Identifier: Apache-2.0 */
/*
 * layout.c alone: randomized scenarios (fixed and free VMs of random sizes)
 * must give regions that never overlap, stay inside RAM, keep the first
 * 2 MiB free, honour alignment (a free VM is aligned to the largest block
 * size not larger than it) and put fixed VMs exactly where asked.
 */
#include <stdlib.h>
#include <string.h>

#include "schism.h"
#include "unit.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t n)
{
	/* xorshift64*: reproducible across hosts */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (rng * 0x2545f4914f6cdd1dull) % n;
}

/* One bank at 0x40000000 (QEMU virt's), what base_scenario() uses. */
static struct plat_range one_bank;

static void base_scenario(struct scenario *s, uint64_t ram_size, unsigned nvms)
{
	memset(s, 0, sizeof(*s));
	one_bank = (struct plat_range){ NULL, 0x40000000ull, ram_size, 1 };
	s->plat.banks = &one_bank;
	s->plat.nr_banks = 1;
	s->file = "random.xml";
	s->name = "random";
	s->plat.file = "plat.xml";
	s->plat.name = "test";
	s->plat.max_cpus = 8;
	s->plat.ram_base = 0x40000000ull;
	s->plat.ram_size = ram_size;
	s->plat.hyp_load = 0x40200000ull;
	s->nr_pcpus = 1 + (unsigned)rnd(8);
	s->vms = xcalloc(nvms, sizeof(*s->vms));
	s->nr_vms = nvms;
	for (unsigned i = 0; i < nvms; i++) {
		s->vms[i].id = i;
		s->vms[i].name = "vm";
		s->vms[i].mem_line = 1;
	}
}

static uint64_t random_size(void)
{
	switch (rnd(4)) {
	case 0:
		return (32 + rnd(480)) * SZ_4K;		/* 128K .. 2M */
	case 1:
		return (1 + rnd(64)) * SZ_2M;
	case 2:
		return SZ_2M + (1 + rnd(511)) * SZ_4K;	/* 2M + pages */
	default:
		return rnd(8) == 0 ? SZ_1G : (1 + rnd(8)) * (1ull << 20);
	}
}

static int overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

static uint64_t expected_align(uint64_t size)
{
	return size >= SZ_1G ? SZ_1G : size >= SZ_2M ? SZ_2M : SZ_4K;
}

static void check_result(const struct scenario *s, const uint64_t *want_base)
{
	const struct platform *p = &s->plat;
	uint64_t ram_end = p->ram_base + p->ram_size;
	uint64_t pc_size = s->nr_pcpus * s->percpu_size;

	CHECK(s->hyp_base == p->hyp_load, "hyp at 0x%llx",
	      (unsigned long long)s->hyp_base);
	CHECK(is_aligned(s->hyp_size, SZ_2M) && s->hyp_size >= SZ_2M +
	      s->blobs_size, "hyp size 0x%llx", (unsigned long long)s->hyp_size);
	CHECK(s->percpu_base == s->hyp_base + s->hyp_size &&
	      s->percpu_size == 0x10000, "per-CPU at 0x%llx",
	      (unsigned long long)s->percpu_base);
	for (unsigned i = 0; i < s->nr_vms; i++) {
		const struct vm *a = &s->vms[i];

		CHECK(a->kernel_blob_off >= SZ_2M && is_aligned(a->kernel_blob_off, SZ_4K) &&
		      a->dtb_blob_off >= a->kernel_blob_off + a->kernel_size &&
		      is_aligned(a->dtb_blob_off, SZ_4K) &&
		      a->dtb_blob_off + SCHISM_DTB_SIZE <= s->hyp_size,
		      "blobs of VM %u misplaced", i);
		if (i)
			CHECK(a->kernel_blob_off >= s->vms[i - 1].dtb_blob_off +
			      SCHISM_DTB_SIZE, "blobs of VM %u overlap", i);
		CHECK(a->mem_base >= p->ram_base && a->mem_base + a->mem_size <= ram_end,
		      "VM %u (0x%llx+0x%llx) outside RAM", i,
		      (unsigned long long)a->mem_base, (unsigned long long)a->mem_size);
		CHECK(!overlaps(a->mem_base, a->mem_size, p->ram_base, SZ_2M),
		      "VM %u in the reserved first 2 MiB", i);
		CHECK(!overlaps(a->mem_base, a->mem_size, s->hyp_base, s->hyp_size),
		      "VM %u overlaps the hypervisor", i);
		CHECK(!overlaps(a->mem_base, a->mem_size, s->percpu_base, pc_size),
		      "VM %u overlaps the per-CPU areas", i);
		if (a->mem_fixed)
			CHECK(a->mem_base == want_base[i], "fixed VM %u at 0x%llx, "
			      "asked 0x%llx", i, (unsigned long long)a->mem_base,
			      (unsigned long long)want_base[i]);
		else
			CHECK(is_aligned(a->mem_base, expected_align(a->mem_size)),
			      "free VM %u of 0x%llx at 0x%llx not aligned", i,
			      (unsigned long long)a->mem_size,
			      (unsigned long long)a->mem_base);
		for (unsigned j = 0; j < i; j++)
			CHECK(!overlaps(a->mem_base, a->mem_size, s->vms[j].mem_base,
					s->vms[j].mem_size), "VMs %u and %u overlap", j, i);
	}
}

static void test_randomized_layouts(void)
{
	unsigned ok = 0, runs = 2000;

	for (unsigned run = 0; run < runs; run++) {
		struct scenario s;
		unsigned nvms = 1 + (unsigned)rnd(10);
		uint64_t ram = (1 + rnd(4)) * SZ_1G, used = 0;
		uint64_t want[16] = { 0 };

		base_scenario(&s, ram, nvms);
		for (unsigned i = 0; i < nvms; i++) {
			struct vm *vm = &s.vms[i];

			vm->kernel_size = 1 + rnd(1 << 20);
			vm->mem_size = random_size();
			if (used + vm->mem_size > ram / 2)
				vm->mem_size = SCHISM_MIN_VM_RAM;
			used += vm->mem_size;
			if (rnd(3) == 0) {
				/* fixed: high in RAM, clear of the hypervisor
				 * and of other fixed VMs */
				uint64_t b = s.plat.ram_base + 64 * (1ull << 20) +
					     rnd((ram - 64 * (1ull << 20)) / SZ_4K) * SZ_4K;
				int clash = b + vm->mem_size > s.plat.ram_base + ram;

				for (unsigned j = 0; j < i; j++)
					if (s.vms[j].mem_fixed &&
					    overlaps(b, vm->mem_size, want[j],
						     s.vms[j].mem_size))
						clash = 1;
				if (!clash) {
					vm->mem_fixed = 1;
					vm->mem_base = want[i] = b;
				}
			}
		}
		diag_reset();
		if (layout_memory(&s) == 0) {
			ok++;
			CHECK(diag_count() == 0, "success with errors");
			check_result(&s, want);
		} else {
			CHECK(diag_count() > 0, "failure without an error message");
		}
		free(s.vms);
	}
	/* Half of RAM at most is asked for: fragmentation may defeat a few. */
	CHECK(ok > runs * 9 / 10, "only %u of %u random layouts succeeded", ok, runs);
	printf("randomized layouts: %u of %u placed\n", ok, runs);
}

static void test_free_vms_are_placed_largest_first(void)
{
	struct scenario s;

	base_scenario(&s, SZ_1G, 3);
	s.nr_pcpus = 2;
	s.vms[0].mem_size = 4 * (1ull << 20);
	s.vms[1].mem_size = 64 * (1ull << 20);
	s.vms[2].mem_size = 256 * 1024;
	diag_reset();
	CHECK(layout_memory(&s) == 0, "layout failed");
	/* 2M + three 64K DTBs: the hypervisor region is 4M; per-CPU after it,
	 * then 64M (2M aligned), 4M after it, 256K into the gap after per-CPU */
	CHECK(s.percpu_base == 0x40600000ull, "per-CPU at 0x%llx",
	      (unsigned long long)s.percpu_base);
	CHECK(s.vms[1].mem_base == 0x40800000ull, "64M VM at 0x%llx",
	      (unsigned long long)s.vms[1].mem_base);
	CHECK(s.vms[0].mem_base == 0x44800000ull, "4M VM at 0x%llx",
	      (unsigned long long)s.vms[0].mem_base);
	CHECK(s.vms[2].mem_base == 0x40620000ull, "256K VM at 0x%llx",
	      (unsigned long long)s.vms[2].mem_base);
	free(s.vms);
}

static void test_layout_fails_when_ram_is_exhausted(void)
{
	struct scenario s;

	base_scenario(&s, SZ_1G, 2);
	s.vms[0].mem_size = 600 * (1ull << 20);
	s.vms[1].mem_size = 600 * (1ull << 20);
	diag_reset();
	CHECK(layout_memory(&s) != 0 && diag_count() == 1,
	      "two 600M VMs fit in 1G?");
	free(s.vms);
}

static void test_fixed_overlap_is_rejected(void)
{
	struct scenario s;

	base_scenario(&s, SZ_1G, 2);
	for (unsigned i = 0; i < 2; i++) {
		s.vms[i].mem_size = 16 * (1ull << 20);
		s.vms[i].mem_fixed = 1;
		s.vms[i].mem_base = 0x50000000ull + i * 0x00800000ull;
	}
	diag_reset();
	CHECK(layout_memory(&s) != 0 && diag_count() == 1, "overlap accepted");
	free(s.vms);
}

static void test_block_alignment_and_dtb(void)
{
	CHECK(layout_block_align(SZ_4K) == SZ_4K, "4K");
	CHECK(layout_block_align(SZ_2M - SZ_4K) == SZ_4K, "2M-4K");
	CHECK(layout_block_align(SZ_2M) == SZ_2M, "2M");
	CHECK(layout_block_align(SZ_1G - SZ_2M) == SZ_2M, "1G-2M");
	CHECK(layout_block_align(3 * SZ_1G) == SZ_1G, "3G");
	CHECK(layout_dtb_ipa(16 << 20) == 0x40e00000ull, "dtb 16M");
	CHECK(layout_dtb_ipa(8 << 20) == 0x40600000ull, "dtb 8M");
	CHECK(layout_dtb_ipa(4 << 20) == 0x403f0000ull, "dtb 4M");
}

/*
 * A HiKey-like board: the first GiB at 0 with firmware ranges inside it,
 * a second GiB after a hole.  What lands where is checked against the
 * ranges written here, not against layout_in_ram().
 */
static struct plat_range hk_banks[] = {
	{ NULL, 0x00000000ull, SZ_1G, 1 },
	{ NULL, 0x80000000ull, SZ_1G, 2 },	/* a hole of 1G before it */
};
static struct plat_range hk_rsv[] = {
	{ "mcu", 0x05e00000ull, 0x100000ull, 3 },
	{ "mbox", 0x06dff000ull, SZ_4K, 4 },
	{ "ramoops", 0x21f00000ull, 0x100000ull, 5 },
	{ "optee", 0x3e000000ull, 0x2000000ull, 6 },
};

static void hikey_like(struct scenario *s, unsigned nvms)
{
	base_scenario(s, SZ_1G, nvms);
	s->plat.banks = hk_banks;
	s->plat.nr_banks = 2;
	s->plat.reserved = hk_rsv;
	s->plat.nr_reserved = 4;
	s->plat.ram_base = 0;
	s->plat.ram_size = 0x80000000ull + SZ_1G;
	s->plat.hyp_load = 0x08000000ull;
}

/* Inside one bank and clear of every firmware range. */
static int hk_ok(uint64_t base, uint64_t size)
{
	int in = 0;

	for (unsigned i = 0; i < 2; i++)
		in |= base >= hk_banks[i].base &&
		      base + size <= hk_banks[i].base + hk_banks[i].size;
	for (unsigned i = 0; i < 4; i++)
		if (overlaps(base, size, hk_rsv[i].base, hk_rsv[i].size))
			return 0;
	return in;
}

static void test_banks_and_reserved_ranges_are_respected(void)
{
	unsigned ok = 0, runs = 1000;

	for (unsigned run = 0; run < runs; run++) {
		struct scenario s;
		unsigned nvms = 1 + (unsigned)rnd(12);
		uint64_t used = 0;

		hikey_like(&s, nvms);
		for (unsigned i = 0; i < nvms; i++) {
			s.vms[i].kernel_size = 1 + rnd(1 << 20);
			s.vms[i].mem_size = rnd(5) ? random_size() : (64 + rnd(400)) << 20;
			if (used + s.vms[i].mem_size > SZ_1G + SZ_1G / 2)
				s.vms[i].mem_size = SCHISM_MIN_VM_RAM;
			used += s.vms[i].mem_size;
		}
		diag_reset();
		if (layout_memory(&s) != 0) {
			CHECK(diag_count() > 0, "failure without an error message");
			free(s.vms);
			continue;
		}
		ok++;
		CHECK(hk_ok(s.hyp_base, s.hyp_size) &&
		      hk_ok(s.percpu_base, s.nr_pcpus * s.percpu_size),
		      "hypervisor or per-CPU areas in a hole");
		for (unsigned i = 0; i < nvms; i++) {
			const struct vm *a = &s.vms[i];

			CHECK(hk_ok(a->mem_base, a->mem_size), "VM %u (0x%llx+0x%llx) "
			      "in a hole or a firmware range", i,
			      (unsigned long long)a->mem_base,
			      (unsigned long long)a->mem_size);
			CHECK(a->mem_base >= SZ_2M, "VM %u in the first 2 MiB", i);
			CHECK(is_aligned(a->mem_base, expected_align(a->mem_size)),
			      "VM %u not aligned", i);
			CHECK(!overlaps(a->mem_base, a->mem_size, s.hyp_base, s.hyp_size) &&
			      !overlaps(a->mem_base, a->mem_size, s.percpu_base,
					s.nr_pcpus * s.percpu_size),
			      "VM %u overlaps the hypervisor", i);
			for (unsigned j = 0; j < i; j++)
				CHECK(!overlaps(a->mem_base, a->mem_size,
						s.vms[j].mem_base, s.vms[j].mem_size),
				      "VMs %u and %u overlap", j, i);
		}
		free(s.vms);
	}
	CHECK(ok > runs * 9 / 10, "only %u of %u layouts with holes succeeded", ok, runs);
	printf("layouts with banks and reserved ranges: %u of %u placed\n", ok, runs);
}

static void test_large_vm_goes_to_the_next_bank(void)
{
	struct scenario s;

	hikey_like(&s, 2);
	s.vms[0].mem_size = 512ull << 20;	/* no 512M segment in the first GiB */
	s.vms[1].mem_size = 300ull << 20;	/* fits below ramoops or OP-TEE */
	diag_reset();
	CHECK(layout_memory(&s) == 0, "layout failed");
	CHECK(s.vms[0].mem_base == 0x80000000ull, "512M VM at 0x%llx",
	      (unsigned long long)s.vms[0].mem_base);
	CHECK(s.vms[1].mem_base < SZ_1G && hk_ok(s.vms[1].mem_base, s.vms[1].mem_size),
	      "300M VM at 0x%llx", (unsigned long long)s.vms[1].mem_base);
	free(s.vms);
}

static void test_fixed_in_a_hole_is_rejected(void)
{
	const uint64_t bad[] = {
		0x3d000000ull,	/* runs into OP-TEE */
		0x06c00000ull,	/* covers the mailbox page */
		0x3ff00000ull,	/* from OP-TEE across the end of the bank */
		0x50000000ull,	/* between the banks */
	};

	for (unsigned i = 0; i < 4; i++) {
		struct scenario s;

		hikey_like(&s, 1);
		s.vms[0].mem_size = 32ull << 20;
		s.vms[0].mem_fixed = 1;
		s.vms[0].mem_base = bad[i];
		diag_reset();
		CHECK(layout_memory(&s) != 0 && diag_count() == 1,
		      "fixed VM at 0x%llx accepted", (unsigned long long)bad[i]);
		free(s.vms);
	}
	{
		struct scenario s;

		hikey_like(&s, 1);
		s.vms[0].mem_size = 32ull << 20;
		s.vms[0].mem_fixed = 1;
		s.vms[0].mem_base = 0x22000000ull;	/* just above ramoops */
		diag_reset();
		CHECK(layout_memory(&s) == 0, "fixed VM clear of the holes refused");
		free(s.vms);
	}
}

static void test_hypervisor_in_a_hole_is_rejected(void)
{
	struct scenario s;

	hikey_like(&s, 1);
	s.vms[0].mem_size = 16ull << 20;
	s.plat.hyp_load = 0x05c00000ull;	/* its 4 MiB run into the MCU range */
	diag_reset();
	CHECK(layout_memory(&s) != 0, "hypervisor over the MCU firmware accepted");
	free(s.vms);
}

int main(void)
{
	diag_set_quiet(1);
	test_block_alignment_and_dtb();
	test_free_vms_are_placed_largest_first();
	test_layout_fails_when_ram_is_exhausted();
	test_fixed_overlap_is_rejected();
	test_randomized_layouts();
	test_banks_and_reserved_ranges_are_respected();
	test_large_vm_goes_to_the_next_bank();
	test_fixed_in_a_hole_is_rejected();
	test_hypervisor_in_a_hole_is_rejected();
	return unit_summary("test_layout");
}
