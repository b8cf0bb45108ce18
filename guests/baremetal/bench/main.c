/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench: measures what guests pay for the hypervisor, each figure next to
 * a reference taken in the same run (docs/benchmarks.md).  Run under QEMU
 * -icount, where the figures repeat exactly.
 *
 * bootargs: bench=local (default): the guest's own SVC round trip,
 *                                  a hypercall, PSCI_VERSION, a trapped UART
 *                                  and GIC distributor register read, the
 *                                  virtual timer armed 10 ms ahead and
 *                                  taken from WFI (cost above the 10 ms),
 *                                  and with a second vCPU an SGI round trip
 *                                  (vCPU 0 -> 1, whose handler answers);
 *                                  the same image also runs on bare QEMU
 *                                  (no hypervisor): make bench's reference;
 *           bench=yield:           yield to another VM on the same CPU and
 *                                  back (two such VMs: a vCPU switch each);
 *                                  fp=1: one FP/SIMD instruction after each
 *                                  yield (a guest using FP/SIMD: what the
 *                                  lazy FP/SIMD switch costs it);
 *           bench=doorbell role=send|recv:
 *                                  one-way doorbell latency: the sender
 *                                  stamps the physical counter into the
 *                                  shared region and rings; the receiver's
 *                                  interrupt handler reads the counter and
 *                                  rings back; the sender waits for that.
 *           n=<iterations> (default 20000);
 *           only=<figure>: of bench=local, that figure alone (profiling).
 * Output: "BENCH <name> <ns per operation> n=<n>", then power-off.
 */
#include <bm/bm.h>

#define UARTFR 0x018
#define PHIDIAS_ABI_VERSION 0x86000000u
#define PHIDIAS_YIELD 0x86000002u
#define PSCI_VERSION 0x84000000u
#define GICD_CTLR 0x000
#define SGI_PING 1u		/* vCPU 0 -> 1 */
#define SGI_PONG 2u		/* vCPU 1 -> 0: its handler has run */
#define TIMER_AHEAD_US 10000u

void bench_svc_loop(uint64_t n);
void bench_hvc_loop(uint64_t n, uint64_t fid);
void bench_hvc_fp_loop(uint64_t n, uint64_t fid);
void bench_mmio_loop(uint64_t n, uintptr_t addr);

static uint64_t iterations = 20000;
static char only[24];

/* bench=local runs every figure, or only=<name>'s. */
static int wanted(const char *name)
{
	return !only[0] || !strcmp(only, name);
}

/* Nanoseconds per operation, in tenths, for a sum of ticks over ops. */

/* Nanoseconds per operation, in tenths. */
static uint64_t tenths_ns(uint64_t ticks, uint64_t ops)
{
	return ticks * 10000000000ull / bm_counter_freq() / ops;
}

static void report(const char *name, uint64_t ticks, uint64_t ops)
{
	uint64_t t = tenths_ns(ticks, ops);

	bm_printf("BENCH %s %lu.%lu n=%lu\n", name, (unsigned long)(t / 10),
		  (unsigned long)(t % 10), (unsigned long)ops);
}

#define TIME(name, ops, call) do {				\
	uint64_t t0_ = bm_counter_read();			\
	call;							\
	report(name, bm_counter_read() - t0_, ops);		\
} while (0)

struct doorbell_shared {
	volatile uint64_t t0;		/* sender's physical counter at the ring */
	volatile uint32_t seq;		/* ring number */
	volatile uint32_t ack;		/* last ring the receiver handled */
	volatile uint32_t ready;
	volatile uint32_t reserved;
};

static struct doorbell_shared *db;
static struct bm_phidias_shmem shm;
static volatile uint64_t latency_sum, latency_count;

/* Both VMs read the same physical counter (their virtual ones differ). */
static uint64_t physical_counter(void)
{
	uint64_t v;

	__asm__ volatile("isb\n\tmrs %0, cntpct_el0" : "=r"(v) : : "memory");
	return v;
}

static void receiver_irq(uint32_t intid, uint32_t iar, void *arg)
{
	uint64_t t1 = physical_counter();

	(void)intid; (void)iar; (void)arg;
	if (db->seq == db->ack)
		return;		/* nothing new: a coalesced or spurious ring */
	latency_sum += t1 - db->t0;
	latency_count++;
	db->ack = db->seq;
	bm_hyp_cap_invoke(shm.caps[0]);
}

static void ack_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
}

static int doorbell(const char *args)
{
	char role[8] = "", name[24] = "doorbell";
	int send;

	bm_bootargs_get(args, "role", role, sizeof(role));
	send = !strcmp(role, "send");
	if (bm_phidias_shmem(0, &shm) < 0 || !shm.nr_caps || !shm.nr_doorbells) {
		bm_printf("bench: no shared region with a capability and a doorbell\n");
		return 1;
	}
	db = (struct doorbell_shared *)(uintptr_t)shm.base;
	bm_gic_init();
	for (uint32_t i = 0; i < shm.nr_doorbells; i++) {
		bm_irq_register(shm.doorbells[i], send ? ack_irq : receiver_irq, 0);
		if (shm.doorbells[i] >= BM_GIC_SPI_BASE)
			bm_gic_set_edge(shm.doorbells[i], true);
		bm_gic_enable(shm.doorbells[i]);
	}
	bm_irq_disable();
	if (!send) {
		db->ack = 0;
		db->ready = 1;
		while (latency_count < iterations)
			bm_irq_wait();
		bm_bootargs_get(args, "name", name, sizeof(name));
		report(name, latency_sum, latency_count);
		return 0;
	}
	while (!db->ready) {
		bm_hyp_yield();
		bm_delay_us(100);
	}
	for (uint32_t i = 1; i <= iterations; i++) {
		db->t0 = physical_counter();
		db->seq = i;
		bm_hyp_cap_invoke(shm.caps[0]);
		while (db->ack != i)
			bm_irq_wait();
	}
	return 0;
}

