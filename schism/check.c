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

/*
 * Architectural limits (core/include/phidias/config.h says why each is
 * what it is): physical CPUs and VMs. vCPUs per VM: check_vm().
 */
static void check_limits(struct scenario *s)
{
	/* beyond the platform's count, check_cpus() says so already */
	if (s->nr_pcpus > PHIDIAS_MAX_PCPUS && s->nr_pcpus <= s->plat.max_cpus)
		diag_error(s->file, s->cpus_line, "the hypervisor would use %u "
			   "physical CPUs, but Phidias supports at most %u (a "
			   "GICv2 has 8 CPU interfaces); set <hypervisor "
			   "cpus=\"%u\"> or fewer", s->nr_pcpus,
			   PHIDIAS_MAX_PCPUS, PHIDIAS_MAX_PCPUS);
	if (!s->nr_pcpus)
		diag_error(s->file, s->cpus_line, "the hypervisor needs at "
			   "least one physical CPU");
	if (s->nr_vms > PHIDIAS_MAX_VMS)
		diag_error(s->file, s->vms[PHIDIAS_MAX_VMS].line, "VM '%s' is "
			   "VM number %u, but a scenario may have at most %u "
			   "VMs (8-bit VMIDs, VMID 0 is never used); remove %u "
			   "VM(s)", s->vms[PHIDIAS_MAX_VMS].name,
			   PHIDIAS_MAX_VMS + 1, PHIDIAS_MAX_VMS,
			   s->nr_vms - PHIDIAS_MAX_VMS);
}

static void check_cpus(struct scenario *s)
{
	check_limits(s);
	if (s->nr_pcpus > s->plat.max_cpus)
		diag_error(s->file, s->cpus_line, "<hypervisor cpus=\"%u\">: "
			   "platform '%s' has only %u CPU(s); use at most %u",
			   s->nr_pcpus, s->plat.name, s->plat.max_cpus,
			   s->plat.max_cpus < PHIDIAS_MAX_PCPUS ?
			   s->plat.max_cpus : PHIDIAS_MAX_PCPUS);
	if (s->timeslice_us < SCHISM_MIN_TIMESLICE_US)
		diag_error(s->file, s->timeslice_line, "timeslice of %lluus is "
			   "too short; use at least 100us (e.g. timeslice=\"10ms\")",
			   (unsigned long long)s->timeslice_us);
	if (s->timeslice_us > 0xffffffffull)
		diag_error(s->file, s->timeslice_line, "timeslice is too long; "
			   "use at most 4294s");
}

/* The top of a VM's RAM in its guest-physical space. */
#define GUEST_RAM_MAX ((1ull << PHIDIAS_PT_VA_BITS) - PHIDIAS_GUEST_RAM)

/*
 * A size that cannot be placed at all (larger than the platform's RAM or
 * than the guest-physical space above 0x40000000) is a size problem on
 * the <memory> line, not something to find out later from addresses
 * that wrapped around.
 */
static void check_mem_size(struct scenario *s, const struct vm *vm)
{
	char b1[32], b2[32];

	if (vm->mem_size > s->plat.ram_size)
		diag_error(s->file, vm->mem_line, "memory size of VM '%s' "
			   "(%s) is larger than all the RAM of platform '%s' "
			   "(%s); give it less", vm->name,
			   fmt_size(vm->mem_size, b1, sizeof(b1)), s->plat.name,
			   fmt_size(s->plat.ram_size, b2, sizeof(b2)));
	else if (vm->mem_size > GUEST_RAM_MAX)
		diag_error(s->file, vm->mem_line, "memory size of VM '%s' "
			   "(%s) does not fit in its guest-physical space (RAM "
			   "from 0x%llx up to 512 GiB)", vm->name,
			   fmt_size(vm->mem_size, b1, sizeof(b1)),
			   (unsigned long long)PHIDIAS_GUEST_RAM);
}

