/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual GICv2 (ARM IHI 0048B).
 *
 * The guest's CPU interface is the physical GICV, mapped by stage 2.  The
 * distributor is trapped and emulated here, per VM, over a model of every
 * interrupt's state (struct virq).
 *
 * The list registers stay resident while a vCPU stays loaded on its CPU:
 * an exit does not touch them, and an entry refills them only when the
 * vCPU is marked dirty, i.e. when something changed for it: an injection
 * aimed at it, a maintenance interrupt, a load onto the CPU, a guest write
 * to the distributor.  A refill folds the list registers back into the
 * model (lr_sync) and writes the active interrupts (which must stay
 * resident) and then the highest-priority pending ones (lr_fill).  When
 * more are pending than there are list registers the maintenance interrupt
 * (underflow / no pending / EOI) brings the vCPU back out to refill; it is
 * requested only when its condition does not already hold, or the vCPU
 * would livelock on it.  GICH_HCR is written only when it changes.
 *
 * Interrupts from hardware a VM owns (its virtual timer, passed-through
 * SPIs) are injected hardware-linked: the guest's EOI deactivates the
 * physical interrupt (GICv2 5.4.1).
 *
 * An injection aimed at the vCPU whose list registers this CPU holds goes
 * straight into a free LR (found through GICH_ELRSR) when nothing else
 * waits for a refill; the virtual timer, the most frequent, has a path of
 * its own (vtimer_put).  Others wait in the target's inbox, and the target
 * is kicked (a message to its CPU), which refills on its way back in.
 *
 * One lock per VM protects its model; list registers are touched only by
 * the CPU that runs the vCPU.  Neither a hypercall, nor a read of a
 * distributor register that holds no interrupt state, nor an IPI
 * (GICD_SGIR), nor a doorbell takes the lock: every SGI, and every edge
 * SPI a doorbell injects, goes into the target's mailbox (atomic,
 * sgi_post, spi_post), which the target's refill folds into the model
 * (mail_fold).  So a vCPU's banked interrupts (SGIs, PPIs) change only on
 * the CPU it is pinned to, and a refill that only moves mailed interrupts
 * into free LRs takes no lock either (mail_direct).  A mailed SPI counts
 * as pending: whatever looks at the model's pending state folds every
 * vCPU's mail in first.
 *
 * Refills look only at interrupts marked "live": every change that can
 * make an interrupt pending, active or deliverable marks it, and a refill
 * that finds it idle unmarks it.
 */
#include <phidias_gen.h>
#include <arch/spinlock.h>
#include <drivers/gicv2.h>
#include <drivers/gicv2_regs.h>
#include <emul/vgic.h>
#include <phidias/config.h>
#include <phidias/errno.h>
#include <phidias/log.h>
#include <phidias/mmio.h>
#include <phidias/pcpu.h>
#include <phidias/string.h>
#include <phidias/vcpu.h>
#include <phidias/virq.h>
#include <phidias/vm.h>
#include <phidias/xcore.h>

#define NR_IRQS PHIDIAS_VGIC_NR_IRQS
/* The small helpers of the injection and refill paths: inlined, not called. */
#define HOT static inline __attribute__((always_inline))
#define NR_PRIV 32
#define NR_SGIS 16
#define MAX_LRS 16
#define NO_IRQ 0xffffffffu
#define SPI_MAIL_WORDS ((NR_IRQS - NR_PRIV + 63) / 64)

/*
 * A GICv2 distributor serves at most 8 CPU interfaces: the GICD_ITARGETSR
 * bytes, the GICD_SGIR target list and the SGI source in a list register
 * are 8-bit masks or 3-bit numbers (GICv2 4.3.12, 4.3.15, 5.3.8).  Every
 * per-vCPU mask below is sized by this; vgic_init refuses a VM with more.
 */
_Static_assert(PHIDIAS_MAX_VCPUS_PER_VM <= 8, "GICv2 CPU interface masks are 8 bits");
/* A scenario with one VM of 9+ vCPUs fails here already, at build time. */
_Static_assert(PHIDIAS_NR_VCPUS <= PHIDIAS_NR_VMS * PHIDIAS_MAX_VCPUS_PER_VM,
	       "a VM has more vCPUs than a GICv2 has CPU interfaces");


#define IIDR_GIC400 0x0200143bu
#define PRIO_MASK 0xf8u		/* 32 levels: what a list register holds */

struct virq {
	uint32_t lr_attr;	/* its priority and group as an LR has them (set_attr) */
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
	uint8_t active_cpu;	/* SPIs: index of the vCPU it is active on */
};

/* lr_irq[]: INTID | SGI source << 10 | LR_LATCHED */
#define LR_SRC_SHIFT 10
#define LR_LATCHED (1u << 13)	/* level SPI in the LR by its GICD_ISPENDR latch */

struct vgic_cpu {
	struct virq priv[NR_PRIV];	/* SGIs and PPIs are banked */
	uint32_t vmcr, apr;
	uint32_t lr_irq[MAX_LRS];	/* what each used LR holds */
	uint32_t lr_used;		/* bit mask */
	/*
	 * Of lr_used, the LRs that hold an SGI from one source or an edge SPI
	 * the model knows nothing more of (sgi_place, lr_add): pending, no
	 * EOI maintenance, not hardware-linked.  Once the guest has finished
	 * one (GICH_ELRSR) the LR is simply free again, and inert as it is
	 * (GICv2 5.3.7: no EISR bit), so it need not even be cleared.
	 */
	uint32_t lr_plain;
	uint32_t live;			/* SGIs/PPIs that may be pending or active */
	uint32_t hcr;			/* GICH_HCR for this vCPU, as last written */
	uint32_t inbox[NR_IRQS / 32];	/* injected since the last refill */
	uint32_t inbox_words;		/* which words of inbox are not 0 */
	/*
	 * SGIs sent to this vCPU (GICD_SGIR), not yet in its model: bit
	 * (sgi % 8) * 8 + source of word sgi / 8.  Set by any CPU without the
	 * lock, folded in by the refills under it (mail_fold).
	 */
	uint64_t sgi_mail[NR_SGIS / 8];
	/*
	 * Edge SPIs injected for this vCPU (virq_inject: doorbells), not yet
	 * in the model: bit (intid - 32) % 64 of word (intid - 32) / 64, the
	 * same way without the lock, folded in by the refills (mail_fold) or
	 * put straight into a list register (mail_direct).  Until then they
	 * count as pending: whatever reads or changes the model's pending
	 * state folds them in first.
	 */
	uint64_t spi_mail[SPI_MAIL_WORDS];
	uint32_t hcr_on;		/* GICH_HCR while loaded: EN, or 0 without a vGIC */
	/*
	 * More candidates than its LRs hold, the rest in the model: set by the
	 * fill that found them (which asks GICH_HCR for the maintenance that
	 * brings it back, if it can), cleared by lr_sync.  While it is set, a
	 * new interrupt may not just take a free LR.
	 */
	uint8_t overflow;
	uint8_t resident;	/* its LRs, VMCR and APR are in its CPU's GICH */
	uint8_t vtimer_active;	/* physical PPI active while switched out */
};

struct vgic {
	spinlock_t lock;
	struct vm *vm;
	uint32_t nr_cpus;	/* the VM's vCPUs, checked <= PHIDIAS_MAX_VCPUS_PER_VM */
	uint32_t ctlr;
	struct virq spi[NR_IRQS - NR_PRIV];
	uint32_t spi_live[(NR_IRQS - NR_PRIV) / 32];	/* likewise for SPIs */
};

static struct vgic vgics[PHIDIAS_NR_VMS];
static struct vgic_cpu cpus[PHIDIAS_NR_VCPUS];
static struct vm *spi_owner[NR_IRQS];	/* passed-through SPIs */
static uint32_t nr_lrs, lr_all;	/* the GICH's list registers, and their mask */

