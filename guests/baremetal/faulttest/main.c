/* SPDX-License-Identifier: Apache-2.0 */
/*
 * faulttest: what a guest sees of faults and of its EL1 physical timer.
 * bootargs: test=<name>[,<name>...] (default: all)
 *   abort   reads/writes/fetches at an unmapped IPA (bad=<IPA>, default
 *           0x10000000) from EL1h, EL1t, EL0 and AArch32 EL0 (A32 and T32,
 *           after a trapped WFE): a synchronous external
 *           abort at EL1 with the ESR/FAR/ELR/SPSR and vector the Arm ARM
 *           prescribes, and the VM goes on
 *   perm    a write to a read-only shared region: a permission fault
 *   undef   trapped, unemulated instructions are UNDEFINED (EC 0 at EL1): an
 *           AArch32 EL0 CP15 read of CNTP_CTL, and an IMPLEMENTATION
 *           DEFINED register where the CPU traps it (HCR_EL2.TIDCP)
 *   ptimer  CNTP_CTL/CVAL/TVAL as on hardware; its interrupt (PPI 30) fires
 *           never early, wakes WFI, ticks=<n> times
 *   ctxsw   the timer's registers survive being descheduled
 *   level   the interrupts of both timers (PPI 30, PPI 27) follow the timer
 *           condition: masking, disabling, reprogramming (or GICD_ICPENDR
 *           for a software-pended one) drop them; a distributor-masked one
 *           is delivered on enable only if the condition still holds
 * Each test prints `faulttest: <name>: PASS ...` or `... FAIL ...`, then
 * `faulttest: done, <f> failed`.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <bm/bm.h>

#define PTIMER_INTID	30u
#define CTL_ENABLE	1u
#define CTL_IMASK	2u
#define CTL_ISTATUS	4u
#define DEFAULT_BAD	0x10000000u
#define WAIT_US		500000u

/* What the vector recorded (vectors.S). */
struct ft_record {
	uint64_t vector, esr, far, elr, spsr, daif;
};
struct ft_record ft_record;

int ft_try(void (*fn)(uint64_t), uint64_t arg);
void ft_load(uint64_t addr);
void ft_store(uint64_t addr);
void ft_store_el1t(uint64_t addr);
void ft_load_el0(uint64_t addr);
void ft_jump(uint64_t addr);
void ft_impdef(uint64_t unused);
void ft_load_a32(uint64_t addr, uint64_t t32);
void ft_load_a32_a(uint64_t addr);
void ft_load_a32_t(uint64_t addr);
extern const char ft_store_el1t_insn[], ft_el0_code[], ft_vectors[];
extern const char ft_a32_load[], ft_t32_load[], ft_cp15_code[];
void ft_cp15_a32(uint64_t unused);

static uint32_t failures;
static const char *cur_test;

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	bm_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bm_printf("faulttest: %s: FAIL %s\n", cur_test, msg);
	failures++;
}

static uint64_t pct(void)
{
	bm_isb();
	return bm_read_sysreg(cntpct_el0);
}

static uint64_t us_ticks(uint64_t us)
{
	return bm_us_to_ticks(us);
}

/* --- abort, perm, undef ---------------------------------------------------- */

#define EC(esr)		(((esr) >> 26) & 0x3fu)
#define IL(esr)		(((esr) >> 25) & 1u)
#define FSC(esr)	((esr) & 0x3fu)
#define WNR(esr)	(((esr) >> 6) & 1u)

/*
 * Runs fn(arg), which must trap; checks the exception entry against the
 * Arm ARM (D1.10: vector offset by source; ESR EC/IL/FSC/WnR; FAR; ELR = the
 * instruction; SPSR = PSTATE before; DAIF all masked on entry).
 */