/* RAM whose size passed check_vm(): its addresses can be computed. */
static int vm_mem_ok(const struct scenario *s, const struct vm *vm)
{
	return vm->mem_line && is_aligned(vm->mem_size, SZ_4K) &&
	       vm->mem_size >= SCHISM_MIN_VM_RAM &&
	       vm->mem_size <= s->plat.ram_size && vm->mem_size <= GUEST_RAM_MAX;
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
	if (vm->nr_vcpus > PHIDIAS_MAX_VCPUS_PER_VM)
		diag_error(s->file, vm->vcpus[PHIDIAS_MAX_VCPUS_PER_VM].line,
			   "VM '%s' has %u vCPUs, but a VM may have at most %u "
			   "(its virtual GICv2 has 8 CPU interfaces); remove "
			   "this and the following <vcpu>", vm->name,
			   vm->nr_vcpus, PHIDIAS_MAX_VCPUS_PER_VM);
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
		check_mem_size(s, vm);
		if (vm->mem_fixed && !is_aligned(vm->mem_base, SZ_4K))
			diag_error(s->file, vm->mem_line, "memory base 0x%llx "
				   "of VM '%s' is not 4 KiB aligned; use a "
				   "multiple of 0x1000 (2 MiB alignment allows "
				   "block mappings)",
				   (unsigned long long)vm->mem_base, vm->name);
	}

}

/* "did you mean ...? the VMs are: ..." for an unknown VM name. */
static char *vm_names_hint(const struct scenario *s, const char *name)
{
	const char **names = xcalloc(s->nr_vms, sizeof(*names));
	char *hint;

	for (unsigned i = 0; i < s->nr_vms; i++)
		names[i] = s->vms[i].name;
	hint = diag_names_hint(name, names, s->nr_vms, "the VMs are");
	free(names);
	return hint;
}

/*
 * XSD whiteSpace="collapse" (xs:token): the schema compared the value
 * with leading, trailing and repeated blanks removed, so schism must too.
 */
static void collapse_ws(char *v)
{
	char *w = v;
	int blank = 0;

	for (const char *r = v; *r; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
			blank = w != v;
			continue;
		}
		if (blank)
			*w++ = ' ';
		blank = 0;
		*w++ = *r;
	}
	*w = '\0';
}

static unsigned find_vm(const struct scenario *s, const char *name)
{
	unsigned t;

	for (t = 0; t < s->nr_vms; t++)
		if (!strcmp(s->vms[t].name, name))
			break;
	return t;
}

static int vm_has_irq(const struct vm *vm, uint64_t irq)
{
	for (unsigned i = 0; i < vm->nr_irqs; i++)
		if (vm->irqs[i] == irq)
			return 1;
	return 0;
}

/* <device ref>: known, given to one VM only, its SPI virtualizable. */
static void check_devices(struct scenario *s, struct vm *vm)
{
	struct platform *p = &s->plat;

	vm->irqs = xcalloc(vm->nr_devs, sizeof(*vm->irqs));
	for (unsigned i = 0; i < vm->nr_devs; i++) {
		struct vm_device *d = &vm->devs[i];
		struct plat_device *pd;
		unsigned k, j;

		for (k = 0; k < p->nr_devs; k++)
			if (!strcmp(p->devs[k].name, d->ref))
				break;
		if (k == p->nr_devs) {
			char *list = xstrdup("");

			for (j = 0; j < p->nr_devs; j++) {
				char *l = xasprintf("%s%s%s", list, j ? ", " : "",
						    p->devs[j].name);
				free(list);
				list = l;
			}
			{
				const char **names = xcalloc(p->nr_devs, sizeof(*names));
				const char *best;

				for (j = 0; j < p->nr_devs; j++)
					names[j] = p->devs[j].name;
				best = diag_closest(d->ref, names, p->nr_devs);
				diag_error(s->file, d->line, "VM '%s' is given "
					   "unknown device '%s'; platform '%s' "
					   "has: %s%s%s%s", vm->name, d->ref,
					   p->name, *list ? list : "(no devices)",
					   best ? " (did you mean '" : "",
					   best ? best : "", best ? "'?)" : "");
				free(names);
			}
			free(list);
			continue;
		}
		pd = &p->devs[k];
		if (pd->owner >= 0) {
			diag_error(s->file, d->line, "device '%s' is already "
				   "given to VM '%s' (line %ld); a device belongs "
				   "to one VM only", d->ref,
				   s->vms[pd->owner].name, pd->owner_line);
			continue;
		}
		pd->owner = (int)vm->id;
		pd->owner_line = d->line;
		d->dev = k;
		d->resolved = 1;
		if (pd->irq >= PHIDIAS_VGIC_NR_IRQS) {
			diag_error(s->file, d->line, "device '%s' raises INTID "
				   "%u, but a VM's virtual GIC has INTIDs 0-%u "
				   "only: it cannot be passed through", d->ref,
				   pd->irq, PHIDIAS_VGIC_NR_IRQS - 1);
			continue;
		}
		if (vm->uart && pd->irq == PHIDIAS_GUEST_UART_IRQ)
			diag_error(s->file, d->line, "device '%s' raises INTID "
				   "%u, the interrupt of the emulated UART of VM "
				   "'%s'; remove <uart/> or the device", d->ref,
				   pd->irq, vm->name);
		if (vm_has_irq(vm, pd->irq))
			continue;	/* a shared line: listed once */
		/* insertion sort: the table lists the SPIs in order */
		for (j = vm->nr_irqs; j > 0 && vm->irqs[j - 1] > pd->irq; j--)
			vm->irqs[j] = vm->irqs[j - 1];
		vm->irqs[j] = pd->irq;
		vm->nr_irqs++;
	}
}