static const uint8_t pidr[12] = { 0x04, 0, 0, 0, 0x90, 0xb4, 0x2b, 0x00,
				  0x0d, 0xf0, 0x05, 0xb1 };

/* The VM's vGIC, or NULL if the VM has none (no interrupts at all). */
static struct vgic *vgic_of(const struct vm *vm)
{
	return vm->vgic;
}

HOT struct virq *virq_get(struct vgic *g, struct vcpu *v, uint32_t intid)
{
	if (intid < NR_PRIV)
		return &v->vgic->priv[intid];
	return &g->spi[intid - NR_PRIV];
}

/* An LR naming intid with its priority and group; the state bits are added. */
HOT uint32_t lr_base(const struct virq *q, uint32_t intid)
{
	return GICH_LR_VIRTUAL(intid) | q->lr_attr;
}

/* After a change of q's priority or group: its LRs' share of them. */
static void set_attr(struct virq *q)
{
	q->lr_attr = GICH_LR_PRIO(q->prio) | (q->group ? GICH_LR_GROUP1 : 0);
}

/*
 * The end of intid needs no look at a line: edge-triggered, an SGI, or
 * hardware-linked (the guest's EOI deactivates it).  A level-sensitive
 * one's LR asks for EOI maintenance to re-check the line.
 */
HOT int ends_by_itself(const struct virq *q, uint32_t intid)
{
	return q->edge || q->hw || intid < NR_SGIS;
}

static uint32_t vcpu_index(const struct vcpu *v)
{
	return v->cfg->index;
}

/* The vCPU an SPI is delivered to: the first one it targets (1-of-N). */
HOT struct vcpu *spi_target(const struct vgic *g, const struct virq *q)
{
	for (uint32_t i = 0; i < g->nr_cpus; i++)
		if (q->targets & (1u << i))
			return &g->vm->vcpus[i];
	return 0;
}

/*
 * The vCPU an SPI belongs to now: the one it is active on, where it stays
 * until that vCPU ends it (GICv2 3.2: a change of GICD_ITARGETSR moves
 * only what is signalled next), else the first one it targets.
 */
HOT struct vcpu *spi_holder(const struct vgic *g, const struct virq *q)
{
	if (q->active)
		return &g->vm->vcpus[q->active_cpu];
	return spi_target(g, q);
}

/* v: the vCPU an SGI/PPI belongs to; SPIs are the VM's (v may be NULL). */
HOT void mark_live(struct vgic *g, const struct vcpu *v, uint32_t intid)
{
	if (intid < NR_PRIV) {
		if (v)
			v->vgic->live |= 1u << intid;
	} else if (intid < NR_IRQS)
		g->spi_live[(intid - NR_PRIV) / 32] |= 1u << ((intid - NR_PRIV) % 32);
}

/* Why a vCPU must refill before its next entry (vcpu->virq_dirty). */
#define VIRQ_DIRTY_SGI0 1u	/* SGIs 0-7 in its mailbox (sgi_post) */
#define VIRQ_DIRTY_SGI1 16u	/* SGIs 8-15 likewise */
#define VIRQ_DIRTY_SGI(w) (VIRQ_DIRTY_SGI0 << 4 * (w))	/* those of mailbox word w */
#define VIRQ_DIRTY_SPI 8u	/* edge SPIs in its mailbox (spi_post) */
#define VIRQ_DIRTY_MAIL (VIRQ_DIRTY_SGI0 | VIRQ_DIRTY_SGI1 | VIRQ_DIRTY_SPI)
#define VIRQ_DIRTY_NEW 2u	/* injections listed in its inbox (inject) */
#define VIRQ_DIRTY_ALL 4u	/* anything else: a full refill */

static void set_dirty(struct vcpu *v, uint32_t why)
{
	__atomic_or_fetch(&v->virq_dirty, why, __ATOMIC_RELAXED);
}

static void dirty_all(struct vgic *g)
{
	for (uint32_t i = 0; i < g->nr_cpus; i++)
		set_dirty(&g->vm->vcpus[i], VIRQ_DIRTY_ALL);
}

/* Live, and the vCPU it concerns must refill (all of them for an SPI). */
static void mark(struct vgic *g, struct vcpu *v, uint32_t intid)
{
	mark_live(g, v, intid);
	if (intid < NR_PRIV) {
		if (v)
			set_dirty(v, VIRQ_DIRTY_ALL);
	} else {
		dirty_all(g);
	}
}

HOT int lr_reclaim(struct vgic *g, struct vcpu *v, struct vgic_cpu *c);
HOT int lr_add(struct vgic *g, struct vcpu *v, struct vgic_cpu *c, uint32_t intid);
HOT int is_candidate(struct vgic *g, const struct vcpu *v, const struct virq *q, uint32_t intid);
/* The vCPU whose list registers each physical CPU holds. */
static struct vcpu *resident_on[PHIDIAS_NR_PCPUS];

/* The LRs of c not in use. */
HOT uint32_t lr_free(const struct vgic_cpu *c)
{
	return lr_all & ~c->lr_used;
}

/* LR i of c holds irq (lr_irq[]'s encoding): written, and marked used. */
HOT void lr_put(struct vgic_cpu *c, uint32_t i, uint32_t irq, uint32_t lr)
{
	c->lr_irq[i] = irq;
	c->lr_used |= 1u << i;
	c->lr_plain &= ~(1u << i);
	gich_write_lr(i, lr);
}

/* intid into c's inbox; lock held. */
HOT void inbox_add(struct vgic_cpu *c, uint32_t intid)
{
	c->inbox[intid / 32] |= 1u << (intid % 32);
	c->inbox_words |= 1u << (intid / 32);
}

/* A mailbox word (sgi_mail, spi_mail) taken (emptied), 0 if it was empty: a load first. */
HOT uint64_t mail_take(uint64_t *word)
{
	if (!__atomic_load_n(word, __ATOMIC_RELAXED))
		return 0;
	return __atomic_exchange_n(word, 0, __ATOMIC_ACQUIRE);
}

/* Whether one of c's LRs in used holds intid. */
HOT int lr_holds(const struct vgic_cpu *c, uint32_t used, uint32_t intid)
{
	for (; used; used &= used - 1)
		if ((c->lr_irq[__builtin_ctz(used)] & 0x3ff) == intid)
			return 1;
	return 0;
}

/* A plain LR (lr_plain) irq, lr into c's first LR not in used: its bit. */
HOT uint32_t lr_put_plain(struct vgic_cpu *c, uint32_t used, uint32_t irq, uint32_t lr)
{
	uint32_t i = (uint32_t)__builtin_ctz(lr_all & ~used);

	c->lr_irq[i] = irq;
	gich_write_lr(i, lr);
	return 1u << i;
}

/*
 * Whether SGI sgi from source src may go straight into a free list register
 * of c, whose LRs this CPU holds, without the model (used: c's LRs in use):
 * when lr_add_new's condition holds (nothing waits beyond the LRs, the
 * finished ones reclaimed) and the SGI is neither pending nor active
 * anywhere yet.  (SGIs are always enabled, as on GIC-400: bits_write.)
 */
HOT int sgi_placeable(const struct vgic *g, const struct vgic_cpu *c, uint32_t used,
		      uint32_t sgi)
{
	const struct virq *q = &c->priv[sgi];

	if (!(lr_all & ~used) || q->sgi_src || q->active || !(g->ctlr & 1))
		return 0;
	return !lr_holds(c, used, sgi);
}

/* Write SGI sgi from src, sgi_placeable, into c's first LR not in used: its bit. */
HOT uint32_t sgi_lr_write(struct vgic_cpu *c, uint32_t used, uint32_t sgi, uint32_t src)
{
	return lr_put_plain(c, used, sgi | src << LR_SRC_SHIFT,
			    lr_base(&c->priv[sgi], sgi) | GICH_LR_PENDING | GICH_LR_CPUID(src));
}

