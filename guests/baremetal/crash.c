/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crash: print `lines` lines (default 3), then do the bad thing named by
 * crash=<kind>: `read` or `write` at addr=<IPA> (default 0x10000000,
 * unmapped under Phidias), or `sysreg`, a read of an IMPLEMENTATION DEFINED
 * register (trapped where the CPU implements HCR_EL2.TIDCP).  Under Phidias
 * the guest then takes an abort or an UNDEFINED exception, which the runtime
 * reports before powering off (with <vm on-fault="stop"> the VM is stopped
 * instead); if the access goes through, say so.
 */
#include <bm/bm.h>

#define CRASH_DEFAULT_ADDR	0x10000000u
#define CRASH_DEFAULT_LINES	3u

/*
 * One instruction we can name the address of: a read of S3_1_C15_C2_0, an
 * IMPLEMENTATION DEFINED register (CPUACTLR_EL1 on Cortex-A57) that
 * HCR_EL2.TIDCP traps to the hypervisor, which does not emulate it.
 */
uint64_t crash_read_impdef(void);
__asm__(".pushsection .text\n"
	".global crash_read_impdef\n"
	".type crash_read_impdef, %function\n"
	"crash_read_impdef:\n"
	"	mrs	x0, s3_1_c15_c2_0\n"
	"	ret\n"
	".size crash_read_impdef, . - crash_read_impdef\n"
	".popsection");

int main(const void *dtb)
{
	const char *args = bm_bootargs();
	uint64_t lines = CRASH_DEFAULT_LINES, addr = CRASH_DEFAULT_ADDR;
	char kind[16];
	volatile uint32_t *p;

	(void)dtb;
	if (bm_bootargs_get_u64(args, "lines", &lines) == -BM_EINVAL)
		lines = CRASH_DEFAULT_LINES;
	if (bm_bootargs_get_u64(args, "addr", &addr) == -BM_EINVAL)
		addr = CRASH_DEFAULT_ADDR;
	if (bm_bootargs_get(args, "crash", kind, sizeof(kind)) <= 0)
		bm_snprintf(kind, sizeof(kind), "read");

	for (uint64_t i = 1; i <= lines; i++)
		bm_printf("crash: line %lu\n", (unsigned long)i);

	p = (volatile uint32_t *)(uintptr_t)addr;
	if (strcmp(kind, "read") == 0) {
		bm_printf("crash: performing read at 0x%lx\n", (unsigned long)addr);
		bm_printf("crash: read returned 0x%x\n", *p);
	} else if (strcmp(kind, "write") == 0) {
		bm_printf("crash: performing write at 0x%lx\n", (unsigned long)addr);
		*p = 0xdeadbeefu;
	} else if (strcmp(kind, "sysreg") == 0) {
		bm_printf("crash: performing sysreg at 0x%lx\n",
			  (unsigned long)(uintptr_t)crash_read_impdef);
		bm_printf("crash: sysreg read 0x%lx\n", (unsigned long)crash_read_impdef());
	} else {
		bm_printf("crash: unknown kind '%s' (read, write, sysreg)\n", kind);
		return 1;
	}
	bm_printf("crash: %s did not fault\n", kind);
	return 0;
}