/* Physical SPIs are owned by one VM (two devices may share a line). */
static void check_irq_owners(struct scenario *s)
{
	for (unsigned a = 0; a < s->nr_vms; a++)
		for (unsigned i = 0; i < s->vms[a].nr_devs; i++) {
			const struct vm_device *d = &s->vms[a].devs[i];
			unsigned irq;

			if (!d->resolved)
				continue;
			irq = s->plat.devs[d->dev].irq;
			for (unsigned b = 0; b < a; b++)
				if (vm_has_irq(&s->vms[b], irq))
					diag_error(s->file, d->line, "device '%s' "
						   "raises SPI %u, which VM '%s' "
						   "already owns through another "
						   "device; an interrupt belongs to "
						   "one VM", d->ref, irq,
						   s->vms[b].name);
		}
}

static void check_shmems(struct scenario *s)
{
	char buf[32];

	for (unsigned i = 0; i < s->nr_shmems; i++) {
		struct shmem *m = &s->shmems[i];

		for (unsigned j = 0; j < i; j++)
			if (!strcmp(s->shmems[j].name, m->name))
				diag_error(s->file, m->line, "duplicate shared "
					   "region name '%s' (first used at line "
					   "%ld)", m->name, s->shmems[j].line);
		if (!m->size || !is_aligned(m->size, SZ_4K))
			diag_error(s->file, m->line, "size of shared region "
				   "'%s' (%s) is not a positive multiple of 4 "
				   "KiB", m->name, fmt_size(m->size, buf, sizeof(buf)));
		else if (m->size > s->plat.ram_size)
			diag_error(s->file, m->line, "size of shared region "
				   "'%s' (%s) is larger than all the RAM of "
				   "platform '%s'", m->name,
				   fmt_size(m->size, buf, sizeof(buf)), s->plat.name);
		if (m->fixed && !is_aligned(m->base, SZ_4K))
			diag_error(s->file, m->line, "base 0x%llx of shared "
				   "region '%s' is not 4 KiB aligned",
				   (unsigned long long)m->base, m->name);
	}
}

