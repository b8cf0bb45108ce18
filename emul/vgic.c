/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual GICv2 (ARM IHI 0048B).
 *
 * The guest's CPU interface is the physical GICV, mapped by stage 2.  The
 * distributor is trapped and emulated here, per VM, over a model of every
 * interrupt's state (struct virq).  The list registers only carry that
 * state while a vCPU runs: virq_sync() folds them back into the model at
 * every exit, virq_flush() refills them at every entry with the active
 * interrupts (which must stay resident) and then the highest-priority
 * pending ones.  When more are pending than there are list registers the
 * maintenance interrupt (underflow / no pending) brings the vCPU back out
 * to refill.
 *
 * Interrupts from hardware a VM owns (its virtual timer, passed-through
 * SPIs) are injected hardware-linked: the guest's EOI deactivates the
 * physical interrupt (GICv2 5.4.1).
 *
 * One lock per VM protects its model; list registers are touched only by
 * the CPU that runs the vCPU.
 *
 * Refills run on every guest entry, so they look only at interrupts marked
 * "live": every change that can make an interrupt pending, active or
 * deliverable marks it, and a refill that finds it idle unmarks it.
 */
#include <phidias_gen.h>
#include <arch/spinlock.h>
#include <drivers/gicv2.h>
#include <drivers/gicv2_regs.h>
#include <emul/vgic.h>
#include <phidias/config.h>
#include <phidias/mmio.h>
#include <phidias/pcpu.h>
#include <phidias/string.h>
#include <phidias/vcpu.h>
#include <phidias/virq.h>
#include <phidias/vm.h>

#define NR_IRQS PHIDIAS_VGIC_NR_IRQS
#define NR_PRIV 32
#define NR_SGIS 16
#define MAX_LRS 16
#define NO_IRQ 0xffffffffu


#define IIDR_GIC400 0x0200143bu
#define PRIO_MASK 0xf8u		/* 32 levels: what a list register holds */

struct virq {
	uint8_t enabled;
	uint8_t pending;	/* besides what a list register holds */
	uint8_t active;
	uint8_t level;		/* line level, level-sensitive sources */
	uint8_t edge;		/* GICD_ICFGR: edge-triggered */
	uint8_t group;
	uint8_t prio;
	uint8_t targets;	/* SPIs: vCPU mask (GICD_ITARGETSR) */
	uint8_t hw;		/* hardware-linked, physical INTID = virtual */
	uint8_t sgi_src;	/* SGIs: pending per source vCPU */
	uint8_t active_src;	/* SGIs: source of the active one */
};

struct vgic_cpu {
	struct virq priv[NR_PRIV];	/* SGIs and PPIs are banked */
	uint32_t vmcr, apr;
	uint32_t lr_irq[MAX_LRS];	/* INTID | source << 10 of each used LR */
	uint32_t lr_used;		/* bit mask */
	uint32_t live;			/* SGIs/PPIs that may be pending or active */
	uint8_t vtimer_active;	/* physical PPI active while switched out */
	uint8_t vtimer_stale;	/* VM reset: the physical PPI's active state is void */
};

struct vgic {
	spinlock_t lock;
	struct vm *vm;
	uint32_t ctlr;
	struct virq spi[NR_IRQS - NR_PRIV];
	uint32_t spi_live[(NR_IRQS - NR_PRIV) / 32];	/* likewise for SPIs */
};

static struct vgic vgics[PHIDIAS_NR_VMS];
static struct vgic_cpu cpus[PHIDIAS_NR_VCPUS];
static struct vm *spi_owner[NR_IRQS];	/* passed-through SPIs */
static uint32_t nr_lrs;

static const uint8_t pidr[12] = { 0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0x00,
				  0x0d, 0xf0, 0x05, 0xb1 };

/* The VM's vGIC, or NULL if the VM has none (no interrupts at all). */
static struct vgic *vgic_of(const struct vm *vm)
{
	struct vgic *g = &vgics[vm->cfg->id];

	return g->vm ? g : 0;
}

static struct virq *virq_get(struct vgic *g, struct vcpu *v, uint32_t intid)
{
	if (intid < NR_PRIV)
		return &cpus[v->id].priv[intid];
	return &g->spi[intid - NR_PRIV];
}

