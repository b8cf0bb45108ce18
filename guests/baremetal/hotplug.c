/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hotplug: the vCPU lifecycle through PSCI, checked from inside a VM with
 * two vCPUs (docs/baremetal.md).
 *   - vCPU 1 fills its EL1 system registers, d0 and FPCR with a pattern
 *     and calls CPU_OFF; CPU_ON restarts it, and it must find none of the
 *     pattern (a restarted CPU gets fresh EL1 and FP/SIMD state, not the
 *     old one, which its CPU may still hold: lazy FP switching), rounds=<n>
 *     times;
 *   - PSCI functions that exist only as SMC32 are NOT_SUPPORTED in their
 *     SMC64 form, both called and asked for through PSCI_FEATURES, while
 *     the SMC64 CPU_ON is supported;
 *   - last, vCPU 0 calls CPU_OFF with vCPU 1 off: the VM has no vCPU left
 *     and stops (the hypervisor says so), without SYSTEM_OFF.
 * Prints `hotplug: <check>: PASS|FAIL ...`, then `hotplug: done, <f> failed`.
 */
#include <bm/bm.h>

#define SMC64 0x40000000u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define OFF_WAIT_US 200000u

static uint32_t failures;
static volatile uint32_t phase, seen_stale, seen_checked;

struct el1_state {
	uint64_t tpidr_el1, tpidr_el0, tpidrro_el0, contextidr_el1;
	uint64_t ttbr0_el1, ttbr1_el1, mair_el1, amair_el1, tcr_el1, vbar_el1;
	uint64_t cpacr_el1, d0, fpcr;
};

#define PATTERN(i) (0x5a5a000000001000ull + ((uint64_t)(i) << 16))

static void read_el1(struct el1_state *s)
{
	s->tpidr_el1 = bm_read_sysreg(tpidr_el1);
	s->tpidr_el0 = bm_read_sysreg(tpidr_el0);
	s->tpidrro_el0 = bm_read_sysreg(tpidrro_el0);
	s->contextidr_el1 = bm_read_sysreg(contextidr_el1);
	s->ttbr0_el1 = bm_read_sysreg(ttbr0_el1);
	s->ttbr1_el1 = bm_read_sysreg(ttbr1_el1);
	s->mair_el1 = bm_read_sysreg(mair_el1);
	s->amair_el1 = bm_read_sysreg(amair_el1);
	s->tcr_el1 = bm_read_sysreg(tcr_el1);
	s->vbar_el1 = bm_read_sysreg(vbar_el1);
	s->cpacr_el1 = bm_read_sysreg(cpacr_el1);
	/* FP/SIMD on (a fresh CPU has it trapped, cpacr_el1 above), then read. */
	bm_fp_enable();
	bm_fp_read(&s->d0, &s->fpcr);
}

/* The MMU stays off, so none of these change what vCPU 1 executes. */
static void write_pattern(void)
{
	bm_write_sysreg(tpidr_el1, PATTERN(1));
	bm_write_sysreg(tpidr_el0, PATTERN(2));
	bm_write_sysreg(tpidrro_el0, PATTERN(3));
	bm_write_sysreg(contextidr_el1, 0x5a5au);
	bm_write_sysreg(ttbr0_el1, PATTERN(5));
	bm_write_sysreg(ttbr1_el1, PATTERN(6));
	bm_write_sysreg(mair_el1, PATTERN(7));
	bm_write_sysreg(amair_el1, PATTERN(8));
	bm_write_sysreg(tcr_el1, 0x5a5a0010ull);
	__asm__ volatile("isb" ::: "memory");
	bm_fp_write(PATTERN(10), BM_FPCR_DN_FZ);	/* FP/SIMD is on (read_el1) */
}

/* Which registers still hold the pattern (a bit each, in struct order). */
static uint32_t stale(const struct el1_state *s)
{
	uint32_t m = 0;

	m |= (s->tpidr_el1 == PATTERN(1)) << 0;
	m |= (s->tpidr_el0 == PATTERN(2)) << 1;
	m |= (s->tpidrro_el0 == PATTERN(3)) << 2;
	m |= (s->contextidr_el1 == 0x5a5au) << 3;
	m |= (s->ttbr0_el1 == PATTERN(5)) << 4;
	m |= (s->ttbr1_el1 == PATTERN(6)) << 5;
	m |= (s->mair_el1 == PATTERN(7)) << 6;
	m |= (s->amair_el1 == PATTERN(8)) << 7;
	m |= (s->tcr_el1 == 0x5a5a0010ull) << 8;
	m |= ((s->cpacr_el1 & BM_CPACR_FPEN) == BM_CPACR_FPEN) << 9;
	m |= (s->d0 == PATTERN(10)) << 10;
	m |= (s->fpcr == BM_FPCR_DN_FZ) << 11;
	return m;
}

