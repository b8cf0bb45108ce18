/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL2 exception vectors (Arm ARM D1.10.2).  Exceptions from a guest save
 * its general registers into the current vCPU (pcpu->current at offset 0
 * of the struct TPIDR_EL2 points to), call C with that vCPU in x0, and
 * leave through enter_guest, which restores whatever vCPU is current by
 * then (vcpu_prepare_entry returns it).  The code of an exception from a
 * guest sits in its vector slot itself (32 instructions): no branch there.
 * The hypervisor itself runs with interrupts masked.
 *
 * IRQs and data aborts from a guest first take the light exit: only the
 * registers a C call may clobber (x0-x18, x30) are saved, and a
 * handler that neither switches vCPUs nor needs the rest of the guest's
 * registers (trap.c: arch_light_sync/arch_light_irq) returns straight to
 * the guest.  x19-x29 still hold the guest's values when it returns (the
 * procedure call standard preserves them), so a handler that asks for the
 * full path gets the rest saved then, and the same state as a full entry.
 */
#include <arch/context.h>
#include <arch/sysreg.h>

/* \op (stp or ldp) of x2-x17 at their places in the vCPU in x0. */
.macro gprs_2_17 op
	\op	x2, x3, [x0, #REGS_X(2)]
	\op	x4, x5, [x0, #REGS_X(4)]
	\op	x6, x7, [x0, #REGS_X(6)]
	\op	x8, x9, [x0, #REGS_X(8)]
	\op	x10, x11, [x0, #REGS_X(10)]
	\op	x12, x13, [x0, #REGS_X(12)]
	\op	x14, x15, [x0, #REGS_X(14)]
	\op	x16, x17, [x0, #REGS_X(16)]
.endm

/* \op of x20-x29 likewise. */
.macro gprs_20_29 op
	\op	x20, x21, [x0, #REGS_X(20)]
	\op	x22, x23, [x0, #REGS_X(22)]
	\op	x24, x25, [x0, #REGS_X(24)]
	\op	x26, x27, [x0, #REGS_X(26)]
	\op	x28, x29, [x0, #REGS_X(28)]
.endm

.macro ventry target
	.balign 128
	b	\target
.endm

.macro save_guest
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PCPU_CURRENT]
	save_guest_rest
.endm

/* x2-x30, then x0/x1 from the stack, ELR and SPSR into the vCPU in x0. */
.macro save_guest_rest
	gprs_2_17 stp
	stp	x18, x19, [x0, #REGS_X(18)]
	gprs_20_29 stp
	str	x30, [x0, #REGS_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #REGS_X0]
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x1, x2, [x0, #REGS_PC]
.endm

/* A lower-EL vector: save, call \handler(vcpu, \kind), back to a guest. */
.macro gentry handler, kind=-1
	.balign 128
8:	save_guest
	.if \kind >= 0
	mov	x1, #\kind
	.endif
	bl	\handler
	b	enter_guest
	.if (. - 8b) > 128
	.error "a vector entry is longer than its 128-byte slot"
	.endif
.endm

/* x0-x18 and x30 into the current vCPU (x0, x1 pushed); x0 = the vCPU. */
.macro save_light
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PCPU_CURRENT]
	gprs_2_17 stp
	str	x18, [x0, #REGS_X(18)]
	str	x30, [x0, #REGS_X(30)]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x0, #REGS_X0]
.endm

/* After a light handler returned w0: straight back, or the rest saved and the full entry. */
.macro light_end
	cmp	w0, #LIGHT_DONE
	b.eq	light_return
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PCPU_CURRENT]
	bl	save_rest
	b	enter_guest
.endm

/*
 * Lower-EL synchronous: a data abort (an emulated device) takes the light
 * exit; the rest, the hypercall first, the full path as before.
 */
.macro sync_entry
	.balign 128
8:	stp	x0, x1, [sp, #-16]!
	mrs	x0, esr_el2
	lsr	x0, x0, #ESR_EC_SHIFT
	cmp	x0, #EC_DABT_LOW
	b.eq	light_sync
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PCPU_CURRENT]
	save_guest_rest
	bl	arch_trap_sync
	b	enter_guest
	.if (. - 8b) > 128
	.error "a vector entry is longer than its 128-byte slot"
	.endif
.endm

/* Lower-EL IRQ: always the light exit (arch_light_irq). */
.macro irq_entry
	.balign 128
8:	stp	x0, x1, [sp, #-16]!
	save_light
	bl	arch_light_irq
	light_end
	.if (. - 8b) > 128
	.error "a vector entry is longer than its 128-byte slot"
	.endif
.endm

	.text
	.balign 2048
	.global vectors
vectors:
	ventry	hyp_sync		/* current EL, SP_EL0 */
	ventry	hyp_irq
	ventry	hyp_fiq
	ventry	hyp_serror
	ventry	hyp_sync		/* current EL, SP_ELx */
	ventry	hyp_irq
	ventry	hyp_fiq
	ventry	hyp_serror
	/* Lower EL, AArch64; the handlers return with SP at the top of the stack. */
	sync_entry
	irq_entry
	gentry	arch_trap_unexpected, 1	/* FIQ */
	gentry	arch_trap_unexpected, 2	/* SError */
	/* Lower EL, AArch32 (EL0 only; EL1 is AArch64): the same handlers. */
	sync_entry
	irq_entry
	gentry	arch_trap_unexpected, 1	/* FIQ */
	gentry	arch_trap_unexpected, 2	/* SError */

/* A data abort: the light exit first, else the rest saved and the full trap path. */
light_sync:
	save_light
	bl	arch_light_sync
	cbnz	w0, 1f			/* handled: not LIGHT_FULL (0) */
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PCPU_CURRENT]
	bl	save_rest
	bl	arch_trap_sync
	b	enter_guest
1:	light_end

/*
 * After a light exit: the rest of the guest's registers (still live) into
 * the vCPU in x0, which is returned in x0 (x30 is the caller's: a leaf).
 */
save_rest:
	str	x19, [x0, #REGS_X(19)]
	gprs_20_29 stp
	mrs	x1, elr_el2
	mrs	x2, spsr_el2
	stp	x1, x2, [x0, #REGS_PC]
	ret

/* A light exit handled: back into the same vCPU, ELR/SPSR and x19-x29 live. */
light_return:
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PCPU_CURRENT]
	gprs_2_17 ldp
	ldr	x18, [x0, #REGS_X(18)]
	ldr	x30, [x0, #REGS_X(30)]
	ldp	x0, x1, [x0, #REGS_X0]
	eret
	dsb	nsh
	isb

hyp_sync:
	mov	x0, #0
	b	1f
hyp_irq:
	mov	x0, #1
	b	1f
hyp_fiq:
	mov	x0, #2
	b	1f
hyp_serror:
	mov	x0, #3
1:	mrs	x1, esr_el2
	mrs	x2, elr_el2
	mrs	x3, far_el2
	bl	arch_hyp_exception
	b	arch_halt

	.global arch_enter_guest
arch_enter_guest:
	mrs	x0, tpidr_el2
	ldr	x1, [x0, #PCPU_STACK_TOP]
	mov	sp, x1
enter_guest:
	bl	vcpu_prepare_entry		/* x0 = pcpu->current */
	ldp	x1, x2, [x0, #REGS_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	gprs_2_17 ldp
	ldp	x18, x19, [x0, #REGS_X(18)]
	gprs_20_29 ldp
	ldr	x30, [x0, #REGS_X(30)]
	ldp	x0, x1, [x0, #REGS_X0]
	eret
	dsb	nsh
	isb