/* Both of the above, under the lock (mail_fold): 0 if it may not. */
HOT int sgi_place(struct vgic *g, struct vgic_cpu *c, uint32_t sgi, uint32_t src)
{
	uint32_t bit;

	if (!sgi_placeable(g, c, c->lr_used, sgi))
		return 0;
	bit = sgi_lr_write(c, c->lr_used, sgi, src);
	c->lr_used |= bit;
	c->lr_plain |= bit;
	return 1;
}

/* Anything in c's mailboxes (a racy look: the poster kicks c's vCPU after it mails). */
HOT int mail_waits(const struct vgic_cpu *c)
{
	uint64_t any = 0;

	for (uint32_t w = 0; w < NR_SGIS / 8; w++)
		any |= __atomic_load_n(&c->sgi_mail[w], __ATOMIC_RELAXED);
	for (uint32_t w = 0; w < SPI_MAIL_WORDS; w++)
		any |= __atomic_load_n(&c->spi_mail[w], __ATOMIC_RELAXED);
	return any != 0;
}

/* What a fold of v's mail may do with it (mail_fold). */
enum fold {
	FOLD_PLACE,	/* v's own refill, its LRs here: free LRs may take them */
	FOLD_REFILL,	/* v's own full refill: into the model only */
	FOLD_ASIDE,	/* anyone else's look at the model: v refills for them */
};

HOT int spi_place(struct vgic *g, struct vcpu *v, uint32_t intid);

/* intid, new in the inbox of t, for t's next entry: unless a refill of t runs now. */
static void inbox_mark(struct vcpu *t, const struct vcpu *self, enum fold mode)
{
	if (t == self && mode != FOLD_ASIDE)
		return;
	set_dirty(t, VIRQ_DIRTY_NEW);
	if (t != self)
		xcore_kick_vcpu(t);
}

/*
 * v's mail (sgir_write's SGIs, spi_post's SPIs) into the model, as
 * injections; lock held.  SGIs only on v's own CPU (its banked state is
 * changed only there: mail_direct relies on it), SPIs from anywhere.
 */
static void __attribute__((noinline)) mail_fold_locked(struct vgic *g, struct vcpu *v,
						       enum fold mode, const struct vcpu *self)
{
	struct vgic_cpu *c = v->vgic;
	int added = 0;

	for (uint32_t w = 0; w < NR_SGIS / 8 && v == self; w++) {
		uint64_t m = mail_take(&c->sgi_mail[w]);

		while (m) {
			uint32_t b = (uint32_t)__builtin_ctzll(m), sgi = w * 8 + b / 8;

			m &= m - 1;
			if (mode == FOLD_PLACE && sgi_place(g, c, sgi, b % 8))
				continue;
			c->priv[sgi].sgi_src |= (uint8_t)(1u << (b % 8));
			c->live |= 1u << sgi;
			inbox_add(c, sgi);
			added = 1;
		}
	}
	if (added)
		inbox_mark(v, self, mode);
	for (uint32_t w = 0; w < SPI_MAIL_WORDS; w++) {
		uint64_t m = mail_take(&c->spi_mail[w]);

		for (; m; m &= m - 1) {
			uint32_t intid = NR_PRIV + w * 64 + (uint32_t)__builtin_ctzll(m);
			struct virq *q = &g->spi[intid - NR_PRIV];
			struct vcpu *t;

			if (mode == FOLD_PLACE && spi_place(g, v, intid))
				continue;
			/* As make_pending: its vCPU now, or it waits for a target. */
			q->pending = 1;
			mark_live(g, 0, intid);
			t = spi_holder(g, q);
			if (t) {
				inbox_add(t->vgic, intid);
				inbox_mark(t, self, t == v ? mode : FOLD_ASIDE);
			}
		}
	}
}

/* v's mail folded in, if it has any; self: the vCPU whose trap runs this. */
HOT void mail_fold(struct vgic *g, struct vcpu *v, enum fold mode, const struct vcpu *self)
{
	if (mail_waits(v->vgic))
		mail_fold_locked(g, v, mode, self);
}

/*
 * SGI sgi from source vCPU src is pending for t: into its mailbox, without
 * the VM's lock, and t is woken (its refill takes it in).  Every SGI comes
 * this way, GICD_SGIR's and a doorbell's alike: only t's own CPU writes
 * its banked state (mail_direct relies on it).
 */
HOT void sgi_post(struct vcpu *t, uint32_t sgi, uint32_t src)
{
	__atomic_or_fetch(&t->vgic->sgi_mail[sgi / 8], 1ull << ((sgi % 8) * 8 + src),
			  __ATOMIC_RELAXED);
	/* Release: the mail before the mark (virq_entry's exchange acquires). */
	__atomic_or_fetch(&t->virq_dirty, VIRQ_DIRTY_SGI(sgi / 8), __ATOMIC_RELEASE);
	xcore_kick_vcpu(t);
}

/*
 * Edge SPI intid injected (a doorbell), not hardware-linked: into the
 * mailbox of the vCPU it targets now, without the VM's lock, which is
 * woken.  The model's fields are read racily: one the guest changes
 * meanwhile (under the lock) marks every vCPU for a full refill, which
 * folds the mail in.  0 when the model must take it (make_pending).
 */
HOT int spi_post(struct vgic *g, uint32_t intid)
{
	const struct virq *q = &g->spi[intid - NR_PRIV];
	struct vcpu *t;

	if (!q->edge || q->hw || !(t = spi_holder(g, q)))
		return 0;
	__atomic_or_fetch(&t->vgic->spi_mail[(intid - NR_PRIV) / 64],
			  1ull << ((intid - NR_PRIV) % 64), __ATOMIC_RELAXED);
	__atomic_or_fetch(&t->virq_dirty, VIRQ_DIRTY_SPI, __ATOMIC_RELEASE);
	xcore_kick_vcpu(t);
	return 1;
}

/*
 * Whether edge SPI intid, mailed to v, may go straight into a free LR of
 * v, which this CPU holds (used: its LRs in use), without the model: it
 * targets v, is enabled, neither pending in the model nor active, and no
 * LR holds it (a racy look at the model, as spi_post's).
 */
HOT int spi_placeable(const struct vgic *g, const struct vcpu *v, uint32_t used,
		      uint32_t intid)
{
	const struct virq *q = &g->spi[intid - NR_PRIV];

	if (!(lr_all & ~used) || !q->edge || q->hw || q->active || q->pending ||
	    !q->enabled || !(g->ctlr & 1) || spi_target(g, q) != v)
		return 0;
	return !lr_holds(v->vgic, used, intid);
}

/* Write SPI intid, spi_placeable, into c's first LR not in used: its bit. */
HOT uint32_t spi_lr_write(const struct vgic *g, struct vgic_cpu *c, uint32_t used,
			  uint32_t intid)
{
	return lr_put_plain(c, used, intid, lr_base(&g->spi[intid - NR_PRIV], intid) | GICH_LR_PENDING);
}

/* Both of the above, under the lock (mail_fold): 0 if it may not. */
HOT int spi_place(struct vgic *g, struct vcpu *v, uint32_t intid)
{
	struct vgic_cpu *c = v->vgic;
	uint32_t bit;

	if (!spi_placeable(g, v, c->lr_used, intid))
		return 0;
	bit = spi_lr_write(g, c, c->lr_used, intid);
	c->lr_used |= bit;
	c->lr_plain |= bit;
	return 1;
}

/*
 * The refill after an IPI or a doorbell, without the VM's lock: only mail
 * came (VIRQ_DIRTY_MAIL alone, why: the inbox is empty, as every refill leaves
 * it), nothing waits beyond the LRs, and the finished LRs were plain, so
 * each mailed interrupt just takes a free LR (sgi_placeable,
 * spi_placeable), the model untouched.  The SGIs and the LRs are v's own,
 * changed only by this CPU, which runs v; an injection into the inbox
 * meanwhile marks v dirty again and kicks it.  What cannot be placed is
 * mailed back for the locked refill.
 */
static void __attribute__((noinline)) refill_locked(struct vgic *g, struct vcpu *v,
						    uint32_t why);

