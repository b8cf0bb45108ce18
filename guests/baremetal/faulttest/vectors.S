/* SPDX-License-Identifier: Apache-2.0 */
/*
 * faulttest's EL1 vector table: a synchronous exception while a probe runs
 * (ft_try) is recorded and returns from ft_try with 1, like a longjmp;
 * every other exception goes to the runtime's own vector at the same
 * offset (IRQs to its dispatcher, anything else is fatal there).
 */
	.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

/* struct ft_record, main.c */
#define REC_VECTOR	0
#define REC_ESR		8
#define REC_FAR		16
#define REC_ELR		24
#define REC_SPSR	32
#define REC_DAIF	40

	.text
	.balign	2048
	.global	ft_vectors
ft_vectors:
	.irp	idx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	0x80
	.if	(\idx % 4) == 0
	adr_l	x9, ft_armed
	ldr	x10, [x9]
	cbz	x10, 1f
	mov	x0, #(\idx * 0x80)
	b	ft_caught
1:
	.endif
	b	bm_vectors + \idx * 0x80
	.endr

/* x0 = offset of the vector taken. */
ft_caught:
	mrs	x1, daif
	adr_l	x9, ft_record
	str	x0, [x9, #REC_VECTOR]
	mrs	x2, esr_el1
	str	x2, [x9, #REC_ESR]
	mrs	x2, far_el1
	str	x2, [x9, #REC_FAR]
	mrs	x2, elr_el1
	str	x2, [x9, #REC_ELR]
	mrs	x2, spsr_el1
	str	x2, [x9, #REC_SPSR]
	str	x1, [x9, #REC_DAIF]
	adr_l	x9, ft_armed
	str	xzr, [x9]
	adr_l	x9, ft_jmp
	ldp	x19, x20, [x9, #0]
	ldp	x21, x22, [x9, #16]
	ldp	x23, x24, [x9, #32]
	ldp	x25, x26, [x9, #48]
	ldp	x27, x28, [x9, #64]
	ldp	x29, x30, [x9, #80]
	ldp	x10, x11, [x9, #96]
	mov	sp, x10
	msr	daif, x11
	mov	x0, #1
	ret

/* int ft_try(void (*fn)(uint64_t), uint64_t arg): 0 if fn returned, 1 if it trapped. */
	.global	ft_try
	.type	ft_try, %function
ft_try:
	adr_l	x9, ft_jmp
	stp	x19, x20, [x9, #0]
	stp	x21, x22, [x9, #16]
	stp	x23, x24, [x9, #32]
	stp	x25, x26, [x9, #48]
	stp	x27, x28, [x9, #64]
	stp	x29, x30, [x9, #80]
	mov	x10, sp
	mrs	x11, daif
	stp	x10, x11, [x9, #96]
	adr_l	x9, ft_armed
	mov	x10, #1
	str	x10, [x9]
	mov	x10, x0
	mov	x0, x1
	blr	x10
	adr_l	x9, ft_armed
	str	xzr, [x9]
	adr_l	x9, ft_jmp
	ldr	x30, [x9, #88]
	mov	x0, #0
	ret
	.size	ft_try, . - ft_try

/* The probes: each one instruction whose address is its symbol. */
	.global	ft_load
	.type	ft_load, %function
ft_load:
	ldr	w1, [x0]
	ret
	.size	ft_load, . - ft_load

	.global	ft_store
	.type	ft_store, %function
ft_store:
	str	w0, [x0]
	ret
	.size	ft_store, . - ft_store

/* The same store with SP_EL0 as the stack pointer (EL1t). */
	.global	ft_store_el1t
	.type	ft_store_el1t, %function
ft_store_el1t:
	adr_l	x1, ft_sp0_stack_top
	msr	sp_el0, x1
	msr	spsel, #0
	.global	ft_store_el1t_insn
ft_store_el1t_insn:
	str	w0, [x0]
	msr	spsel, #1
	ret
	.size	ft_store_el1t, . - ft_store_el1t

/* The load at EL0 (AArch64, EL0t); an SVC if it does not fault. */
	.global	ft_load_el0
	.type	ft_load_el0, %function
ft_load_el0:
	adr_l	x1, ft_sp0_stack_top
	msr	sp_el0, x1
	adr_l	x1, ft_el0_code
	msr	elr_el1, x1
	mov	x1, #0x3c0		/* EL0t, DAIF masked */
	msr	spsr_el1, x1
	eret
	.global	ft_el0_code
ft_el0_code:
	ldr	w1, [x0]
	svc	#0
	.size	ft_load_el0, . - ft_load_el0

/*
 * The load at EL0 in AArch32 state, after a WFE (trapped to the hypervisor,
 * which must step over it by its length): A32 with x1 = 0, T32 with x1 = 1.
 * An SVC if the load does not fault.
 */
	.global	ft_load_a32
	.type	ft_load_a32, %function
ft_load_a32:
	adr_l	x2, ft_a32_code
	adr_l	x3, ft_t32_code
	mov	x4, #0x1d0		/* EL0 (User), AArch32, A/I/F masked */
	cbz	x1, 1f
	mov	x2, x3
	orr	x4, x4, #0x20		/* T: T32 */
1:	msr	elr_el1, x2
	msr	spsr_el1, x4
	eret
	.size	ft_load_a32, . - ft_load_a32

	.balign	4
	.global	ft_a32_code, ft_a32_load, ft_t32_code, ft_t32_load
ft_a32_code:
	.inst	0xe320f002		/* wfe */
ft_a32_load:
	.inst	0xe5901000		/* ldr r1, [r0] */
	.inst	0xef000000		/* svc #0 */
ft_t32_code:
	.hword	0xbf20			/* wfe (16-bit) */
ft_t32_load:
	.hword	0x6801			/* ldr r1, [r0] (16-bit) */
	.hword	0xdf00			/* svc #0 */
	.balign	4

/*
 * An AArch32 EL0 read of CNTP_CTL through CP15 (MRC p15, 0, r1, c14, c2, 1):
 * with CNTKCTL_EL1.EL0PTEN set it traps to EL2 (CNTHCTL_EL2.EL1PCEN = 0),
 * which does not emulate the AArch32 form.
 */
	.global	ft_cp15_a32
	.type	ft_cp15_a32, %function
ft_cp15_a32:
	adr_l	x2, ft_cp15_code
	mov	x4, #0x1d0		/* EL0 (User), A32, A/I/F masked */
	msr	elr_el1, x2
	msr	spsr_el1, x4
	eret
	.size	ft_cp15_a32, . - ft_cp15_a32

	.balign	4
	.global	ft_cp15_code
ft_cp15_code:
	.inst	0xee1e1f32		/* mrc p15, 0, r1, c14, c2, 1 */
	.inst	0xef000000		/* svc #0 */

/* A branch to x0: an instruction fetch there. */
	.global	ft_jump
	.type	ft_jump, %function
ft_jump:
	br	x0
	.size	ft_jump, . - ft_jump

/* S3_1_C15_C2_0: IMPLEMENTATION DEFINED (CPUACTLR_EL1 on Cortex-A57). */
	.global	ft_impdef
	.type	ft_impdef, %function
ft_impdef:
	mrs	x0, s3_1_c15_c2_0
	ret
	.size	ft_impdef, . - ft_impdef

	.bss
	.balign	16
ft_jmp:
	.space	112
	.global	ft_armed
ft_armed:
	.space	8
	.balign	16
	.space	1024
ft_sp0_stack_top:
