/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vgictest: checks of the virtual GICv2 and virtual timer a guest sees.
 * bootargs: test=<name>[,<name>...] (default: all that fit the vCPU count)
 *   sgi     SGIs between vCPU 0 and 1, both directions, source CPU in IAR
 *   prio    pending SGIs/SPIs are taken strictly by priority
 *   lrs     16 pending SGIs/SPIs (more than the list registers) each taken once
 *   state   pending/active visible in GICD_ISPENDR/ISACTIVER in and after a handler
 *   enable  a disabled (or PMR-masked) pending interrupt waits until enabled
 *   vtimer  every vCPU counts ticks of its own virtual timer
 *   latch   a level-sensitive SPI made pending through GICD_ISPENDR stays
 *           pending (traps in between) until taken, then is not pending
 *   sgisrc  one SGI pending from two sources while vCPU 0 masks IRQs: it
 *           keeps running, and takes it once per source when it unmasks
 *   doorbell the VM's first capability rings an edge SPI of its own: pending
 *           as seen in GICD_ISPENDR, disabled, cleared, masked, rung twice,
 *           rung from its own handler, and (2 vCPUs) delivered to the vCPU
 *           GICD_ITARGETSR names, each time taken as a GIC would take it
 *   dbstorm vCPU 1 retargets, disables, enables and clears the doorbell SPI
 *           while vCPU 0 rings it: afterwards one ring is taken exactly once
 *           and nothing stays pending or active (needs 2 vCPUs)
 * Each test prints `vgictest: <name>: PASS ...` or `vgictest: <name>: FAIL ...`;
 * then `vgictest: done, <f> failed`.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <bm/bm.h>

#define WAIT_US		200000u		/* guest time before a wait is a failure */
#define SGI_CMD		15u		/* vCPU 0 -> 1: run a command; 1 -> 0: done */
#define SGI_PING	1u
#define SGI_PONG	2u
#define SGI_ROUNDS	50u
#define VT_TICKS	20u

static uint32_t nr_cpus;
static uint32_t failures;
static const char *cur_test;
static bool spin_wait;
static bool run_all;	/* no test= list: every test that fits */

__attribute__((format(printf, 1, 2))) static void fail(const char *fmt, ...)
{
	char msg[120];
	va_list ap;

	va_start(ap, fmt);
	bm_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	bm_printf("vgictest: %s: FAIL %s\n", cur_test, msg);
	failures++;
}

/* --- waiting, with the virtual timer as a watchdog ------------------------- */

static void watchdog_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
	bm_vtimer_stop();
}

/* Waits (IRQs masked in between) until *p >= val; false after WAIT_US. */
static bool wait_for(volatile uint32_t *p, uint32_t val)
{
	uint64_t deadline = bm_counter_read() + bm_us_to_ticks(WAIT_US);
	bool enabled = bm_irq_enabled();
	bool ok = true;

	bm_irq_disable();
	bm_irq_register(BM_VTIMER_INTID, watchdog_irq, NULL);
	bm_gic_enable(BM_VTIMER_INTID);
	while (*p < val) {
		if (bm_counter_read() >= deadline) {
			ok = false;
			break;
		}
		if (spin_wait) {	/* bootarg "spin": poll instead of WFI */
			bm_irq_enable();
			bm_cpu_relax();
			bm_irq_disable();
			continue;
		}
		bm_vtimer_arm_at(deadline);
		bm_irq_wait();
	}
	bm_vtimer_stop();
	if (enabled)
		bm_irq_enable();
	return ok;
}

/* --- vCPU 1: runs commands sent by vCPU 0 ---------------------------------- */

static void (*volatile sec_cmd)(uint32_t cpu);
static volatile uint32_t sec_seq, sec_done, sec_up;
static volatile uint32_t cmd_irqs[BM_SMP_MAX_CPUS];

static void cmd_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
	cmd_irqs[bm_smp_cpu()]++;
}

static void secondary(uint32_t cpu, void *arg)
{
	uint32_t seen = 0;

	(void)arg;
	bm_gic_cpu_init();
	bm_gic_enable(SGI_CMD);
	sec_up = 1;
	bm_gic_send_sgi(SGI_CMD, BM_GIC_SGI_TO_LIST, 1u);
	for (;;) {
		bm_irq_disable();
		while (sec_seq == seen)
			bm_irq_wait();
		seen = sec_seq;
		sec_cmd(cpu);
		bm_irq_disable();
		sec_done = seen;
		bm_gic_send_sgi(SGI_CMD, BM_GIC_SGI_TO_LIST, 1u);
	}
}

/* Starts fn on vCPU 1 (it runs while vCPU 0 goes on). */
static void secondary_post(void (*fn)(uint32_t cpu))
{
	sec_cmd = fn;
	sec_seq = sec_seq + 1;
	bm_gic_send_sgi(SGI_CMD, BM_GIC_SGI_TO_LIST, 2u);
}

static bool secondary_wait(void)
{
	return wait_for(&sec_done, sec_seq);
}

/* --- sgi ------------------------------------------------------------------- */

static volatile uint32_t sgi_seen[2], sgi_bad_src[2], sgi_bad_id[2], sgi_ready;

