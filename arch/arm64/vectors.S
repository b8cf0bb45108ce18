/* SPDX-License-Identifier: Apache-2.0 */
/*
 * EL2 exception vectors (Arm ARM D1.10.2).  Exceptions from a guest save
 * its general registers into the current vCPU (pcpu->current at offset 0
 * of the struct TPIDR_EL2 points to), call C with that vCPU in x0, and
 * leave through enter_guest, which restores whatever vCPU is current by
 * then (vcpu_prepare_entry returns it).  The code of an exception from a
 * guest sits in its vector slot itself (32 instructions): no branch there.
 * The hypervisor itself runs with interrupts masked.
 */
#include <arch/context.h>

.macro ventry target
	.balign 128
	b	\target
.endm

.macro save_guest
	stp	x0, x1, [sp, #-16]!
	mrs	x0, tpidr_el2
	ldr	x0, [x0, #PCPU_CURRENT]
	stp	x2, x3, [x0, #REGS_X(2)]
	stp	x4, x5, [x0, #REGS_X(4)]
	stp	x6, x7, [x0, #REGS_X(6)]
	stp	x8, x9, [x0, #REGS_X(8)]
	stp	x10, x11, [x0, #REGS_X(10)]
	stp	x12, x13, [x0, #REGS_X(12)]
	stp	x14, x15, [x0, #REGS_X(14)]
	stp	x16, x17, [x0, #REGS_X(16)]
	stp	x18, x19, [x0, #REGS_X(18)]
	stp	x20, x21, [x0, #REGS_X(20)]
	stp	x22, x23, [x0, #REGS_X(22)]
	stp	x24, x25, [x0, #REGS_X(24)]
	stp	x26, x27, [x0, #REGS_X(26)]
	stp	x28, x29, [x0, #REGS_X(28)]
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
	gentry	arch_trap_sync
	gentry	arch_trap_irq
	gentry	arch_trap_unexpected, 1	/* FIQ */
	gentry	arch_trap_unexpected, 2	/* SError */
	/* Lower EL, AArch32 (EL0 only; EL1 is AArch64): the same handlers. */
	gentry	arch_trap_sync
	gentry	arch_trap_irq
	gentry	arch_trap_unexpected, 1	/* FIQ */
	gentry	arch_trap_unexpected, 2	/* SError */

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
	ldp	x2, x3, [x0, #REGS_X(2)]
	ldp	x4, x5, [x0, #REGS_X(4)]
	ldp	x6, x7, [x0, #REGS_X(6)]
	ldp	x8, x9, [x0, #REGS_X(8)]
	ldp	x10, x11, [x0, #REGS_X(10)]
	ldp	x12, x13, [x0, #REGS_X(12)]
	ldp	x14, x15, [x0, #REGS_X(14)]
	ldp	x16, x17, [x0, #REGS_X(16)]
	ldp	x18, x19, [x0, #REGS_X(18)]
	ldp	x20, x21, [x0, #REGS_X(20)]
	ldp	x22, x23, [x0, #REGS_X(22)]
	ldp	x24, x25, [x0, #REGS_X(24)]
	ldp	x26, x27, [x0, #REGS_X(26)]
	ldp	x28, x29, [x0, #REGS_X(28)]
	ldr	x30, [x0, #REGS_X(30)]
	ldp	x0, x1, [x0, #REGS_X0]
	eret
	dsb	nsh
	isb
