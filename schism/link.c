/* SPDX-License-Identifier: Apache-2.0 */
/*
 * <link>: a shmnet virtual Ethernet between two VMs (docs/shmnet.md is the
 * protocol, docs/scenario.md the element, docs/devicetree.md the node).
 *
 * A link is nothing new for the hypervisor: it is expanded here into one
 * shared region, sized for the link's geometry and mapped read-write into
 * both VMs at a guest address chosen in the link window, and one doorbell
 * capability per end, appended after the VM's own <cap>s so that their
 * indices do not move. Each doorbell injects an SPI chosen so that it
 * clashes with nothing else the target VM receives. The rest of schism
 * (layout, page tables, config tables) then handles them like any <shmem>
 * and <cap>; only the device tree and the memory map say "link".
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include <phidias/config.h>

#include "schism.h"
#include "xmldocs.h"

#define LINK_MTU_MIN 68u
#define LINK_MTU_MAX 65535u
#define LINK_MTU_DEFAULT 1500u
#define LINK_SLOTS_MIN 2u
#define LINK_SLOTS_MAX 1024u
/* schism's choice (docs/shmnet.md, "Geometry") */
#define LINK_AUTO_SLOTS_MAX 256u
#define LINK_AUTO_SLOTS_MIN 16u
#define LINK_AUTO_BUF_BUDGET (4ull << 20)
/* Region layout (docs/shmnet.md): control blocks, then the areas. */
#define LINK_RING0 0x1000ull
#define LINK_DESC_SIZE 8u
#define LINK_FRAME_EXTRA 18u	/* Ethernet header (14) + one VLAN tag (4) */
#define LINK_SLOT_ALIGN 64u
/* Guest addresses of link regions: below the RAM, above every device of
 * the guest view (docs/scenario.md, "Links"). */
#define LINK_WINDOW_BASE 0x20000000ull
#define LINK_WINDOW_END PHIDIAS_GUEST_RAM
/* Doorbell SPIs: from INTID 64 up, then 32-63 (docs/scenario.md). */
#define LINK_SPI_FIRST 64u

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "02:00:00:00:00:01" -> 6 bytes; 0 on success. */
static int parse_mac(const char *t, uint8_t mac[6])
{
	for (unsigned i = 0; i < 6; i++) {
		int hi = hexval(t[0]), lo = hi < 0 ? -1 : hexval(t[1]);

		if (lo < 0 || t[2] != (i < 5 ? ':' : '\0'))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		t += 3;
	}
	return 0;
}