static uint32_t vcpu_index(const struct vcpu *v)
{
	return v->cfg->index;
}

/* The vCPU an SPI is delivered to: the first one it targets (1-of-N). */
static struct vcpu *spi_target(struct vgic *g, const struct virq *q)
{
	for (uint32_t i = 0; i < g->vm->cfg->nr_vcpus; i++)
		if (q->targets & (1u << i))
			return &g->vm->vcpus[i];
	return 0;
}

/* v: the vCPU an SGI/PPI belongs to; SPIs are the VM's (v may be NULL). */
static void mark(struct vgic *g, const struct vcpu *v, uint32_t intid)
{
	if (intid < NR_PRIV) {
		if (v)
			cpus[v->id].live |= 1u << intid;
	} else if (intid < NR_IRQS)
		g->spi_live[(intid - NR_PRIV) / 32] |= 1u << ((intid - NR_PRIV) % 32);
}

static void mark_all(struct vgic *g)
{
	for (uint32_t i = 0; i < g->vm->cfg->nr_vcpus; i++)
		cpus[g->vm->vcpus[i].id].live = ~0u;
	for (uint32_t i = 0; i < (NR_IRQS - NR_PRIV) / 32; i++)
		g->spi_live[i] = ~0u;
}

static int is_pending(const struct virq *q, uint32_t intid)
{
	if (intid < NR_SGIS)
		return q->sgi_src != 0;
	return q->pending || (!q->edge && q->level);
}

/* -------------------------------------------------------------------------
 * Injection
 */

static void make_pending(struct vgic *g, struct vcpu *target, uint32_t intid,
			 uint32_t src)
{
	struct virq *q;

	spin_lock(&g->lock);
	if (intid >= NR_PRIV)
		target = spi_target(g, &g->spi[intid - NR_PRIV]);
	if (target) {
		q = virq_get(g, target, intid);
		if (intid < NR_SGIS)
			q->sgi_src |= (uint8_t)(1u << (src & 7));
		else
			q->pending = 1;
		mark(g, target, intid);
	} else if (intid >= NR_PRIV) {
		g->spi[intid - NR_PRIV].pending = 1;	/* waits for a target */
		mark(g, 0, intid);
	}
	spin_unlock(&g->lock);
	if (target)
		vcpu_kick(target);
}

void virq_inject(struct vm *vm, uint32_t intid, struct vcpu *target, uint32_t src)
{
	if (intid >= NR_IRQS || (intid < NR_PRIV && !target) || !vgic_of(vm))
		return;
	make_pending(vgic_of(vm), target, intid, src);
}

void virq_set_level(struct vm *vm, uint32_t intid, int level)
{
	struct vgic *g = vgic_of(vm);
	struct vcpu *target;

	if (intid < NR_PRIV || intid >= NR_IRQS || !g)
		return;
	spin_lock(&g->lock);
	g->spi[intid - NR_PRIV].level = (uint8_t)(level != 0);
	mark(g, 0, intid);
	target = spi_target(g, &g->spi[intid - NR_PRIV]);
	spin_unlock(&g->lock);
	if (level && target)
		vcpu_kick(target);
}

int virq_physical(uint32_t intid)
{
	struct vcpu *cur = this_pcpu()->current;
	struct vm *owner;

	if (intid == phidias_config.plat.virt_timer_irq) {
		/* Fired for the vCPU whose timer is loaded on this CPU. */
		if (!cur || !vgic_of(cur->vm))
			return 0;
		make_pending(vgic_of(cur->vm), cur, PHIDIAS_GUEST_VTIMER_IRQ, 0);
		return 1;
	}
	owner = intid < NR_IRQS ? spi_owner[intid] : 0;
	if (!owner)
		return 0;
	make_pending(vgic_of(owner), 0, intid, 0);
	return 1;
}

/*
 * Call fn on each live interrupt of v (its SGIs/PPIs, the VM's SPIs); an
 * interrupt found idle is unmarked.  Stops when fn returns non-zero.
 */