static void expect(const char *what, void (*fn)(uint64_t), uint64_t arg, uint64_t vector,
		   uint32_t ec, int fsc, int wnr, uint64_t elr, uint32_t spsr_m, bool check_far)
{
	uint64_t daif = bm_read_sysreg(daif);
	const struct ft_record *r = &ft_record;
	uint32_t before = failures;

	ft_record = (struct ft_record){ 0 };
	if (!ft_try(fn, arg)) {
		fail("%s: no exception", what);
		return;
	}
	if (r->vector != vector)
		fail("%s: taken at vector offset 0x%lx, want 0x%lx", what,
		     (unsigned long)r->vector, (unsigned long)vector);
	if (EC(r->esr) != ec || !IL(r->esr))
		fail("%s: ESR_EL1 0x%lx: want EC 0x%x, IL 1", what, (unsigned long)r->esr, ec);
	if (fsc >= 0 && FSC(r->esr) != (uint32_t)fsc)
		fail("%s: ESR_EL1 0x%lx: FSC 0x%x, want 0x%x", what, (unsigned long)r->esr,
		     (unsigned)FSC(r->esr), (unsigned)fsc);
	if (fsc == -2 && (FSC(r->esr) & 0x3cu) != 0x0cu)
		fail("%s: ESR_EL1 0x%lx: FSC 0x%x, want a permission fault", what,
		     (unsigned long)r->esr, (unsigned)FSC(r->esr));
	if (wnr >= 0 && WNR(r->esr) != (uint32_t)wnr)
		fail("%s: ESR_EL1 0x%lx: WnR %u, want %d", what, (unsigned long)r->esr,
		     (unsigned)WNR(r->esr), wnr);
	if (check_far && r->far != arg)
		fail("%s: FAR_EL1 0x%lx, want 0x%lx", what, (unsigned long)r->far,
		     (unsigned long)arg);
	if (r->elr != elr)
		fail("%s: ELR_EL1 0x%lx, want 0x%lx", what, (unsigned long)r->elr,
		     (unsigned long)elr);
	if ((r->spsr & 0x1fu) != spsr_m ||
	    ((spsr_m & 0xcu) && (r->spsr & 0x3c0u) != (daif & 0x3c0u)))
		fail("%s: SPSR_EL1 0x%lx, want M 0x%x and DAIF 0x%lx", what,
		     (unsigned long)r->spsr, spsr_m, (unsigned long)(daif & 0x3c0u));
	if (r->daif != 0x3c0u)
		fail("%s: DAIF 0x%lx in the handler, want all masked", what,
		     (unsigned long)r->daif);
	if (failures == before)
		bm_printf("faulttest: %s: ok ESR_EL1 0x%lx FAR_EL1 0x%lx\n", what,
			  (unsigned long)r->esr, (unsigned long)r->far);
}

void ft_load_a32_a(uint64_t addr)
{
	ft_load_a32(addr, 0);
}

void ft_load_a32_t(uint64_t addr)
{
	ft_load_a32(addr, 1);
}

static uint64_t bad_ipa(void)
{
	uint64_t bad = DEFAULT_BAD;

	if (bm_bootargs_get_u64(bm_bootargs(), "bad", &bad) < 0)
		bad = DEFAULT_BAD;
	return bad;
}

static void test_abort(void)
{
	uint32_t before = failures;
	uint64_t bad = bad_ipa();

	expect("read EL1h", ft_load, bad, 0x200, 0x25, 0x10, 0, (uint64_t)(uintptr_t)ft_load,
	       0x5, true);
	expect("write EL1h", ft_store, bad, 0x200, 0x25, 0x10, 1,
	       (uint64_t)(uintptr_t)ft_store, 0x5, true);
	expect("write EL1t", ft_store_el1t, bad, 0x000, 0x25, 0x10, 1,
	       (uint64_t)(uintptr_t)ft_store_el1t_insn, 0x4, true);
	expect("read EL0", ft_load_el0, bad, 0x400, 0x24, 0x10, 0,
	       (uint64_t)(uintptr_t)ft_el0_code, 0x0, true);
	expect("fetch EL1h", ft_jump, bad, 0x200, 0x21, 0x10, -1, bad, 0x5, true);
	/* AArch32 EL0, A32 and T32, each after a trapped WFE the hypervisor steps over. */
	expect("read EL0 A32", ft_load_a32_a, bad, 0x600, 0x24, 0x10, 0,
	       (uint64_t)(uintptr_t)ft_a32_load, 0x10, true);
	if (ft_record.spsr & 0x20u)
		fail("read EL0 A32: SPSR_EL1 0x%lx has T set", (unsigned long)ft_record.spsr);
	expect("read EL0 T32", ft_load_a32_t, bad, 0x600, 0x24, 0x10, 0,
	       (uint64_t)(uintptr_t)ft_t32_load, 0x10, true);
	if (!(ft_record.spsr & 0x20u))
		fail("read EL0 T32: SPSR_EL1 0x%lx has T clear", (unsigned long)ft_record.spsr);
	if (failures == before)
		bm_printf("faulttest: abort: PASS 7 external aborts at 0x%lx, the VM goes on\n",
			  (unsigned long)bad);
}

