/* SPDX-License-Identifier: Apache-2.0 */
/*
 * storm: one VM rings its peer's doorbell as fast as it can; the peer must
 * keep running its own work, and the hypervisor must keep preempting the
 * ringing VM (tests/system/test_ipc.py, scenarios/storm.xml).  The region,
 * the capability and the doorbells come from the device tree (the first
 * phidias,shmem region).
 * bootargs: role=storm|sink,
 *   storm: duration=<d> (default 300ms) of its counter spent ringing
 *   sink:  heartbeat=<d> (default 10ms) between heartbeat lines
 * storm: `storm: storm ringing cap <c> for <us>us`, then
 *        `storm: storm rang <n> times in <ticks> ticks, <e> errors, preempted <p> times`
 *        and `storm: storm PASS` or `storm: storm FAIL ...`
 * sink:  `storm: sink ready, doorbell <intid>, heartbeat every <us>us`,
 *        `storm: sink heartbeat <n> cnt=<CNTVCT> received=<r>` every heartbeat,
 *        `storm: sink PASS received <r> of <n> rings` (0 < r <= n, doorbells
 *        coalesce) or `storm: sink FAIL received <r> of <n> rings`.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bm/bm.h>

#define STORM_MAGIC		0x53544f52u	/* "STOR" */
/* A counter jump this long inside the ring loop means storm was switched out. */
#define STORM_PREEMPT_US	1000u

struct storm_shared {
	volatile uint32_t ready;	/* STORM_MAGIC once the sink listens */
	volatile uint32_t done;		/* STORM_MAGIC once `rung` is final */
	volatile uint64_t rung;		/* successful rings */
};

static volatile uint64_t received;

static void doorbell_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
	received++;
}

/* Level-sensitive: stop it, the loop re-arms it for the next heartbeat. */
static void vtimer_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
	bm_vtimer_stop();
}

static int run_sink(const struct bm_phidias_shmem *shm, struct storm_shared *sh)
{
	uint64_t hb_us = 10000, period, next, n = 0, rung, got;

	bm_bootargs_get_duration_us(bm_bootargs(), "heartbeat", &hb_us);
	period = bm_us_to_ticks(hb_us) ? bm_us_to_ticks(hb_us) : 1;
	if (shm->nr_doorbells < 1) {
		bm_printf("storm: sink FAIL no doorbell in the DT\n");
		return 1;
	}
	bm_gic_init();
	for (uint32_t i = 0; i < shm->nr_doorbells; i++) {
		bm_irq_register(shm->doorbells[i], doorbell_irq, NULL);
		if (shm->doorbells[i] >= BM_GIC_SPI_BASE)
			bm_gic_set_edge(shm->doorbells[i], true);
		bm_gic_enable(shm->doorbells[i]);
	}
	bm_irq_register(BM_VTIMER_INTID, vtimer_irq, NULL);
	bm_gic_enable(BM_VTIMER_INTID);
	bm_irq_disable();
	bm_printf("storm: sink ready, doorbell %u, heartbeat every %luus\n",
		  shm->doorbells[0], (unsigned long)hb_us);
	sh->done = 0;
	sh->ready = STORM_MAGIC;

	/* Woken by every doorbell taken and by the heartbeat deadline. */
	next = bm_counter_read() + period;
	while (sh->done != STORM_MAGIC) {
		uint64_t now = bm_counter_read();

		if (now >= next) {
			bm_printf("storm: sink heartbeat %lu cnt=%lu received=%lu\n",
				  (unsigned long)++n, (unsigned long)now,
				  (unsigned long)received);
			next += period;
			continue;
		}
		bm_vtimer_arm_at(next);
		bm_irq_wait();
	}
	bm_vtimer_stop();
	/* A ring still pending now is taken before this read or never: fine. */
	bm_irq_enable();
	bm_delay_ms(1);
	bm_irq_disable();
	rung = sh->rung;
	got = received;
	bm_printf("storm: sink %s received %lu of %lu rings\n",
		  got > 0 && got <= rung ? "PASS" : "FAIL", (unsigned long)got,
		  (unsigned long)rung);
	return 0;
}

static int run_storm(const struct bm_phidias_shmem *shm, struct storm_shared *sh)
{
	uint64_t dur_us = 300000, t0, end, last, now, rung = 0, errors = 0, preempted = 0;
	uint64_t jump;
	int64_t first_error = 0;

	bm_bootargs_get_duration_us(bm_bootargs(), "duration", &dur_us);
	if (shm->nr_caps < 1) {
		bm_printf("storm: storm FAIL no capability in the DT\n");
		return 1;
	}
	while (sh->ready != STORM_MAGIC) {
		bm_hyp_yield();		/* the sink may share this CPU */
		bm_delay_us(100);
	}
	bm_printf("storm: storm ringing cap %u for %luus\n", shm->caps[0],
		  (unsigned long)dur_us);
	jump = bm_us_to_ticks(STORM_PREEMPT_US);
	t0 = last = bm_counter_read();
	end = t0 + bm_us_to_ticks(dur_us);
	while ((now = bm_counter_read()) < end) {
		int64_t r = bm_hyp_cap_invoke(shm->caps[0]);

		if (r == 0) {
			rung++;
		} else if (errors++ == 0) {
			first_error = r;
		}
		if (now - last > jump)
			preempted++;
		last = now;
	}
	sh->rung = rung;
	__asm__ volatile("dsb sy" : : : "memory");
	sh->done = STORM_MAGIC;
	bm_printf("storm: storm rang %lu times in %lu ticks, %lu errors, preempted %lu times\n",
		  (unsigned long)rung, (unsigned long)(now - t0), (unsigned long)errors,
		  (unsigned long)preempted);
	if (errors)
		bm_printf("storm: storm FAIL cap_invoke returned %ld\n", (long)first_error);
	else if (rung == 0)
		bm_printf("storm: storm FAIL no ring succeeded\n");
	else
		bm_printf("storm: storm PASS\n");
	return 0;
}

int main(const void *dtb)
{
	struct bm_phidias_shmem shm;
	char role[8] = "";
	bool storm;

	(void)dtb;
	bm_bootargs_get(bm_bootargs(), "role", role, sizeof(role));
	storm = strcmp(role, "storm") == 0;
	if (!storm && strcmp(role, "sink") != 0) {
		bm_printf("storm: FAIL unknown role '%s'\n", role);
		return 1;
	}
	if (bm_phidias_shmem(0, &shm) < 0) {
		bm_printf("storm: %s FAIL no shared region in the DT\n", role);
		return 1;
	}
	if (storm)
		return run_storm(&shm, (struct storm_shared *)(uintptr_t)shm.base);
	return run_sink(&shm, (struct storm_shared *)(uintptr_t)shm.base);
}