static int for_each_live(struct vgic *g, struct vcpu *v,
			 int (*fn)(struct vgic *, struct vcpu *, uint32_t, void *), void *arg)
{
	uint32_t *words[1 + (NR_IRQS - NR_PRIV) / 32];
	uint32_t nr_words = 0;

	words[nr_words++] = &cpus[v->id].live;
	for (uint32_t i = 0; i < (NR_IRQS - NR_PRIV) / 32; i++)
		words[nr_words++] = &g->spi_live[i];
	for (uint32_t w = 0; w < nr_words; w++) {
		uint32_t bits = *words[w];

		while (bits) {
			uint32_t b = (uint32_t)__builtin_ctz(bits);
			uint32_t intid = w * 32 + b;
			struct virq *q = virq_get(g, v, intid);

			bits &= bits - 1;
			if (!q->active && !is_pending(q, intid)) {
				*words[w] &= ~(1u << b);
				continue;
			}
			if (fn(g, v, intid, arg))
				return 1;
		}
	}
	return 0;
}

static int deliverable(struct vgic *g, struct vcpu *v, uint32_t intid, void *arg)
{
	struct virq *q = virq_get(g, v, intid);

	(void)arg;
	if (intid >= NR_PRIV && spi_target(g, q) != v)
		return 0;
	return q->enabled && is_pending(q, intid) && (g->ctlr & 1);
}

int virq_pending(struct vcpu *v)
{
	struct vgic *g = vgic_of(v->vm);
	int found;

	if (!g)
		return 0;
	spin_lock(&g->lock);
	found = for_each_live(g, v, deliverable, 0);
	spin_unlock(&g->lock);
	return found;
}

/* -------------------------------------------------------------------------
 * List registers
 */

void virq_sync(struct vcpu *v)
{
	struct vgic *g = vgic_of(v->vm);
	struct vgic_cpu *c = &cpus[v->id];

	if (!g || !c->lr_used)
		return;
	spin_lock(&g->lock);
	for (uint32_t i = 0; i < nr_lrs; i++) {
		uint32_t lr, intid, src;
		struct virq *q;

		if (!(c->lr_used & (1u << i)))
			continue;
		lr = gich_read_lr(i);
		gich_write_lr(i, 0);
		intid = c->lr_irq[i] & 0x3ff;
		src = c->lr_irq[i] >> 10;
		q = virq_get(g, v, intid);
		mark(g, v, intid);
		/* A level-sensitive line is its own pending state, not the LR's. */
		if ((lr & GICH_LR_PENDING) && (q->edge || q->hw || intid < NR_SGIS)) {
			if (intid < NR_SGIS)
				q->sgi_src |= (uint8_t)(1u << src);
			else
				q->pending = 1;
		}
		q->active = (lr & GICH_LR_ACTIVE) != 0;
		if (q->active && intid < NR_SGIS)
			q->active_src = (uint8_t)src;
	}
	c->lr_used = 0;
	spin_unlock(&g->lock);
}

/*
 * Rank for the list registers, lowest first: active ones, then by priority,
 * then by INTID.  Fields: INTID bits 0-9, priority bits 10-17, not-active 20.
 */
static uint32_t rank(const struct virq *q, uint32_t intid)
{
	return (q->active ? 0 : 1u << 20) | ((uint32_t)q->prio << 10) | intid;
}

static int is_candidate(struct vgic *g, const struct vcpu *v, const struct virq *q, uint32_t intid)
{
	if (intid >= NR_PRIV && spi_target(g, q) != v)
		return 0;
	if (q->active)
		return 1;
	return q->enabled && (g->ctlr & 1) && is_pending(q, intid);
}

struct cand_list {
	uint32_t *list;
	uint32_t n;
};

static int collect(struct vgic *g, struct vcpu *v, uint32_t intid, void *arg)
{
	struct cand_list *c = arg;

	if (is_candidate(g, v, virq_get(g, v, intid), intid))
		c->list[c->n++] = intid;
	return 0;
}