static void test_perm(void)
{
	struct bm_phidias_shmem shm;
	uint32_t before = failures;

	for (unsigned n = 0;; n++) {
		if (bm_phidias_shmem(n, &shm) < 0) {
			fail("no read-only shared region in the device tree");
			return;
		}
		if (shm.read_only)
			break;
	}
	ft_record = (struct ft_record){ 0 };
	if (ft_try(ft_load, shm.base))
		fail("reading the read-only region faulted: ESR_EL1 0x%lx",
		     (unsigned long)ft_record.esr);
	expect("write ro", ft_store, shm.base, 0x200, 0x25, -2, 1,
	       (uint64_t)(uintptr_t)ft_store, 0x5, true);
	if (failures == before)
		bm_printf("faulttest: perm: PASS a write to '%s' is a permission fault\n",
			  shm.name);
}

static void test_undef(void)
{
	uint32_t before = failures;
	uint64_t cntkctl = bm_read_sysreg(cntkctl_el1);
	bool impdef;

	/* A CP15 access of an AArch32 EL0 that traps to EL2, not emulated there. */
	bm_write_sysreg(cntkctl_el1, cntkctl | (1u << 9));	/* EL0PTEN */
	bm_isb();
	expect("cp15 EL0 A32", ft_cp15_a32, 0, 0x600, 0x00, 0, -1,
	       (uint64_t)(uintptr_t)ft_cp15_code, 0x10, false);
	bm_write_sysreg(cntkctl_el1, cntkctl);
	bm_isb();
	if (ft_record.esr != (1u << 25))
		fail("cp15: ESR_EL1 0x%lx, want 0x2000000 (EC 0, IL 1, ISS 0)",
		     (unsigned long)ft_record.esr);

	/* An IMPLEMENTATION DEFINED register, where the CPU traps it (HCR_EL2.TIDCP). */
	ft_record = (struct ft_record){ 0 };
	impdef = ft_try(ft_impdef, 0) != 0;
	if (impdef) {
		expect("impdef", ft_impdef, 0, 0x200, 0x00, 0, -1,
		       (uint64_t)(uintptr_t)ft_impdef, 0x5, false);
		if (ft_record.esr != (1u << 25))
			fail("impdef: ESR_EL1 0x%lx, want 0x2000000 (EC 0, IL 1, ISS 0)",
			     (unsigned long)ft_record.esr);
	}
	if (failures == before)
		bm_printf("faulttest: undef: PASS unemulated trapped instructions are UNDEFINED%s\n",
			  impdef ? "" : " (S3_1_C15_C2_0 is not trapped by this CPU)");
}

/* --- ptimer ---------------------------------------------------------------- */

static volatile uint32_t pt_irqs, pt_early, pt_spurious, pt_max;
static uint64_t pt_period;

static void pt_stop(void)
{
	bm_write_sysreg(cntp_ctl_el0, 0);
	bm_isb();
}

static void pt_arm_at(uint64_t cval)
{
	bm_write_sysreg(cntp_cval_el0, cval);
	bm_write_sysreg(cntp_ctl_el0, CTL_ENABLE);
	bm_isb();
}