static void sgi_irq(uint32_t intid, uint32_t iar, void *arg)
{
	uint32_t cpu = bm_smp_cpu() & 1u;

	(void)arg;
	if (BM_GIC_IAR_CPUID(iar) != 1u - cpu)
		sgi_bad_src[cpu]++;
	if (intid != (cpu ? SGI_PING : SGI_PONG))
		sgi_bad_id[cpu]++;
	sgi_seen[cpu]++;
}

static void sgi_secondary(uint32_t cpu)
{
	(void)cpu;
	bm_irq_register(SGI_PING, sgi_irq, NULL);
	bm_gic_enable(SGI_PING);
	sgi_ready = 1;
	bm_gic_send_sgi(SGI_CMD, BM_GIC_SGI_TO_LIST, 1u);
	for (uint32_t i = 0; i < SGI_ROUNDS; i++) {
		if (!wait_for(&sgi_seen[1], i + 1))
			return;
		bm_gic_send_sgi(SGI_PONG, BM_GIC_SGI_TO_LIST, 1u);
	}
}

static void test_sgi(void)
{
	bm_irq_register(SGI_PONG, sgi_irq, NULL);
	bm_gic_enable(SGI_PONG);
	secondary_post(sgi_secondary);
	if (!wait_for(&sgi_ready, 1)) {
		fail("vCPU 1 did not get ready");
		return;
	}
	for (uint32_t i = 0; i < SGI_ROUNDS; i++) {
		/* Alternate the target list and the "all but me" filter. */
		if (i & 1)
			bm_gic_send_sgi(SGI_PING, BM_GIC_SGI_TO_OTHERS, 0);
		else
			bm_gic_send_sgi(SGI_PING, BM_GIC_SGI_TO_LIST, 2u);
		if (!wait_for(&sgi_seen[0], i + 1)) {
			fail("round %u: no answer from vCPU 1 (it saw %u)", i, sgi_seen[1]);
			return;
		}
	}
	if (!secondary_wait())
		fail("vCPU 1 did not finish");
	if (sgi_seen[0] != SGI_ROUNDS || sgi_seen[1] != SGI_ROUNDS)
		fail("received 0->1 %u, 1->0 %u", sgi_seen[1], sgi_seen[0]);
	else if (sgi_bad_src[0] || sgi_bad_src[1])
		fail("wrong source CPU: %u on vCPU 0, %u on vCPU 1", sgi_bad_src[0],
		     sgi_bad_src[1]);
	else if (sgi_bad_id[0] || sgi_bad_id[1])
		fail("wrong INTID: %u on vCPU 0, %u on vCPU 1", sgi_bad_id[0], sgi_bad_id[1]);
	else
		bm_printf("vgictest: sgi: PASS %u SGIs 0->1 (source 0) and %u 1->0 (source 1)\n",
			  sgi_seen[1], sgi_seen[0]);
}

/* --- prio and lrs: record what is taken ------------------------------------ */

static volatile uint32_t log_n;
static volatile uint32_t log_id[64];
static volatile uint32_t taken[BM_IRQ_MAX];

static void log_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)iar; (void)arg;
	if (log_n < 64)
		log_id[log_n] = intid;
	log_n = log_n + 1;
	taken[intid]++;
}

static void log_reset(void)
{
	log_n = 0;
	for (uint32_t i = 0; i < BM_IRQ_MAX; i++)
		taken[i] = 0;
}

/* Makes intid pending: SGIs to this vCPU through GICD_SGIR, others ISPENDR. */
static void raise(uint32_t intid)
{
	if (intid < BM_GIC_NR_SGIS)
		bm_gic_send_sgi(intid, BM_GIC_SGI_TO_SELF, 0);
	else
		bm_gic_set_pending(intid);
}

static void setup(uint32_t intid, uint8_t prio)
{
	bm_irq_register(intid, log_irq, NULL);
	bm_gic_set_priority(intid, prio);
	if (intid >= BM_GIC_SPI_BASE) {
		bm_gic_set_edge(intid, true);
		bm_gic_set_target(intid, 1u);
	}
	bm_gic_enable(intid);
}

static void test_prio(void)
{
	static const struct { uint32_t intid; uint8_t prio; } irqs[] = {
		{ 40, 0x80 }, { 3, 0x50 }, { 41, 0x10 }, { 5, 0xa0 }, { 42, 0x60 },
		{ 7, 0x20 }, { 43, 0x90 }, { 44, 0x30 }, { 6, 0x70 }, { 45, 0x40 },
	};
	const uint32_t n = sizeof(irqs) / sizeof(irqs[0]);
	uint32_t last = 0;

	log_reset();
	bm_irq_disable();
	for (uint32_t i = 0; i < n; i++)
		setup(irqs[i].intid, irqs[i].prio);
	for (uint32_t i = 0; i < n; i++)
		raise(irqs[i].intid);
	for (uint32_t i = 0; i < n; i++)
		if (!bm_gic_is_pending(irqs[i].intid))
			fail("INTID %u not pending in GICD_ISPENDR after raising it", irqs[i].intid);
	bm_irq_enable();
	if (!wait_for(&log_n, n))
		fail("only %u of %u interrupts taken", log_n, n);
	bm_delay_us(1000);
	bm_irq_disable();
	if (log_n != n) {
		fail("%u interrupts taken, want %u", log_n, n);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t id = log_id[i];
		uint8_t p = bm_gic_priority(id);

		if (i && p <= last) {
			fail("INTID %u (priority 0x%x) taken out of order", id, p);
			bm_printf("vgictest: prio: order:");
			for (uint32_t j = 0; j < n; j++)
				bm_printf(" %u/0x%x", log_id[j], bm_gic_priority(log_id[j]));
			bm_printf("\n");
			return;
		}
		last = p;
	}
	bm_printf("vgictest: prio: PASS %u interrupts taken in priority order\n", n);
}

