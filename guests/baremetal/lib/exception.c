/* SPDX-License-Identifier: Apache-2.0 */
/* The one exception handler: every exception is fatal for these guests. */
#include <stdint.h>

#include <bm/printf.h>
#include <bm/psci.h>
#include <bm/runtime.h>
#include <bm/sysreg.h>
#include <bm/uart.h>

/* ESR_ELx.EC values worth naming (Arm ARM D17.2.37). */
static const char *bm_exception_class(uint64_t ec)
{
	switch (ec) {
	case 0x00: return "unknown reason";
	case 0x01: return "WFI/WFE";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x17: return "SMC";
	case 0x18: return "MSR/MRS";
	case 0x20: case 0x21: return "instruction abort";
	case 0x22: return "PC alignment";
	case 0x24: case 0x25: return "data abort";
	case 0x26: return "SP alignment";
	case 0x2f: return "SError";
	case 0x3c: return "BRK";
	default: return "other";
	}
}

void bm_exception(uint64_t vector)
{
	static const char *const kind[4] = { "sync", "IRQ", "FIQ", "SError" };
	static const char *const from[4] = {
		"EL1t", "EL1h", "EL0 AArch64", "EL0 AArch32"
	};
	static volatile unsigned int depth;
	uint64_t esr, elr, far;

	/* A fault while reporting one: just try to power off, then park. */
	if (depth++ != 0) {
		if (depth == 2)
			bm_psci_system_off();
		for (;;)
			__asm__ volatile("wfi");
	}

	esr = bm_read_sysreg(esr_el1);
	elr = bm_read_sysreg(elr_el1);
	far = bm_read_sysreg(far_el1);
	if (!bm_uart_at_line_start())
		bm_uart_putc('\n');
	bm_printf("bm: unhandled %s exception from %s: %s\n", kind[vector & 3],
		  from[(vector >> 2) & 3], bm_exception_class(esr >> 26));
	bm_printf("bm: ESR_EL1 0x%08lx ELR_EL1 0x%lx FAR_EL1 0x%lx\n",
		  (unsigned long)esr, (unsigned long)elr, (unsigned long)far);
	bm_printf("bm: powering off\n");
	bm_psci_system_off();
}