static void ptimer_irq(uint32_t intid, uint32_t iar, void *arg)
{
	uint64_t ctl = bm_read_sysreg(cntp_ctl_el0);
	uint64_t cval = bm_read_sysreg(cntp_cval_el0);

	(void)intid; (void)iar; (void)arg;
	if ((ctl & (CTL_ENABLE | CTL_IMASK | CTL_ISTATUS)) != (CTL_ENABLE | CTL_ISTATUS)) {
		pt_spurious++;
		pt_stop();
		return;
	}
	if (pct() < cval)
		pt_early++;
	pt_irqs++;
	if (pt_irqs < pt_max)
		pt_arm_at(cval + pt_period);
	else
		pt_stop();
}

static void test_ptimer(void)
{
	uint32_t before = failures;
	uint64_t ticks = 20, t0, t1, v, deadline;

	if (bm_bootargs_get_u64(bm_bootargs(), "ticks", &ticks) < 0)
		ticks = 20;
	/* Registers: CVAL as written, TVAL = CVAL - CNTPCT, ISTATUS from the counter. */
	pt_stop();
	t0 = pct();
	bm_write_sysreg(cntp_cval_el0, t0 + us_ticks(100000));
	v = bm_read_sysreg(cntp_cval_el0);
	if (v != t0 + us_ticks(100000))
		fail("CNTP_CVAL_EL0 reads 0x%lx, wrote 0x%lx", (unsigned long)v,
		     (unsigned long)(t0 + us_ticks(100000)));
	v = bm_read_sysreg(cntp_tval_el0);
	t1 = pct();
	if (v > us_ticks(100000) || v < us_ticks(100000) - (t1 - t0) || v >> 32)
		fail("CNTP_TVAL_EL0 0x%lx, want 100 ms minus the time since", (unsigned long)v);
	t0 = pct();
	bm_write_sysreg(cntp_tval_el0, us_ticks(2000));
	t1 = pct();
	v = bm_read_sysreg(cntp_cval_el0);
	if (v < t0 + us_ticks(2000) || v > t1 + us_ticks(2000))
		fail("TVAL 2 ms written at 0x%lx..0x%lx: CVAL 0x%lx", (unsigned long)t0,
		     (unsigned long)t1, (unsigned long)v);
	bm_write_sysreg(cntp_tval_el0, (uint64_t)(uint32_t)-100);	/* in the past */
	bm_write_sysreg(cntp_ctl_el0, CTL_ENABLE | CTL_IMASK | CTL_ISTATUS);
	v = bm_read_sysreg(cntp_ctl_el0);
	if (v != (CTL_ENABLE | CTL_IMASK | CTL_ISTATUS))
		fail("CNTP_CTL_EL0 0x%lx with CVAL in the past, want 0x7", (unsigned long)v);
	bm_write_sysreg(cntp_cval_el0, pct() + us_ticks(1000000));
	v = bm_read_sysreg(cntp_ctl_el0);
	if (v != (CTL_ENABLE | CTL_IMASK))
		fail("CNTP_CTL_EL0 0x%lx with CVAL ahead, want 0x3", (unsigned long)v);
	pt_stop();

	/* Interrupts, taken out of WFI, never before CVAL. */
	pt_irqs = pt_early = pt_spurious = 0;
	pt_max = (uint32_t)ticks;
	pt_period = us_ticks(3000);
	bm_irq_disable();
	bm_irq_register(PTIMER_INTID, ptimer_irq, NULL);
	bm_gic_enable(PTIMER_INTID);
	deadline = pct() + us_ticks(WAIT_US) + pt_period * ticks * 4;
	pt_arm_at(pct() + pt_period);
	while (pt_irqs < pt_max && pct() < deadline)
		bm_irq_wait();
	pt_stop();
	bm_gic_disable(PTIMER_INTID);
	if (pt_irqs != pt_max || pt_early || pt_spurious)
		fail("%u of %u interrupts, %u before CVAL, %u spurious", pt_irqs, pt_max,
		     pt_early, pt_spurious);
	if (failures == before)
		bm_printf("faulttest: ptimer: PASS registers as on hardware, %u interrupts from WFI, none early\n",
			  pt_max);
}

