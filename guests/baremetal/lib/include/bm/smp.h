/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Secondary vCPUs: started with PSCI CPU_ON at an entry stub (lib/start.S)
 * that takes the stack of its MPIDR Aff0 and calls the function given to
 * bm_smp_start() with IRQs masked.  Usable from assembly (constants only).
 */
#ifndef BM_SMP_H
#define BM_SMP_H

#define BM_SMP_MAX_CPUS		8
#define BM_SMP_STACK_SIZE	8192

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef void (*bm_smp_fn_t)(uint32_t cpu, void *arg);

/*
 * Start the vCPU with MPIDR Aff0 = cpu (1..BM_SMP_MAX_CPUS-1) running
 * fn(cpu, arg); when fn returns the vCPU turns itself off (PSCI CPU_OFF).
 * Returns a BM_PSCI_* code, or -BM_EINVAL for a bad cpu.
 */
int bm_smp_start(uint32_t cpu, bm_smp_fn_t fn, void *arg);
/* This vCPU's MPIDR Aff0. */
uint32_t bm_smp_cpu(void);
/* Number of vCPUs in the device tree's /cpus (1 without a device tree). */
uint32_t bm_smp_nr_cpus(void);
#endif

#endif /* BM_SMP_H */