/* A decimal number 0..max without a sign or leading zeros; *t moves past. */
static int parse_dec(const char **t, unsigned max, unsigned *out)
{
	const char *p = *t;
	unsigned v = 0;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (unsigned)(*p - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	*t = p;
	return 0;
}

/*
 * "ADDRESS/PREFIX", IPv4. NULL if good, else why not (for the message).
 * *prefix is 1-32 when t is a valid address, else 0 (see link_expand).
 */
static const char *parse_ip(const char *t, uint32_t *addr, unsigned *prefix)
{
	uint32_t a = 0, host;
	unsigned v;

	*prefix = 0;
	for (unsigned i = 0; i < 4; i++) {
		if (parse_dec(&t, 255, &v) || *t++ != (i < 3 ? '.' : '/'))
			return "it is not of the form ADDRESS/PREFIX with four "
			       "decimal octets (0-255, no leading zeros)";
		a = a << 8 | v;
	}
	if (parse_dec(&t, 32, &v) || *t || v == 0)
		return "the prefix length must be 1-32";
	*addr = a;
	if ((a >> 24) == 0 || (a >> 24) == 127 || (a >> 24) >= 224)
		return "the address is not a unicast host address (0/8, "
		       "127/8 and 224.0.0.0 up are reserved)";
	host = v == 32 ? 0 : a & (0xffffffffu >> v);
	if (v <= 30 && (host == 0 || host == 0xffffffffu >> v))
		return "the address is the network or broadcast address of "
		       "its subnet";
	*prefix = v;
	return NULL;
}

static const char *fmt_mac(const uint8_t m[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
	return buf;
}

/* The default: stable, from the names only; locally administered, unicast. */
static void derive_mac(const struct scenario *s, const struct link *l,
		       struct link_end *e)
{
	uint64_t h = fnv1a64(FNV1A64_INIT, "shmnet", 7);
	uint8_t *mac = e->mac;

	h = fnv1a64(h, s->name, strlen(s->name) + 1);
	h = fnv1a64(h, l->name, strlen(l->name) + 1);
	h = fnv1a64(h, e->vm_name, strlen(e->vm_name) + 1);
	for (unsigned i = 0; i < 6; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
}

static void build_end(const char *f, xmlNodePtr n, const struct link *l,
		      struct link_end *e)
{
	char *mac = xml_prop(n, "mac");

	e->line = xmlGetLineNo(n);
	e->vm_name = xml_prop(n, "vm");
	e->ip = xml_prop(n, "ip");
	if (mac) {
		e->mac_given = 1;
		if (parse_mac(mac, e->mac))
			diag_error(f, e->line, "mac \"%s\" of VM '%s' on link "
				   "'%s' is malformed; write six hex bytes such "
				   "as 02:00:00:00:00:01", mac, e->vm_name, l->name);
		else if (e->mac[0] & 1) {
			char buf[18];

			diag_error(f, e->line, "mac %s of VM '%s' on link '%s' "
				   "is a multicast address (bit 0 of the first "
				   "byte set); use a unicast one, e.g. 02:%s",
				   fmt_mac(e->mac, buf), e->vm_name, l->name,
				   buf + 3);
		} else if (!memcmp(e->mac, "\0\0\0\0\0\0", 6))
			diag_error(f, e->line, "mac 00:00:00:00:00:00 of VM "
				   "'%s' on link '%s' is not a valid address; "
				   "give another or leave mac out for a default",
				   e->vm_name, l->name);
	}
	free(mac);
	if (e->ip) {
		const char *why = parse_ip(e->ip, &e->ip_addr, &e->ip_prefix);

		if (why)
			diag_error(f, e->line, "ip \"%s\" of VM '%s' on link "
				   "'%s' is not valid: %s; write e.g. "
				   "ip=\"10.0.0.1/24\"", e->ip, e->vm_name,
				   l->name, why);
	}
}

static unsigned build_num(const char *f, xmlNodePtr n, const char *name,
			  unsigned dflt, unsigned min, unsigned max,
			  const struct link *l)
{
	char *v = xml_prop(n, name);
	uint64_t x = dflt;

	if (v && (parse_size(v, &x) || x < min || x > max)) {
		diag_error(f, xmlGetLineNo(n), "<link name=\"%s\" %s=\"%s\">: "
			   "out of range; use %u-%u", l->name, name, v, min, max);
		x = dflt;
	}
	free(v);
	return (unsigned)x;
}

void link_build(struct xml_docs *d, struct scenario *s)
{
	const char *f = d->scenario_file;
	xmlNodePtr r = xmlDocGetRootElement(d->scenario);
	unsigned n = 0;

	for (xmlNodePtr c = r->children; c; c = c->next)
		n += xml_is_elem(c, "link");
	s->links = xcalloc(n, sizeof(*s->links));
	for (xmlNodePtr c = r->children; c; c = c->next) {
		struct link *l;

		if (!xml_is_elem(c, "link"))
			continue;
		l = &s->links[s->nr_links++];
		l->line = xmlGetLineNo(c);
		l->name = xml_prop(c, "name");
		l->mtu = build_num(f, c, "mtu", LINK_MTU_DEFAULT, LINK_MTU_MIN,
				   LINK_MTU_MAX, l);
		l->nr_slots = build_num(f, c, "slots", 0, LINK_SLOTS_MIN,
					LINK_SLOTS_MAX, l);
		if (l->nr_slots & (l->nr_slots - 1)) {
			diag_error(f, l->line, "<link name=\"%s\" slots=\"%u\">: "
				   "not a power of two; use 2, 4, ... %u",
				   l->name, l->nr_slots, LINK_SLOTS_MAX);
			l->nr_slots = 0;
		}
		for (xmlNodePtr e = c->children; e; e = e->next) {
			if (!xml_is_elem(e, "end"))
				continue;
			if (l->nr_ends < 2)
				build_end(f, e, l, &l->ends[l->nr_ends]);
			l->nr_ends++;
		}
		for (unsigned i = 0; i < l->nr_ends && i < 2; i++)
			if (!l->ends[i].mac_given)
				derive_mac(s, l, &l->ends[i]);
	}
}

void link_free(struct scenario *s)
{
	for (unsigned i = 0; i < s->nr_links; i++) {
		struct link *l = &s->links[i];

		for (unsigned e = 0; e < 2; e++) {
			free(l->ends[e].vm_name);
			free(l->ends[e].ip);
		}
		free(l->name);
	}
	free(s->links);
	s->links = NULL;
	s->nr_links = 0;
}

const struct link *link_of(const struct scenario *s, unsigned link)
{
	return link && link <= s->nr_links ? &s->links[link - 1] : NULL;
}

static unsigned find_vm(const struct scenario *s, const char *name)
{
	unsigned t;

	for (t = 0; t < s->nr_vms; t++)
		if (!strcmp(s->vms[t].name, name))
			break;
	return t;
}

/* docs/shmnet.md, "Geometry". */
static uint64_t link_geometry(struct link *l)
{
	uint64_t ring, buf;

	l->slot_size = (unsigned)align_up(l->mtu + LINK_FRAME_EXTRA,
					  LINK_SLOT_ALIGN);
	if (!l->nr_slots) {
		l->nr_slots = LINK_AUTO_SLOTS_MAX;
		while (l->nr_slots > LINK_AUTO_SLOTS_MIN &&
		       (uint64_t)l->nr_slots * l->slot_size > LINK_AUTO_BUF_BUDGET)
			l->nr_slots /= 2;
	}
	ring = align_up((uint64_t)l->nr_slots * LINK_DESC_SIZE, SZ_4K);
	buf = align_up((uint64_t)l->nr_slots * l->slot_size, SZ_4K);
	/* 2 MiB: block mappings on both sides and in the EL2 tables */
	return align_up(LINK_RING0 + 2 * ring + 2 * buf, SZ_2M);
}

static int range_overlaps(uint64_t a, uint64_t size, uint64_t b, uint64_t bsize)
{
	return a < b + bsize && b < a + size;
}

/* Is [a, a+size) free in the guest-physical map of vm? */
static int ipa_free(const struct scenario *s, const struct vm *vm, uint64_t a,
		    uint64_t size)
{
	if (range_overlaps(a, size, PHIDIAS_GUEST_RAM, vm->mem_size) ||
	    range_overlaps(a, size, PHIDIAS_GUEST_GICD, PHIDIAS_GUEST_GICD_SIZE) ||
	    range_overlaps(a, size, PHIDIAS_GUEST_GICC, PHIDIAS_GUEST_GICC_SIZE) ||
	    (vm->uart && range_overlaps(a, size, PHIDIAS_GUEST_UART,
					SCHISM_VUART_SIZE)))
		return 0;
	for (unsigned i = 0; i < vm->nr_devs; i++)
		if (vm->devs[i].resolved &&
		    range_overlaps(a, size, s->plat.devs[vm->devs[i].dev].base,
				   s->plat.devs[vm->devs[i].dev].size))
			return 0;
	for (unsigned i = 0; i < vm->nr_shm; i++)
		if (vm->shm[i].resolved &&
		    range_overlaps(a, size, vm->shm[i].ipa,
				   s->shmems[vm->shm[i].shmem].size))
			return 0;
	return 1;
}

static uint64_t choose_ipa(const struct scenario *s, const struct vm *vm,
			   uint64_t size)
{
	for (uint64_t a = LINK_WINDOW_BASE; a + size <= LINK_WINDOW_END; a += SZ_2M)
		if (ipa_free(s, vm, a, size))
			return a;
	return 0;
}

/* Does anything already raise INTID irq in VM t? */
static int spi_used(const struct scenario *s, unsigned t, unsigned irq)
{
	const struct vm *tv = &s->vms[t];

	if (tv->uart && irq == PHIDIAS_GUEST_UART_IRQ)
		return 1;
	for (unsigned i = 0; i < tv->nr_irqs; i++)
		if (tv->irqs[i] == irq)
			return 1;
	for (unsigned v = 0; v < s->nr_vms; v++)
		for (unsigned c = 0; c < s->vms[v].nr_caps; c++) {
			const struct cap *cap = &s->vms[v].caps[c];

			if (cap->param == irq && find_vm(s, cap->target) == t)
				return 1;
		}
	return 0;
}

static unsigned choose_spi(const struct scenario *s, unsigned t)
{
	for (unsigned i = 0; i < PHIDIAS_VGIC_NR_IRQS - 32; i++) {
		unsigned irq = LINK_SPI_FIRST + i;

		if (irq >= PHIDIAS_VGIC_NR_IRQS)
			irq -= PHIDIAS_VGIC_NR_IRQS - 32;
		if (!spi_used(s, t, irq))
			return irq;
	}
	return 0;
}

static void add_cap(struct vm *vm, const char *target, unsigned irq,
		    long line, unsigned link)
{
	struct cap *c;

	vm->caps = xreallocarray(vm->caps, vm->nr_caps + 1, sizeof(*vm->caps));
	c = &vm->caps[vm->nr_caps++];
	memset(c, 0, sizeof(*c));
	c->type = xstrdup("ipc");
	c->target = xstrdup(target);
	c->param = irq;
	c->line = line;
	c->link = link;
}

static void add_mapping(struct vm *vm, const char *name, unsigned shmem,
			uint64_t ipa, long line, unsigned link)
{
	struct vm_shmem *m;

	vm->shm = xreallocarray(vm->shm, vm->nr_shm + 1, sizeof(*vm->shm));
	m = &vm->shm[vm->nr_shm++];
	memset(m, 0, sizeof(*m));
	m->ref = xstrdup(name);
	m->shmem = shmem;
	m->resolved = 1;
	m->ipa = ipa;
	m->line = line;
	m->link = link;
}

/* Region, mappings and caps of a link that passed every check. */
static void expand(struct scenario *s, unsigned li)
{
	struct link *l = &s->links[li];
	uint64_t size = link_geometry(l);
	struct shmem *m;
	char buf[32];

	for (unsigned e = 0; e < 2; e++) {
		struct link_end *end = &l->ends[e];

		end->ipa = choose_ipa(s, &s->vms[end->vm], size);
		end->irq = choose_spi(s, end->vm);
		if (!end->ipa)
			diag_error(s->file, end->line, "no room for link '%s' "
				   "(%s) in the link window 0x%llx-0x%llx of VM "
				   "'%s'; use fewer or smaller links (mtu, slots)",
				   l->name, fmt_size(size, buf, sizeof(buf)),
				   LINK_WINDOW_BASE, LINK_WINDOW_END - 1,
				   end->vm_name);
		if (!end->irq)
			diag_error(s->file, end->line, "no free SPI left in VM "
				   "'%s' for the doorbell of link '%s'",
				   end->vm_name, l->name);
		if (!end->ipa || !end->irq)
			return;
	}
	/* Both ends placed: the region, then one cap per end. */
	s->shmems = xreallocarray(s->shmems, s->nr_shmems + 1, sizeof(*s->shmems));
	l->shmem = s->nr_shmems;
	m = &s->shmems[s->nr_shmems++];
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(l->name);
	m->size = size;
	m->line = l->line;
	m->nr_users = 2;
	m->link = li + 1;
	for (unsigned e = 0; e < 2; e++) {
		struct link_end *end = &l->ends[e];
		struct vm *vm = &s->vms[end->vm];

		add_mapping(vm, l->name, l->shmem, end->ipa, end->line, li + 1);
		end->cap = vm->nr_caps;
		/* this end rings the other with the SPI chosen there */
		add_cap(vm, l->ends[1 - e].vm_name, l->ends[1 - e].irq, end->line,
			li + 1);
	}
	l->expanded = 1;
}

void link_expand(struct scenario *s)
{
	int *ok = xcalloc(s->nr_links, sizeof(*ok));
	char b1[18];

	for (unsigned i = 0; i < s->nr_links; i++) {
		struct link *l = &s->links[i];

		ok[i] = 1;
		for (unsigned j = 0; j < i; j++)
			if (!strcmp(s->links[j].name, l->name)) {
				diag_error(s->file, l->line, "duplicate link name "
					   "'%s' (first used at line %ld); give "
					   "every link its own name", l->name,
					   s->links[j].line);
				ok[i] = 0;
				break;
			}
		for (unsigned j = 0; j < s->nr_shmems; j++)
			if (!s->shmems[j].link && !strcmp(s->shmems[j].name, l->name)) {
				diag_error(s->file, l->line, "link name '%s' is "
					   "already the name of a shared region "
					   "(line %ld); links and shared regions "
					   "share one name space", l->name,
					   s->shmems[j].line);
				ok[i] = 0;
			}
		if (l->nr_ends != 2) {
			diag_error(s->file, l->line, "link '%s' has %u <end>%s; "
				   "a link joins exactly two VMs: give two <end "
				   "vm=\"...\"/>", l->name, l->nr_ends,
				   l->nr_ends == 1 ? "" : "s");
			ok[i] = 0;
			continue;
		}
		for (unsigned e = 0; e < 2; e++) {
			struct link_end *end = &l->ends[e];

			end->vm = find_vm(s, end->vm_name);
			if (end->vm == s->nr_vms) {
				diag_error(s->file, end->line, "link '%s' names "
					   "unknown VM '%s'; <end vm> must name a "
					   "VM of this scenario", l->name,
					   end->vm_name);
				ok[i] = 0;
			}
		}
		if (!ok[i])
			continue;
		if (!strcmp(l->ends[0].vm_name, l->ends[1].vm_name)) {
			diag_error(s->file, l->ends[1].line, "link '%s' joins VM "
				   "'%s' to itself; its two ends must be two "
				   "different VMs", l->name, l->ends[1].vm_name);
			ok[i] = -1;	/* its MACs are not compared either */
			continue;
		}
		/* Both addresses valid (an invalid one has its error already). */
		if (l->ends[0].ip_prefix && l->ends[1].ip_prefix) {
			const struct link_end *a = &l->ends[0], *b = &l->ends[1];
			uint32_t mask = 0xffffffffu << (32 - a->ip_prefix);

			if (a->ip_addr == b->ip_addr) {
				diag_error(s->file, b->line, "ip %s of VM '%s' "
					   "on link '%s' is also the address of "
					   "VM '%s' (line %ld); give each end its "
					   "own address", b->ip, b->vm_name,
					   l->name, a->vm_name, a->line);
				ok[i] = 0;
			} else if (a->ip_prefix != b->ip_prefix ||
				   ((a->ip_addr ^ b->ip_addr) & mask)) {
				diag_warning(s->file, b->line, "ip %s of VM '%s' "
					     "and ip %s of VM '%s' on link '%s' "
					     "are not in one subnet; the VMs will "
					     "need routes to reach each other",
					     b->ip, b->vm_name, a->ip,
					     a->vm_name, l->name);
			}
		}
	}
	/* MACs are unique over the whole scenario (explicit or derived). */
	for (unsigned i = 0; i < s->nr_links; i++)
		for (unsigned e = 0; e < 2 && e < s->links[i].nr_ends; e++) {
			const struct link_end *x = &s->links[i].ends[e];
			int dup = 0;

			if (ok[i] < 0)
				continue;
			for (unsigned j = 0; j <= i && !dup; j++)
				for (unsigned f = 0; f < 2 && f < s->links[j].nr_ends; f++) {
					const struct link_end *y = &s->links[j].ends[f];

					if (ok[j] < 0 || (j == i && f >= e))
						break;
					if (memcmp(x->mac, y->mac, 6))
						continue;
					diag_error(s->file, x->line, "mac %s of "
						   "VM '%s' on link '%s'%s is "
						   "already the mac of VM '%s' on "
						   "link '%s' (line %ld); every end "
						   "needs its own", fmt_mac(x->mac, b1),
						   x->vm_name, s->links[i].name,
						   x->mac_given ? "" : " (derived)",
						   y->vm_name, s->links[j].name,
						   y->line);
					ok[i] = 0;
					dup = 1;
					break;
				}
		}
	for (unsigned i = 0; i < s->nr_links; i++)
		if (ok[i] > 0)
			expand(s, i);
	free(ok);
}

/* ---- device tree (docs/devicetree.md, "Links") ---- */

static void put_reg(FILE *f, uint64_t base, uint64_t size)
{
	fprintf(f, "\t\t\treg = <0x%llx 0x%llx 0x%llx 0x%llx>;\n",
		(unsigned long long)(base >> 32),
		(unsigned long long)(base & 0xffffffffu),
		(unsigned long long)(size >> 32),
		(unsigned long long)(size & 0xffffffffu));
}

void link_dts_reserved(const struct scenario *s, const struct vm_shmem *vs,
		       FILE *f)
{
	fprintf(f, "\n\t\tphidias_link%u: link@%llx {\n", vs->link - 1,
		(unsigned long long)vs->ipa);
	put_reg(f, vs->ipa, s->shmems[vs->shmem].size);
	fprintf(f, "\t\t\tno-map;\n\t\t};\n");
}

void link_dts_nodes(const struct scenario *s, const struct vm *vm, FILE *f)
{
	for (unsigned i = 0; i < s->nr_links; i++) {
		const struct link *l = &s->links[i];

		if (!l->expanded)
			continue;
		for (unsigned e = 0; e < 2; e++) {
			const struct link_end *end = &l->ends[e];

			if (end->vm != vm->id)
				continue;
			fprintf(f, "\n\t\tshmnet@%llx {\n"
				"\t\t\tcompatible = \"phidias,shmnet\";\n",
				(unsigned long long)end->ipa);
			put_reg(f, end->ipa, s->shmems[l->shmem].size);
			fprintf(f, "\t\t\tmemory-region = <&phidias_link%u>;\n"
				"\t\t\tphidias,name = \"%s\";\n"
				"\t\t\tphidias,end = <%u>;\n"
				"\t\t\tphidias,peer = \"%s\";\n"
				"\t\t\tphidias,mtu = <%u>;\n"
				"\t\t\tphidias,ring-slots = <%u>;\n"
				"\t\t\tphidias,slot-size = <%u>;\n"
				"\t\t\tphidias,cap = <%u>;\n"
				"\t\t\tinterrupts = <0 %u 1>;\n"
				"\t\t\tlocal-mac-address = [%02x %02x %02x %02x "
				"%02x %02x];\n", i, l->name, e,
				l->ends[1 - e].vm_name, l->mtu, l->nr_slots,
				l->slot_size, end->cap, end->irq - 32,
				end->mac[0], end->mac[1], end->mac[2],
				end->mac[3], end->mac[4], end->mac[5]);
			if (end->ip)
				fprintf(f, "\t\t\tphidias,ip = \"%s\";\n", end->ip);
			fprintf(f, "\t\t};\n");
		}
	}
}

/* ---- memmap.txt ---- */

char *link_memmap_host(const struct scenario *s, const struct shmem *sh)
{
	const struct link *l = link_of(s, sh->link);

	if (!l)
		return xstrdup("link ?");	/* only called for a link's region */
	return xasprintf("link '%s' (shmnet, VM '%s' <-> VM '%s', MTU %u, %u "
			 "slots of %u bytes)", l->name, l->ends[0].vm_name,
			 l->ends[1].vm_name, l->mtu, l->nr_slots, l->slot_size);
}

char *link_memmap_guest(const struct scenario *s, const struct vm *vm,
			const struct vm_shmem *vs)
{
	const struct link *l = link_of(s, vs->link);
	unsigned e;
	char mac[18];

	if (!l)
		return xstrdup("link ?");	/* only called for a link's mapping */
	e = l->ends[0].vm == vm->id ? 0 : 1;

	return xasprintf("link '%s' end %u to VM '%s' (rw, mac %s, cap %u, "
			 "doorbell INTID %u) -> PA 0x%llx", l->name, e,
			 l->ends[1 - e].vm_name, fmt_mac(l->ends[e].mac, mac),
			 l->ends[e].cap, l->ends[e].irq,
			 (unsigned long long)s->shmems[vs->shmem].base);
}
