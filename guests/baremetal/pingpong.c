/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pingpong: two VMs pass a counter through their shared-memory region,
 * ringing each other's doorbell.  Everything comes from the device tree:
 * the first phidias,shmem region, its first capability (ring the peer) and
 * its incoming doorbell INTIDs.
 * bootargs: role=ping|pong, rounds=<n> (default 10000).
 * ping: `pingpong: ping <rounds> rounds via cap <c>, doorbell <intid>`, then
 *       `pingpong: PASS <n> round trips in <ticks> ticks (<t> ticks each)`
 * pong: `pingpong: pong ...`, then `pingpong: PASS answered <n>`
 * A wrong value prints `pingpong: FAIL round <i>: got <v>`.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bm/bm.h>

#define PP_MAGIC	0x50494e47u	/* "PING" */

struct pp_shared {
	volatile uint32_t ready;	/* PP_MAGIC once pong listens */
	volatile uint32_t ping;		/* round number, from 1 */
	volatile uint32_t pong;		/* ~ping once answered */
	volatile uint32_t done;
};

static volatile uint32_t rings;

static void doorbell_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
	rings++;
}

int main(const void *dtb)
{
	struct bm_phidias_shmem shm;
	struct pp_shared *sh;
	char role[8] = "";
	uint64_t rounds = 10000, t0, t1;
	bool ping;
	int64_t r;

	(void)dtb;
	bm_bootargs_get(bm_bootargs(), "role", role, sizeof(role));
	bm_bootargs_get_u64(bm_bootargs(), "rounds", &rounds);
	ping = strcmp(role, "ping") == 0;
	if (bm_phidias_shmem(0, &shm) < 0 || shm.nr_caps < 1 || shm.nr_doorbells < 1) {
		bm_printf("pingpong: %s FAIL no shared region with a cap and a doorbell in the DT\n",
			  ping ? "ping" : "pong");
		return 1;
	}
	sh = (struct pp_shared *)(uintptr_t)shm.base;
	bm_printf("pingpong: %s %lu rounds via cap %u, doorbell %u, region %s at 0x%lx\n",
		  ping ? "ping" : "pong", (unsigned long)rounds, shm.caps[0],
		  shm.doorbells[0], shm.name ? shm.name : "?", (unsigned long)shm.base);
	bm_gic_init();
	for (uint32_t i = 0; i < shm.nr_doorbells; i++) {
		bm_irq_register(shm.doorbells[i], doorbell_irq, NULL);
		if (shm.doorbells[i] >= BM_GIC_SPI_BASE)
			bm_gic_set_edge(shm.doorbells[i], true);
		bm_gic_enable(shm.doorbells[i]);
	}
	bm_irq_disable();

	if (!ping) {
		uint32_t expect = 1;

		sh->done = 0;
		sh->ready = PP_MAGIC;
		while (expect <= rounds) {
			while (sh->ping != expect)
				bm_irq_wait();
			sh->pong = ~expect;
			r = bm_hyp_cap_invoke(shm.caps[0]);
			if (r != 0) {
				bm_printf("pingpong: FAIL cap_invoke returned %ld\n", (long)r);
				return 1;
			}
			expect++;
		}
		while (!sh->done)
			bm_irq_wait();
		bm_printf("pingpong: PASS answered %lu, %u doorbells\n", (unsigned long)rounds,
			  rings);
		return 0;
	}

	while (sh->ready != PP_MAGIC) {
		bm_hyp_yield();		/* the peer may share this CPU */
		bm_delay_us(100);
	}
	t0 = bm_counter_read();
	for (uint32_t i = 1; i <= rounds; i++) {
		sh->ping = i;
		r = bm_hyp_cap_invoke(shm.caps[0]);
		if (r != 0) {
			bm_printf("pingpong: FAIL cap_invoke returned %ld\n", (long)r);
			return 1;
		}
		/* One read per check: pong may answer between two reads. */
		for (uint32_t got; (got = sh->pong) != ~i;) {
			if (i > 1 && got != ~(i - 1)) {
				bm_printf("pingpong: FAIL round %u: got 0x%x\n", i, got);
				return 1;
			}
			bm_irq_wait();
		}
	}
	t1 = bm_counter_read();
	sh->done = 1;
	bm_hyp_cap_invoke(shm.caps[0]);
	bm_printf("pingpong: PASS %lu round trips in %lu ticks (%lu ticks each, %lu Hz)\n",
		  (unsigned long)rounds, (unsigned long)(t1 - t0),
		  (unsigned long)((t1 - t0) / rounds), (unsigned long)bm_counter_freq());
	return 0;
}
