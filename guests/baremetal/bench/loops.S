/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Timed loops of the bench guest.  Each runs its operation n times
 * (n > 0 in x0) with nothing else in the loop but the count.
 */
	.text

/* A vector table of our own: an SVC from EL1 returns at once. */
	.balign	2048
bench_vectors:
	.rept	4
	.balign	128
	b	.			/* from EL1 with SP_EL0: not used */
	.endr
	.balign	128
	eret				/* EL1 with SP_EL1, synchronous: the SVC */
	.rept	3
	.balign	128
	b	.
	.endr
	.rept	8
	.balign	128
	b	.			/* from EL0 / AArch32: not used */
	.endr

/* void bench_svc_loop(uint64_t n): the guest's own exception round trip. */
	.global	bench_svc_loop
bench_svc_loop:
	mrs	x2, vbar_el1
	adr	x1, bench_vectors
	msr	vbar_el1, x1
	isb
1:	svc	#0
	subs	x0, x0, #1
	b.ne	1b
	msr	vbar_el1, x2
	isb
	ret

/* void bench_hvc_loop(uint64_t n, uint64_t fid): a hypercall round trip. */
	.global	bench_hvc_loop
bench_hvc_loop:
	mov	x9, x0
	mov	x10, x1
1:	mov	x0, x10
	hvc	#0
	subs	x9, x9, #1
	b.ne	1b
	ret

/*
 * void bench_hvc_fp_loop(uint64_t n, uint64_t fid): the hypercall, then one
 * FP/SIMD instruction, as a guest that uses FP/SIMD after each call does
 * (FP/SIMD is on: bm_fp_enable).
 */
	.global	bench_hvc_fp_loop
bench_hvc_fp_loop:
	.arch_extension fp
	mov	x9, x0
	mov	x10, x1
1:	mov	x0, x10
	hvc	#0
	fmov	d0, x9
	subs	x9, x9, #1
	b.ne	1b
	ret

/* void bench_mmio_loop(uint64_t n, uintptr_t addr): a trapped 32-bit read. */
	.global	bench_mmio_loop
bench_mmio_loop:
1:	ldr	w2, [x1]
	subs	x0, x0, #1
	b.ne	1b
	ret