static void test_lrs(void)
{
	uint32_t ids[16];
	uint32_t bad = 0;

	for (uint32_t i = 0; i < 8; i++) {
		ids[i] = i;		/* SGIs 0-7 */
		ids[8 + i] = 48 + i;	/* SPIs 48-55 */
	}
	log_reset();
	bm_irq_disable();
	for (uint32_t i = 0; i < 16; i++)
		setup(ids[i], (uint8_t)(0x80 + (i % 4) * 0x10));
	for (uint32_t i = 0; i < 16; i++)
		raise(ids[i]);
	bm_irq_enable();
	if (!wait_for(&log_n, 16))
		fail("only %u of 16 interrupts taken", log_n);
	bm_delay_us(2000);	/* any duplicate would come now */
	bm_irq_disable();
	for (uint32_t i = 0; i < 16; i++) {
		if (taken[ids[i]] != 1) {
			fail("INTID %u taken %u times", ids[i], taken[ids[i]]);
			bad++;
		}
		if (bm_gic_is_pending(ids[i]) || bm_gic_is_active(ids[i])) {
			fail("INTID %u still pending/active after its EOI", ids[i]);
			bad++;
		}
	}
	if (!bad && log_n == 16)
		bm_printf("vgictest: lrs: PASS 16 pending interrupts each taken once\n");
	else if (!bad)
		fail("%u interrupts taken, want 16", log_n);
}

/* --- state ----------------------------------------------------------------- */

static volatile uint32_t st_calls;
static volatile uint8_t st_pend[4], st_act[4];

static void state_irq(uint32_t intid, uint32_t iar, void *arg)
{
	uint32_t c = st_calls;

	(void)iar; (void)arg;
	if (c < 2) {
		st_pend[c * 2] = bm_gic_is_pending(intid);
		st_act[c * 2] = bm_gic_is_active(intid);
		if (c == 0 && intid >= BM_GIC_SPI_BASE) {
			bm_gic_set_pending(intid);	/* active and pending */
			st_pend[1] = bm_gic_is_pending(intid);
			st_act[1] = bm_gic_is_active(intid);
		}
	}
	st_calls = c + 1;
}

static void state_check(uint32_t intid)
{
	bool spi = intid >= BM_GIC_SPI_BASE;
	uint32_t want = spi ? 2 : 1;

	st_calls = 0;
	bm_irq_disable();
	bm_irq_register(intid, state_irq, NULL);
	bm_gic_set_priority(intid, 0x80);
	if (spi)
		bm_gic_set_edge(intid, true);
	bm_gic_enable(intid);
	raise(intid);
	if (!bm_gic_is_pending(intid) || bm_gic_is_active(intid))
		fail("INTID %u before the handler: want pending, not active (%u)", intid,
		     (bm_gic_is_pending(intid) ? 1u : 0u) | (bm_gic_is_active(intid) ? 2u : 0u));
	bm_irq_enable();
	if (!wait_for(&st_calls, want))
		fail("INTID %u: %u handler calls", intid, st_calls);
	bm_delay_us(1000);
	bm_irq_disable();
	if (st_calls != want)
		fail("INTID %u: %u handler calls", intid, st_calls);
	if (st_pend[0] || !st_act[0])
		fail("INTID %u in its handler: pending %u active (want 0 1)", intid,
		     st_pend[0] * 10u + st_act[0]);
	if (spi && (!st_pend[1] || !st_act[1]))
		fail("INTID %u set pending in its handler: pending %u active (want 1 1)",
		     intid, st_pend[1] * 10u + st_act[1]);
	if (spi && (st_pend[2] || !st_act[2]))
		fail("INTID %u in its second handler: pending %u active (want 0 1)", intid,
		     st_pend[2] * 10u + st_act[2]);
	if (bm_gic_is_pending(intid) || bm_gic_is_active(intid))
		fail("INTID %u after EOI: pending or active (%u)", intid,
		     (bm_gic_is_pending(intid) ? 1u : 0u) | (bm_gic_is_active(intid) ? 2u : 0u));
	bm_gic_disable(intid);
}

static void test_state(void)
{
	uint32_t before = failures;

	state_check(50);
	state_check(9);
	if (failures == before)
		bm_printf("vgictest: state: PASS pending/active of SPI 50 and SGI 9 in and after the handler\n");
}

/* --- enable ---------------------------------------------------------------- */

