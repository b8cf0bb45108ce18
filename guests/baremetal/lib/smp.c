/* SPDX-License-Identifier: Apache-2.0 */
/* Secondary vCPU start-up through PSCI CPU_ON. */
#include <stdint.h>

#include <bm/error.h>
#include <bm/fdt.h>
#include <bm/psci.h>
#include <bm/runtime.h>
#include <bm/smp.h>
#include <bm/string.h>
#include <bm/sysreg.h>

struct bm_smp_boot {
	bm_smp_fn_t fn;
	void *arg;
};

/* Read by bm_smp_entry (start.S): slot i's stack top is (i + 1) * size. */
uint8_t bm_smp_stacks[BM_SMP_MAX_CPUS][BM_SMP_STACK_SIZE]
	__attribute__((aligned(16)));
static volatile struct bm_smp_boot bm_smp_boot[BM_SMP_MAX_CPUS];

void bm_smp_entry(void);
void bm_smp_secondary_main(uint32_t cpu);

void bm_smp_secondary_main(uint32_t cpu)
{
	bm_smp_boot[cpu].fn(cpu, bm_smp_boot[cpu].arg);
	bm_psci_call(BM_PSCI_CPU_OFF, 0, 0, 0);
	for (;;)
		__asm__ volatile("wfi");
}

int bm_smp_start(uint32_t cpu, bm_smp_fn_t fn, void *arg)
{
	if (cpu == 0 || cpu >= BM_SMP_MAX_CPUS || !fn)
		return -BM_EINVAL;
	bm_smp_boot[cpu].arg = arg;
	bm_smp_boot[cpu].fn = fn;
	__asm__ volatile("dsb sy" : : : "memory");
	return bm_psci_cpu_on(cpu, (uint64_t)(uintptr_t)bm_smp_entry, 0);
}

uint32_t bm_smp_cpu(void)
{
	return (uint32_t)(bm_mpidr() & 0xffu);
}

uint32_t bm_smp_nr_cpus(void)
{
	const struct bm_fdt *fdt = bm_dt();
	uint32_t n = 0;
	int cpus, node;

	if (!fdt || (cpus = bm_fdt_path_offset(fdt, "/cpus")) < 0)
		return 1;
	for (node = bm_fdt_first_subnode(fdt, cpus); node >= 0;
	     node = bm_fdt_next_subnode(fdt, node)) {
		const char *type = bm_fdt_getprop_string(fdt, node, "device_type");

		if (type && strcmp(type, "cpu") == 0)
			n++;
	}
	return n ? n : 1;
}
