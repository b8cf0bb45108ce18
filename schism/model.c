/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pass 2: turn the validated documents into the model and expand it with
 * the platform's defaults (hypervisor CPUs, time slice). Syntax is already
 * guaranteed by the schemas; this pass checks how often each child of a
 * <vm> appears, which the schema leaves open so that order is free.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include <phidias/config.h>

#include "schism.h"
#include "xmldocs.h"

int xml_is_elem(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST name);
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent->children; n; n = n->next)
		if (xml_is_elem(n, name))
			return n;
	return NULL;
}

char *xml_prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, BAD_CAST name);
	char *s;

	if (!v)
		return NULL;
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

/* A numeric attribute; the schema checked the syntax, this the range. */
static uint64_t num_prop(const char *file, xmlNodePtr n, const char *name,
			 uint64_t dflt, int *present)
{
	char *v = n ? xml_prop(n, name) : NULL;
	uint64_t x = dflt;

	if (present)
		*present = v != NULL;
	if (v && parse_size(v, &x)) {
		diag_error(file, xmlGetLineNo(n), "<%s %s=\"%s\">: value does "
			   "not fit in 64 bits", (const char *)n->name, name, v);
		x = dflt;
	}
	free(v);
	return x;
}

static unsigned small_num(const char *file, xmlNodePtr n, const char *name,
			  uint64_t v)
{
	if (v > 0xffffffffull) {
		diag_error(file, n ? xmlGetLineNo(n) : 0, "<%s %s>: %llu is too "
			   "large", n ? (const char *)n->name : "?", name,
			   (unsigned long long)v);
		return 0xffffffffu;
	}
	return (unsigned)v;
}

static int overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
	return s1 < e2 && s2 < e1;
}