static void check_vm_shmems(struct scenario *s, struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_shm; i++) {
		struct vm_shmem *m = &vm->shm[i];
		unsigned k;

		for (k = 0; k < s->nr_shmems; k++)
			if (!strcmp(s->shmems[k].name, m->ref))
				break;
		if (k == s->nr_shmems) {
			const char **names = xcalloc(s->nr_shmems, sizeof(*names));
			char *hint;

			for (unsigned j = 0; j < s->nr_shmems; j++)
				names[j] = s->shmems[j].name;
			hint = diag_names_hint(m->ref, names, s->nr_shmems,
					       "the shared regions are");
			diag_error(s->file, m->line, "VM '%s' maps unknown "
				   "shared region '%s'; declare it with <shmem "
				   "name=\"%s\" size=\"...\"/> at the top level "
				   "(%s)", vm->name, m->ref, m->ref, hint);
			free(hint);
			free(names);
			continue;
		}
		for (unsigned j = 0; j < i; j++)
			if (vm->shm[j].resolved && vm->shm[j].shmem == k) {
				diag_error(s->file, m->line, "VM '%s' maps shared "
					   "region '%s' twice (first at line %ld); "
					   "map it once", vm->name, m->ref,
					   vm->shm[j].line);
				k = s->nr_shmems;
				break;
			}
		if (k == s->nr_shmems)
			continue;
		m->shmem = k;
		m->resolved = 1;
		s->shmems[k].nr_users++;
		if (!is_aligned(m->ipa, SZ_4K))
			diag_error(s->file, m->line, "guest address 0x%llx of "
				   "shared region '%s' in VM '%s' is not 4 KiB "
				   "aligned; use a multiple of 0x1000",
				   (unsigned long long)m->ipa, m->ref, vm->name);
	}
}

static void check_caps(struct scenario *s, struct vm *vm)
{
	for (unsigned c = 0; c < vm->nr_caps; c++) {
		struct cap *cap = &vm->caps[c];
		const struct vm *tv;
		unsigned t;

		collapse_ws(cap->type);
		if (strcmp(cap->type, "ipc")) {
			diag_error(s->file, cap->line, "capability type '%s' is "
				   "not supported; the only type is \"ipc\" (a "
				   "doorbell)", cap->type);
			continue;
		}
		t = find_vm(s, cap->target);
		if (t == s->nr_vms) {
			char *hint = vm_names_hint(s, cap->target);

			diag_error(s->file, cap->line, "capability of VM '%s' "
				   "targets unknown VM '%s'; target_xref must "
				   "name a VM of this scenario: %s", vm->name,
				   cap->target, hint);
			free(hint);
			continue;
		}
		cap->target_vm = t;
		tv = &s->vms[t];
		if (cap->param >= 16 && cap->param <= 31)
			diag_error(s->file, cap->line, "capability param %llu "
				   "is a PPI (16-31); use an SGI (0-15) or an "
				   "SPI (32-%u)", (unsigned long long)cap->param,
				   PHIDIAS_VGIC_NR_IRQS - 1);
		else if (cap->param >= PHIDIAS_VGIC_NR_IRQS)
			diag_error(s->file, cap->line, "capability param %llu "
				   "is not a valid INTID of the virtual GIC of VM "
				   "'%s' (0-%u); use an SGI (0-15) or an SPI "
				   "(32-%u)", (unsigned long long)cap->param,
				   tv->name, PHIDIAS_VGIC_NR_IRQS - 1,
				   PHIDIAS_VGIC_NR_IRQS - 1);
		else if (cap->param == PHIDIAS_GUEST_UART_IRQ && tv->uart)
			diag_error(s->file, cap->line, "capability param 33 "
				   "clashes with the UART interrupt (SPI 33) of "
				   "VM '%s'; pick another SPI or SGI", tv->name);
		else if (vm_has_irq(tv, cap->param))
			diag_error(s->file, cap->line, "capability param %llu "
				   "clashes with an interrupt of a device passed "
				   "through to VM '%s'; pick another SPI or SGI",
				   (unsigned long long)cap->param, tv->name);
	}
}

struct ipa_range {
	uint64_t start, end;
	char *what;
};

/*
 * A VM's guest-physical map: RAM, GIC, UART, devices, shared regions must
 * not overlap and must lie in the 39-bit IPA space. Reported on the line
 * of the later element.
 */