static void test_enable(void)
{
	uint32_t before = failures;
	const uint32_t spi = 60, sgi = 11;
	bool sgi_fixed;

	log_reset();
	bm_irq_disable();
	setup(spi, 0x80);
	setup(sgi, 0x80);
	bm_gic_disable(spi);
	bm_gic_disable(sgi);
	bm_irq_enable();

	/*
	 * Whether SGIs can be disabled is IMPLEMENTATION DEFINED (GICv2
	 * 4.3.5); GIC-400's are always enabled: check the SGI only if the
	 * disable stuck.
	 */
	sgi_fixed = bm_gic_is_enabled(sgi);
	raise(spi);
	if (!sgi_fixed)
		raise(sgi);
	bm_delay_us(2000);
	if (taken[spi] || taken[sgi])
		fail("disabled interrupts taken: SPI %u times, SGI %u times", taken[spi], taken[sgi]);
	if (!bm_gic_is_pending(spi) || (!sgi_fixed && !bm_gic_is_pending(sgi)))
		fail("disabled interrupts not pending: SPI %u SGI %u", bm_gic_is_pending(spi),
		     bm_gic_is_pending(sgi));
	bm_gic_enable(spi);
	if (!wait_for(&taken[spi], 1))
		fail("SPI %u not taken once enabled", spi);
	bm_gic_enable(sgi);
	if (!sgi_fixed && !wait_for(&taken[sgi], 1))
		fail("SGI %u not taken once enabled", sgi);

	/* Cleared while disabled: never taken. */
	bm_gic_disable(spi);
	raise(spi);
	bm_gic_clear_pending(spi);
	bm_gic_enable(spi);
	bm_delay_us(2000);
	if (taken[spi] != 1)
		fail("SPI %u taken %u times (cleared while disabled)", spi, taken[spi]);

	/* Masked by priority (GICC_PMR) until the mask is lowered. */
	bm_gic_set_pmr(0x40);
	raise(spi);
	bm_delay_us(2000);
	if (taken[spi] != 1)
		fail("SPI %u (priority 0x80) taken with PMR 0x40", spi);
	bm_gic_set_pmr(0xff);
	if (!wait_for(&taken[spi], 2))
		fail("SPI %u not taken once PMR is 0xff", spi);
	bm_irq_disable();
	bm_gic_disable(spi);
	bm_gic_disable(sgi);
	if (failures == before)
		bm_printf("vgictest: enable: PASS disabled/masked interrupts wait until enabled%s\n",
			  sgi_fixed ? " (SGIs are always enabled, as on GIC-400)" : "");
}

/* --- vtimer ---------------------------------------------------------------- */

static volatile uint32_t vt_ticks[BM_SMP_MAX_CPUS], vt_spurious[BM_SMP_MAX_CPUS];
static volatile uint32_t vt_early[BM_SMP_MAX_CPUS];
static uint64_t vt_period[BM_SMP_MAX_CPUS];

static void vtimer_irq(uint32_t intid, uint32_t iar, void *arg)
{
	uint32_t cpu = bm_smp_cpu();

	(void)intid; (void)iar; (void)arg;
	if (!bm_vtimer_fired()) {
		vt_spurious[cpu]++;	/* not this vCPU's timer */
		return;
	}
	if (bm_counter_read() < bm_vtimer_cval())
		vt_early[cpu]++;
	vt_ticks[cpu]++;
	if (vt_ticks[cpu] < VT_TICKS)
		bm_vtimer_arm_at(bm_vtimer_cval() + vt_period[cpu]);
	else
		bm_vtimer_stop();
}

static void vtimer_run(uint32_t cpu)
{
	vt_period[cpu] = bm_us_to_ticks(1000u + 700u * cpu);
	bm_irq_disable();
	bm_irq_register(BM_VTIMER_INTID, vtimer_irq, NULL);
	bm_gic_enable(BM_VTIMER_INTID);
	bm_vtimer_arm_in(vt_period[cpu]);
	while (vt_ticks[cpu] < VT_TICKS)
		bm_irq_wait();
	bm_vtimer_stop();
}

static void test_vtimer(void)
{
	uint32_t n = nr_cpus > 2 ? 2 : nr_cpus;
	uint32_t before = failures;

	if (n > 1)
		secondary_post(vtimer_run);
	vtimer_run(0);
	if (n > 1 && !secondary_wait())
		fail("vCPU 1 did not finish: %u ticks", vt_ticks[1]);
	for (uint32_t c = 0; c < n; c++) {
		if (vt_ticks[c] != VT_TICKS || vt_spurious[c])
			fail("vCPU %u: %u ticks, %u spurious", c, vt_ticks[c], vt_spurious[c]);
		if (vt_early[c])
			fail("vCPU %u: %u ticks before the deadline", c, vt_early[c]);
	}
	if (failures == before)
		bm_printf("vgictest: vtimer: PASS %u vCPU(s), %u ticks each, none spurious\n",
			  n, VT_TICKS);
}

/* --- passthru: a passed-through device's physical interrupt --------------- */

/*
 * The scenario gives the VM QEMU's PL031 RTC.  Its alarm is a physical SPI
 * the hypervisor injects hardware-linked: the guest's EOI must deactivate
 * the physical interrupt, or the second alarm never arrives.
 */
#define RTCDR 0x00
#define RTCMR 0x04
#define RTCIMSC 0x10
#define RTCICR 0x1c
#define RTC_ROUNDS 2u
#define RTC_WAIT_ROUNDS 15u	/* of WAIT_US each: the alarm needs up to 1 s */

static volatile uint32_t *rtc;
static volatile uint32_t rtc_irqs;

static void rtc_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
	rtc[RTCICR / 4] = 1;		/* the device lowers its line */
	rtc_irqs = rtc_irqs + 1;
}