/* The platform's <device> list: what VMs may be given. */
static void build_devices(const char *f, xmlNodePtr r, struct platform *p)
{
	unsigned n = 0;

	for (xmlNodePtr c = r->children; c; c = c->next)
		n += xml_is_elem(c, "device");
	p->devs = xcalloc(n, sizeof(*p->devs));
	for (xmlNodePtr c = r->children; c; c = c->next) {
		struct plat_device *d;
		unsigned np = 0;
		char *v;

		if (!xml_is_elem(c, "device"))
			continue;
		d = &p->devs[p->nr_devs++];
		d->line = xmlGetLineNo(c);
		d->owner = -1;
		d->name = xml_prop(c, "name");
		d->compatible = xml_prop(c, "compatible");
		v = xml_prop(c, "primecell");
		d->primecell = v && (!strcmp(v, "true") || !strcmp(v, "1"));
		free(v);
		d->base = num_prop(f, c, "base", 0, NULL);
		d->size = num_prop(f, c, "size", 0, NULL);
		d->irq = small_num(f, c, "irq", num_prop(f, c, "irq", 0, NULL));
		for (xmlNodePtr q = c->children; q; q = q->next)
			np += xml_is_elem(q, "dt-property");
		d->prop_names = xcalloc(np, sizeof(char *));
		d->prop_values = xcalloc(np, sizeof(char *));
		for (xmlNodePtr q = c->children; q; q = q->next)
			if (xml_is_elem(q, "dt-property")) {
				d->prop_names[d->nr_props] = xml_prop(q, "name");
				d->prop_values[d->nr_props++] = xml_prop(q, "value");
			}

		if (!d->size || !is_aligned(d->base | d->size, SZ_4K) ||
		    d->base >= (1ull << PHIDIAS_PT_VA_BITS) ||
		    d->size > (1ull << PHIDIAS_PT_VA_BITS) - d->base)
			diag_error(f, d->line, "device '%s': base and size must "
				   "be 4 KiB aligned, size not 0, and the device "
				   "must lie below 512 GiB", d->name);
		if (d->irq < 32 || d->irq > 1019)
			diag_error(f, d->line, "device '%s': irq %u is not an "
				   "SPI; give its GIC INTID (32-1019, i.e. the DT "
				   "SPI number + 32)", d->name, d->irq);
		for (unsigned i = 0; i + 1 < p->nr_devs; i++) {
			const struct plat_device *o = &p->devs[i];

			if (!strcmp(o->name, d->name))
				diag_error(f, d->line, "duplicate device name "
					   "'%s' (first used at line %ld)",
					   d->name, o->line);
			else if (overlaps(d->base, d->base + d->size, o->base,
					  o->base + o->size))
				diag_error(f, d->line, "device '%s' overlaps "
					   "device '%s' (line %ld)", d->name,
					   o->name, o->line);
		}
		{
			const struct {
				uint64_t base, size;
				const char *what;
			} fixed[] = {
				{ p->uart_base, SCHISM_UART_SIZE, "the console UART" },
				{ p->gicd, SCHISM_GICD_SIZE, "the GIC distributor" },
				{ p->gicc, SCHISM_GICC_SIZE, "the GIC CPU interface" },
				{ p->gich, SCHISM_GICH_SIZE, "the GIC hypervisor interface" },
				{ p->gicv, PHIDIAS_GUEST_GICC_SIZE, "the GIC virtual CPU interface" },
			};

			for (unsigned i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
				if (overlaps(d->base, d->base + d->size, fixed[i].base,
					     fixed[i].base + fixed[i].size))
					diag_error(f, d->line, "device '%s' overlaps "
						   "%s of the platform", d->name,
						   fixed[i].what);
		}
		for (unsigned i = 0; i < p->nr_banks; i++)
			if (overlaps(d->base, d->base + d->size, p->banks[i].base,
				     p->banks[i].base + p->banks[i].size))
				diag_error(f, d->line, "device '%s' overlaps RAM "
					   "of the platform (the bank at line %ld)",
					   d->name, p->banks[i].line);
		if (d->irq == p->uart_irq)
			diag_error(f, d->line, "device '%s' uses irq %u, the "
				   "interrupt of the hypervisor's console UART",
				   d->name, d->irq);
	}
}

/* <cpus>: one <cpu mpidr/> per physical CPU, pcpu 0 first. */
static void build_cpus(const char *f, xmlNodePtr n, struct platform *p)
{
	if (!n)
		return;		/* the schema requires <cpus> */
	for (xmlNodePtr c = n->children; c; c = c->next) {
		uint64_t m;

		if (!xml_is_elem(c, "cpu"))
			continue;
		m = num_prop(f, c, "mpidr", 0, NULL);
		/* MPIDR_EL1 affinity fields Aff3 [39:32], Aff2..Aff0 [23:0]
		 * (Arm ARM D13.2.86); everything else is not an affinity */
		if (m & ~0xff00ffffffull)
			diag_error(f, xmlGetLineNo(c), "<cpu mpidr=\"0x%llx\">: "
				   "only the affinity fields Aff3 (bits 39:32) "
				   "and Aff2-Aff0 (bits 23:0) may be set",
				   (unsigned long long)m);
		/* A board may have more CPUs than Phidias drives (check.c
		 * says so if a scenario asks for them): count them all, keep
		 * the MPIDRs of those it can use. */
		for (unsigned i = 0; i < p->max_cpus && i < PHIDIAS_MAX_PCPUS; i++)
			if (p->mpidr[i] == m)
				diag_error(f, xmlGetLineNo(c), "MPIDR 0x%llx is "
					   "given twice (also pcpu %u)",
					   (unsigned long long)m, i);
		if (p->max_cpus < PHIDIAS_MAX_PCPUS)
			p->mpidr[p->max_cpus] = m;
		p->max_cpus++;
	}
}

static int range_cmp(const void *a, const void *b)
{
	const struct plat_range *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Reads every <name> child of r as a range; sorted by address. */
static struct plat_range *ranges(const char *f, xmlNodePtr r,
				 const char *name, unsigned *nr)
{
	struct plat_range *v;
	unsigned n = 0;

	for (xmlNodePtr c = r->children; c; c = c->next)
		n += xml_is_elem(c, name);
	v = xcalloc(n, sizeof(*v));
	*nr = 0;
	for (xmlNodePtr c = r->children; c; c = c->next) {
		struct plat_range *g;

		if (!xml_is_elem(c, name))
			continue;
		g = &v[(*nr)++];
		g->line = xmlGetLineNo(c);
		g->name = xml_prop(c, "name");
		g->base = num_prop(f, c, "base", 0, NULL);
		g->size = num_prop(f, c, "size", 0, NULL);
		if (!g->size || !is_aligned(g->base | g->size, SZ_4K) ||
		    g->base >= (1ull << PHIDIAS_PT_VA_BITS) ||
		    g->size > (1ull << PHIDIAS_PT_VA_BITS) - g->base)
			diag_error(f, g->line, "<%s base=\"0x%llx\">: base and "
				   "size must be 4 KiB aligned, size not 0, and "
				   "the range must end below 512 GiB", name,
				   (unsigned long long)g->base);
	}
	qsort(v, *nr, sizeof(*v), range_cmp);
	return v;
}

/* RAM banks and the firmware's reserved ranges inside them. */
static void build_memory(const char *f, xmlNodePtr r, struct platform *p)
{
	p->banks = ranges(f, r, "memory", &p->nr_banks);
	p->reserved = ranges(f, r, "reserved", &p->nr_reserved);
	for (unsigned i = 0; i + 1 < p->nr_banks; i++)
		if (p->banks[i].base + p->banks[i].size > p->banks[i + 1].base)
			diag_error(f, p->banks[i + 1].line, "RAM bank at 0x%llx "
				   "overlaps the bank at line %ld",
				   (unsigned long long)p->banks[i + 1].base,
				   p->banks[i].line);
	for (unsigned i = 0; i < p->nr_reserved; i++) {
		const struct plat_range *g = &p->reserved[i];
		unsigned b;

		for (b = 0; b < p->nr_banks; b++)
			if (g->base >= p->banks[b].base &&
			    g->base + g->size <= p->banks[b].base + p->banks[b].size)
				break;
		if (b == p->nr_banks)
			diag_error(f, g->line, "reserved range '%s' (0x%llx-0x%llx) "
				   "is not inside one RAM bank; a hole between "
				   "banks needs no <reserved>", g->name,
				   (unsigned long long)g->base,
				   (unsigned long long)(g->base + g->size - 1));
		if (i && p->reserved[i - 1].base + p->reserved[i - 1].size > g->base)
			diag_error(f, g->line, "reserved range '%s' overlaps '%s' "
				   "(line %ld)", g->name, p->reserved[i - 1].name,
				   p->reserved[i - 1].line);
	}
	if (p->nr_banks) {
		const struct plat_range *last = &p->banks[p->nr_banks - 1];

		p->ram_base = p->banks[0].base;
		p->ram_size = last->base + last->size - p->ram_base;
		if (p->banks[0].size <= SCHISM_RAM_RESERVED)
			diag_error(f, p->banks[0].line, "the lowest RAM bank must "
				   "be larger than 2 MiB (its first 2 MiB are "
				   "left to the bootloader's device tree)");
	}
}

static void build_platform(struct xml_docs *d, struct platform *p)
{
	const char *f = d->platform_file;
	xmlNodePtr r = xmlDocGetRootElement(d->platform), n;
	char *s;

	p->file = xstrdup(f);
	p->name = xml_prop(r, "name");
	build_cpus(f, child(r, "cpus"), p);
	build_memory(f, r, p);
	n = child(r, "hypervisor");
	p->hyp_line = xmlGetLineNo(n);
	p->hyp_load = num_prop(f, n, "load", 0, NULL);
	if (!is_aligned(p->hyp_load, SZ_2M))
		diag_error(f, xmlGetLineNo(n), "hypervisor load address 0x%llx "
			   "must be 2 MiB aligned",
			   (unsigned long long)p->hyp_load);
	n = child(r, "uart");
	p->uart_base = num_prop(f, n, "base", 0, NULL);
	p->uart_irq = small_num(f, n, "irq", num_prop(f, n, "irq", 0, NULL));
	p->uart_clock = small_num(f, n, "clock", num_prop(f, n, "clock", 0, NULL));
	p->uart_baud = small_num(f, n, "baud", num_prop(f, n, "baud", 115200, NULL));
	/* PL011 TRM 3.3.6: the divisor is UARTCLK / (16 x baud), with a
	 * 16-bit integer part that must be at least 1 */
	if (!p->uart_baud || (p->uart_clock &&
	    (p->uart_clock / 16 < p->uart_baud ||
	     p->uart_clock / 16 / p->uart_baud > 0xffff)))
		diag_error(f, xmlGetLineNo(n), "<uart clock=\"%u\" baud=\"%u\">: "
			   "no PL011 divisor gives that baud rate (it needs "
			   "clock / (16 x baud) between 1 and 65535)",
			   p->uart_clock, p->uart_baud);
	n = child(r, "gic");
	p->gicd = num_prop(f, n, "gicd", 0, NULL);
	p->gicc = num_prop(f, n, "gicc", 0, NULL);
	p->gich = num_prop(f, n, "gich", 0, NULL);
	p->gicv = num_prop(f, n, "gicv", 0, NULL);
	p->maint_irq = small_num(f, n, "maintenance-irq",
				 num_prop(f, n, "maintenance-irq", 0, NULL));
	{
		const uint64_t dev[] = { p->uart_base, p->gicd, p->gicc,
					 p->gich, p->gicv };

		for (unsigned i = 0; i < 5; i++)
			if (!is_aligned(dev[i], SZ_4K) ||
			    dev[i] >= (1ull << PHIDIAS_PT_VA_BITS))
				diag_error(f, xmlGetLineNo(n), "device address "
					   "0x%llx must be 4 KiB aligned and "
					   "below 512 GiB",
					   (unsigned long long)dev[i]);
	}
	n = child(r, "timer");
	p->hyp_timer_irq = small_num(f, n, "hyp-irq", num_prop(f, n, "hyp-irq", 0, NULL));
	p->virt_timer_irq = small_num(f, n, "virt-irq", num_prop(f, n, "virt-irq", 0, NULL));
	p->phys_timer_irq = small_num(f, n, "phys-irq", num_prop(f, n, "phys-irq", 0, NULL));
	n = child(r, "psci");
	s = xml_prop(n, "conduit");
	p->psci_conduit = s && !strcmp(s, "hvc") ? PHIDIAS_PSCI_HVC : PHIDIAS_PSCI_SMC;
	free(s);
	build_devices(f, r, p);
	n = child(r, "qemu");
	p->qemu_machine = n ? xml_prop(n, "machine") : NULL;
	p->qemu_cpu = n ? xml_prop(n, "cpu") : NULL;
	p->bytes = d->platform_bytes;
	p->nbytes = d->platform_nbytes;
	d->platform_bytes = NULL;
}

static void build_vm(const char *f, xmlNodePtr vn, struct vm *vm)
{
	unsigned nv = 0, nc = 0, nmem = 0, nker = 0, nargs = 0, nuart = 0;
	unsigned nd = 0, ns = 0, ninitrd = 0, npsci = 0;

	vm->name = xml_prop(vn, "name");
	vm->line = xmlGetLineNo(vn);
	{
		char *of = xml_prop(vn, "on-fault");

		vm->fault_stop = of && !strcmp(of, "stop");
		free(of);
	}
	for (xmlNodePtr n = vn->children; n; n = n->next) {
		if (xml_is_elem(n, "vcpu"))
			nv++;
		else if (xml_is_elem(n, "cap"))
			nc++;
		else if (xml_is_elem(n, "device"))
			nd++;
		else if (xml_is_elem(n, "shmem"))
			ns++;
	}
	vm->vcpus = xcalloc(nv, sizeof(*vm->vcpus));
	vm->caps = xcalloc(nc, sizeof(*vm->caps));
	vm->devs = xcalloc(nd, sizeof(*vm->devs));
	vm->shm = xcalloc(ns, sizeof(*vm->shm));
	for (xmlNodePtr n = vn->children; n; n = n->next) {
		long line = xmlGetLineNo(n);

		if (xml_is_elem(n, "vcpu")) {
			struct vcpu *c = &vm->vcpus[vm->nr_vcpus++];

			c->line = line;
			c->pcpu = small_num(f, n, "pcpu", num_prop(f, n, "pcpu", 0, NULL));
		} else if (xml_is_elem(n, "memory")) {
			if (nmem++) {
				diag_error(f, line, "VM '%s' has more than one "
					   "<memory>; give one <memory size=...> "
					   "per VM", vm->name);
				continue;
			}
			vm->mem_line = line;
			vm->mem_size = num_prop(f, n, "size", 0, NULL);
			vm->mem_base = num_prop(f, n, "base", 0, &vm->mem_fixed);
		} else if (xml_is_elem(n, "kernel")) {
			if (nker++) {
				diag_error(f, line, "VM '%s' has more than one "
					   "<kernel>; remove all but one", vm->name);
				continue;
			}
			vm->kernel_line = line;
			vm->kernel_file = xml_prop(n, "file");
			vm->load = num_prop(f, n, "load", 0, &vm->has_load);
			vm->entry = num_prop(f, n, "entry", 0, &vm->has_entry);
		} else if (xml_is_elem(n, "bootargs")) {
			xmlChar *t = xmlNodeGetContent(n);

			if (nargs++)
				diag_error(f, line, "VM '%s' has more than one "
					   "<bootargs>; put all arguments in one",
					   vm->name);
			else
				vm->bootargs = xstrdup(t ? (const char *)t : "");
			xmlFree(t);
		} else if (xml_is_elem(n, "uart")) {
			if (nuart++)
				diag_error(f, line, "VM '%s' has more than one "
					   "<uart/>; a VM has one console",
					   vm->name);
			vm->uart = 1;
		} else if (xml_is_elem(n, "cap")) {
			struct cap *c = &vm->caps[vm->nr_caps++];

			c->line = line;
			c->type = xml_prop(n, "type");
			c->target = xml_prop(n, "target_xref");
			c->param = num_prop(f, n, "param", 0, NULL);
		} else if (xml_is_elem(n, "initrd")) {
			if (ninitrd++) {
				diag_error(f, line, "VM '%s' has more than one "
					   "<initrd>; combine them into one "
					   "archive", vm->name);
				continue;
			}
			vm->initrd_line = line;
			vm->initrd_file = xml_prop(n, "file");
		} else if (xml_is_elem(n, "psci")) {
			char *c = xml_prop(n, "conduit");

			if (npsci++)
				diag_error(f, line, "VM '%s' has more than one "
					   "<psci>; keep one", vm->name);
			vm->psci_smc = c && !strcmp(c, "smc");
			free(c);
		} else if (xml_is_elem(n, "device")) {
			struct vm_device *d = &vm->devs[vm->nr_devs++];

			d->line = line;
			d->ref = xml_prop(n, "ref");
		} else if (xml_is_elem(n, "shmem")) {
			struct vm_shmem *m = &vm->shm[vm->nr_shm++];
			char *a = xml_prop(n, "access");

			m->line = line;
			m->ref = xml_prop(n, "ref");
			m->ipa = num_prop(f, n, "base", 0, NULL);
			m->ro = a && !strcmp(a, "ro");
			free(a);
		}
	}
	if (!nmem)
		diag_error(f, vm->line, "VM '%s' has no <memory>; add "
			   "<memory size=\"16M\"/> (or the size it needs)",
			   vm->name);
	if (!nker)
		diag_error(f, vm->line, "VM '%s' has no <kernel>; add "
			   "<kernel file=\"...\"/> naming its image", vm->name);
}

int model_build(struct xml_docs *d, struct scenario *s)
{
	const char *f = d->scenario_file;
	xmlNodePtr r = xmlDocGetRootElement(d->scenario), n;
	unsigned before = diag_count(), nvms = 0;
	const char *slash;

	memset(s, 0, sizeof(*s));
	s->file = xstrdup(f);
	slash = strrchr(f, '/');
	s->dir = slash ? xasprintf("%.*s", (int)(slash - f), f) : xstrdup(".");
	s->name = xml_prop(r, "name");
	s->line = xmlGetLineNo(r);
	s->platform_line = s->line;
	s->bytes = d->scenario_bytes;
	s->nbytes = d->scenario_nbytes;
	d->scenario_bytes = NULL;

	build_platform(d, &s->plat);
	s->hash = fnv1a64(fnv1a64(FNV1A64_INIT, s->bytes, s->nbytes),
			  s->plat.bytes, s->plat.nbytes);

	s->nr_pcpus = s->plat.max_cpus;
	s->cpus_line = s->line;
	s->timeslice_us = SCHISM_DEFAULT_TIMESLICE_US;
	s->timeslice_line = s->line;
	n = child(r, "hypervisor");
	if (n) {
		char *v = xml_prop(n, "cpus");

		s->cpus_line = s->timeslice_line = xmlGetLineNo(n);
		if (v)
			s->nr_pcpus = small_num(f, n, "cpus", num_prop(f, n, "cpus", 1, NULL));
		free(v);
		v = xml_prop(n, "timeslice");
		if (v && parse_time_us(v, &s->timeslice_us))
			diag_error(f, xmlGetLineNo(n), "timeslice '%s' is too "
				   "large", v);
		free(v);
	}

	for (n = r->children; n; n = n->next) {
		if (xml_is_elem(n, "vm"))
			nvms++;
		else if (xml_is_elem(n, "shmem"))
			s->nr_shmems++;
	}
	if (!nvms)
		diag_error(f, s->line, "scenario '%s' has no <vm>; add at least "
			   "one", s->name);
	s->shmems = xcalloc(s->nr_shmems, sizeof(*s->shmems));
	s->nr_shmems = 0;
	for (n = r->children; n; n = n->next) {
		struct shmem *m;

		if (!xml_is_elem(n, "shmem"))
			continue;
		m = &s->shmems[s->nr_shmems++];
		m->line = xmlGetLineNo(n);
		m->name = xml_prop(n, "name");
		m->size = num_prop(f, n, "size", 0, NULL);
		m->base = num_prop(f, n, "base", 0, &m->fixed);
	}
	link_build(d, s);
	s->vms = xcalloc(nvms, sizeof(*s->vms));
	for (n = r->children; n; n = n->next) {
		struct vm *vm;

		if (!xml_is_elem(n, "vm"))
			continue;
		vm = &s->vms[s->nr_vms];
		vm->id = s->nr_vms++;
		build_vm(f, n, vm);
		vm->first_vcpu = s->nr_vcpus;
		s->nr_vcpus += vm->nr_vcpus;
	}
	return diag_count() == before ? 0 : -1;
}

void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	for (unsigned i = 0; i < s->nr_vms; i++) {
		struct vm *vm = &s->vms[i];

		for (unsigned c = 0; c < vm->nr_caps; c++) {
			free(vm->caps[c].type);
			free(vm->caps[c].target);
		}
		free(vm->caps);
		for (unsigned d = 0; d < vm->nr_devs; d++)
			free(vm->devs[d].ref);
		free(vm->devs);
		for (unsigned m = 0; m < vm->nr_shm; m++)
			free(vm->shm[m].ref);
		free(vm->shm);
		free(vm->irqs);
		free(vm->initrd_file);
		free(vm->initrd_path);
		free(vm->vcpus);
		free(vm->name);
		free(vm->kernel_file);
		free(vm->kernel_path);
		free(vm->bootargs);
	}
	free(s->vms);
	for (unsigned i = 0; i < s->nr_shmems; i++)
		free(s->shmems[i].name);
	free(s->shmems);
	link_free(s);
	for (unsigned i = 0; i < s->plat.nr_devs; i++) {
		struct plat_device *d = &s->plat.devs[i];

		for (unsigned j = 0; j < d->nr_props; j++) {
			free(d->prop_names[j]);
			free(d->prop_values[j]);
		}
		free(d->prop_names);
		free(d->prop_values);
		free(d->name);
		free(d->compatible);
	}
	free(s->plat.devs);
	for (unsigned i = 0; i < s->plat.nr_reserved; i++)
		free(s->plat.reserved[i].name);
	for (unsigned i = 0; i < s->plat.nr_banks; i++)
		free(s->plat.banks[i].name);
	free(s->plat.reserved);
	free(s->plat.banks);
	free(s->plat.file);
	free(s->plat.name);
	free(s->plat.qemu_machine);
	free(s->plat.qemu_cpu);
	free(s->plat.bytes);
	free(s->file);
	free(s->dir);
	free(s->name);
	free(s->bytes);
	memset(s, 0, sizeof(*s));
}