void virq_flush(struct vcpu *v)
{
	struct vgic *g = vgic_of(v->vm);
	struct vgic_cpu *c = &cpus[v->id];
	uint32_t chosen[MAX_LRS], cand[NR_IRQS];
	struct cand_list cands;
	uint32_t n, nr_cand, hcr = GICH_HCR_EN;
	int overflow, lr_pending = 0;

	if (!g) {
		gich_write_hcr(0);	/* no virtual CPU interface for this VM */
		return;
	}
	if (c->vtimer_stale) {
		/* The vCPU was reset while loaded here: its old timer interrupt is over. */
		gic_set_ppi_active(phidias_config.plat.virt_timer_irq, 0);
		c->vtimer_stale = 0;
	}
	spin_lock(&g->lock);
	/* One pass over the live ones collects what could go into a list register ... */
	cands.list = cand;
	cands.n = 0;
	for_each_live(g, v, collect, &cands);
	nr_cand = cands.n;
	/* ... then the best nr_lrs of them, by rank (a partial selection sort). */
	for (n = 0; n < nr_cand && n < nr_lrs; n++) {
		uint32_t best = n;

		for (uint32_t k = n + 1; k < nr_cand; k++)
			if (rank(virq_get(g, v, cand[k]), cand[k]) <
			    rank(virq_get(g, v, cand[best]), cand[best]))
				best = k;
		chosen[n] = cand[best];
		cand[best] = cand[n];
	}
	overflow = nr_cand > n;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t intid = chosen[i], src = 0;
		struct virq *q = virq_get(g, v, intid);
		uint32_t lr = GICH_LR_VIRTUAL(intid) | GICH_LR_PRIO(q->prio) |
			      (q->group ? GICH_LR_GROUP1 : 0);

		if (q->active)
			lr |= GICH_LR_ACTIVE;
		if (intid < NR_SGIS) {
			if (q->active) {
				src = q->active_src;
			} else {
				src = (uint32_t)__builtin_ctz(q->sgi_src);
				q->sgi_src &= (uint8_t)~(1u << src);
				lr |= GICH_LR_PENDING;
				if (q->sgi_src)
					overflow = 1;	/* more sources wait for this SGI */
			}
			lr |= GICH_LR_CPUID(src);
		} else if (q->hw) {
			/* Hardware-linked: never pending and active at once. */
			if (!q->active)
				lr |= GICH_LR_PENDING;
			q->pending = 0;
			lr |= GICH_LR_HW | GICH_LR_PHYS(intid);
		} else if (is_pending(q, intid) && q->enabled && (g->ctlr & 1)) {
			lr |= GICH_LR_PENDING;
			q->pending = 0;
		}
		if (lr & GICH_LR_PENDING)
			lr_pending = 1;
		if (!q->edge && !q->hw && intid >= NR_SGIS)
			lr |= GICH_LR_EOI;	/* level: re-check the line after EOI */
		gich_write_lr(i, lr);
		c->lr_irq[i] = intid | src << 10;
		c->lr_used |= 1u << i;
	}
	if (overflow) {
		/* Come back when the guest has made room (GICv2 5.3.1). */
		hcr |= GICH_HCR_UIE;
		if (lr_pending)
			hcr |= GICH_HCR_NPIE;
	}
	gich_write_hcr(hcr);
	spin_unlock(&g->lock);
}

void virq_maintenance(void)
{
	/*
	 * The maintenance interrupt is a level: it stays asserted while the
	 * underflow / no-pending conditions hold.  Quiesce it here; the refill
	 * on the way back to the guest sets them again if still needed.
	 */
	gich_write_hcr(GICH_HCR_EN);
}

void virq_switch(struct vcpu *prev, struct vcpu *next)
{
	uint32_t ppi = phidias_config.plat.virt_timer_irq;

	if (prev) {
		struct vgic_cpu *c = &cpus[prev->id];

		/* Reset while loaded (vm_reset): the live interface state is the
		 * old guest's; keep the reset values. */
		if (!prev->reload) {
			c->vmcr = gich_read_vmcr();
			c->apr = gich_read_apr();
		}
		/* The physical timer interrupt stays active until the guest's EOI. */
		c->vtimer_active = (uint8_t)(gic_ppi_active(ppi) && !c->vtimer_stale);
		c->vtimer_stale = 0;
		gic_set_ppi_active(ppi, 0);
	}
	{
		struct vgic_cpu *c = &cpus[next->id];

		gich_write_vmcr(c->vmcr);
		gich_write_apr(c->apr);
		if (c->vtimer_active)
			gic_set_ppi_active(ppi, 1);
	}
}

