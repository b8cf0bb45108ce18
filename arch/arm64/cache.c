/* SPDX-License-Identifier: Apache-2.0 */
/* Cache maintenance by VA to the point of coherency (Arm ARM D4.4.7). */
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <phidias/string.h>

static uint64_t dcache_line(void)
{
	return 4ul << ((sysreg_read(ctr_el0) >> 16) & 0xf);
}

void arch_dcache_clean_inval(uint64_t start, uint64_t size)
{
	uint64_t line = dcache_line();

	for (uint64_t a = start & ~(line - 1); a < start + size; a += line)
		__asm__ volatile("dc civac, %0" : : "r"(a) : "memory");
	dsb_sy();
}

void arch_icache_inval_all(void)
{
	__asm__ volatile("ic iallu\n dsb sy\n isb" ::: "memory");
}

/* A vCPU starts with its MMU off: what we wrote through the cache must reach RAM. */
void arch_memcpy_to_guest(uint64_t pa, const void *src, uint64_t size)
{
	memcpy((void *)(uintptr_t)pa, src, size);
	arch_dcache_clean_inval(pa, size);
}

void arch_zero_guest(uint64_t pa, uint64_t size)
{
	uint64_t dczid = sysreg_read(dczid_el0);
	uint64_t block = 4ul << (dczid & 0xf);

	if ((dczid & 0x10) || (pa | size) & (block - 1)) {
		memset((void *)(uintptr_t)pa, 0, size);
	} else {
		for (uint64_t a = pa; a < pa + size; a += block)
			__asm__ volatile("dc zva, %0" : : "r"(a) : "memory");
	}
	arch_dcache_clean_inval(pa, size);
	arch_icache_inval_all();
}