static void test_passthru(void)
{
	const struct bm_fdt *dt = bm_dt();
	int node = bm_fdt_node_by_compatible(dt, -1, "arm,pl031");
	uint32_t before = failures, len = 0, intid;
	const uint8_t *irq;
	uint64_t base, size;

	if (node < 0 || bm_fdt_get_reg(dt, node, 0, &base, &size) < 0) {
		fail("no arm,pl031 in the device tree: the scenario must pass the rtc through");
		return;
	}
	irq = bm_fdt_getprop(dt, node, "interrupts", &len);
	if (!irq || len < 12) {
		fail("the pl031 node has no interrupts property");
		return;
	}
	intid = BM_GIC_SPI_BASE + (uint32_t)bm_fdt_read_cells(irq + 4, 1);
	rtc = (volatile uint32_t *)(uintptr_t)base;
	bm_irq_disable();
	bm_irq_register(intid, rtc_irq, NULL);
	bm_gic_set_target(intid, 1u);
	bm_gic_enable(intid);
	rtc[RTCIMSC / 4] = 1;
	for (uint32_t round = 1; round <= RTC_ROUNDS; round++) {
		uint32_t waits = 0;

		rtc[RTCMR / 4] = rtc[RTCDR / 4] + 1;
		while (!wait_for(&rtc_irqs, round) && ++waits < RTC_WAIT_ROUNDS)
			;
		if (rtc_irqs < round) {
			fail("RTC alarm %u (INTID %u) never arrived", round, intid);
			break;
		}
		if (bm_gic_is_active(intid))
			fail("INTID %u still active after EOI", intid);
	}
	rtc[RTCIMSC / 4] = 0;
	bm_gic_disable(intid);
	if (failures == before)
		bm_printf("vgictest: passthru: PASS %u alarms of the passed-through RTC (INTID %u)\n",
			  RTC_ROUNDS, intid);
}

/* --- reset: a VM reset leaves no interrupt state behind ------------------- */

/*
 * First boot: leave the emulated UART's interrupts enabled and raised, an SPI
 * enabled, pending and prioritised, then take a virtual timer interrupt and
 * call PSCI SYSTEM_RESET from its handler, before its EOI.  Second boot (the count lives
 * in the VM's shared region, which a reset does not scrub): everything must
 * read as reset, and the virtual timer must still interrupt.
 */
#define UART_IMSC 0x038
#define UART_RIS 0x03c
#define RESET_MAGIC 0x52535431u	/* "RST1" */

static volatile uint32_t reset_timer_irqs;

static void reset_timer_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar;
	reset_timer_irqs = reset_timer_irqs + 1;
	bm_vtimer_stop();
	if (arg)
		bm_psci_system_reset();	/* first boot: reset with it still active */
}

static void test_reset(void)
{
	struct bm_phidias_shmem shm;
	volatile uint32_t *boots, *uart;
	uint32_t before = failures;

	if (bm_phidias_shmem(0, &shm) < 0) {
		fail("no shared region in the device tree: the scenario must give one");
		return;
	}
	boots = (volatile uint32_t *)(uintptr_t)shm.base;
	uart = (volatile uint32_t *)bm_uart_base();
	if (boots[0] != RESET_MAGIC) {
		boots[0] = RESET_MAGIC;
		bm_printf("vgictest: reset: first boot, dirtying the UART, GIC and timer\n");
		uart[UART_IMSC / 4] = 0x7ff;
		uart[0] = '\n';		/* raises the transmit interrupt */
		bm_write_sysreg(tpidr_el1, RESET_MAGIC);	/* EL1 state: must not survive */
		bm_fp_enable();					/* nor FP/SIMD state */
		bm_fp_write(RESET_MAGIC, BM_FPCR_DN_FZ);
		setup(50, 0x40);
		raise(50);
		bm_irq_disable();
		bm_irq_register(BM_VTIMER_INTID, reset_timer_irq, (void *)boots);
		bm_gic_enable(BM_VTIMER_INTID);
		bm_vtimer_arm_in(bm_us_to_ticks(1000));
		bm_irq_enable();
		/* The handler resets the VM before it could EOI. */
		for (;;)
			bm_cpu_relax();
	}
	boots[0] = 0;
	if (bm_read_sysreg(tpidr_el1) == RESET_MAGIC)
		fail("TPIDR_EL1 after reset: the old guest's value");
	if (bm_read_sysreg(cpacr_el1) & BM_CPACR_FPEN)
		fail("CPACR_EL1 after reset: FP/SIMD still enabled");
	bm_fp_enable();
	{
		uint64_t d0, fpcr;

		bm_fp_read(&d0, &fpcr);
		if (d0 == RESET_MAGIC || fpcr == BM_FPCR_DN_FZ)
			fail("FP/SIMD after reset: d0 0x%lx FPCR 0x%lx, the old guest's",
			     (unsigned long)d0, (unsigned long)fpcr);
	}
	/* (Printing since the restart has raised the transmit status: not checked.) */
	if (uart[UART_IMSC / 4] != 0)
		fail("UART after reset: IMSC 0x%x, expected 0", uart[UART_IMSC / 4]);
	if (bm_gic_is_enabled(50) || bm_gic_is_pending(50))
		fail("SPI 50 after reset: enabled %d pending %d", bm_gic_is_enabled(50),
		     bm_gic_is_pending(50));
	if (bm_gic_active_word(0) || bm_gic_pending_word(1))
		fail("after reset: active 0x%x, SPIs pending 0x%x", bm_gic_active_word(0),
		     bm_gic_pending_word(1));
	/* wait_for() uses the timer as its watchdog: poll the counter instead. */
	bm_irq_disable();
	bm_irq_register(BM_VTIMER_INTID, reset_timer_irq, NULL);
	bm_gic_enable(BM_VTIMER_INTID);
	reset_timer_irqs = 0;
	bm_vtimer_arm_in(bm_us_to_ticks(1000));
	{
		uint64_t deadline = bm_counter_read() + bm_us_to_ticks(WAIT_US);

		bm_irq_enable();
		while (!reset_timer_irqs && bm_counter_read() < deadline)
			bm_cpu_relax();
		bm_irq_disable();
	}
	if (!reset_timer_irqs)
		fail("the virtual timer does not interrupt after the reset");
	bm_vtimer_stop();
	if (failures == before)
		bm_printf("vgictest: reset: PASS UART, distributor and timer start clean after a VM reset\n");
}