/* -------------------------------------------------------------------------
 * Distributor registers
 */

enum bitreg { ENABLE, PEND, ACTIVE, GROUP };

static uint32_t bits_read(struct vgic *g, struct vcpu *v, uint32_t first, enum bitreg r)
{
	uint32_t val = 0;

	for (uint32_t i = 0; i < 32 && first + i < NR_IRQS; i++) {
		struct virq *q = virq_get(g, v, first + i);
		int b = 0;

		switch (r) {
		case ENABLE: b = q->enabled; break;
		case PEND: b = is_pending(q, first + i); break;
		case ACTIVE: b = q->active; break;
		case GROUP: b = q->group; break;
		}
		val |= (uint32_t)b << i;
	}
	return val;
}

static void bits_write(struct vgic *g, struct vcpu *v, uint32_t first,
		       enum bitreg r, int set, uint32_t val)
{
	for (uint32_t i = 0; i < 32 && first + i < NR_IRQS; i++) {
		uint32_t intid = first + i;
		struct virq *q = virq_get(g, v, intid);

		if (!(val & (1u << i)))
			continue;
		mark(g, v, intid);
		switch (r) {
		case ENABLE:
			if (intid < NR_SGIS)
				break;		/* SGIs always enabled, as GIC-400 */
			q->enabled = (uint8_t)set;
			if (q->hw && intid >= NR_PRIV) {
				if (set)
					gic_enable_irq(intid, g->vm->vcpus[0].cfg->pcpu);
				else
					gic_disable_irq(intid);
			}
			break;
		case PEND:
			if (intid < NR_SGIS || q->hw)
				break;		/* SGIs: through S/CPENDSGIR */
			q->pending = (uint8_t)set;
			break;
		case ACTIVE:
			if (!q->hw)
				q->active = (uint8_t)set;
			break;
		case GROUP:
			q->group = (uint8_t)set;
			break;
		}
	}
}

static uint32_t bytes_read(struct vgic *g, struct vcpu *v, uint64_t reg, uint32_t size)
{
	uint32_t val = 0;
	uint32_t first = (uint32_t)(reg & 0x3ff);

	for (uint32_t i = 0; i < size; i++) {
		uint32_t intid = first + i;
		struct virq *q;
		uint32_t b;

		if (intid >= NR_IRQS)
			break;
		q = virq_get(g, v, intid);
		if ((reg & ~0x3ffull) == GICD_IPRIORITYR)
			b = q->prio;
		else if (intid < NR_PRIV)
			b = 1u << vcpu_index(v);	/* ITARGETSR of banked ones: self */
		else
			b = q->targets;
		val |= b << (8 * i);
	}
	return val;
}

static void bytes_write(struct vgic *g, struct vcpu *v, uint64_t reg, uint32_t size,
			uint32_t val)
{
	uint32_t first = (uint32_t)(reg & 0x3ff);
	uint8_t all = (uint8_t)((1u << g->vm->cfg->nr_vcpus) - 1);

	for (uint32_t i = 0; i < size; i++) {
		uint32_t intid = first + i;
		uint8_t b = (uint8_t)(val >> (8 * i));

		if (intid >= NR_IRQS)
			break;
		if ((reg & ~0x3ffull) == GICD_IPRIORITYR)
			virq_get(g, v, intid)->prio = b & PRIO_MASK;
		else if (intid >= NR_PRIV) {
			g->spi[intid - NR_PRIV].targets = b & all;
			mark(g, v, intid);
		}
	}
}

static void sgir_write(struct vgic *g, struct vcpu *v, uint32_t val, struct vcpu **kick)
{
	uint32_t sgi = val & 0xf;
	uint32_t filter = (val >> 24) & 3;
	uint32_t list = (val >> 16) & 0xff;
	uint32_t self = vcpu_index(v);

	if (filter == 1)
		list = ~(1u << self);
	else if (filter == 2)
		list = 1u << self;
	else if (filter == 3)
		return;
	for (uint32_t i = 0; i < g->vm->cfg->nr_vcpus; i++) {
		if (!(list & (1u << i)))
			continue;
		cpus[g->vm->vcpus[i].id].priv[sgi].sgi_src |= (uint8_t)(1u << self);
		mark(g, &g->vm->vcpus[i], sgi);
		kick[i] = &g->vm->vcpus[i];
	}
}

