/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pass 3: semantic checks the schema cannot express - CPU bounds, names,
 * sizes, capability targets and INTIDs, time slice - and the guest images:
 * found in the search path, read for their size and ARM64 Image header,
 * load/entry defaults applied and checked against the VM's RAM.
 * Placement (overlaps, room in RAM) is layout.c's business.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <phidias/config.h>

#include "schism.h"

/* ARM64 Image header (Documentation/arch/arm64/booting.rst). */
#define ARM64_IMAGE_MAGIC 0x644d5241u	/* "ARM\x64" at offset 56 */
#define ARM64_HDR_TEXT_OFFSET 8
#define ARM64_HDR_IMAGE_SIZE 16
#define ARM64_HDR_MAGIC 56

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void check_cpus(struct scenario *s)
{
	if (s->nr_pcpus > s->plat.max_cpus)
		diag_error(s->file, s->cpus_line, "<hypervisor cpus=\"%u\">: "
			   "platform '%s' has only %u CPU(s); use at most %u",
			   s->nr_pcpus, s->plat.name, s->plat.max_cpus,
			   s->plat.max_cpus);
	if (s->timeslice_us < SCHISM_MIN_TIMESLICE_US)
		diag_error(s->file, s->timeslice_line, "timeslice of %lluus is "
			   "too short; use at least 100us (e.g. timeslice=\"10ms\")",
			   (unsigned long long)s->timeslice_us);
	if (s->timeslice_us > 0xffffffffull)
		diag_error(s->file, s->timeslice_line, "timeslice is too long; "
			   "use at most 4294s");
}

static void check_vm(struct scenario *s, struct vm *vm)
{
	for (unsigned j = 0; j < vm->id; j++)
		if (!strcmp(s->vms[j].name, vm->name))
			diag_error(s->file, vm->line, "duplicate VM name '%s' "
				   "(first used at line %ld); give every VM its "
				   "own name", vm->name, s->vms[j].line);
	if (!vm->nr_vcpus)
		diag_error(s->file, vm->line, "VM '%s' has no vCPU; add "
			   "<vcpu pcpu=\"0\"/>", vm->name);
	if (vm->nr_vcpus > 256)
		diag_error(s->file, vm->line, "VM '%s' has %u vCPUs; at most "
			   "256 are supported", vm->name, vm->nr_vcpus);
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].pcpu >= s->nr_pcpus)
			diag_error(s->file, vm->vcpus[i].line, "vCPU %u of VM "
				   "'%s' is pinned to physical CPU %u, but the "
				   "hypervisor uses only CPUs 0-%u; change pcpu "
				   "or raise <hypervisor cpus>", i, vm->name,
				   vm->vcpus[i].pcpu, s->nr_pcpus - 1);

	if (vm->mem_line) {
		char buf[32];

		if (!is_aligned(vm->mem_size, SZ_4K))
			diag_error(s->file, vm->mem_line, "memory size of VM "
				   "'%s' (%s) is not a multiple of 4 KiB; round "
				   "it to a multiple of 4K", vm->name,
				   fmt_size(vm->mem_size, buf, sizeof(buf)));
		else if (vm->mem_size < SCHISM_MIN_VM_RAM)
			diag_error(s->file, vm->mem_line, "memory size of VM "
				   "'%s' (%s) is too small; a VM needs at least "
				   "128K (image plus its 64 KiB device tree)",
				   vm->name, fmt_size(vm->mem_size, buf, sizeof(buf)));
		if (vm->mem_fixed && !is_aligned(vm->mem_base, SZ_4K))
			diag_error(s->file, vm->mem_line, "memory base 0x%llx "
				   "of VM '%s' is not 4 KiB aligned; use a "
				   "multiple of 0x1000 (2 MiB alignment allows "
				   "block mappings)",
				   (unsigned long long)vm->mem_base, vm->name);
	}

	for (unsigned c = 0; c < vm->nr_caps; c++) {
		struct cap *cap = &vm->caps[c];
		unsigned t;

		for (t = 0; t < s->nr_vms; t++)
			if (!strcmp(s->vms[t].name, cap->target))
				break;
		if (t == s->nr_vms) {
			diag_error(s->file, cap->line, "capability of VM '%s' "
				   "targets unknown VM '%s'; target_xref must "
				   "name a VM of this scenario", vm->name,
				   cap->target);
			continue;
		}
		cap->target_vm = t;
		if (cap->param >= 16 && cap->param <= 31)
			diag_error(s->file, cap->line, "capability param %llu "
				   "is a PPI (16-31); use an SGI (0-15) or an "
				   "SPI (32-1019)", (unsigned long long)cap->param);
		else if (cap->param > 1019)
			diag_error(s->file, cap->line, "capability param %llu "
				   "is not a valid INTID; use an SGI (0-15) or an "
				   "SPI (32-1019)", (unsigned long long)cap->param);
		else if (cap->param == SCHISM_VUART_IRQ && s->vms[t].uart)
			diag_error(s->file, cap->line, "capability param 33 "
				   "clashes with the UART interrupt (SPI 33) of "
				   "VM '%s'; pick another SPI or SGI",
				   s->vms[t].name);
	}
}

/* Looks for file in the -I directories, then the scenario's directory. */
static char *find_image(struct scenario *s, const char *file,
			char *const *inc, unsigned nr_inc, char **searched)
{
	char *list = xstrdup("");

	if (file[0] == '/') {
		*searched = list;
		return file_exists(file) ? xstrdup(file) : NULL;
	}
	for (unsigned i = 0; i <= nr_inc; i++) {
		const char *dir = i < nr_inc ? inc[i] : s->dir;
		char *p = xasprintf("%s/%s", dir, file);
		char *l;

		if (file_exists(p)) {
			free(list);
			*searched = NULL;
			return p;
		}
		free(p);
		l = xasprintf("%s%s%s", list, *list ? ", " : "", dir);
		free(list);
		list = l;
	}
	*searched = list;
	return NULL;
}

