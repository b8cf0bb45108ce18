/* SPDX-License-Identifier: Apache-2.0 */
/* Per-CPU architecture bring-up, called by core/main.c. */
#ifndef ARCH_SETUP_H
#define ARCH_SETUP_H

#include <stdint.h>

struct pcpu;

/* PSCI CPU_ON entry point of secondary CPUs (head.S), context id = CPU index. */
extern char secondary_entry[];

/* Turn on EL2 translation with the generated tables (MMU off on entry). */
void arch_mmu_enable(void);
/* Trap configuration, stage 2 and timers of this CPU. */
void arch_cpu_setup(struct pcpu *p);
/* The affinity fields of this CPU's MPIDR_EL1 (what PSCI CPU_ON takes). */
uint64_t arch_cpu_self_mpidr(void);

#endif
