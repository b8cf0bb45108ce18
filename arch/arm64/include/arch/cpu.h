/* SPDX-License-Identifier: Apache-2.0 */
/* The narrow interface core/ uses to reach the CPU. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>
#include <arch/sysreg.h>

struct pcpu;

static inline struct pcpu *this_pcpu(void)
{
	return (struct pcpu *)sysreg_read(tpidr_el2);
}

static inline uint64_t arch_counter(void)
{
	isb();
	return sysreg_read(cntpct_el0);
}

static inline uint64_t arch_counter_freq(void)
{
	return sysreg_read(cntfrq_el0);
}

/* Clean and invalidate [start, start + size) to the point of coherency. */
void arch_dcache_clean_inval(uint64_t start, uint64_t size);
void arch_icache_inval_all(void);

/* Copy and scrub guest memory; both leave it coherent for a vCPU whose MMU is off. */
void arch_memcpy_to_guest(uint64_t pa, const void *src, uint64_t size);
void arch_zero_guest(uint64_t pa, uint64_t size);

/* Firmware PSCI (SMC or HVC per platform). */
int64_t arch_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
void arch_psci_system_off(void) __attribute__((noreturn));

/*
 * Whether this CPU's guest WFI and WFE trap to the hypervisor
 * (HCR_EL2.TWI/TWE); when not, they wait natively, and any interrupt for
 * the guest or the hypervisor ends the wait.
 */
void arch_trap_wait(int trap);

/* Leave EL2 into the current vCPU of this physical CPU; never returns. */
void arch_enter_guest(void) __attribute__((noreturn));

void arch_halt(void) __attribute__((noreturn));

#endif