static void check_image(struct scenario *s, struct vm *vm, char *const *inc,
			unsigned nr_inc)
{
	char *searched = NULL, *path, *abs;
	uint8_t hdr[64];
	uint64_t ram_end = PHIDIAS_GUEST_RAM + vm->mem_size, dtb, text_offset = 0;
	struct stat st;
	FILE *fp;
	size_t n;
	int is_image = 0;

	path = find_image(s, vm->kernel_file, inc, nr_inc, &searched);
	if (!path) {
		diag_error(s->file, vm->kernel_line, "kernel image '%s' of VM "
			   "'%s' not found (searched: %s); build it or add "
			   "-I <dir>", vm->kernel_file, vm->name,
			   *searched ? searched : vm->kernel_file);
		free(searched);
		return;
	}
	free(searched);
	abs = realpath(path, NULL);
	fp = abs ? fopen(abs, "rb") : NULL;
	if (!fp || fstat(fileno(fp), &st)) {
		diag_error(s->file, vm->kernel_line, "cannot read kernel image "
			   "'%s': %s", path, strerror(errno));
		if (fp)
			fclose(fp);
		free(abs);
		free(path);
		return;
	}
	free(path);
	n = fread(hdr, 1, sizeof(hdr), fp);
	fclose(fp);
	if (strpbrk(abs, "\"\\\n")) {
		diag_error(s->file, vm->kernel_line, "the path of kernel image "
			   "'%s' contains a quote, backslash or newline; move "
			   "it to a plain directory", abs);
	}
	vm->kernel_path = abs;
	vm->kernel_size = (uint64_t)st.st_size;
	vm->kernel_span = vm->kernel_size;
	if (!vm->kernel_size) {
		diag_error(s->file, vm->kernel_line, "kernel image '%s' is "
			   "empty", vm->kernel_path);
		return;
	}
	if (n == sizeof(hdr) && le64(hdr + ARM64_HDR_MAGIC) % (1ull << 32) ==
	    ARM64_IMAGE_MAGIC) {
		is_image = 1;
		text_offset = le64(hdr + ARM64_HDR_TEXT_OFFSET);
		if (le64(hdr + ARM64_HDR_IMAGE_SIZE) > vm->kernel_span)
			vm->kernel_span = le64(hdr + ARM64_HDR_IMAGE_SIZE);
	}
	if (!vm->mem_line || !is_aligned(vm->mem_size, SZ_4K) ||
	    vm->mem_size < SCHISM_MIN_VM_RAM)
		return;		/* RAM already reported; nothing to compare */

	if (!vm->has_load)
		vm->load = PHIDIAS_GUEST_RAM + (is_image ? text_offset : 0);
	if (!vm->has_entry)
		vm->entry = vm->load;
	dtb = layout_dtb_ipa(vm->mem_size);
	if (vm->load < PHIDIAS_GUEST_RAM || vm->load >= ram_end) {
		diag_error(s->file, vm->kernel_line, "load address 0x%llx of VM "
			   "'%s' is outside its RAM (0x%llx-0x%llx); use an IPA "
			   "inside it", (unsigned long long)vm->load, vm->name,
			   (unsigned long long)PHIDIAS_GUEST_RAM,
			   (unsigned long long)ram_end - 1);
	} else if (vm->kernel_span > dtb - vm->load) {
		char b1[32], b2[32];

		diag_error(s->file, vm->kernel_line, "kernel image '%s' (%s%s) "
			   "does not fit in VM '%s': it must end below the "
			   "device tree at 0x%llx, leaving %s from load address "
			   "0x%llx; give the VM more memory or use a smaller "
			   "image", vm->kernel_file,
			   fmt_size(vm->kernel_span, b1, sizeof(b1)),
			   vm->kernel_span != vm->kernel_size ? " incl. bss" : "",
			   vm->name, (unsigned long long)dtb,
			   fmt_size(dtb - vm->load, b2, sizeof(b2)),
			   (unsigned long long)vm->load);
	}
	if (!vm->has_entry && (vm->load < PHIDIAS_GUEST_RAM || vm->load >= ram_end))
		return;		/* entry = load, already reported */
	if (vm->entry < PHIDIAS_GUEST_RAM || vm->entry >= ram_end)
		diag_error(s->file, vm->kernel_line, "entry point 0x%llx of VM "
			   "'%s' is outside its RAM (0x%llx-0x%llx); use an IPA "
			   "inside it", (unsigned long long)vm->entry, vm->name,
			   (unsigned long long)PHIDIAS_GUEST_RAM,
			   (unsigned long long)ram_end - 1);
	else if (vm->entry % 4)
		diag_error(s->file, vm->kernel_line, "entry point 0x%llx of VM "
			   "'%s' is not 4-byte aligned",
			   (unsigned long long)vm->entry, vm->name);
}

int check_scenario(struct scenario *s, char *const *incdirs, unsigned nr_inc)
{
	unsigned before = diag_count();

	check_cpus(s);
	for (unsigned i = 0; i < s->nr_vms; i++)
		check_vm(s, &s->vms[i]);
	for (unsigned i = 0; i < s->nr_vms; i++)
		if (s->vms[i].kernel_file)
			check_image(s, &s->vms[i], incdirs, nr_inc);
	return diag_count() == before ? 0 : -1;
}
