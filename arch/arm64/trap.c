/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding of exceptions taken from guests (ESR_EL2, Arm ARM D13.2.37). */
#include <arch/cpu.h>
#include <arch/psci.h>
#include <arch/sysreg.h>
#include <phidias/hypercall.h>
#include <phidias/irq.h>
#include <phidias/log.h>
#include <phidias/mmio.h>
#include <phidias/pcpu.h>
#include <phidias/sched.h>
#include <phidias/vcpu.h>
#include <phidias/vm.h>

static const char *const ec_names[64] = {
	[EC_UNKNOWN] = "undefined instruction",
	[EC_WFX] = "WFI/WFE",
	[EC_FP] = "FP/SIMD access",
	[0x0e] = "illegal execution state",
	[0x11] = "SVC (AArch32)",
	[0x15] = "SVC",
	[EC_HVC64] = "HVC",
	[EC_SMC64] = "SMC",
	[EC_SYSREG] = "trapped system register access",
	[EC_IABT_LOW] = "instruction abort",
	[0x22] = "PC alignment fault",
	[EC_DABT_LOW] = "data abort",
	[0x26] = "SP alignment fault",
	[0x2f] = "SError",
};

static void dump_regs(const struct vcpu *v)
{
	const uint64_t *x = v->regs.x;

	for (unsigned i = 0; i < 28; i += 4)
		log_info("  x%-2u 0x%016lx x%-2u 0x%016lx x%-2u 0x%016lx x%-2u 0x%016lx",
			 i, x[i], i + 1, x[i + 1], i + 2, x[i + 2], i + 3, x[i + 3]);
	log_info("  x28 0x%016lx x29 0x%016lx x30 0x%016lx",
		 x[28], x[29], x[30]);
	log_info("  pc  0x%016lx pstate 0x%08lx sp_el1 0x%016lx",
		 v->regs.pc, v->regs.pstate, sysreg_read(sp_el1));
	log_info("  elr_el1 0x%016lx esr_el1 0x%08lx far_el1 0x%016lx",
		 sysreg_read(elr_el1), sysreg_read(esr_el1), sysreg_read(far_el1));
}

/* Report what the guest did and stop its VM; the other VMs never notice. */
static void guest_fault(struct vcpu *v, uint64_t esr, const char *what,
			int has_ipa, uint64_t ipa)
{
	const char *name = ec_names[ESR_EC(esr)];

	if (!what)
		what = name ? name : "unhandled exception";
	if (has_ipa)
		log_info("VM '%s' vCPU %u: %s at IPA 0x%lx (ESR_EL2 0x%lx, PC 0x%lx)",
			 vm_name(v->vm), v->cfg->index, what, ipa, esr, v->regs.pc);
	else
		log_info("VM '%s' vCPU %u: %s, EC 0x%x (ESR_EL2 0x%lx, PC 0x%lx)",
			 vm_name(v->vm), v->cfg->index, what,
			 (unsigned)ESR_EC(esr), esr, v->regs.pc);
	dump_regs(v);
	vm_stop(v->vm, "stopped");
}

static uint64_t fault_ipa(void)
{
	/* HPFAR_EL2.FIPA holds IPA[47:12] in bits [39:4]. */
	return ((sysreg_read(hpfar_el2) & 0xffffffffff0ul) << 8) |
	       (sysreg_read(far_el2) & 0xfff);
}

static void __attribute__((noinline)) dabt_fault(struct vcpu *v, uint64_t esr, uint64_t ipa)
{
	guest_fault(v, esr, (esr & DABT_WNR) ? "data abort (write)" : "data abort (read)", 1, ipa);
}

static void data_abort(struct vcpu *v, uint64_t esr)
{
	uint64_t iss = ESR_ISS(esr);
	uint64_t ipa = fault_ipa();
	uint32_t rt = (uint32_t)DABT_SRT(iss);
	struct mmio_access acc;

	if (!(iss & DABT_ISV) || (iss & DABT_S1PTW)) {
		dabt_fault(v, esr, ipa);
		return;
	}
	acc.size = 1u << DABT_SAS(iss);
	acc.write = (iss & DABT_WNR) != 0;
	acc.value = (acc.write && rt != 31) ? v->regs.x[rt] : 0;
	if (mmio_dispatch(v, ipa, &acc) != MMIO_HANDLED) {
		dabt_fault(v, esr, ipa);
		return;
	}
	if (!acc.write && rt != 31) {
		uint64_t val = acc.value;
		unsigned bits = acc.size * 8;

		if (bits < 64)
			val &= (1ul << bits) - 1;
		if ((iss & DABT_SSE) && bits < 64 && (val >> (bits - 1)))
			val |= ~0ul << bits;
		if (!(iss & DABT_SF))
			val &= 0xffffffffu;
		v->regs.x[rt] = val;
	}
	v->regs.pc += 4;
}

static void __attribute__((noinline)) trap_sync(struct vcpu *v, uint64_t esr)
{
	if (ESR_EC(esr) == EC_DABT_LOW) {	/* emulated devices: the next most frequent */
		data_abort(v, esr);
		return;
	}
	switch (ESR_EC(esr)) {
	case EC_WFX:
		v->regs.pc += 4;
		if (esr & 1)
			sched_yield();		/* WFE: let the others run */
		else
			sched_block();		/* WFI: wait for a wake-up */
		break;
	case EC_SMC64:
		/* A trapped SMC returns to the SMC itself (Arm ARM D1.19.2). */
		v->regs.pc += 4;
		hypercall(v, (uint32_t)(esr & 0xffff));
		break;
	case EC_IABT_LOW:
		guest_fault(v, esr, 0, 1, fault_ipa());
		break;
	default:
		guest_fault(v, esr, 0, 0, 0);
		break;
	}
}

void arch_trap_sync(struct vcpu *v)
{
	uint64_t esr = sysreg_read(esr_el2);

	/* The hypercall first: the one trap with a budget (docs/benchmarks.md). */
	if (ESR_EC(esr) == EC_HVC64)
		hypercall(v, (uint32_t)(esr & 0xffff));	/* ELR already points past HVC */
	else
		trap_sync(v, esr);
}

void arch_trap_irq(struct vcpu *v)
{
	(void)v;
	irq_handle();
}

void arch_trap_unexpected(struct vcpu *v, uint64_t kind)
{
	static const char *const kinds[] = { "?", "FIQ", "SError", "AArch32 exception" };

	guest_fault(v, sysreg_read(esr_el2), kinds[kind & 3], 0, 0);
}

void arch_hyp_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far)
{
	static const char *const kinds[] = { "synchronous", "IRQ", "FIQ", "SError" };

	panic("CPU %u: %s exception in the hypervisor: ESR_EL2 0x%lx ELR_EL2 0x%lx FAR_EL2 0x%lx",
	      this_pcpu()->id, kinds[kind & 3], esr, elr, far);
}