HOT void mail_direct(struct vgic *g, struct vcpu *v, uint32_t why)
{
	struct vgic_cpu *c = v->vgic;
	uint32_t used = c->lr_used, plain = c->lr_plain;

	if (c->overflow)
		goto locked;
	if (used) {
		uint32_t done = used & gich_read_elrsr();

		if (done & ~plain)
			goto locked;	/* the model hears of their end */
		used &= ~done;
	}
	/* Unrolled: a refill looks only at the words it was told of (why). */
#pragma GCC unroll 2
	for (uint32_t w = 0; w < NR_SGIS / 8; w++) {
		if (!(why & VIRQ_DIRTY_SGI(w)))
			continue;
		for (uint64_t m = mail_take(&c->sgi_mail[w]); m; m &= m - 1) {
			uint32_t b = (uint32_t)__builtin_ctzll(m), sgi = w * 8 + b / 8, bit;

			if (!sgi_placeable(g, c, used, sgi)) {
				/* The rest mailed back, for the locked refill. */
				__atomic_or_fetch(&c->sgi_mail[w], m, __ATOMIC_RELAXED);
				c->lr_used = used;
				c->lr_plain = plain;
				goto locked;
			}
			bit = sgi_lr_write(c, used, sgi, b % 8);
			used |= bit;
			plain |= bit;
		}
	}
	for (uint32_t w = 0; w < SPI_MAIL_WORDS && (why & VIRQ_DIRTY_SPI); w++) {
		uint64_t m = mail_take(&c->spi_mail[w]);

		for (; m; m &= m - 1) {
			uint32_t intid = NR_PRIV + w * 64 + (uint32_t)__builtin_ctzll(m), bit;

			if (!spi_placeable(g, v, used, intid)) {
				__atomic_or_fetch(&c->spi_mail[w], m, __ATOMIC_RELAXED);
				c->lr_used = used;
				c->lr_plain = plain;
				goto locked;
			}
			bit = spi_lr_write(g, c, used, intid);
			used |= bit;
			plain |= bit;
		}
	}
	c->lr_used = used;
	c->lr_plain = plain;
	return;
locked:
	refill_locked(g, v, why);
}

/* mail_direct as an IPI's refill finds it, SGIs 0-7 only (Linux's IPIs): its own code, the shortest. */
static void __attribute__((noinline)) sgi_mail_direct(struct vgic *g, struct vcpu *v)
{
	mail_direct(g, v, VIRQ_DIRTY_SGI0);
}

static void __attribute__((noinline)) any_mail_direct(struct vgic *g, struct vcpu *v, uint32_t why)
{
	mail_direct(g, v, why);
}

/*
 * intid was made pending for target; lock held.  A target whose list
 * registers this CPU holds, with nothing else to refill, gets it in a free
 * LR at once: returns 1, and the vCPU sees it when it next runs.  Else it
 * waits in the target's inbox for its next entry (lr_add_new): returns 0,
 * and the caller kicks the target.
 */
static int inject(struct vgic *g, struct vcpu *target, uint32_t intid)
{
	struct vgic_cpu *c = target->vgic;

	mark_live(g, target, intid);
	if (!target->virq_dirty && c->resident && resident_on[this_pcpu()->id] == target &&
	    is_candidate(g, target, virq_get(g, target, intid), intid) &&
	    lr_reclaim(g, target, c) && lr_add(g, target, c, intid))
		return 1;
	inbox_add(c, intid);
	set_dirty(target, VIRQ_DIRTY_NEW);
	return 0;
}

/* After inject: wake the target unless it runs here and will see its LR. */
static void inject_kick(struct vcpu *target, int placed)
{
	if (!placed || target->state != VCPU_RUNNABLE)
		xcore_kick_vcpu(target);
}

static void mark_all(struct vgic *g)
{
	for (uint32_t i = 0; i < g->nr_cpus; i++)
		cpus[g->vm->vcpus[i].id].live = ~0u;
	for (uint32_t i = 0; i < (NR_IRQS - NR_PRIV) / 32; i++)
		g->spi_live[i] = ~0u;
	dirty_all(g);
}

HOT int is_pending(const struct virq *q, uint32_t intid)
{
	if (intid < NR_SGIS)
		return q->sgi_src != 0;
	return q->pending || (!q->edge && q->level);
}

/* No longer pending or active in the model (its LR holds it, or it is done). */
HOT void unmark_if_idle(struct vgic *g, struct vcpu *v, uint32_t intid)
{
	const struct virq *q = virq_get(g, v, intid);

	if (q->active || is_pending(q, intid))
		return;
	if (intid < NR_PRIV)
		v->vgic->live &= ~(1u << intid);
	else
		g->spi_live[(intid - NR_PRIV) / 32] &= ~(1u << ((intid - NR_PRIV) % 32));
}

/* -------------------------------------------------------------------------
 * Injection
 */

/* A PPI of target, or an SPI (its target found here), made pending. */
static void make_pending(struct vgic *g, struct vcpu *target, uint32_t intid)
{
	int placed = 0;

	spin_lock(&g->lock);
	if (intid >= NR_PRIV)
		target = spi_holder(g, &g->spi[intid - NR_PRIV]);
	if (target) {
		virq_get(g, target, intid)->pending = 1;
		placed = inject(g, target, intid);
	} else if (intid >= NR_PRIV) {
		g->spi[intid - NR_PRIV].pending = 1;	/* waits for a target */
		mark_live(g, 0, intid);
	}
	spin_unlock(&g->lock);
	if (target)
		inject_kick(target, placed);
}

void virq_inject(struct vm *vm, uint32_t intid, struct vcpu *target, uint32_t src)
{
	if (intid >= NR_IRQS || (intid < NR_PRIV && !target) || !vgic_of(vm))
		return;
	if (intid < NR_SGIS)
		sgi_post(target, intid, src & 7);
	else if (intid < NR_PRIV || !spi_post(vgic_of(vm), intid))
		make_pending(vgic_of(vm), target, intid);
}

void virq_set_level(struct vm *vm, uint32_t intid, int level)
{
	struct vgic *g = vgic_of(vm);
	struct vcpu *target;
	int placed = 0;

	if (intid < NR_PRIV || intid >= NR_IRQS || !g)
		return;
	spin_lock(&g->lock);
	g->spi[intid - NR_PRIV].level = (uint8_t)(level != 0);
	target = spi_holder(g, &g->spi[intid - NR_PRIV]);
	if (level && target)
		placed = inject(g, target, intid);
	else
		mark(g, 0, intid);	/* a line that fell leaves the LRs on a refill */
	spin_unlock(&g->lock);
	if (level && target)
		inject_kick(target, placed);
}

void virq_set_private_level(struct vcpu *v, uint32_t intid, int level)
{
	struct vgic *g = vgic_of(v->vm);

	if (intid < NR_SGIS || intid >= NR_PRIV || !g)
		return;
	level = level != 0;
	spin_lock(&g->lock);
	if (v->vgic->priv[intid].level == level) {
		spin_unlock(&g->lock);
		return;		/* no edge: nothing to refill or wake */
	}
	v->vgic->priv[intid].level = (uint8_t)level;
	mark(g, v, intid);
	spin_unlock(&g->lock);
	if (level)
		vcpu_kick(v);
}

/*
 * The virtual timer fired for v, whose list registers this CPU holds: the
 * most frequent injection goes straight into an LR, the timer's own
 * finished one or a free one, when nothing else waits for a refill.
 * Returns 0 when make_pending must do it; lock held.
 */