static int byte_ok(uint64_t off)
{
	return (off >= GICD_IPRIORITYR && off < GICD_ICFGR) ||
	       (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16);
}

static uint32_t dist_read(struct vgic *g, struct vcpu *v, uint64_t off, uint32_t size)
{
	uint64_t reg = off & ~3ull;
	uint32_t first = (uint32_t)((reg & 0x7f) * 8);

	if (off >= GICD_IPRIORITYR && off < GICD_ICFGR)
		return bytes_read(g, v, off, size);
	if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16) {
		uint32_t val = 0;

		for (uint32_t i = 0; i < size; i++)
			val |= (uint32_t)cpus[v->id].priv[(off & 0xf) + i].sgi_src << (8 * i);
		return val;
	}
	switch (reg) {
	case GICD_CTLR:
		return g->ctlr;
	case GICD_TYPER:
		return (NR_IRQS / 32 - 1) | ((g->vm->cfg->nr_vcpus - 1) << 5);
	case GICD_IIDR:
		return IIDR_GIC400;
	}
	if (reg >= GICD_IGROUPR && reg < GICD_ISENABLER)
		return bits_read(g, v, first, GROUP);
	if (reg >= GICD_ISENABLER && reg < GICD_ISPENDR)
		return bits_read(g, v, first, ENABLE);
	if (reg >= GICD_ISPENDR && reg < GICD_ISACTIVER)
		return bits_read(g, v, first, PEND);
	if (reg >= GICD_ISACTIVER && reg < GICD_IPRIORITYR)
		return bits_read(g, v, first, ACTIVE);
	if (reg >= GICD_ICFGR && reg < GICD_ICFGR + NR_IRQS / 4) {
		uint32_t base = (uint32_t)(reg - GICD_ICFGR) * 4, val = 0;

		for (uint32_t i = 0; i < 16; i++)
			val |= (uint32_t)(virq_get(g, v, base + i)->edge ? 2 : 0) << (2 * i);
		return val;
	}
	if (reg >= GICD_PIDR && reg < 0x1000)
		return pidr[(reg - GICD_PIDR) / 4];
	return 0;		/* reserved or beyond NR_IRQS: RAZ */
}

static void dist_write(struct vgic *g, struct vcpu *v, uint64_t off, uint32_t size,
		       uint32_t val, struct vcpu **kick)
{
	uint64_t reg = off & ~3ull;
	uint32_t first = (uint32_t)((reg & 0x7f) * 8);

	if (off >= GICD_IPRIORITYR && off < GICD_ICFGR) {
		bytes_write(g, v, off, size, val);
		return;
	}
	if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16) {
		for (uint32_t i = 0; i < size; i++) {
			struct virq *q = &cpus[v->id].priv[(off & 0xf) + i];
			uint8_t b = (uint8_t)(val >> (8 * i));

			if (off >= GICD_SPENDSGIR) {
				q->sgi_src |= b;
				mark(g, v, (uint32_t)(off & 0xf) + i);
			}
			else
				q->sgi_src &= (uint8_t)~b;
		}
		return;
	}
	if (reg == GICD_CTLR) {
		g->ctlr = val & 1;
		mark_all(g);
	}
	else if (reg == GICD_SGIR)
		sgir_write(g, v, val, kick);
	else if (reg >= GICD_IGROUPR && reg < GICD_ISENABLER) {
		/* A plain register, not set/clear: ones set, zeros clear. */
		bits_write(g, v, first, GROUP, 1, val);
		bits_write(g, v, first, GROUP, 0, ~val);
	}
	else if (reg >= GICD_ISENABLER && reg < GICD_ICENABLER)
		bits_write(g, v, first, ENABLE, 1, val);
	else if (reg >= GICD_ICENABLER && reg < GICD_ISPENDR)
		bits_write(g, v, first, ENABLE, 0, val);
	else if (reg >= GICD_ISPENDR && reg < GICD_ICPENDR)
		bits_write(g, v, first, PEND, 1, val);
	else if (reg >= GICD_ICPENDR && reg < GICD_ISACTIVER)
		bits_write(g, v, first, PEND, 0, val);
	else if (reg >= GICD_ISACTIVER && reg < GICD_ICACTIVER)
		bits_write(g, v, first, ACTIVE, 1, val);
	else if (reg >= GICD_ICACTIVER && reg < GICD_IPRIORITYR)
		bits_write(g, v, first, ACTIVE, 0, val);
	else if (reg >= GICD_ICFGR + 8 && reg < GICD_ICFGR + NR_IRQS / 4) {
		/* SGIs are edge and PPIs level, fixed; SPIs configurable. */
		uint32_t base = (uint32_t)(reg - GICD_ICFGR) * 4;

		for (uint32_t i = 0; i < 16; i++)
			if (!virq_get(g, v, base + i)->hw)
				virq_get(g, v, base + i)->edge = (uint8_t)((val >> (2 * i + 1)) & 1);
	}
	/* everything else: read-only or reserved, WI */
}

