/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ipctest: capability and hypercall-ABI checks (tests/system/test_ipc.py).
 * bootargs role=:
 *   abi       SMCCC/vendor/ABI queries, unknown ID and HVC #1 -> -1
 *   intruder  cap_invoke/cap_info with indices it does not hold -> -3,
 *             then sets `done` in the first shared region
 *   listener  enables every SPI/SGI, waits for `done` plus 20 ms and
 *             reports every interrupt taken
 *   ro-writer reads the first shared region (mapped ro), then writes it:
 *             the hypervisor must stop this VM
 *   rw-owner  writes a pattern into the first shared region, then prints
 *             `ipctest: alive <n>` every 5 ms, <count> times (default 40)
 * Lines: `ipctest: <check>: PASS|FAIL ...`.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bm/bm.h>

#define DONE_MAGIC	0x444f4e45u
#define PATTERN		0x5a5aa5a5u

static uint32_t failures;

static void check(const char *what, int64_t got, int64_t want)
{
	if (got == want) {
		bm_printf("ipctest: %s: PASS 0x%lx\n", what, (unsigned long)got);
	} else {
		bm_printf("ipctest: %s: FAIL got 0x%lx want 0x%lx\n", what, (unsigned long)got,
			  (unsigned long)want);
		failures++;
	}
}

static void role_abi(void)
{
	struct bm_smccc_res r;

	check("smccc-version", bm_smccc_version(), 0x10001);
	check("arch-features-version", bm_smccc_arch_features(BM_SMCCC_VERSION), 0);
	check("arch-features-features", bm_smccc_arch_features(BM_SMCCC_ARCH_FEATURES), 0);
	check("arch-features-other", bm_smccc_arch_features(0x80008000u), -1);
	r = bm_hyp_uid();
	check("uid0", (int64_t)r.a0, 0x521a3c7b);
	check("uid1", (int64_t)r.a1, 0x8f4ed094);
	check("uid2", (int64_t)r.a2, 0x2e5da1b6);
	check("uid3", (int64_t)r.a3, 0x374a9f0c);
	r = bm_hyp_revision();
	check("revision", (int64_t)(r.a0 << 16 | r.a1), 0x10000);
	check("call-count", bm_hyp_call_count(), 4);
	check("abi-version", bm_hyp_abi_version(), 0x10000);
	check("yield", bm_hyp_yield(), 0);
	check("unknown-id", (int64_t)bm_hvc0(BM_SMCCC_HYP_FID(0x1234)), -1);
	check("hvc-imm1", (int64_t)bm_hyp_call_imm1(BM_HYP_ABI_VERSION).a0, -1);
}

static void role_intruder(void)
{
	static const uint64_t bad[] = { 0, 1, 2, 7, 0xffffffffu, 1ull << 32, ~0ull };
	struct bm_phidias_shmem shm;
	struct bm_phidias_cap cap;
	struct bm_hyp_cap_info info;
	char what[48];
	uint32_t nr_caps = 0;

	while (bm_phidias_cap(nr_caps, &cap) == 0)
		nr_caps++;
	bm_printf("ipctest: intruder holds %u caps\n", nr_caps);
	for (uint32_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bad[i] < nr_caps)
			continue;
		bm_snprintf(what, sizeof(what), "invoke-%lx", (unsigned long)bad[i]);
		check(what, bm_hyp_cap_invoke(bad[i]), -3);
		bm_snprintf(what, sizeof(what), "info-%lx", (unsigned long)bad[i]);
		check(what, bm_hyp_cap_info(bad[i], &info), -3);
	}
	if (bm_phidias_shmem(0, &shm) == 0)
		*(volatile uint32_t *)(uintptr_t)shm.base = DONE_MAGIC;
}

static volatile uint32_t taken[BM_IRQ_MAX];

static void count_irq(uint32_t intid, uint32_t iar, void *arg)
{
	(void)iar; (void)arg;
	taken[intid]++;
}

static void role_listener(void)
{
	struct bm_phidias_shmem shm;
	uint32_t n = 0;

	if (bm_phidias_shmem(0, &shm) < 0) {
		bm_printf("ipctest: listener: FAIL no shared region\n");
		failures++;
		return;
	}
	bm_gic_init();
	for (uint32_t i = 0; i < BM_IRQ_MAX; i++) {
		if (i >= 16 && i < 32)
			continue;	/* PPIs: the timers, not doorbells */
		bm_irq_register(i, count_irq, NULL);
		if (i >= BM_GIC_SPI_BASE)
			bm_gic_set_edge(i, true);
		bm_gic_enable(i);
	}
	bm_irq_enable();
	bm_printf("ipctest: listener ready\n");
	while (*(volatile uint32_t *)(uintptr_t)shm.base != DONE_MAGIC)
		bm_delay_us(200);
	bm_delay_ms(20);
	bm_irq_disable();
	for (uint32_t i = 0; i < BM_IRQ_MAX; i++)
		if (taken[i]) {
			bm_printf("ipctest: listener: FAIL took INTID %u %u times\n", i, taken[i]);
			n++;
		}
	if (n || bm_irq_unhandled())
		failures++;
	else
		bm_printf("ipctest: listener: PASS no interrupt delivered\n");
}

static void role_ro_writer(void)
{
	struct bm_phidias_shmem shm;
	volatile uint32_t *p;

	if (bm_phidias_shmem(0, &shm) < 0 || !shm.read_only) {
		bm_printf("ipctest: ro-writer: FAIL no read-only region in the DT\n");
		failures++;
		return;
	}
	p = (volatile uint32_t *)(uintptr_t)shm.base;
	while (*p != PATTERN)
		bm_delay_us(200);
	bm_printf("ipctest: ro-writer: read 0x%x, writing 0x%lx\n", *p, (unsigned long)shm.base);
	*p = 0;
	bm_printf("ipctest: ro-writer: FAIL the write did not fault\n");
	failures++;
}

static void role_rw_owner(void)
{
	struct bm_phidias_shmem shm;
	uint64_t count = 40, next;

	bm_bootargs_get_u64(bm_bootargs(), "count", &count);
	if (bm_phidias_shmem(0, &shm) < 0 || shm.read_only) {
		bm_printf("ipctest: rw-owner: FAIL no writable region in the DT\n");
		failures++;
		return;
	}
	*(volatile uint32_t *)(uintptr_t)shm.base = PATTERN;
	next = bm_counter_read();
	for (uint64_t i = 1; i <= count; i++) {
		next += bm_us_to_ticks(5000);
		bm_delay_until(next);
		bm_printf("ipctest: alive %lu\n", (unsigned long)i);
	}
}

int main(const void *dtb)
{
	char role[16] = "";

	(void)dtb;
	bm_bootargs_get(bm_bootargs(), "role", role, sizeof(role));
	bm_printf("ipctest: role %s, vm-id %d\n", role, bm_phidias_vm_id());
	if (strcmp(role, "abi") == 0)
		role_abi();
	else if (strcmp(role, "intruder") == 0)
		role_intruder();
	else if (strcmp(role, "listener") == 0)
		role_listener();
	else if (strcmp(role, "ro-writer") == 0)
		role_ro_writer();
	else if (strcmp(role, "rw-owner") == 0)
		role_rw_owner();
	else
		bm_printf("ipctest: FAIL unknown role '%s'\n", role), failures++;
	bm_printf("ipctest: done, %u failed\n", failures);
	return 0;
}