static int vtimer_put(struct vgic *g, struct vcpu *v)
{
	struct vgic_cpu *c = v->vgic;
	struct virq *q = &c->priv[PHIDIAS_GUEST_VTIMER_IRQ];
	uint32_t slot = NO_IRQ;

	if (v->virq_dirty || !c->resident || c->overflow || q->active ||
	    !q->enabled || !(g->ctlr & 1))
		return 0;
	for (uint32_t used = c->lr_used; used; used &= used - 1) {
		uint32_t i = (uint32_t)__builtin_ctz(used);

		if ((c->lr_irq[i] & 0x3ff) != PHIDIAS_GUEST_VTIMER_IRQ)
			continue;
		if (!(gich_read_elrsr() & (1u << i)))
			return 0;	/* the last one is not over */
		slot = i;
	}
	if (slot == NO_IRQ) {
		uint32_t free = lr_free(c);

		if (!free)
			return 0;
		slot = (uint32_t)__builtin_ctz(free);
	}
	/* As lr_write: hardware-linked, pending; the LR holds all its state. */
	q->pending = 0;
	c->live &= ~(1u << PHIDIAS_GUEST_VTIMER_IRQ);
	lr_put(c, slot, PHIDIAS_GUEST_VTIMER_IRQ,
	       lr_base(q, PHIDIAS_GUEST_VTIMER_IRQ) | GICH_LR_PENDING | GICH_LR_HW |
	       GICH_LR_PHYS(PHIDIAS_GUEST_VTIMER_IRQ));
	return 1;
}

int virq_physical(uint32_t intid)
{
	struct vcpu *cur = this_pcpu()->loaded;
	struct vm *owner;

	if (intid == phidias_config.plat.virt_timer_irq) {
		struct vgic *g;
		int placed;

		/* Fired for the vCPU whose timer is loaded on this CPU. */
		if (!cur || !(g = vgic_of(cur->vm)))
			return 0;
		cur->vtimer_fired = 1;
		spin_lock(&g->lock);
		placed = vtimer_put(g, cur);
		spin_unlock(&g->lock);
		if (placed)
			inject_kick(cur, 1);
		else
			make_pending(g, cur, PHIDIAS_GUEST_VTIMER_IRQ);
		return 1;
	}
	owner = intid < NR_IRQS ? spi_owner[intid] : 0;
	if (!owner)
		return 0;
	make_pending(vgic_of(owner), 0, intid);
	return 1;
}

/*
 * Call fn on each live interrupt of v (its SGIs/PPIs, the VM's SPIs); an
 * interrupt found idle is unmarked.  Stops when fn returns non-zero.
 */
static int for_each_live(struct vgic *g, struct vcpu *v,
			 int (*fn)(struct vgic *, struct vcpu *, uint32_t, void *), void *arg)
{
	for (uint32_t w = 0; w < NR_IRQS / 32; w++) {
		uint32_t *word = w ? &g->spi_live[w - 1] : &v->vgic->live;
		uint32_t bits = *word;

		while (bits) {
			uint32_t b = (uint32_t)__builtin_ctz(bits);
			uint32_t intid = w * 32 + b;
			const struct virq *q = w ? &g->spi[intid - NR_PRIV] : &v->vgic->priv[b];

			bits &= bits - 1;
			if (!q->active && !is_pending(q, intid)) {
				*word &= ~(1u << b);
				continue;
			}
			if (fn(g, v, intid, arg))
				return 1;
		}
	}
	return 0;
}

/* -------------------------------------------------------------------------
 * List registers
 */


static void write_hcr(struct vgic_cpu *c, uint32_t hcr)
{
	if (c->hcr != hcr) {
		c->hcr = hcr;
		gich_write_hcr(hcr);
	}
}

/*
 * SPI intid is no longer active on self's vCPU (its EOI, GICD_ICACTIVER):
 * pending again, it goes where it targets now, which GICD_ITARGETSR may
 * have changed while it was active; lock held.
 */
static void spi_released(struct vgic *g, const struct vcpu *self, uint32_t intid)
{
	struct virq *q = &g->spi[intid - NR_PRIV];
	struct vcpu *t;

	if (!is_pending(q, intid) || !(t = spi_target(g, q)))
		return;
	inbox_add(t->vgic, intid);
	inbox_mark(t, self, FOLD_ASIDE);
}

/*
 * SPI intid active (on vCPU index holder) or not, from self's trap: ended
 * there, pending again, it goes where it targets now; lock held.
 */
static void spi_set_active(struct vgic *g, const struct vcpu *self, uint32_t intid,
			   int active, uint32_t holder)
{
	struct virq *q = &g->spi[intid - NR_PRIV];
	uint8_t was = q->active;

	q->active = (uint8_t)(active != 0);
	if (active)
		q->active_cpu = (uint8_t)holder;
	else if (was)
		spi_released(g, self, intid);
}

/*
 * Fold v's list registers back into the model and empty them; lock held.
 * Returns how many still held a pending or active interrupt.
 */
static uint32_t lr_sync(struct vgic *g, struct vcpu *v, struct vgic_cpu *c)
{
	uint32_t used = c->lr_used, kept = 0;

	while (used) {
		uint32_t i = (uint32_t)__builtin_ctz(used);
		uint32_t lr, intid, src;
		struct virq *q;

		used &= used - 1;
		lr = gich_read_lr(i);
		gich_write_lr(i, 0);
		intid = c->lr_irq[i] & 0x3ff;
		src = (c->lr_irq[i] >> LR_SRC_SHIFT) & 7;
		q = virq_get(g, v, intid);
		/* Still pending or active: the model holds it again (idle: no longer). */
		if (lr & (GICH_LR_PENDING | GICH_LR_ACTIVE)) {
			mark_live(g, v, intid);
			kept++;
		}
		/*
		 * A level-sensitive line is its own pending state, not the LR's;
		 * but a pending latch set through GICD_ISPENDR stays until the
		 * interrupt is acknowledged or the latch cleared (GICv2 4.3.7).
		 */
		if ((lr & GICH_LR_PENDING) &&
		    (ends_by_itself(q, intid) || (c->lr_irq[i] & LR_LATCHED))) {
			if (intid < NR_SGIS)
				q->sgi_src |= (uint8_t)(1u << src);
			else
				q->pending = 1;
		}
		if (intid >= NR_PRIV) {
			spi_set_active(g, v, intid, lr & GICH_LR_ACTIVE, vcpu_index(v));
		} else {
			q->active = (lr & GICH_LR_ACTIVE) != 0;
			if (q->active && intid < NR_SGIS)
				q->active_src = (uint8_t)src;
		}
	}
	c->lr_used = 0;
	c->overflow = 0;	/* all in the model now */
	/* Empty LRs would meet an underflow condition at once. */
	write_hcr(c, GICH_HCR_EN);
	return kept;
}

static int deliverable(struct vgic *g, struct vcpu *v, uint32_t intid, void *arg)
{
	struct virq *q = virq_get(g, v, intid);

	(void)arg;
	if (intid >= NR_PRIV && spi_holder(g, q) != v)
		return 0;
	return q->enabled && is_pending(q, intid) && (g->ctlr & 1);
}

/* Lock held: the model of v is complete (its LRs folded back if resident here). */
static void sync_if_resident(struct vgic *g, struct vcpu *v)
{
	struct vgic_cpu *c = v->vgic;

	/* Mailed SPIs count as pending, whoever they were mailed to. */
	for (uint32_t i = 0; i < g->nr_cpus; i++)
		mail_fold(g, &g->vm->vcpus[i], FOLD_ASIDE, v);
	if (c->resident && c->lr_used && resident_on[this_pcpu()->id] == v) {
		lr_sync(g, v, c);
		set_dirty(v, VIRQ_DIRTY_ALL);
	}
}

/* Nothing marked live for v: a racy look, see virq_pending. */
static int nothing_live(const struct vgic *g, const struct vcpu *v)
{
	uint32_t any = v->vgic->live;

	for (uint32_t i = 0; i < (NR_IRQS - NR_PRIV) / 32; i++)
		any |= g->spi_live[i];
	return !any;
}

/* virq_pending's look at the model, under the lock. */
static int __attribute__((noinline)) pending_locked(struct vgic *g, struct vcpu *v)
{
	int found;

	spin_lock(&g->lock);
	mail_fold(g, v, FOLD_ASIDE, v);
	found = for_each_live(g, v, deliverable, 0);
	spin_unlock(&g->lock);
	return found;
}