static enum mmio_result vgicd_access(struct vcpu *v, void *opaque, struct mmio_access *acc)
{
	struct vgic *g = opaque;
	struct vcpu *kick[8] = { 0 };
	int kick_all;

	if (acc->size != 4 && !(acc->size == 1 && byte_ok(acc->offset)))
		return MMIO_ERROR;
	if (acc->offset & (acc->size - 1))
		return MMIO_ERROR;
	spin_lock(&g->lock);
	if (acc->write)
		dist_write(g, v, acc->offset, acc->size, (uint32_t)acc->value, kick);
	else
		acc->value = dist_read(g, v, acc->offset, acc->size);
	spin_unlock(&g->lock);
	/* Enabling, pending or routing something may have made it deliverable. */
	kick_all = acc->write && acc->offset != GICD_SGIR;
	for (uint32_t i = 0; i < g->vm->cfg->nr_vcpus; i++)
		if (kick[i] || kick_all)
			vcpu_kick(&g->vm->vcpus[i]);
	return MMIO_HANDLED;
}

static void reset(struct vgic *g)
{
	for (uint32_t j = 0; j < g->vm->cfg->nr_vcpus; j++) {
		struct vgic_cpu *c = &cpus[g->vm->vcpus[j].id];

		memset(c->priv, 0, sizeof(c->priv));
		for (uint32_t i = 0; i < NR_SGIS; i++) {
			c->priv[i].enabled = 1;
			c->priv[i].edge = 1;
		}
		c->priv[PHIDIAS_GUEST_VTIMER_IRQ].hw = 1;
		c->vmcr = 0;
		c->apr = 0;
		c->vtimer_active = 0;
		c->vtimer_stale = 1;
		c->live = 0;
	}
	for (uint32_t i = 0; i < NR_IRQS - NR_PRIV; i++) {
		uint8_t hw = g->spi[i].hw;

		if (hw) {
			/* Whatever the old guest left active or enabled is void. */
			gic_disable_irq(i + NR_PRIV);
			gic_clear_spi_active(i + NR_PRIV);
		}

		memset(&g->spi[i], 0, sizeof(g->spi[i]));
		g->spi[i].hw = hw;
	}
	g->ctlr = 0;
	memset(g->spi_live, 0, sizeof(g->spi_live));
}

void virq_reset_vm(struct vm *vm)
{
	struct vgic *g = vgic_of(vm);

	if (!g)
		return;
	spin_lock(&g->lock);
	reset(g);
	spin_unlock(&g->lock);
}

int vgic_init(struct vm *vm, const struct phidias_emul_dev *dev)
{
	struct vgic *g = &vgics[vm->cfg->id];

	if (!nr_lrs) {
		nr_lrs = gich_nr_lrs();
		if (nr_lrs > MAX_LRS)
			nr_lrs = MAX_LRS;
	}
	g->vm = vm;
	for (uint32_t i = 0; i < vm->cfg->nr_irqs; i++) {
		uint32_t intid = vm->cfg->irqs[i];

		if (intid < NR_PRIV || intid >= NR_IRQS)
			continue;	/* schism rejects these */
		spi_owner[intid] = vm;
		g->spi[intid - NR_PRIV].hw = 1;
	}
	reset(g);
	return mmio_register(vm, dev->ipa, dev->size, vgicd_access, g);
}