/* --- SGI round trip across vCPUs ----------------------------------------- */

static volatile uint32_t pongs, ipi_done, ipi_ready;

static void ping_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
	bm_gic_send_sgi(SGI_PONG, BM_GIC_SGI_TO_LIST, 1u);
}

static void pong_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
	pongs++;
}

/* vCPU 1: answer every ping until vCPU 0 says it is done. */
static void ipi_secondary(uint32_t cpu, void *arg)
{
	(void)cpu; (void)arg;
	bm_gic_cpu_init();
	bm_irq_register(SGI_PING, ping_irq, 0);
	bm_gic_enable(SGI_PING);
	ipi_ready = 1;
	__asm__ volatile("dsb sy\n\tsev" ::: "memory");
	while (!ipi_done)
		bm_irq_wait();
}

static void ipi_roundtrip(void)
{
	uint64_t t0;

	bm_irq_register(SGI_PONG, pong_irq, 0);
	bm_gic_enable(SGI_PONG);
	if (bm_smp_nr_cpus() < 2 || bm_smp_start(1, ipi_secondary, 0) != BM_PSCI_SUCCESS) {
		bm_printf("bench: no second vCPU, no SGI round trip\n");
		return;
	}
	while (!ipi_ready)
		__asm__ volatile("wfe" ::: "memory");
	t0 = bm_counter_read();
	for (uint32_t i = 1; i <= iterations; i++) {
		bm_gic_send_sgi(SGI_PING, BM_GIC_SGI_TO_LIST, 2u);
		while (pongs != i)
			bm_irq_wait();
	}
	report("ipi_roundtrip", bm_counter_read() - t0, iterations);
	ipi_done = 1;
	bm_gic_send_sgi(SGI_PING, BM_GIC_SGI_TO_LIST, 2u);
}

/* --- virtual timer: arm 10 ms ahead, WFI, take it ------------------------- */

static volatile uint64_t timer_taken_at;

static void timer_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)intid; (void)iar; (void)arg;
	timer_taken_at = bm_counter_read();
	bm_vtimer_stop();
}

static void timer_take(void)
{
	uint64_t ahead = bm_us_to_ticks(TIMER_AHEAD_US), late = 0;
	uint64_t rounds = iterations / 200 ? iterations / 200 : 1;	/* 100 of 10 ms */

	bm_irq_register(BM_VTIMER_INTID, timer_irq, 0);
	bm_gic_enable(BM_VTIMER_INTID);
	for (uint64_t i = 0; i < rounds; i++) {
		uint64_t t0 = bm_counter_read();

		timer_taken_at = 0;
		bm_vtimer_arm_at(t0 + ahead);
		while (!timer_taken_at)
			bm_irq_wait();
		late += timer_taken_at - t0 - ahead;
	}
	bm_gic_disable(BM_VTIMER_INTID);
	report("timer_take", late, rounds);
}

int main(const void *dtb)
{
	const char *args = bm_bootargs();
	char mode[16] = "local";

	(void)dtb;
	bm_bootargs_get_u64(args, "n", &iterations);
	if (!iterations)
		iterations = 1;
	bm_bootargs_get(args, "bench", mode, sizeof(mode));
	/* The reference, measured in every run: the guest's own exception. */
	TIME("el1_svc_roundtrip", iterations, bench_svc_loop(iterations));
	if (!strcmp(mode, "doorbell")) {
		int ret = doorbell(args);

		bm_printf("bench: done\n");
		return ret;
	}
	if (!strcmp(mode, "yield")) {
		uint64_t fp = 0;

		bm_bootargs_get_u64(args, "fp", &fp);
		if (fp) {
			bm_fp_enable();
			TIME("yield_switch_fp", 2 * iterations,
			     bench_hvc_fp_loop(iterations, PHIDIAS_YIELD));
		} else {
			TIME("yield_switch", 2 * iterations,
			     bench_hvc_loop(iterations, PHIDIAS_YIELD));
		}
	} else {
		bm_bootargs_get(args, "only", only, sizeof(only));
		if (wanted("hvc_roundtrip"))
			TIME("hvc_roundtrip", iterations,
			     bench_hvc_loop(iterations, PHIDIAS_ABI_VERSION));
		if (wanted("psci_version"))
			TIME("psci_version", iterations,
			     bench_hvc_loop(iterations, PSCI_VERSION));
		if (wanted("uart_fr_trap"))
			TIME("uart_fr_trap", iterations,
			     bench_mmio_loop(iterations, bm_uart_base() + UARTFR));
		bm_gic_init();
		bm_irq_disable();
		if (wanted("gicd_read"))
			TIME("gicd_read", iterations,
			     bench_mmio_loop(iterations, bm_gicd_base() + GICD_CTLR));
		if (wanted("timer_take"))
			timer_take();
		if (wanted("ipi_roundtrip"))
			ipi_roundtrip();
	}
	bm_printf("bench: done\n");
	return 0;
}