/* On vCPU 1: check what it starts with, leave the pattern, return (CPU_OFF). */
static void secondary(uint32_t cpu, void *arg)
{
	struct el1_state s;

	(void)cpu; (void)arg;
	read_el1(&s);
	seen_stale |= stale(&s);
	write_pattern();
	seen_checked++;
	__asm__ volatile("dsb sy\n\tsev" ::: "memory");
}

static void check(const char *name, int ok, const char *fmt, uint64_t a, uint64_t b)
{
	if (ok) {
		bm_printf("hotplug: %s: PASS\n", name);
		return;
	}
	bm_printf("hotplug: %s: FAIL ", name);
	bm_printf(fmt, (unsigned long)a, (unsigned long)b);
	bm_printf("\n");
	failures++;
}

/* vCPU 1 is off again (AFFINITY_INFO 1), within OFF_WAIT_US of guest time. */
static int wait_off(void)
{
	uint64_t deadline = bm_counter_read() + bm_us_to_ticks(OFF_WAIT_US);

	while (bm_psci_call(BM_PSCI_AFFINITY_INFO, 1, 0, 0) != 1)
		if (bm_counter_read() > deadline)
			return 0;
	return 1;
}

static void test_hotplug(uint64_t rounds)
{
	uint32_t started = 0;

	for (uint64_t i = 0; i < rounds; i++) {
		uint32_t before = seen_checked;

		if (bm_smp_start(1, secondary, 0) != BM_PSCI_SUCCESS)
			break;
		while (seen_checked == before)
			__asm__ volatile("wfe" ::: "memory");
		started++;
		if (!wait_off())
			break;
	}
	check("cpu_off_on", started == rounds && !seen_stale,
	      "%lu restarts done, old EL1 registers found (mask 0x%lx)", started, seen_stale);
}

static void test_smc64_forms(void)
{
	static const uint32_t smc32_only[] = {
		BM_PSCI_VERSION, BM_PSCI_CPU_OFF, PSCI_MIGRATE_INFO_TYPE,
		BM_PSCI_SYSTEM_OFF, BM_PSCI_SYSTEM_RESET, BM_PSCI_FEATURES,
	};
	uint32_t bad = 0, first = 0;

	for (uint32_t i = 0; i < sizeof(smc32_only) / sizeof(smc32_only[0]); i++) {
		uint32_t fid = smc32_only[i] | SMC64;

		/* Called in SMC64 form, even SYSTEM_OFF must do nothing but fail. */
		if ((int64_t)bm_psci_call(fid, 0, 0, 0) != BM_PSCI_E_NOT_SUPPORTED ||
		    bm_psci_features(fid) != BM_PSCI_E_NOT_SUPPORTED) {
			if (!bad++)
				first = fid;
		}
	}
	check("smc64_forms", !bad, "%lu SMC32-only IDs accepted in SMC64 form (first 0x%lx)",
	      bad, first);
	check("features", bm_psci_features(BM_PSCI_CPU_ON) == BM_PSCI_SUCCESS &&
	      bm_psci_features(BM_PSCI_SYSTEM_OFF) == BM_PSCI_SUCCESS, "%lu %lu",
	      (uint64_t)(int64_t)bm_psci_features(BM_PSCI_CPU_ON),
	      (uint64_t)(int64_t)bm_psci_features(BM_PSCI_SYSTEM_OFF));
}

int main(const void *dtb)
{
	uint64_t rounds = 20;

	(void)dtb;
	bm_bootargs_get_u64(bm_bootargs(), "rounds", &rounds);
	if (bm_smp_nr_cpus() < 2) {
		bm_printf("hotplug: needs two vCPUs\n");
		return 1;
	}
	test_hotplug(rounds);
	test_smc64_forms();
	bm_printf("hotplug: done, %u failed\n", failures);
	/* The last vCPU powers off: that alone must stop the VM. */
	bm_psci_call(BM_PSCI_CPU_OFF, 0, 0, 0);
	bm_printf("hotplug: FAIL CPU_OFF returned\n");
	return 1;
}
