/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crash: print `lines` lines (default 3), then do the bad thing named by
 * crash=<kind>: `read` or `write` at addr=<IPA> (default 0x10000000,
 * unmapped under Phidias), or `sysreg`, an AArch32 EL0 CP15 read of CNTP_CTL
 * (trapped, not emulated).  Under Phidias
 * the guest then takes an abort or an UNDEFINED exception, which the runtime
 * reports before powering off (with <vm on-fault="stop"> the VM is stopped
 * instead); if the access goes through, say so.
 */
#include <bm/bm.h>

#define CRASH_DEFAULT_ADDR	0x10000000u
#define CRASH_DEFAULT_LINES	3u

/*
 * An instruction the hypervisor traps but does not implement: a read of
 * CNTP_CTL through CP15 (MRC p15, 0, r1, c14, c2, 1) from AArch32 EL0, with
 * CNTKCTL_EL1.EL0PTEN set so that it traps to EL2 (CNTHCTL_EL2.EL1PCEN = 0)
 * rather than to EL1.  crash_cp15_el0 drops to EL0 there; the instruction's
 * address is crash_cp15_insn.
 */
void crash_cp15_el0(void);
extern const char crash_cp15_insn[];
__asm__(".pushsection .text\n"
	".global crash_cp15_el0, crash_cp15_insn\n"
	".type crash_cp15_el0, %function\n"
	"crash_cp15_el0:\n"
	"	mrs	x0, cntkctl_el1\n"
	"	orr	x0, x0, #(1 << 9)\n"
	"	msr	cntkctl_el1, x0\n"
	"	adr	x0, crash_cp15_insn\n"
	"	msr	elr_el1, x0\n"
	"	mov	x0, #0x1d0\n"		/* EL0 (User), A32, A/I/F masked */
	"	msr	spsr_el1, x0\n"
	"	eret\n"
	"	.balign	4\n"
	"crash_cp15_insn:\n"
	"	.inst	0xee1e1f32\n"		/* mrc p15, 0, r1, c14, c2, 1 */
	"	.inst	0xef000000\n"		/* svc #0: it did not trap */
	".size crash_cp15_el0, . - crash_cp15_el0\n"
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
			  (unsigned long)(uintptr_t)crash_cp15_insn);
		crash_cp15_el0();
	} else {
		bm_printf("crash: unknown kind '%s' (read, write, sysreg)\n", kind);
		return 1;
	}
	bm_printf("crash: %s did not fault\n", kind);
	return 0;
}