static void check_ipa_map(struct scenario *s, const struct vm *vm)
{
	unsigned max = 4 + vm->nr_devs + vm->nr_shm, n = 0;
	struct ipa_range *r = xcalloc(max, sizeof(*r));
	const uint64_t top = 1ull << PHIDIAS_PT_VA_BITS;

	r[n++] = (struct ipa_range){ PHIDIAS_GUEST_RAM,
		PHIDIAS_GUEST_RAM + vm->mem_size, xstrdup("its RAM") };
	r[n++] = (struct ipa_range){ PHIDIAS_GUEST_GICD, PHIDIAS_GUEST_GICD +
		PHIDIAS_GUEST_GICD_SIZE, xstrdup("its GIC distributor") };
	r[n++] = (struct ipa_range){ PHIDIAS_GUEST_GICC, PHIDIAS_GUEST_GICC +
		PHIDIAS_GUEST_GICC_SIZE, xstrdup("its GIC CPU interface") };
	if (vm->uart)
		r[n++] = (struct ipa_range){ PHIDIAS_GUEST_UART, PHIDIAS_GUEST_UART +
			SCHISM_VUART_SIZE, xstrdup("its UART") };
	for (unsigned i = 0; i < vm->nr_devs + vm->nr_shm; i++) {
		uint64_t start, size;
		long line;
		char *what;

		if (i < vm->nr_devs) {
			const struct vm_device *d = &vm->devs[i];

			if (!d->resolved)
				continue;
			start = s->plat.devs[d->dev].base;
			size = s->plat.devs[d->dev].size;
			line = d->line;
			what = xasprintf("device '%s' (line %ld)", d->ref, line);
		} else {
			const struct vm_shmem *m = &vm->shm[i - vm->nr_devs];

			if (!m->resolved || !is_aligned(m->ipa, SZ_4K))
				continue;
			start = m->ipa;
			size = s->shmems[m->shmem].size;
			line = m->line;
			what = xasprintf("shared region '%s' (line %ld)", m->ref,
					 line);
			if (start >= top || size > top - start) {
				diag_error(s->file, line, "shared region '%s' at "
					   "guest address 0x%llx of VM '%s' does "
					   "not fit below 512 GiB (the 39-bit "
					   "guest-physical space)", m->ref,
					   (unsigned long long)start, vm->name);
				free(what);
				continue;
			}
		}
		for (unsigned j = 0; j < n; j++)
			if (start < r[j].end && r[j].start < start + size) {
				diag_error(s->file, line, "%s at guest address "
					   "0x%llx-0x%llx of VM '%s' overlaps %s "
					   "(0x%llx-0x%llx); choose another guest "
					   "address", what, (unsigned long long)start,
					   (unsigned long long)(start + size - 1),
					   vm->name, r[j].what,
					   (unsigned long long)r[j].start,
					   (unsigned long long)(r[j].end - 1));
				break;
			}
		r[n++] = (struct ipa_range){ start, start + size, what };
	}
	for (unsigned i = 0; i < n; i++)
		free(r[i].what);
	free(r);
}

/*
 * Images resolve only inside the search folders: a relative path without
 * ".." components, so that a scenario cannot embed any file the builder
 * can read (/etc/..., ../../secret) into the image it hands to guests.
 */
static int image_path_allowed(const char *file)
{
	const char *p = file;

	if (file[0] == '/')
		return 0;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += n;
		while (*p == '/')
			p++;
	}
	return 1;
}

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Looks for file in the -I directories, then the scenario's directory;
 * *dir_found gets the first match that is a directory, if any. */
static char *find_image(struct scenario *s, const char *file,
			char *const *inc, unsigned nr_inc, char **searched,
			char **dir_found)
{
	char *list = xstrdup("");

	*dir_found = NULL;
	for (unsigned i = 0; i <= nr_inc; i++) {
		const char *dir = i < nr_inc ? inc[i] : s->dir;
		char *p = xasprintf("%s/%s", dir, file);
		char *l;

		if (file_exists(p)) {
			free(list);
			free(*dir_found);
			*dir_found = NULL;
			*searched = NULL;
			return p;
		}
		if (!*dir_found && is_dir(p))
			*dir_found = p;
		else
			free(p);
		l = xasprintf("%s%s%s", list, *list ? ", " : "", dir);
		free(list);
		list = l;
	}
	*searched = list;
	return NULL;
}

