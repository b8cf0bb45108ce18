/* SPDX-License-Identifier: Apache-2.0 */
/* Boot sequencing: one readable path per CPU. */
#include <phidias_gen.h>
#include <arch/cpu.h>
#include <arch/setup.h>
#include <drivers/gicv2.h>
#include <drivers/pl011.h>
#include <phidias/config.h>
#include <phidias/console.h>
#include <phidias/irq.h>
#include <phidias/limits.h>
#include <phidias/log.h>
#include <phidias/pcpu.h>
#include <phidias/sched.h>
#include <phidias/string.h>
#include <phidias/vm.h>

/* Refuse tables from another format version or another build. */
static void check_config(void)
{
	const struct phidias_config *c = &phidias_config;

	if (memcmp(c->signature, PHIDIAS_CONFIG_SIGNATURE, sizeof(c->signature)) != 0)
		panic("configuration tables have no valid signature");
	if (c->version != PHIDIAS_CONFIG_VERSION)
		panic("configuration format %u, this hypervisor reads format %u",
		      c->version, PHIDIAS_CONFIG_VERSION);
	if (c->scenario_hash != PHIDIAS_SCENARIO_HASH ||
	    c->nr_pcpus != PHIDIAS_NR_PCPUS || c->nr_vms != PHIDIAS_NR_VMS ||
	    c->nr_vcpus != PHIDIAS_NR_VCPUS)
		panic("configuration tables belong to another build");
	limits_check(c);
	if (c->plat.psci_conduit != PHIDIAS_PSCI_SMC)
		panic("firmware PSCI through HVC is impossible from EL2");
	/* CPU n is started with CPU_ON(pcpus[n].mpidr): the boot CPU must be
	 * the platform's first <cpu>, or one CPU would be started twice. */
	if (arch_cpu_self_mpidr() != c->pcpus[0].mpidr)
		panic("entered on the CPU with MPIDR 0x%lx, but the platform's first "
		      "<cpu> is 0x%lx: list the boot CPU first",
		      (unsigned long)arch_cpu_self_mpidr(), (unsigned long)c->pcpus[0].mpidr);
}

static void cpu_start(void) __attribute__((noreturn));
static void cpu_start(void)
{
	struct pcpu *p = this_pcpu();

	irq_init_cpu();
	sched_init_cpu();
	log_info("CPU %u online, %u vCPU(s)", p->id, p->cfg->nr_vcpus);
	sched_start();
}

static void start_secondaries(void)
{
	for (uint32_t cpu = 1; cpu < PHIDIAS_NR_PCPUS; cpu++) {
		int64_t ret = arch_psci_cpu_on(phidias_config.pcpus[cpu].mpidr,
					       (uint64_t)(uintptr_t)secondary_entry, cpu);

		if (ret)
			log_info("CPU %u failed to start (PSCI error %ld): its vCPUs will not run",
				 cpu, (long)ret);
	}
}

static void boot_primary(void) __attribute__((noreturn));
static void boot_primary(void)
{
	const struct phidias_config *c = &phidias_config;

	int uart = pl011_init(c->plat.uart_base, c->plat.uart_clock_hz, c->plat.uart_baud);

	check_config();
	log_info("Phidias booting scenario '%s': %u CPU(s), %u VM(s)",
		 c->scenario, c->nr_pcpus, c->nr_vms);
	if (uart > 0)
		log_info("console UART programmed: %u baud 8N1 from a %u Hz clock",
			 c->plat.uart_baud, c->plat.uart_clock_hz);
	gic_init_dist(c->plat.gicd_base, c->plat.gicc_base, c->plat.gich_base);
	vm_init_all();
	console_init();
	start_secondaries();
	cpu_start();
}

/* Entered from head.S on every CPU, MMU still off, on its own stack. */
void boot_cpu(uint32_t id)
{
	struct pcpu *p = &pcpus[id];

	arch_mmu_enable();
	p->id = id;
	p->stack_top = phidias_config.percpu_base + (id + 1) * phidias_config.percpu_size;
	arch_cpu_setup(p);
	if (id == 0)
		boot_primary();
	cpu_start();
}