static void test_ctxsw(void)
{
	uint64_t cval = pct() + us_ticks(60u * 1000000u) + bm_phidias_vm_id() * 0x1000u;
	uint64_t ctl = CTL_ENABLE | CTL_IMASK, end;
	uint32_t before = failures, rounds = 0;

	/* Busy for 60 ms: with a 10 ms slice the VM beside runs in between. */
	bm_write_sysreg(cntp_cval_el0, cval);
	bm_write_sysreg(cntp_ctl_el0, ctl);
	end = pct() + us_ticks(60000);
	while (pct() < end) {
		uint64_t c = bm_read_sysreg(cntp_cval_el0), k = bm_read_sysreg(cntp_ctl_el0);

		if (c != cval || k != ctl) {
			fail("CVAL 0x%lx CTL 0x%lx, want 0x%lx 0x%lx", (unsigned long)c,
			     (unsigned long)k, (unsigned long)cval, (unsigned long)ctl);
			break;
		}
		rounds++;
		bm_delay_us(500);
	}
	pt_stop();
	if (failures == before)
		bm_printf("faulttest: ctxsw: PASS CNTP_CVAL/CTL kept over %u reads in 60 ms\n",
			  rounds);
}

/* --- level ----------------------------------------------------------------- */

/* One of the two EL1 timers the guest can program, and its PPI. */
struct timer_ops {
	const char *name;
	uint32_t intid;
	uint64_t (*count)(void);
	void (*set_ctl)(uint64_t);
	void (*set_cval)(uint64_t);
};

static uint64_t vct(void)
{
	bm_isb();
	return bm_read_sysreg(cntvct_el0);
}
static void p_ctl(uint64_t v) { bm_write_sysreg(cntp_ctl_el0, v); bm_isb(); }
static void p_cval(uint64_t v) { bm_write_sysreg(cntp_cval_el0, v); bm_isb(); }
static void v_ctl(uint64_t v) { bm_write_sysreg(cntv_ctl_el0, v); bm_isb(); }
static void v_cval(uint64_t v) { bm_write_sysreg(cntv_cval_el0, v); bm_isb(); }

static const struct timer_ops timers[] = {
	{ "physical timer (PPI 30)", PTIMER_INTID, pct, p_ctl, p_cval },
	{ "virtual timer (PPI 27)", BM_VTIMER_INTID, vct, v_ctl, v_cval },
};

static const struct timer_ops *lv_timer;
static volatile uint32_t lv_irqs;

static void level_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
	lv_irqs++;
	lv_timer->set_ctl(0);
}

/* Lets interrupts in for a while; the number taken. */
static uint32_t window(void)
{
	uint32_t n0 = lv_irqs;

	bm_irq_enable();
	bm_delay_us(2000);
	bm_irq_disable();
	return lv_irqs - n0;
}

/*
 * Like window(), but the window stays open until the first interrupt has
 * come (at most WAIT_US): for a check that the interrupt comes at all,
 * whatever share of the CPU the other VMs on it take meanwhile.
 */
static uint32_t window_until_irq(void)
{
	uint32_t n0 = lv_irqs;
	uint64_t until = pct() + us_ticks(WAIT_US);

	bm_irq_enable();
	while (lv_irqs == n0 && pct() < until)
		bm_cpu_relax();
	bm_delay_us(2000);
	bm_irq_disable();
	return lv_irqs - n0;
}

static bool pending(void)
{
	return bm_gic_is_pending(lv_timer->intid);
}

/* The timer condition met (CVAL in the past), line high: pending. */
static void fire(const char *what)
{
	const struct timer_ops *t = lv_timer;
	uint64_t until = pct() + us_ticks(WAIT_US);

	t->set_cval(t->count() - 1);
	t->set_ctl(CTL_ENABLE);
	/* The line reaches the distributor after a while, not at the write. */
	while (!pending() && pct() < until)
		bm_cpu_relax();
	if (!pending())
		fail("%s: %s: fired timer not pending in GICD_ISPENDR", lv_timer->name, what);
}