/*
 * Finds a guest image (what: "kernel image", "initrd") and reads its size
 * and first 64 bytes; *abs_out is its absolute path. 0 on success.
 */
static int open_image(struct scenario *s, const struct vm *vm,
		      const char *what, const char *file, long line,
		      char *const *inc, unsigned nr_inc, char **abs_out,
		      uint64_t *size, uint8_t hdr[64], size_t *nhdr)
{
	char *searched = NULL, *path, *abs, *dir_found;
	struct stat st;
	FILE *fp;

	if (!image_path_allowed(file)) {
		diag_error(s->file, line, "%s '%s' of VM '%s': image paths are "
			   "relative to the search folders (-I and the "
			   "scenario's folder) and may not be absolute or "
			   "contain '..'; put the file in a search folder or add "
			   "its folder with -I", what, file, vm->name);
		return -1;
	}
	path = find_image(s, file, inc, nr_inc, &searched, &dir_found);
	if (!path && dir_found) {
		diag_error(s->file, line, "%s '%s' of VM '%s' is a directory "
			   "(%s), not a file; name the image file in it", what,
			   file, vm->name, dir_found);
		free(dir_found);
		free(searched);
		return -1;
	}
	if (!path) {
		diag_error(s->file, line, "%s '%s' of VM '%s' not found "
			   "(searched: %s); build it or add -I <dir>", what,
			   file, vm->name, searched && *searched ? searched : file);
		free(searched);
		return -1;
	}
	free(searched);
	abs = realpath(path, NULL);
	fp = abs ? fopen(abs, "rb") : NULL;
	if (!fp || fstat(fileno(fp), &st)) {
		diag_error(s->file, line, "cannot read %s '%s': %s", what, path,
			   strerror(errno));
		if (fp)
			fclose(fp);
		free(abs);
		free(path);
		return -1;
	}
	free(path);
	*nhdr = fread(hdr, 1, 64, fp);
	fclose(fp);
	/* it is written into C strings and .incbin "...": "??/" is a
	 * trigraph for a backslash in -std=c11 */
	if (strpbrk(abs, "\"\\\n") || strstr(abs, "??"))
		diag_error(s->file, line, "the path of %s '%s' contains a "
			   "quote, backslash, newline or '?\?'; move it to a "
			   "plain directory", what, abs);
	*abs_out = abs;
	*size = (uint64_t)st.st_size;
	if (!*size) {
		diag_error(s->file, line, "%s '%s' is empty", what, abs);
		return -1;
	}
	return 0;
}

/* The initrd goes right below the DTB; the kernel must end below it. */
static void check_initrd(struct scenario *s, struct vm *vm, char *const *inc,
			 unsigned nr_inc)
{
	uint8_t hdr[64];
	size_t n;

	if (open_image(s, vm, "initrd", vm->initrd_file, vm->initrd_line, inc,
		       nr_inc, &vm->initrd_path, &vm->initrd_size, hdr, &n))
		return;
	if (!vm_mem_ok(s, vm))
		return;
	vm->initrd_ipa = layout_initrd_ipa(vm->mem_size, vm->initrd_size);
	if (!vm->initrd_ipa) {
		char buf[32];

		diag_error(s->file, vm->initrd_line, "initrd '%s' (%s) does "
			   "not fit in VM '%s' below its device tree at 0x%llx; "
			   "give the VM more memory", vm->initrd_file,
			   fmt_size(vm->initrd_size, buf, sizeof(buf)), vm->name,
			   (unsigned long long)layout_dtb_ipa(vm->mem_size));
	}
}