/* --- latch: GICD_ISPENDR on a level-sensitive SPI (GICv2 4.3.7) ------------ */

#define LATCH_SPI 60u

static void test_latch(void)
{
	uint32_t before = failures, still = 0;

	log_reset();
	bm_irq_disable();
	setup(LATCH_SPI, 0x80);
	bm_gic_set_edge(LATCH_SPI, false);	/* level, and no line drives it */
	bm_gic_set_pending(LATCH_SPI);
	/* Exits and entries in between (each read traps): the latch must hold. */
	for (uint32_t i = 0; i < 8; i++) {
		still += bm_gic_is_pending(LATCH_SPI);
		bm_hyp_yield();
	}
	if (still != 8)
		fail("pending in %u of 8 reads before it was taken", still);
	bm_irq_enable();
	for (uint32_t i = 0; i < 100 && !taken[LATCH_SPI]; i++)
		bm_cpu_relax();
	bm_irq_disable();
	if (taken[LATCH_SPI] != 1)
		fail("taken %u times, expected once", taken[LATCH_SPI]);
	if (bm_gic_is_pending(LATCH_SPI))
		fail("still pending after it was taken");
	bm_gic_disable(LATCH_SPI);
	if (failures == before)
		bm_printf("vgictest: latch: PASS a level SPI pended by ISPENDR stays pending until taken\n");
}

/* --- sgisrc: one SGI from two sources, taken while masked -------------------- */

#define SGI_TWO 5u

static volatile uint32_t two_src_mask;

static void two_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)arg;
	two_src_mask |= 1u << BM_GIC_IAR_CPUID(iar);
	taken[SGI_TWO]++;
}

static void sgisrc_secondary(uint32_t cpu)
{
	(void)cpu;
	bm_gic_send_sgi(SGI_TWO, BM_GIC_SGI_TO_LIST, 1u);
}

static void test_sgisrc(void)
{
	uint32_t before = failures;
	uint64_t calls = 0;

	log_reset();
	two_src_mask = 0;
	bm_irq_disable();
	bm_irq_register(SGI_TWO, two_irq, NULL);
	bm_gic_enable(SGI_TWO);
	/* Below the priority mask while the waits below briefly unmask IRQs. */
	bm_gic_set_priority(SGI_TWO, 0xe0);
	bm_gic_set_pmr(0xc0);
	bm_gic_send_sgi(SGI_TWO, BM_GIC_SGI_TO_SELF, 0);
	secondary_post(sgisrc_secondary);
	if (!secondary_wait())
		fail("vCPU 1 did not send");
	bm_irq_disable();
	bm_gic_set_pmr(0xff);
	/* Masked, with SGI 5 pending from vCPUs 0 and 1: still running? */
	for (uint32_t i = 0; i < 50; i++) {
		bm_hyp_yield();
		calls++;
	}
	bm_irq_enable();
	for (uint32_t i = 0; i < 1000 && taken[SGI_TWO] < 2; i++)
		bm_cpu_relax();
	bm_irq_disable();
	bm_gic_set_priority(SGI_TWO, BM_GIC_DEFAULT_PRIO);
	if (taken[SGI_TWO] != 2 || two_src_mask != 3u)
		fail("taken %u times, sources 0x%x (expected 2, 0x3)", taken[SGI_TWO],
		     two_src_mask);
	if (failures == before)
		bm_printf("vgictest: sgisrc: PASS ran %lu calls masked, then took it from both sources\n",
			  (unsigned long)calls);
}

/* --- doorbell: an edge SPI rung through a capability ------------------------ */

#define DB_ROUNDS 20u

static uint32_t db_cap, db_intid;
static volatile uint32_t db_taken[BM_SMP_MAX_CPUS], db_not_active, db_ring_again;

static void db_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)iar; (void)arg;
	if (!bm_gic_is_active(intid))
		db_not_active++;
	db_taken[bm_smp_cpu()]++;
	if (db_ring_again) {	/* rung again while active: taken again after this EOI */
		db_ring_again = 0;
		bm_hyp_cap_invoke(db_cap);
	}
}

static uint32_t db_total(void)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < BM_SMP_MAX_CPUS; i++)
		n += db_taken[i];
	return n;
}

