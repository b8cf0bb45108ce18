/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench: measures what guests pay for the hypervisor, each figure next to
 * a reference taken in the same run (docs/benchmarks.md).  Run under QEMU
 * -icount, where the figures repeat exactly.
 *
 * bootargs: bench=local (default): the guest's own SVC round trip
 *                                  (reference), a hypercall, PSCI_VERSION,
 *                                  a trapped UART register read;
 *           bench=yield:           yield to another VM on the same CPU and
 *                                  back (two such VMs: a vCPU switch each);
 *           n=<iterations> (default 20000).
 * Output: "BENCH <name> <ns per operation> n=<n>", then power-off.
 */
#include <bm/bm.h>

#define UARTFR 0x018
#define PHIDIAS_ABI_VERSION 0x86000000u
#define PHIDIAS_YIELD 0x86000002u
#define PSCI_VERSION 0x84000000u

void bench_svc_loop(uint64_t n);
void bench_hvc_loop(uint64_t n, uint64_t fid);
void bench_mmio_loop(uint64_t n, uintptr_t addr);

static uint64_t iterations = 20000;

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

int main(const void *dtb)
{
	const char *args = bm_bootargs();
	char mode[16] = "local";

	(void)dtb;
	bm_bootargs_get_u64(args, "n", &iterations);
	if (!iterations)
		iterations = 1;
	bm_bootargs_get(args, "bench", mode, sizeof(mode));
	if (!strcmp(mode, "yield")) {
		TIME("yield_switch", 2 * iterations,
		     bench_hvc_loop(iterations, PHIDIAS_YIELD));
	} else {
		TIME("el1_svc_roundtrip", iterations, bench_svc_loop(iterations));
		TIME("hvc_roundtrip", iterations,
		     bench_hvc_loop(iterations, PHIDIAS_ABI_VERSION));
		TIME("psci_version", iterations,
		     bench_hvc_loop(iterations, PSCI_VERSION));
		TIME("uart_fr_trap", iterations,
		     bench_mmio_loop(iterations, bm_uart_base() + UARTFR));
	}
	bm_printf("bench: done\n");
	return 0;
}