static void check_image(struct scenario *s, struct vm *vm, char *const *inc,
			unsigned nr_inc)
{
	uint8_t hdr[64];
	uint64_t ram_end = PHIDIAS_GUEST_RAM + vm->mem_size, dtb, text_offset = 0;
	size_t n;
	int is_image = 0;

	if (open_image(s, vm, "kernel image", vm->kernel_file, vm->kernel_line,
		       inc, nr_inc, &vm->kernel_path, &vm->kernel_size, hdr, &n))
		return;
	vm->kernel_span = vm->kernel_size;
	if (n == sizeof(hdr) && le64(hdr + ARM64_HDR_MAGIC) % (1ull << 32) ==
	    ARM64_IMAGE_MAGIC) {
		is_image = 1;
		text_offset = le64(hdr + ARM64_HDR_TEXT_OFFSET);
		if (le64(hdr + ARM64_HDR_IMAGE_SIZE) > vm->kernel_span)
			vm->kernel_span = le64(hdr + ARM64_HDR_IMAGE_SIZE);
	}
	if (!vm_mem_ok(s, vm))
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
	} else if (vm->initrd_ipa && (vm->load >= vm->initrd_ipa ||
		   vm->kernel_span > vm->initrd_ipa - vm->load)) {
		char b1[32], b2[32];

		diag_error(s->file, vm->kernel_line, "kernel image '%s' (%s%s) "
			   "of VM '%s' overlaps its initrd at 0x%llx, leaving "
			   "%s from load address 0x%llx; give the VM more "
			   "memory or use a smaller initrd", vm->kernel_file,
			   fmt_size(vm->kernel_span, b1, sizeof(b1)),
			   vm->kernel_span != vm->kernel_size ? " incl. bss" : "",
			   vm->name, (unsigned long long)vm->initrd_ipa,
			   fmt_size(vm->initrd_ipa > vm->load ?
				    vm->initrd_ipa - vm->load : 0, b2, sizeof(b2)),
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
	check_shmems(s);
	for (unsigned i = 0; i < s->nr_vms; i++) {
		check_vm(s, &s->vms[i]);
		check_devices(s, &s->vms[i]);
		check_vm_shmems(s, &s->vms[i]);
	}
	check_irq_owners(s);
	link_expand(s);
	for (unsigned i = 0; i < s->nr_vms; i++) {
		check_caps(s, &s->vms[i]);
		if (s->vms[i].mem_line && s->vms[i].mem_size <= GUEST_RAM_MAX)
			check_ipa_map(s, &s->vms[i]);
	}
	/* A warning only: a region may be kept for a VM added later. */
	for (unsigned i = 0; i < s->nr_shmems; i++)
		if (!s->shmems[i].nr_users)
			diag_warning(s->file, s->shmems[i].line, "shared region "
				     "'%s' is mapped by no VM; it still takes "
				     "%s of RAM", s->shmems[i].name,
				     fmt_size(s->shmems[i].size, (char[32]){ 0 }, 32));
	for (unsigned i = 0; i < s->nr_vms; i++) {
		if (s->vms[i].initrd_file)
			check_initrd(s, &s->vms[i], incdirs, nr_inc);
		if (s->vms[i].kernel_file)
			check_image(s, &s->vms[i], incdirs, nr_inc);
	}
	return diag_count() == before ? 0 : -1;
}

int check_layout_inputs(const struct scenario *s)
{
	if (!s->nr_pcpus || s->nr_pcpus > s->plat.max_cpus ||
	    s->nr_pcpus > PHIDIAS_MAX_PCPUS || s->nr_vms > PHIDIAS_MAX_VMS)
		return 0;
	for (unsigned i = 0; i < s->nr_vms; i++) {
		const struct vm *vm = &s->vms[i];

		if (!vm_mem_ok(s, vm) ||
		    (vm->mem_fixed && !is_aligned(vm->mem_base, SZ_4K)) ||
		    (vm->kernel_file && !vm->kernel_path) ||
		    (vm->initrd_file && !vm->initrd_path))
			return 0;
	}
	for (unsigned i = 0; i < s->nr_shmems; i++) {
		const struct shmem *m = &s->shmems[i];

		if (!m->size || !is_aligned(m->size, SZ_4K) ||
		    m->size > s->plat.ram_size ||
		    (m->fixed && !is_aligned(m->base, SZ_4K)))
			return 0;
	}
	return 1;
}
