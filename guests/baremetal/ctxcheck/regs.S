/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The register work of ctxcheck that C cannot do: the runtime is compiled
 * with -mgeneral-regs-only, and only assembly can hold values in x1-x28
 * while it waits to be descheduled.
 */
	.arch	armv8-a+fp+simd

#define CPACR_EL1_FPEN	(3 << 20)	/* no FP/SIMD traps at EL1/EL0 (Arm ARM D13.2.30) */

	.text

/* void ctx_fp_enable(void) */
	.global	ctx_fp_enable
	.type	ctx_fp_enable, %function
ctx_fp_enable:
	mrs	x0, cpacr_el1
	orr	x0, x0, #CPACR_EL1_FPEN
	msr	cpacr_el1, x0
	isb
	ret
	.size	ctx_fp_enable, . - ctx_fp_enable

/*
 * void ctx_fp_write(const uint64_t v[66]): q0-q31 from v[0..63] (16-byte
 * aligned; low half first), FPSR = v[64], FPCR = v[65].
 */
	.global	ctx_fp_write
	.type	ctx_fp_write, %function
ctx_fp_write:
	ldp	q0, q1, [x0, #0]
	ldp	q2, q3, [x0, #32]
	ldp	q4, q5, [x0, #64]
	ldp	q6, q7, [x0, #96]
	ldp	q8, q9, [x0, #128]
	ldp	q10, q11, [x0, #160]
	ldp	q12, q13, [x0, #192]
	ldp	q14, q15, [x0, #224]
	ldp	q16, q17, [x0, #256]
	ldp	q18, q19, [x0, #288]
	ldp	q20, q21, [x0, #320]
	ldp	q22, q23, [x0, #352]
	ldp	q24, q25, [x0, #384]
	ldp	q26, q27, [x0, #416]
	ldp	q28, q29, [x0, #448]
	ldp	q30, q31, [x0, #480]
	add	x0, x0, #512
	ldp	x1, x2, [x0]
	msr	fpsr, x1
	msr	fpcr, x2
	isb
	ret
	.size	ctx_fp_write, . - ctx_fp_write

/* void ctx_fp_read(uint64_t v[66]): the inverse of ctx_fp_write. */
	.global	ctx_fp_read
	.type	ctx_fp_read, %function
ctx_fp_read:
	stp	q0, q1, [x0, #0]
	stp	q2, q3, [x0, #32]
	stp	q4, q5, [x0, #64]
	stp	q6, q7, [x0, #96]
	stp	q8, q9, [x0, #128]
	stp	q10, q11, [x0, #160]
	stp	q12, q13, [x0, #192]
	stp	q14, q15, [x0, #224]
	stp	q16, q17, [x0, #256]
	stp	q18, q19, [x0, #288]
	stp	q20, q21, [x0, #320]
	stp	q22, q23, [x0, #352]
	stp	q24, q25, [x0, #384]
	stp	q26, q27, [x0, #416]
	stp	q28, q29, [x0, #448]
	stp	q30, q31, [x0, #480]
	mrs	x1, fpsr
	mrs	x2, fpcr
	add	x0, x0, #512
	stp	x1, x2, [x0]
	ret
	.size	ctx_fp_read, . - ctx_fp_read

/*
 * void ctx_gpr_spin(const uint64_t pat[28], uint64_t deadline, uint64_t out[31],
 *		     uintptr_t trapped)
 *
 * Loads x1-x28 from pat and spins on CNTVCT_EL0 until `deadline`, touching
 * only x0, x29 and x30 (its deadline and bookkeeping live on the stack).
 * With `trapped` (an emulated device register) not 0, every turn also
 * reads it into w0: a trap the hypervisor handles without saving x19-x29
 * (its light exit), taken while they hold the pattern.
 * Then stores x1-x28 to out[0..27], the SP seen before and after the spin
 * to out[28] and out[29], and the longest gap between two consecutive
 * counter reads (a sign that the vCPU was descheduled) to out[30].
 */
#define SPIN_FRAME	128
#define SPIN_OUT	96
#define SPIN_DEADLINE	104
#define SPIN_MAXGAP	112
#define SPIN_TRAPPED	120
	.global	ctx_gpr_spin
	.type	ctx_gpr_spin, %function
ctx_gpr_spin:
	stp	x29, x30, [sp, #-SPIN_FRAME]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	str	x2, [sp, #SPIN_OUT]
	str	x1, [sp, #SPIN_DEADLINE]
	str	xzr, [sp, #SPIN_MAXGAP]
	str	x3, [sp, #SPIN_TRAPPED]
	mov	x3, sp
	str	x3, [x2, #224]

	ldp	x1, x2, [x0, #0]
	ldp	x3, x4, [x0, #16]
	ldp	x5, x6, [x0, #32]
	ldp	x7, x8, [x0, #48]
	ldp	x9, x10, [x0, #64]
	ldp	x11, x12, [x0, #80]
	ldp	x13, x14, [x0, #96]
	ldp	x15, x16, [x0, #112]
	ldp	x17, x18, [x0, #128]
	ldp	x19, x20, [x0, #144]
	ldp	x21, x22, [x0, #160]
	ldp	x23, x24, [x0, #176]
	ldp	x25, x26, [x0, #192]
	ldp	x27, x28, [x0, #208]

	isb
	mrs	x29, cntvct_el0			/* x29: previous counter read */
1:	isb
	mrs	x0, cntvct_el0
	sub	x30, x0, x29
	mov	x29, x0
	ldr	x0, [sp, #SPIN_MAXGAP]
	cmp	x30, x0
	b.ls	2f
	str	x30, [sp, #SPIN_MAXGAP]
2:	ldr	x30, [sp, #SPIN_TRAPPED]
	cbz	x30, 3f
	ldr	w0, [x30]
3:	ldr	x0, [sp, #SPIN_DEADLINE]
	cmp	x29, x0
	b.lo	1b

	ldr	x0, [sp, #SPIN_OUT]
	stp	x1, x2, [x0, #0]
	stp	x3, x4, [x0, #16]
	stp	x5, x6, [x0, #32]
	stp	x7, x8, [x0, #48]
	stp	x9, x10, [x0, #64]
	stp	x11, x12, [x0, #80]
	stp	x13, x14, [x0, #96]
	stp	x15, x16, [x0, #112]
	stp	x17, x18, [x0, #128]
	stp	x19, x20, [x0, #144]
	stp	x21, x22, [x0, #160]
	stp	x23, x24, [x0, #176]
	stp	x25, x26, [x0, #192]
	stp	x27, x28, [x0, #208]
	mov	x1, sp
	ldr	x2, [sp, #SPIN_MAXGAP]
	stp	x1, x2, [x0, #232]

	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #SPIN_FRAME
	ret
	.size	ctx_gpr_spin, . - ctx_gpr_spin

/*
 * Four copies of the runtime's EL1 vector table, each entry branching to
 * the same entry of bm_vectors, so VBAR_EL1 can take a VM- and
 * round-specific value while exceptions are still reported.
 */
	.balign	2048
	.global	ctx_vectors
ctx_vectors:
	.rept	4
	.irp	idx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	0x80
	b	bm_vectors + \idx * 0x80
	.endr
	.balign	2048
	.endr
