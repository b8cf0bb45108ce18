/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The hostile guest's EL1 vectors (Arm ARM D1.10.2): whatever its
 * operations bring upon it (an UNDEFINED instruction, an abort the
 * hypervisor injects, an alignment fault), it counts the exception by
 * ESR_EL1.EC in hostile_faults[vCPU][EC] and goes on with the next
 * instruction.  Every faulting operation is one 4-byte instruction, so
 * ELR_EL1 + 4 is always where it goes on.  IRQs go to hostile_irq() (C);
 * FIQ and SError are counted under the pseudo classes 0x3e / 0x3f.
 *
 * Only x0-x3 are used, saved on the current stack: a fault can come from
 * any instruction, in the middle of compiled code.
 */

#define HOSTILE_MAX_CPUS 8
#define HOSTILE_EC_FIQ 0x3e
#define HOSTILE_EC_SERROR 0x3f

	.macro	count_in, ec_reg
	mrs	x1, mpidr_el1
	and	x1, x1, #(HOSTILE_MAX_CPUS - 1)
	adrp	x2, hostile_faults
	add	x2, x2, :lo12:hostile_faults
	add	x2, x2, x1, lsl #9		/* 64 counters of 8 bytes per vCPU */
	ldr	x3, [x2, \ec_reg, lsl #3]
	add	x3, x3, #1
	str	x3, [x2, \ec_reg, lsl #3]
	.endm

	.text
	.balign	2048
	.global	hostile_vectors
hostile_vectors:
	.irp	idx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	0x80
	.if	\idx == 4
	b	hostile_sync
	.elseif	\idx == 5
	b	hostile_irq_entry
	.elseif	\idx == 6
	b	hostile_fiq
	.else
	b	hostile_serror		/* SError, or a vector that cannot be taken */
	.endif
	.endr

hostile_sync:
	sub	sp, sp, #32
	stp	x0, x1, [sp]
	stp	x2, x3, [sp, #16]
	mrs	x0, esr_el1
	ubfx	x0, x0, #26, #6
	count_in x0
	mrs	x0, elr_el1
	add	x0, x0, #4
	msr	elr_el1, x0
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp]
	add	sp, sp, #32
	eret

hostile_fiq:
	sub	sp, sp, #32
	stp	x0, x1, [sp]
	stp	x2, x3, [sp, #16]
	mov	x0, #HOSTILE_EC_FIQ
	count_in x0
	/* FIQs are never wanted: return with them masked. */
	mrs	x0, spsr_el1
	orr	x0, x0, #(1 << 6)
	msr	spsr_el1, x0
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp]
	add	sp, sp, #32
	eret

hostile_serror:
	sub	sp, sp, #32
	stp	x0, x1, [sp]
	stp	x2, x3, [sp, #16]
	mov	x0, #HOSTILE_EC_SERROR
	count_in x0
	mrs	x0, spsr_el1
	orr	x0, x0, #(1 << 8)
	msr	spsr_el1, x0
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp]
	add	sp, sp, #32
	eret

/* IRQ: AAPCS64 caller-saved registers around hostile_irq(&spsr_el1 copy). */
#define FRAME (24 * 8)
hostile_irq_entry:
	sub	sp, sp, #FRAME
	stp	x0, x1, [sp, #0]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	mrs	x0, elr_el1
	mrs	x1, spsr_el1
	stp	x30, x0, [sp, #160]
	str	x1, [sp, #176]
	add	x0, sp, #176
	bl	hostile_irq		/* may set the I bit in the saved SPSR */
	ldr	x1, [sp, #176]
	ldp	x30, x0, [sp, #160]
	msr	spsr_el1, x1
	msr	elr_el1, x0
	ldp	x18, x29, [sp, #144]
	ldp	x16, x17, [sp, #128]
	ldp	x14, x15, [sp, #112]
	ldp	x12, x13, [sp, #96]
	ldp	x10, x11, [sp, #80]
	ldp	x8, x9, [sp, #64]
	ldp	x6, x7, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME
	eret

/*
 * hostile_sysreg_stub(x0): one instruction written at run time (an MRS or
 * MSR of a random encoding, main.c), then ret.  A fault in it lands on the
 * ret.  Per vCPU: 8 bytes each, in .data so the guest can write it.
 */
	.data
	.balign	64
	.global	hostile_stubs
hostile_stubs:
	.rept	HOSTILE_MAX_CPUS
	nop
	ret
	.endr