/* Guest time with IRQs enabled, for anything wrongly pending to be taken. */
static void db_settle(void)
{
	bm_irq_enable();
	bm_delay_us(2000);
	bm_irq_disable();
}

/*
 * The doorbell: capability 0, an edge SPI of this VM, at priority 0x80,
 * IRQs masked.  false (and a FAIL if the test was asked for) without one.
 */
static bool db_setup(void)
{
	struct bm_phidias_cap cap;

	if (bm_phidias_cap(0, &cap) < 0 || cap.intid < BM_GIC_SPI_BASE) {
		if (!run_all)	/* else a scenario without one: nothing to ring */
			fail("no capability 0 ringing an SPI of this VM");
		return false;
	}
	db_cap = cap.index;
	db_intid = cap.intid;
	bm_irq_disable();
	bm_irq_register(db_intid, db_irq, NULL);
	bm_gic_set_priority(db_intid, 0x80);
	bm_gic_set_edge(db_intid, true);
	return true;
}

static void test_doorbell(void)
{
	uint32_t before = failures, n;

	if (!db_setup())
		return;
	bm_gic_set_target(db_intid, 1u);
	bm_gic_enable(db_intid);

	/* Rung with IRQs masked: pending until unmasked, then taken once. */
	bm_hyp_cap_invoke(db_cap);
	if (!bm_gic_is_pending(db_intid))
		fail("rung while masked: not pending in GICD_ISPENDR");
	bm_irq_enable();
	if (!wait_for(&db_taken[0], 1))
		fail("rung while masked: not taken once unmasked");
	db_settle();
	if (db_total() != 1 || bm_gic_is_pending(db_intid))
		fail("rung once: taken %u times, pending %d", db_total(),
		     bm_gic_is_pending(db_intid));

	/* Rung twice before it is taken: one edge latch, taken once. */
	bm_hyp_cap_invoke(db_cap);
	bm_hyp_cap_invoke(db_cap);
	db_settle();
	if (db_total() != 2)
		fail("rung twice while masked: taken %u times, expected once", db_total() - 1);

	/* Rung while disabled: pending, not taken; cleared, never taken. */
	bm_gic_disable(db_intid);
	bm_hyp_cap_invoke(db_cap);
	db_settle();
	if (db_total() != 2 || !bm_gic_is_pending(db_intid))
		fail("rung while disabled: taken %u, pending %d", db_total() - 2,
		     bm_gic_is_pending(db_intid));
	bm_gic_clear_pending(db_intid);
	if (bm_gic_is_pending(db_intid))
		fail("still pending after GICD_ICPENDR");
	bm_gic_enable(db_intid);
	db_settle();
	if (db_total() != 2)
		fail("cleared while disabled, then enabled: taken");

	/* Rung while disabled, then enabled: taken once. */
	bm_gic_disable(db_intid);
	bm_hyp_cap_invoke(db_cap);
	bm_gic_enable(db_intid);
	db_settle();
	if (db_total() != 3)
		fail("rung while disabled, then enabled: taken %u times", db_total() - 2);

	/* Rung from its own handler, while active: taken again after the EOI. */
	db_ring_again = 1;
	bm_hyp_cap_invoke(db_cap);
	db_settle();
	if (db_total() != 5 || db_ring_again)
		fail("rung while active: taken %u times, expected 2", db_total() - 3);

	/* One ring per round, each taken once. */
	for (uint32_t i = 0; i < DB_ROUNDS; i++) {
		bm_hyp_cap_invoke(db_cap);
		bm_irq_enable();
		if (!wait_for(&db_taken[0], 5 + i + 1)) {
			fail("round %u: not taken", i);
			break;
		}
		bm_irq_disable();
	}
	db_settle();
	if (db_total() != 5 + DB_ROUNDS)
		fail("%u rounds: taken %u times", DB_ROUNDS, db_total() - 5);

	/* Routed to vCPU 1 (GICD_ITARGETSR): taken there, not here. */
	n = db_total();
	if (nr_cpus > 1) {
		bm_gic_set_target(db_intid, 2u);
		for (uint32_t i = 0; i < DB_ROUNDS; i++) {
			bm_hyp_cap_invoke(db_cap);
			if (!wait_for(&db_taken[1], i + 1)) {
				fail("routed to vCPU 1, round %u: not taken there", i);
				break;
			}
		}
		db_settle();
		if (db_taken[1] != DB_ROUNDS || db_total() != n + DB_ROUNDS)
			fail("routed to vCPU 1: taken %u times there, %u in all (expected %u)",
			     db_taken[1], db_total() - n, DB_ROUNDS);
		/* Pending for vCPU 1 as this one sees it; cleared by this one. */
		bm_gic_disable(db_intid);
		bm_hyp_cap_invoke(db_cap);
		if (!bm_gic_is_pending(db_intid))
			fail("routed to vCPU 1, disabled: not pending as vCPU 0 sees it");
		bm_gic_clear_pending(db_intid);
		bm_gic_enable(db_intid);
		db_settle();
		if (db_taken[1] != DB_ROUNDS)
			fail("routed to vCPU 1: taken there after vCPU 0 cleared it");
		bm_gic_set_target(db_intid, 1u);
	}
	bm_gic_disable(db_intid);
	if (db_not_active)
		fail("%u times not active in its own handler", db_not_active);
	if (failures == before)
		bm_printf("vgictest: doorbell: PASS SPI %u rung %u times%s, each taken as on a GIC\n",
			  db_intid, db_total(), nr_cpus > 1 ? ", also on vCPU 1" : "");
}

