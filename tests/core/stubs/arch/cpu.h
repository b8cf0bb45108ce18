/* SPDX-License-Identifier: Apache-2.0 */
/* Host stand-in for arch/arm64/include/arch/cpu.h (tests/core/test_console.c). */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <stdint.h>

struct pcpu;

extern struct pcpu *test_pcpu;
extern uint64_t test_now;	/* the counter, at 1 MHz */

static inline struct pcpu *this_pcpu(void)
{
	return test_pcpu;
}

static inline uint64_t arch_counter(void)
{
	return test_now;
}

static inline uint64_t arch_counter_freq(void)
{
	return 1000000;
}

void arch_halt(void) __attribute__((noreturn));

#endif
