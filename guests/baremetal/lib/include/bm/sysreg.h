/* SPDX-License-Identifier: Apache-2.0 */
/* System-register access and small CPU helpers for EL1 guests. */
#ifndef BM_SYSREG_H
#define BM_SYSREG_H

#include <stdint.h>

#define bm_read_sysreg(reg) __extension__({				\
	uint64_t bm_sysreg_val__;					\
	__asm__ volatile("mrs %0, " #reg : "=r"(bm_sysreg_val__));	\
	bm_sysreg_val__;						\
})

#define bm_write_sysreg(reg, val) do {					\
	uint64_t bm_sysreg_val__ = (val);				\
	__asm__ volatile("msr " #reg ", %0" : : "r"(bm_sysreg_val__));	\
} while (0)

static inline void bm_isb(void)
{
	__asm__ volatile("isb" : : : "memory");
}

/*
 * Spin-loop hint.  Under QEMU's round-robin TCG (-icount) YIELD hands the
 * host thread to the next emulated CPU, so a polling loop cannot starve the
 * others; unlike WFE/WFI it is never trapped by the hypervisor.
 */
static inline void bm_cpu_relax(void)
{
	__asm__ volatile("yield" : : : "memory");
}

static inline uint64_t bm_mpidr(void)
{
	return bm_read_sysreg(mpidr_el1);
}

/*
 * FP/SIMD, which the guests' C code does not use (-mgeneral-regs-only):
 * on at EL1 and EL0 (CPACR_EL1.FPEN), and d0 and FPCR by hand, for tests
 * that a vCPU's FP state is its own.
 */
#define BM_CPACR_FPEN (3ull << 20)
/* FPCR.DN and FZ: a value no reset leaves, for those tests. */
#define BM_FPCR_DN_FZ (3ull << 24)

static inline void bm_fp_enable(void)
{
	uint64_t cpacr = bm_read_sysreg(cpacr_el1);

	bm_write_sysreg(cpacr_el1, cpacr | BM_CPACR_FPEN);
	bm_isb();
}

static inline void bm_fp_read(uint64_t *d0, uint64_t *fpcr)
{
	__asm__ volatile(".arch_extension fp\n\tfmov %0, d0\n\tmrs %1, fpcr"
			 : "=r"(*d0), "=r"(*fpcr));
}

static inline void bm_fp_write(uint64_t d0, uint64_t fpcr)
{
	__asm__ volatile(".arch_extension fp\n\tfmov d0, %0\n\tmsr fpcr, %1"
			 : : "r"(d0), "r"(fpcr) : "memory");
}

/* Exception level the code runs at (CurrentEL[3:2]). */
static inline unsigned int bm_current_el(void)
{
	return (unsigned int)(bm_read_sysreg(CurrentEL) >> 2) & 3u;
}

#endif /* BM_SYSREG_H */
