/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding of exceptions taken from guests (ESR_EL2, Arm ARM D13.2.37). */
#include <phidias_gen.h>
#include <arch/cpu.h>
#include <arch/inject.h>
#include <arch/debug.h>
#include <arch/psci.h>
#include <arch/sysreg.h>
#include <emul/ptimer.h>
#include <phidias/hypercall.h>
#include <phidias/irq.h>
#include <phidias/log.h>
#include <phidias/mmio.h>
#include <phidias/pcpu.h>
#include <phidias/sched.h>
#include <phidias/vcpu.h>
#include <phidias/virq.h>
#include <phidias/vm.h>

static const char *const ec_names[64] = {
	[EC_UNKNOWN] = "undefined instruction",
	[EC_WFX] = "WFI/WFE",
	[0x03] = "trapped CP15 access (AArch32)",
	[0x04] = "trapped CP15 64-bit access (AArch32)",
	[0x05] = "trapped CP14 access (AArch32)",
	[0x06] = "trapped CP14 LDC/STC (AArch32)",
	[0x0c] = "trapped CP14 64-bit access (AArch32)",
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
static void guest_stop(struct vcpu *v, uint64_t esr, const char *what,
		       int has_ipa, uint64_t ipa)
{
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

/*
 * At most FAULT_LOG_BURST fault lines per VM and second: a guest that
 * faults in a loop must not flood the console all VMs share.
 */
#define FAULT_LOG_BURST 16u

static struct {
	uint64_t window;	/* counter value its current second started at */
	uint32_t lines;
} fault_log[PHIDIAS_NR_VMS];

static int fault_log_ok(const struct vm *vm)
{
	uint64_t now = arch_counter();
	uint32_t id = vm->cfg->id, n;

	if (now - __atomic_load_n(&fault_log[id].window, __ATOMIC_RELAXED) >=
	    arch_counter_freq()) {
		__atomic_store_n(&fault_log[id].window, now, __ATOMIC_RELAXED);
		__atomic_store_n(&fault_log[id].lines, 0, __ATOMIC_RELAXED);
	}
	n = __atomic_add_fetch(&fault_log[id].lines, 1, __ATOMIC_RELAXED);
	if (n == FAULT_LOG_BURST + 1)
		log_info("VM '%s': more faults this second, not reported", vm_name(vm));
	return n <= FAULT_LOG_BURST;
}

/*
 * A fault the guest caused: by default it takes the exception the hardware
 * would have raised, at EL1, and its own handler deals with it; with
 * <vm on-fault="stop"> the VM is reported and stopped instead.  abort:
 * a data/instruction abort (else the instruction is UNDEFINED).
 */
static void guest_fault(struct vcpu *v, uint64_t esr, const char *what,
			int has_ipa, uint64_t ipa)
{
	const char *name = ec_names[ESR_EC(esr)];
	int abort = ESR_EC(esr) == EC_DABT_LOW || ESR_EC(esr) == EC_IABT_LOW;
	const char *given = !abort ? "undefined instruction injected" :
			    (DABT_DFSC(esr) & 0x3c) == 0x0c && !(esr & DABT_S1PTW) ?
			    "permission fault injected" :
			    "external abort injected";

	if (!what)
		what = name ? name : "unhandled exception";
	if (v->vm->cfg->on_fault == PHIDIAS_FAULT_STOP) {
		guest_stop(v, esr, what, has_ipa, ipa);
		return;
	}
	if (fault_log_ok(v->vm)) {
		if (has_ipa)
			log_info("VM '%s' vCPU %u: %s at IPA 0x%lx (ESR_EL2 0x%lx, PC 0x%lx): %s",
				 vm_name(v->vm), v->cfg->index, what, ipa, esr, v->regs.pc, given);
		else
			log_info("VM '%s' vCPU %u: %s, EC 0x%x (ESR_EL2 0x%lx, PC 0x%lx): %s",
				 vm_name(v->vm), v->cfg->index, what, (unsigned)ESR_EC(esr),
				 esr, v->regs.pc, given);
	}
	if (abort)
		arch_inject_abort(v, esr, sysreg_read(far_el2));
	else
		arch_inject_undef(v, esr);
}

/* What is not the guest's to blame (a physical FIQ, an SError): stop it. */
static void guest_unexpected(struct vcpu *v, uint64_t esr, const char *what)
{
	guest_stop(v, esr, what, 0, 0);
}

static inline uint64_t fault_ipa(void)
{
	/* HPFAR_EL2.FIPA holds IPA[47:12] in bits [39:4]. */
	return ((sysreg_read(hpfar_el2) & 0xffffffffff0ul) << 8) |
	       (sysreg_read(far_el2) & 0xfff);
}

static void __attribute__((noinline)) dabt_fault(struct vcpu *v, uint64_t esr, uint64_t ipa)
{
	guest_fault(v, esr, (esr & DABT_WNR) ? "data abort (write)" : "data abort (read)", 1, ipa);
}

/* The length of the trapped instruction: a 16-bit T32 one of an AArch32 EL0 (IL 0). */
static uint64_t insn_len(uint64_t esr)
{
	return (esr & ESR_IL) ? 4 : 2;
}

/*
 * An access to an emulated device, decoded from the ISS (valid, not a
 * stage-1 walk); a read's value goes into Rt.  0 when no device takes it:
 * a refusal changes nothing, so the full path may ask again and fault.
 */
static inline __attribute__((always_inline)) int mmio_emulate(struct vcpu *v, uint64_t esr,
							    uint64_t ipa)
{
	uint64_t iss = ESR_ISS(esr);
	uint32_t rt = (uint32_t)DABT_SRT(iss);
	struct mmio_access acc;

	acc.size = 1u << DABT_SAS(iss);
	acc.write = (iss & DABT_WNR) != 0;
	acc.value = (acc.write && rt != 31) ? v->regs.x[rt] : 0;
	if (mmio_dispatch(v, ipa, &acc) != MMIO_HANDLED)
		return 0;
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
	return 1;
}

static void data_abort(struct vcpu *v, uint64_t esr)
{
	uint64_t ipa = fault_ipa();

	/*
	 * A permission fault (a read-only region) finds no device either:
	 * emulated devices are unmapped, so they only ever translation-fault.
	 */
	if ((esr & (DABT_ISV | DABT_S1PTW)) != DABT_ISV || !mmio_emulate(v, esr, ipa)) {
		dabt_fault(v, esr, ipa);
		return;
	}
	v->regs.pc += insn_len(esr);
}

/*
 * MSR/MRS trapped by CNTHCTL_EL2 (the EL1 physical timer) or HCR_EL2.TIDCP:
 * the ISS names the register (Arm ARM D17.2.37, EC 0x18).  What is not
 * emulated is UNDEFINED, as an unimplemented register is on hardware.
 */
#define SYSREG_ISS(op0, op1, crn, crm, op2) \
	((op0) << 20 | (op2) << 17 | (op1) << 14 | (crn) << 10 | (crm) << 1)
#define SYSREG_ISS_MASK SYSREG_ISS(3u, 7u, 15u, 15u, 7u)
#define SYSREG_ISS_READ 1u
#define SYSREG_ISS_RT(iss) (((iss) >> 5) & 31u)

static void sysreg_trap(struct vcpu *v, uint64_t esr)
{
	uint32_t iss = (uint32_t)ESR_ISS(esr);
	uint32_t rt = SYSREG_ISS_RT(iss);
	int read = (iss & SYSREG_ISS_READ) != 0;
	uint64_t val = (!read && rt != 31) ? v->regs.x[rt] : 0;
	enum ptimer_reg reg;

	switch (iss & SYSREG_ISS_MASK) {
	case SYSREG_ISS(3u, 3u, 14u, 2u, 0u):
		reg = PTIMER_TVAL;
		break;
	case SYSREG_ISS(3u, 3u, 14u, 2u, 1u):
		reg = PTIMER_CTL;
		break;
	case SYSREG_ISS(3u, 3u, 14u, 2u, 2u):
		reg = PTIMER_CVAL;
		break;
	default:
		guest_fault(v, esr, 0, 0, 0);
		return;
	}
	if (read) {
		val = ptimer_read(v, reg);
		if (rt != 31)
			v->regs.x[rt] = val;
	} else {
		ptimer_write(v, reg, val);
	}
	v->regs.pc += 4;
}

/*
 * The virtual timer interrupt is level-sensitive (Arm ARM D11.2.4): the
 * guest masks, disables or reprograms the timer without trapping, so at
 * every exit, while its timer is still loaded, an interrupt whose condition
 * is gone is withdrawn before the guest could take it.
 */
#define CNTV_CTL_FIRING 5u	/* ENABLE and ISTATUS set, IMASK clear */

static void vtimer_resample(struct vcpu *v)
{
	/* Only while one is in flight: most exits cost a load and a branch. */
	if (v->vtimer_fired && (sysreg_read(cntv_ctl_el0) & 7u) != CNTV_CTL_FIRING)
		virq_hw_line_low(v, PHIDIAS_GUEST_VTIMER_IRQ);
}

static void __attribute__((noinline)) trap_sync(struct vcpu *v, uint64_t esr)
{
	vtimer_resample(v);
	if (ESR_EC(esr) == EC_DABT_LOW) {	/* emulated devices: the next most frequent */
		data_abort(v, esr);
		return;
	}
	switch (ESR_EC(esr)) {
	case EC_WFX:
		/* IL 0: a 16-bit T32 WFI/WFE of an AArch32 EL0 (Arm ARM D17.2.37). */
		v->regs.pc += (esr & ESR_IL) ? 4 : 2;
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
	case EC_FP:
		arch_fp_access(v);	/* lazy FP/SIMD (context.c): the instruction again */
		break;
	case EC_IABT_LOW:
		guest_fault(v, esr, 0, 1, fault_ipa());
		break;
	case EC_SYSREG:
		if (!arch_debug_sysreg(v, esr))	/* PMU/debug: RAZ/WI */
			sysreg_trap(v, esr);
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
	irq_handle_one();
	/* Also a firing taken just before the guest masked it. */
	vtimer_resample(v);
}

/*
 * The light exits (vectors.S): only x0-x18 and x30 are in v->regs, the
 * guest's PC is ELR_EL2.  They return LIGHT_* (arch/context.h).
 */

static int light_back(struct vcpu *v)
{
	return vcpu_light_return(v) ? LIGHT_DONE : LIGHT_ENTRY;
}

/* Past the trapped instruction, whose PC is still in ELR_EL2. */
static void light_skip(uint64_t esr)
{
	sysreg_write(elr_el2, sysreg_read(elr_el2) + insn_len(esr));
}

static int __attribute__((noinline)) light_mmio(struct vcpu *v, uint64_t esr, uint64_t ipa)
{
	if (!mmio_emulate(v, esr, ipa))
		return LIGHT_FULL;
	light_skip(esr);
	return light_back(v);
}

static int __attribute__((noinline)) light_sgir(struct vcpu *v, uint32_t val)
{
	virq_sgir(v, val);
	light_skip(sysreg_read(esr_el2));
	return light_back(v);
}

/*
 * An emulated device access whose Rt was saved (x0-x18, x30, xzr), the
 * most frequent trap after the hypercall: no vCPU switch, no full save.
 * Anything else, and a vCPU whose timer interrupt is in flight, goes the
 * full way.
 */
int arch_light_sync(struct vcpu *v)
{
	uint64_t esr = sysreg_read(esr_el2), ipa;
	uint32_t rt = (uint32_t)DABT_SRT(esr);

	/* vectors.S calls it for data aborts only (EC_DABT_LOW). */
	if ((esr & (DABT_ISV | DABT_S1PTW)) != DABT_ISV || (rt >= 19 && rt <= 29) ||
	    v->vtimer_fired)
		return LIGHT_FULL;
	ipa = fault_ipa();
	/* The IPI its own way: a 32-bit write of GICD_SGIR. */
	if (ipa == v->vm->sgir_ipa && (esr & DABT_WNR) && DABT_SAS(esr) == 2)
		return light_sgir(v, rt == 31 ? 0 : (uint32_t)v->regs.x[rt]);
	return light_mmio(v, esr, ipa);
}

/* Every IRQ: its handlers never switch vCPUs (they ask for it). */
int arch_light_irq(struct vcpu *v)
{
	arch_trap_irq(v);
	return light_back(v);
}

void arch_trap_unexpected(struct vcpu *v, uint64_t kind)
{
	static const char *const kinds[] = { "?", "FIQ", "SError", "AArch32 exception" };

	guest_unexpected(v, sysreg_read(esr_el2), kinds[kind & 3]);
}

void arch_hyp_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far)
{
	static const char *const kinds[] = { "synchronous", "IRQ", "FIQ", "SError" };

	panic("CPU %u: %s exception in the hypervisor: ESR_EL2 0x%lx ELR_EL2 0x%lx FAR_EL2 0x%lx",
	      this_pcpu()->id, kinds[kind & 3], esr, elr, far);
}