int virq_pending(struct vcpu *v)
{
	struct vgic *g = vgic_of(v->vm);
	struct vgic_cpu *c = v->vgic;

	if (!g)
		return 0;
	/* A pending LR can be taken: no need to fold the LRs back for that. */
	if (c->resident && resident_on[this_pcpu()->id] == v)
		for (uint32_t used = c->lr_used; used; used &= used - 1)
			if (gich_read_lr((uint32_t)__builtin_ctz(used)) & GICH_LR_PENDING)
				return 1;
	/*
	 * What is not in the LRs is in the model, or in v's mail, which marks
	 * v dirty (as every injection does) until a refill has taken it in.
	 * Without the lock: whatever an injection marks after this look, it
	 * then kicks the vCPU, which sched_block sees (v->wake) under the
	 * pcpu lock.
	 */
	if (nothing_live(g, v) && !v->virq_dirty)
		return 0;
	return pending_locked(g, v);
}

void virq_hw_line_low(struct vcpu *v, uint32_t intid)
{
	struct vgic *g = vgic_of(v->vm);
	struct vgic_cpu *c = v->vgic;
	struct virq *q;
	int withdrawn = 0;

	if (!v->vtimer_fired || intid != PHIDIAS_GUEST_VTIMER_IRQ || !g)
		return;		/* nothing in flight to withdraw */
	q = &c->priv[intid];
	spin_lock(&g->lock);
	/*
	 * Pending but not taken, in a list register or still in the model: the
	 * line it stood for is gone.  An LR emptied here looks like one the
	 * guest has finished with (GICH_ELRSR), which the refills handle.  The
	 * physical interrupt the hypervisor acknowledged stays active until a
	 * guest EOI that will not come: deactivate it so the next firing is
	 * seen.  Once taken (active), the guest's EOI deactivates it.
	 */
	if (c->resident && resident_on[this_pcpu()->id] == v) {
		for (uint32_t used = c->lr_used; used; used &= used - 1) {
			uint32_t i = (uint32_t)__builtin_ctz(used);

			if ((c->lr_irq[i] & 0x3ff) == intid &&
			    (gich_read_lr(i) & (GICH_LR_PENDING | GICH_LR_ACTIVE)) == GICH_LR_PENDING) {
				gich_write_lr(i, 0);
				withdrawn = 1;
			}
		}
	}
	if (q->pending && !q->active) {
		q->pending = 0;
		withdrawn = 1;
	}
	if (withdrawn)
		gic_set_ppi_active(phidias_config.plat.virt_timer_irq, 0);
	v->vtimer_fired = 0;
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

HOT int is_candidate(struct vgic *g, const struct vcpu *v, const struct virq *q, uint32_t intid)
{
	if (intid >= NR_PRIV && spi_holder(g, q) != v)
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

/*
 * Put candidate intid into LR i, moving its pending state there; lock held.
 * Returns the LR value; *more: an SGI that stays pending from other sources.
 */
static uint32_t lr_write(struct vgic *g, struct vcpu *v, struct vgic_cpu *c, uint32_t i,
			 uint32_t intid, int *more)
{
	uint32_t src = 0, tag = 0;
	struct virq *q = virq_get(g, v, intid);
	uint32_t lr = lr_base(q, intid);

	if (q->active)
		lr |= GICH_LR_ACTIVE;
	if (intid < NR_SGIS) {
		if (q->active) {
			src = q->active_src;
			/* Other sources wait for its EOI: be told of it (GICv2 5.3.8). */
			if (q->sgi_src)
				lr |= GICH_LR_EOI;
		} else {
			src = (uint32_t)__builtin_ctz(q->sgi_src);
			q->sgi_src &= (uint8_t)~(1u << src);
			lr |= GICH_LR_PENDING;
			if (q->sgi_src)
				*more = 1;	/* more sources wait for this SGI */
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
		if (q->pending && !q->edge)
			tag = LR_LATCHED;
		q->pending = 0;
	}
	if (!ends_by_itself(q, intid))
		lr |= GICH_LR_EOI;	/* level: re-check the line after EOI */
	lr_put(c, i, intid | src << LR_SRC_SHIFT | tag, lr);
	unmark_if_idle(g, v, intid);	/* lr_sync marks it again */
	return lr;
}

/* Write the best candidates into v's (empty) list registers; lock held. */
static void lr_fill(struct vgic *g, struct vcpu *v, struct vgic_cpu *c)
{
	uint32_t chosen[MAX_LRS], cand[NR_IRQS];
	struct cand_list cands;
	uint32_t n, nr_cand, hcr = GICH_HCR_EN, pure_pending = 0;
	int overflow;

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
		uint32_t lr = lr_write(g, v, c, i, chosen[i], &overflow);

		if ((lr & (GICH_LR_PENDING | GICH_LR_ACTIVE)) == GICH_LR_PENDING)
			pure_pending++;
	}
	if (overflow) {
		/*
		 * Come back when the guest has made room (GICv2 5.3.2, 5.3.4),
		 * asking only for a condition that does not hold yet: underflow
		 * (at most one valid LR) when two or more are valid; "no pending"
		 * when one LR is purely pending (active-and-pending ones do not
		 * count); else, with one active LR, its EOI.
		 */
		if (n >= 2)
			hcr |= GICH_HCR_UIE;
		if (pure_pending)
			hcr |= GICH_HCR_NPIE;
		else if (n == 1 && !(c->lr_irq[0] & LR_LATCHED) &&
			 !virq_get(g, v, chosen[0])->hw)
			gich_write_lr(0, gich_read_lr(0) | GICH_LR_EOI);
	}
	c->overflow = (uint8_t)(overflow != 0);
	write_hcr(c, hcr);
}

/*
 * Free the LRs the guest has finished with (GICH_ELRSR): their interrupts
 * are over.  Returns 0 when only a full refill will do: more wait than
 * the LRs hold (c->overflow), or a finished LR held a level-sensitive
 * interrupt, whose EOI maintenance re-checks the line (the LRs freed
 * before it are over all the same: lr_sync would find them empty).  Lock
 * held, v resident here.
 */
HOT int lr_reclaim(struct vgic *g, struct vcpu *v, struct vgic_cpu *c)
{
	if (c->overflow)
		return 0;
	if (!c->lr_used)
		return 1;
	for (uint32_t e = c->lr_used & gich_read_elrsr(); e; e &= e - 1) {
		uint32_t i = (uint32_t)__builtin_ctz(e), old_id = c->lr_irq[i] & 0x3ff;
		struct virq *old = virq_get(g, v, old_id);

		if (!ends_by_itself(old, old_id))
			return 0;
		if (old_id >= NR_PRIV)
			spi_set_active(g, v, old_id, 0, 0);
		else
			old->active = 0;
		unmark_if_idle(g, v, old_id);
		c->lr_used &= ~(1u << i);
	}
	return 1;
}

/*
 * Put candidate intid, newly pending, into a free LR, after lr_reclaim;
 * 0 if none is free or an LR holds it already (a full refill then).
 */
HOT int lr_add(struct vgic *g, struct vcpu *v, struct vgic_cpu *c, uint32_t intid)
{
	uint32_t free = lr_free(c);
	struct virq *q;
	int more = 0;

	if (lr_holds(c, c->lr_used, intid) || !free)
		return 0;
	q = virq_get(g, v, intid);
	if (intid >= NR_PRIV && q->edge && !q->hw && !q->active) {
		/* lr_write's result for a pending edge SPI (a doorbell), directly. */
		uint32_t bit = lr_put_plain(c, c->lr_used, intid, lr_base(q, intid) | GICH_LR_PENDING);

		q->pending = 0;
		c->lr_used |= bit;
		c->lr_plain |= bit;	/* its end is the LR's alone */
		g->spi_live[(intid - NR_PRIV) / 32] &= ~(1u << ((intid - NR_PRIV) % 32));
		return 1;
	}
	lr_write(g, v, c, (uint32_t)__builtin_ctz(free), intid, &more);
	if (more) {	/* the other sources come when this one is taken */
		c->overflow = 1;
		write_hcr(c, GICH_HCR_EN | GICH_HCR_NPIE);
	}
	return 1;
}

/*
 * Only new injections since the last refill (c->inbox), nothing waiting
 * beyond the LRs (no c->overflow): every candidate is
 * in an LR already, so each new one just takes a free LR.  After
 * lr_reclaim; returns 0 when a full refill is needed instead; lock held.
 */
static int lr_add_new(struct vgic *g, struct vcpu *v, struct vgic_cpu *c)
{
	while (c->inbox_words) {
		uint32_t w = (uint32_t)__builtin_ctz(c->inbox_words);

		while (c->inbox[w]) {
			uint32_t intid = w * 32 + (uint32_t)__builtin_ctz(c->inbox[w]);

			if (is_candidate(g, v, virq_get(g, v, intid), intid) &&
			    !lr_add(g, v, c, intid))
				return 0;
			c->inbox[w] &= c->inbox[w] - 1;
		}
		c->inbox_words &= ~(1u << w);
	}
	return 1;
}

/* The inbox emptied (a full refill looks at everything anyway). */
HOT void inbox_clear(struct vgic_cpu *c)
{
	for (uint32_t w = 0; w < NR_IRQS / 32; w++)
		c->inbox[w] = 0;
	c->inbox_words = 0;
}

/* The refill under the VM's lock: why, what marked v dirty (virq_dirty). */
static void __attribute__((noinline)) refill_locked(struct vgic *g, struct vcpu *v,
						    uint32_t why)
{
	struct vgic_cpu *c = v->vgic;

	spin_lock(&g->lock);
	if (!(why & VIRQ_DIRTY_ALL) && lr_reclaim(g, v, c)) {
		mail_fold(g, v, FOLD_PLACE, v);
		if (lr_add_new(g, v, c)) {
			spin_unlock(&g->lock);
			return;
		}
	} else {
		mail_fold(g, v, FOLD_REFILL, v);
	}
	inbox_clear(c);
	lr_sync(g, v, c);
	lr_fill(g, v, c);
	spin_unlock(&g->lock);
}

void virq_entry(struct vcpu *v)
{
	struct vgic *g = vgic_of(v->vm);
	uint32_t why;

	if (!g)
		return;
	/* Acquire: what sgi_post mailed before marking v dirty (a release). */
	why = __atomic_exchange_n(&v->virq_dirty, 0, __ATOMIC_ACQUIRE);
	if (why == VIRQ_DIRTY_SGI0)
		sgi_mail_direct(g, v);
	else if (!(why & ~VIRQ_DIRTY_MAIL))
		any_mail_direct(g, v, why);
	else
		refill_locked(g, v, why);
}

void virq_maintenance(void)
{
	struct vcpu *v = resident_on[this_pcpu()->id];
	struct vgic *g = v ? vgic_of(v->vm) : 0;

	/*
	 * The maintenance interrupt is a level: it stays asserted while the
	 * underflow / no-pending conditions hold, and an EOI one (GICH_EISR)
	 * until its LR is rewritten.  Quiesce it here by folding the LRs back
	 * (it may arrive while the CPU idles); the refill on the way back to
	 * the guest asks again if still needed.
	 */
	if (!g) {
		gich_write_hcr(0);
		return;
	}
	spin_lock(&g->lock);
	lr_sync(g, v, v->vgic);
	set_dirty(v, VIRQ_DIRTY_ALL);
	spin_unlock(&g->lock);
}

void virq_load(struct vcpu *v)
{
	struct vgic_cpu *c = &cpus[v->id];

	resident_on[this_pcpu()->id] = v;
	c->resident = 1;
	gich_write_vmcr(c->vmcr);
	gich_write_apr(c->apr);
	c->hcr = c->hcr_on;
	gich_write_hcr(c->hcr);
	if (c->vtimer_active)
		gic_set_ppi_active(phidias_config.plat.virt_timer_irq, 1);
	/*
	 * Its LRs are empty.  What it must find in them is marked already: a
	 * full refill if its unload folded anything back (virq_unload), new
	 * injections since then in its inbox, any other change by mark().
	 */
}

/*
 * Every LR of v finished (GICH_ELRSR) with an interrupt whose end the model
 * need not hear of: edge-triggered, an SGI or hardware-linked, not held
 * active by the model, and no maintenance asked for.  lr_sync would find
 * nothing in them: they are emptied without the VM's lock.  (The model's
 * fields are read racily: a change another CPU makes under the lock marks
 * v for a full refill anyway.)
 */
HOT int lrs_finished(struct vcpu *v, struct vgic_cpu *c)
{
	struct vgic *g = vgic_of(v->vm);

	if (c->overflow || (gich_read_elrsr() & c->lr_used) != c->lr_used)
		return 0;
	for (uint32_t used = c->lr_used; used; used &= used - 1) {
		uint32_t intid = c->lr_irq[__builtin_ctz(used)] & 0x3ff;
		const struct virq *q = virq_get(g, v, intid);

		/* (A latched LR is a level SPI's: not ends_by_itself either.) */
		if (q->active || !ends_by_itself(q, intid))
			return 0;
	}
	for (uint32_t used = c->lr_used; used; used &= used - 1)
		gich_write_lr((uint32_t)__builtin_ctz(used), 0);
	c->lr_used = 0;
	return 1;
}

/*
 * The rest of an unload, when its LRs hold something or its timer interrupt
 * was acknowledged: the LRs back into the model (a full refill when it is
 * loaded again if they held anything), then the physical timer interrupt,
 * which stays active until the guest's EOI: acknowledged, it is pending or
 * active in the model (after lr_sync).
 */
static void __attribute__((noinline)) unload_slow(struct vcpu *v, struct vgic_cpu *c)
{
	const struct virq *t = &c->priv[PHIDIAS_GUEST_VTIMER_IRQ];
	uint32_t ppi = phidias_config.plat.virt_timer_irq;

	if (c->lr_used && !lrs_finished(v, c)) {
		struct vgic *g = vgic_of(v->vm);
		/* More waited than the LRs held: the model has those. */
		uint32_t overflow = c->overflow;

		spin_lock(&g->lock);
		if (lr_sync(g, v, c) || overflow)
			set_dirty(v, VIRQ_DIRTY_ALL);	/* refilled when it is loaded again */
		spin_unlock(&g->lock);
	}
	if ((t->pending || t->active) && gic_ppi_active(ppi)) {
		c->vtimer_active = 1;
		gic_set_ppi_active(ppi, 0);
	}
}

void virq_unload(struct vcpu *v)
{
	struct vgic_cpu *c = &cpus[v->id];
	const struct virq *t = &c->priv[PHIDIAS_GUEST_VTIMER_IRQ];

	if (!c->resident)
		return;
	c->vmcr = gich_read_vmcr();
	c->apr = gich_read_apr();
	c->vtimer_active = 0;
	c->resident = 0;
	resident_on[this_pcpu()->id] = 0;
	/*
	 * GICH_HCR stays as it is: with its LRs empty it is EN alone (or 0,
	 * no vGIC), which raises no maintenance interrupt, and the next
	 * virq_load writes its own.  The LRs are still this CPU's until
	 * unload_slow has folded them back.
	 */
	/* Its LRs all plain and finished: nothing in them to fold back or clear. */
	if (c->lr_used && !(c->lr_used & ~c->lr_plain) && !c->overflow &&
	    (gich_read_elrsr() & c->lr_used) == c->lr_used)
		c->lr_used = 0;
	if (c->lr_used || t->pending || t->active)
		unload_slow(v, c);
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
			if (q->hw)
				break;
			if (intid >= NR_PRIV) {
				/* Made active here: on the vCPU it targets, else on the writer. */
				const struct vcpu *t = spi_target(g, q);

				spi_set_active(g, v, intid, set, q->active ? q->active_cpu :
					       vcpu_index(t ? t : v));
			} else {
				q->active = (uint8_t)set;
			}
			break;
		case GROUP:
			q->group = (uint8_t)set;
			set_attr(q);
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
	uint8_t all = (uint8_t)((1u << g->nr_cpus) - 1);

	for (uint32_t i = 0; i < size; i++) {
		uint32_t intid = first + i;
		uint8_t b = (uint8_t)(val >> (8 * i));

		if (intid >= NR_IRQS)
			break;
		if ((reg & ~0x3ffull) == GICD_IPRIORITYR) {
			struct virq *q = virq_get(g, v, intid);

			q->prio = b & PRIO_MASK;
			set_attr(q);
		} else if (intid >= NR_PRIV) {
			g->spi[intid - NR_PRIV].targets = b & all;
			mark(g, v, intid);
		}
	}
}

/*
 * GICD_SGIR, without the VM's lock: each target's new source goes into its
 * mailbox, which its refill folds in (mail_fold), and the target is kicked.
 */
HOT void sgir_write(struct vgic *g, struct vcpu *v, uint32_t val)
{
	uint32_t sgi = val & 0xf;
	uint32_t filter = (val >> 24) & 3;
	uint32_t list = (val >> 16) & 0xff;
	uint32_t self = vcpu_index(v);
	struct vcpu *mine = g->vm->vcpus;

	/* The target list, the filter's usual value (GICv2 4.3.15). */
	if (__builtin_expect(filter != 0, 0)) {
		if (filter == 3)
			return;
		list = filter == 1 ? ~(1u << self) : 1u << self;
	}
	list &= (1u << g->nr_cpus) - 1;
	while (list) {
		struct vcpu *t = &mine[__builtin_ctz(list)];

		list &= list - 1;
		sgi_post(t, sgi, self);
	}
}

void virq_sgir(struct vcpu *v, uint32_t val)
{
	sgir_write(vgic_of(v->vm), v, val);
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

	switch (reg) {
	case GICD_CTLR:
		return g->ctlr;
	case GICD_TYPER:
		return (NR_IRQS / 32 - 1) | ((g->nr_cpus - 1) << 5);
	case GICD_IIDR:
		return IIDR_GIC400;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_ICFGR)
		return bytes_read(g, v, off, size);
	if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16) {
		uint32_t val = 0;

		for (uint32_t i = 0; i < size; i++)
			val |= (uint32_t)v->vgic->priv[(off & 0xf) + i].sgi_src << (8 * i);
		return val;
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
		       uint32_t val)
{
	uint64_t reg = off & ~3ull;
	uint32_t first = (uint32_t)((reg & 0x7f) * 8);

	if (off >= GICD_IPRIORITYR && off < GICD_ICFGR) {
		bytes_write(g, v, off, size, val);
		return;
	}
	if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16) {
		for (uint32_t i = 0; i < size; i++) {
			struct virq *q = &v->vgic->priv[(off & 0xf) + i];
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

/* Registers whose value depends on what the list registers hold. */
static int holds_lr_state(uint64_t off)
{
	return (off >= GICD_ISPENDR && off < GICD_IPRIORITYR) ||
	       (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16);
}

/* Writes, and reads of what the list registers hold: under the lock. */
static void __attribute__((noinline))
vgicd_access_locked(struct vgic *g, struct vcpu *v, struct mmio_access *acc)
{
	spin_lock(&g->lock);
	/* What the guest sees now, LRs and SGIs sent to it included. */
	sync_if_resident(g, v);
	if (acc->write) {
		dist_write(g, v, acc->offset, acc->size, (uint32_t)acc->value);
		dirty_all(g);	/* priorities, targets, enables: refill */
	} else {
		acc->value = dist_read(g, v, acc->offset, acc->size);
	}
	spin_unlock(&g->lock);
	/* Enabling, pending or routing something may have made it deliverable. */
	if (acc->write)
		for (uint32_t i = 0; i < g->nr_cpus; i++)
			vcpu_kick(&g->vm->vcpus[i]);
}

static enum mmio_result vgicd_access(struct vcpu *v, void *opaque, struct mmio_access *acc)
{
	struct vgic *g = opaque;

	int word = acc->size == 4 && !(acc->offset & 3);

	if (!word && (acc->size != 1 || !byte_ok(acc->offset)))
		return MMIO_ERROR;	/* words, and bytes where GICv2 4.1.4 allows them */
	if (acc->write) {
		if (word && acc->offset == GICD_SGIR)
			sgir_write(g, v, (uint32_t)acc->value);	/* the IPI: no lock */
		else
			vgicd_access_locked(g, v, acc);
	} else if (holds_lr_state(acc->offset)) {
		vgicd_access_locked(g, v, acc);
	} else {
		/*
		 * Configuration, enables, priorities, targets: plain fields
		 * only the guest's writes change (under the lock, each a single
		 * byte or word), so a read needs neither the lock nor the LRs.
		 */
		acc->value = dist_read(g, v, acc->offset, acc->size);
	}
	return MMIO_HANDLED;
}

static void reset(struct vgic *g)
{
	for (uint32_t j = 0; j < g->nr_cpus; j++) {
		struct vgic_cpu *c = &cpus[g->vm->vcpus[j].id];

		set_dirty(&g->vm->vcpus[j], VIRQ_DIRTY_ALL);	/* parked: none resident */
		inbox_clear(c);
		for (uint32_t w = 0; w < NR_SGIS / 8; w++)
			__atomic_store_n(&c->sgi_mail[w], 0, __ATOMIC_RELAXED);
		for (uint32_t w = 0; w < SPI_MAIL_WORDS; w++)
			__atomic_store_n(&c->spi_mail[w], 0, __ATOMIC_RELAXED);
		memset(c->priv, 0, sizeof(c->priv));
		for (uint32_t i = 0; i < NR_SGIS; i++) {
			c->priv[i].enabled = 1;
			c->priv[i].edge = 1;
		}
		c->priv[PHIDIAS_GUEST_VTIMER_IRQ].hw = 1;
		c->vmcr = 0;
		c->apr = 0;
		c->vtimer_active = 0;
		c->overflow = 0;
		g->vm->vcpus[j].vtimer_fired = 0;
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

	if (!vm->cfg->nr_vcpus || vm->cfg->nr_vcpus > PHIDIAS_MAX_VCPUS_PER_VM) {
		log_info("VM '%s': %u vCPUs, a virtual GICv2 serves 1 to %u",
			 vm->cfg->name, vm->cfg->nr_vcpus, PHIDIAS_MAX_VCPUS_PER_VM);
		return -EINVAL;
	}
	if (!nr_lrs) {
		nr_lrs = gich_nr_lrs();
		if (nr_lrs > MAX_LRS)
			nr_lrs = MAX_LRS;
		lr_all = (1u << nr_lrs) - 1;
	}
	g->vm = vm;
	g->nr_cpus = vm->cfg->nr_vcpus;
	for (uint32_t j = 0; j < g->nr_cpus; j++)
		cpus[vm->vcpus[j].id].hcr_on = GICH_HCR_EN;	/* its CPU interface on */
	for (uint32_t i = 0; i < vm->cfg->nr_irqs; i++) {
		uint32_t intid = vm->cfg->irqs[i];

		if (intid < NR_PRIV || intid >= NR_IRQS)
			continue;	/* schism rejects these */
		spi_owner[intid] = vm;
		g->spi[intid - NR_PRIV].hw = 1;
	}
	for (uint32_t j = 0; j < g->nr_cpus; j++)
		vm->vcpus[j].vgic = &cpus[vm->vcpus[j].id];
	vm->vgic = g;
	reset(g);
	if (dev->size > GICD_SGIR)
		vm->sgir_ipa = dev->ipa + GICD_SGIR;
	return mmio_register(vm, dev->ipa, dev->size, vgicd_access, g);
}