/* --- dbstorm: the doorbell's configuration changed under its rings ---------- */

#define STORM_ROUNDS 2000u

static volatile uint32_t storm_stop;

static void storm_secondary(uint32_t cpu)
{
	(void)cpu;
	for (uint32_t i = 0; !storm_stop; i++) {
		bm_gic_set_target(db_intid, (i & 1) ? 2u : 1u);
		if (i % 3 == 0)
			bm_gic_disable(db_intid);
		if (i % 5 == 0)
			bm_gic_clear_pending(db_intid);
		bm_gic_enable(db_intid);
		bm_irq_enable();	/* take what comes here meanwhile */
		bm_irq_disable();
	}
}

static void test_dbstorm(void)
{
	uint32_t before = failures;

	if (!db_setup())
		return;
	storm_stop = 0;
	secondary_post(storm_secondary);
	for (uint32_t i = 0; i < STORM_ROUNDS; i++) {
		bm_hyp_cap_invoke(db_cap);
		if (i % 16 == 0) {
			bm_irq_enable();
			bm_irq_disable();
		}
	}
	storm_stop = 1;
	if (!secondary_wait())
		fail("vCPU 1 did not stop its storm");
	/*
	 * Quiet: routed here, enabled, whatever is left taken or cleared.  What
	 * vCPU 1 still holds it takes when it next runs: 20 ms is a few of its
	 * CPU's slices, shared with the ticker.
	 */
	bm_gic_set_target(db_intid, 1u);
	bm_gic_enable(db_intid);
	bm_irq_enable();
	bm_delay_us(20000);
	bm_irq_disable();
	bm_gic_clear_pending(db_intid);
	for (uint32_t i = 0; i < BM_SMP_MAX_CPUS; i++)
		db_taken[i] = 0;
	db_settle();
	if (db_total() || bm_gic_is_pending(db_intid) || bm_gic_is_active(db_intid))
		fail("after the storm: taken %u times unrung, pending %d, active %d", db_total(),
		     bm_gic_is_pending(db_intid), bm_gic_is_active(db_intid));
	bm_hyp_cap_invoke(db_cap);
	bm_irq_enable();
	if (!wait_for(&db_taken[0], 1))
		fail("after the storm: a ring is not taken");
	db_settle();
	if (db_total() != 1 || bm_gic_is_pending(db_intid) || bm_gic_is_active(db_intid))
		fail("after the storm: one ring taken %u times, pending %d, active %d",
		     db_total(), bm_gic_is_pending(db_intid), bm_gic_is_active(db_intid));
	bm_gic_disable(db_intid);
	if (failures == before)
		bm_printf("vgictest: dbstorm: PASS %u rings while vCPU 1 reconfigured the SPI, then one ring taken once\n",
			  STORM_ROUNDS);
}

/* --- main ------------------------------------------------------------------ */

static const struct {
	const char *name;
	void (*fn)(void);
	uint32_t min_cpus;
} tests[] = {
	{ "sgi", test_sgi, 2 },
	{ "prio", test_prio, 1 },
	{ "lrs", test_lrs, 1 },
	{ "state", test_state, 1 },
	{ "enable", test_enable, 1 },
	{ "vtimer", test_vtimer, 1 },
	{ "passthru", test_passthru, 1 },
	{ "reset", test_reset, 1 },
	{ "latch", test_latch, 1 },
	{ "sgisrc", test_sgisrc, 2 },
	{ "doorbell", test_doorbell, 1 },
	{ "dbstorm", test_dbstorm, 2 },
};
#define NR_TESTS (sizeof(tests) / sizeof(tests[0]))

/* Is `name` in the comma-separated list? */
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
	char list[128] = "";
	bool all;

	(void)dtb;
	nr_cpus = bm_smp_nr_cpus();
	spin_wait = bm_bootargs_has(bm_bootargs(), "spin");
	all = bm_bootargs_get(bm_bootargs(), "test", list, sizeof(list)) < 0 || !list[0];
	run_all = all;
	bm_printf("vgictest: tests %s on %u vCPU(s)\n", all ? "all" : list, nr_cpus);
	bm_gic_init();
	bm_irq_register(SGI_CMD, cmd_irq, NULL);
	bm_gic_enable(SGI_CMD);
	if (nr_cpus > 1) {
		int r = bm_smp_start(1, secondary, NULL);

		if (r != 0 || !wait_for(&sec_up, 1)) {
			cur_test = "smp";
			fail("vCPU 1 did not start (CPU_ON %d)", r);
			nr_cpus = 1;
		}
	}
	for (uint32_t i = 0; i < NR_TESTS; i++) {
		cur_test = tests[i].name;
		if (!all && !listed(list, tests[i].name))
			continue;
		if (nr_cpus < tests[i].min_cpus) {
			if (!all)
				fail("needs %u vCPUs, have %u", tests[i].min_cpus, nr_cpus);
			continue;
		}
		tests[i].fn();
	}
	bm_printf("vgictest: done, %u failed\n", failures);
	return 0;
}