static void level_check(const struct timer_ops *t)
{
	uint32_t id = t->intid;

	lv_timer = t;
	bm_irq_disable();
	bm_irq_register(id, level_irq, NULL);
	bm_gic_enable(id);
	lv_irqs = 0;

	fire("mask");
	t->set_ctl(CTL_ENABLE | CTL_IMASK);
	if (pending())
		fail("%s: masked (IMASK) timer still pending", t->name);
	if (window())
		fail("%s: masked timer delivered later", t->name);

	fire("reprogram");
	t->set_cval(t->count() + us_ticks(10u * 1000000u));
	if (pending())
		fail("%s: timer moved into the future still pending", t->name);
	if (window())
		fail("%s: timer moved into the future delivered later", t->name);

	fire("disable");
	t->set_ctl(0);
	if (pending())
		fail("%s: disabled timer still pending", t->name);
	if (window())
		fail("%s: disabled timer delivered later", t->name);

	/* Masked in the distributor while it fires. */
	bm_gic_disable(id);
	fire("gicd-masked");
	if (window())
		fail("%s: delivered while disabled in the distributor", t->name);
	t->set_ctl(CTL_ENABLE | CTL_IMASK);
	bm_gic_enable(id);
	if (window())
		fail("%s: masked before the distributor enabled it, still delivered", t->name);
	bm_gic_disable(id);
	fire("gicd-masked, still firing");
	bm_gic_enable(id);
	if (window() != 1)
		fail("%s: still firing when enabled in the distributor, not delivered once",
		     t->name);

	/* The software latch of the emulated one: ISPENDR sets it, ICPENDR clears it. */
	if (id == PTIMER_INTID) {
		t->set_ctl(0);
		bm_gic_disable(id);
		bm_gic_set_pending(id);
		if (!pending())
			fail("GICD_ISPENDR did not make PPI %u pending", id);
		bm_gic_clear_pending(id);
		if (pending())
			fail("GICD_ICPENDR did not clear PPI %u", id);
		bm_gic_enable(id);
		if (window())
			fail("PPI %u cleared by GICD_ICPENDR delivered later", id);
	}

	/* After all that, the timer still works. */
	t->set_cval(t->count() + us_ticks(1000));
	t->set_ctl(CTL_ENABLE);
	if (window_until_irq() != 1)
		fail("%s: does not interrupt any more", t->name);
	t->set_ctl(0);
	bm_gic_disable(id);
}

static void test_level(void)
{
	uint32_t before = failures;

	for (uint32_t i = 0; i < sizeof(timers) / sizeof(timers[0]); i++)
		level_check(&timers[i]);
	if (failures == before)
		bm_printf("faulttest: level: PASS PPIs 30 and 27 follow their timer's condition (mask, reprogram, disable, distributor, ICPENDR)\n");
}

/* --- main ------------------------------------------------------------------ */

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "abort", test_abort },
	{ "perm", test_perm },
	{ "undef", test_undef },
	{ "ptimer", test_ptimer },
	{ "ctxsw", test_ctxsw },
	{ "level", test_level },
};
#define NR_TESTS (sizeof(tests) / sizeof(tests[0]))

static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p += len + (e ? 1 : 0);
	}
	return false;
}

int main(const void *dtb)
{
	char list[96] = "";
	bool all;

	(void)dtb;
	all = bm_bootargs_get(bm_bootargs(), "test", list, sizeof(list)) < 0 || !list[0];
	bm_printf("faulttest: tests %s\n", all ? "all" : list);
	bm_gic_init();
	bm_write_sysreg(vbar_el1, (uint64_t)(uintptr_t)ft_vectors);
	bm_isb();
	for (uint32_t i = 0; i < NR_TESTS; i++) {
		cur_test = tests[i].name;
		if (all || listed(list, tests[i].name))
			tests[i].fn();
	}
	bm_printf("faulttest: done, %u failed\n", failures);
	return 0;
}
