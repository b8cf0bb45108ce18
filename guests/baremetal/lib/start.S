/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest entry: x0 = device tree IPA.  Linked first in the image (.text.boot),
 * so the entry point is the load address.
 *
 * The image starts with an arm64 Linux `Image` header (Linux
 * Documentation/arch/arm64/booting.rst) whose text_offset is the link
 * address minus the RAM base, 0 for the normal build: a loader that knows
 * the header (Phidias' schism, QEMU -kernel, U-Boot booti) places the image
 * at its link address and passes the DTB in x0, like for Linux; one that
 * does not simply executes the branch at offset 0.
 */

#define SCTLR_EL1_RES1	0x30d00800	/* bits 29,28,23,22,20,11 (Arm ARM D13.2.118) */
#define SCTLR_EL1_I	(1 << 12)	/* instruction cache on; M (MMU) stays off */
#define SPSR_EL1H_DAIF	0x3c5		/* EL1h, D/A/I/F masked */
#define HCR_EL2_RW	(1 << 31)	/* EL1 is AArch64 */
#define CNTHCTL_EL1PC	3		/* EL1PCTEN | EL1PCEN */

#include <bm/smp.h>

	.macro	adr_l, reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
	.endm

	.section .text.boot, "ax"
	.global	_start
	.type	_start, %function
_start:
	b	bm_entry		/* code0 */
	.long	0			/* code1 */
	.quad	__text_offset		/* link address - RAM base */
	.quad	__image_size		/* image_size, .bss included */
	.quad	(1 << 3)		/* flags: LE, any page size, anywhere in RAM */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5 */

bm_entry:
	msr	daifset, #0xf
	mov	x19, x0			/* DTB IPA, callee-saved across the calls below */

	/*
	 * Entered at EL2 (bare QEMU with virtualization=on): drop to EL1h, so
	 * the image behaves the same as under Phidias.
	 */
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	1f
	mov	x1, #HCR_EL2_RW
	msr	hcr_el2, x1
	mov	x1, #CNTHCTL_EL1PC
	msr	cnthctl_el2, x1
	msr	cntvoff_el2, xzr
	mov	x1, #SPSR_EL1H_DAIF
	msr	spsr_el2, x1
	adr	x1, 1f
	msr	elr_el2, x1
	eret
1:
	ldr	x1, =(SCTLR_EL1_RES1 | SCTLR_EL1_I)
	msr	sctlr_el1, x1
	msr	spsel, #1
	adr_l	x1, __stack_top
	mov	sp, x1

	/* Zero .bss (16-byte aligned and sized by the linker script). */
	adr_l	x1, __bss_start
	adr_l	x2, __bss_end
2:	cmp	x1, x2
	b.hs	3f
	stp	xzr, xzr, [x1], #16
	b	2b
3:
	adr_l	x1, bm_vectors
	msr	vbar_el1, x1
	isb

	mov	x0, x19
	bl	bm_runtime_init
	mov	x0, x19
	bl	main
	b	bm_runtime_exit		/* w0 = main's return value; no return */
	.size	_start, . - _start

/*
 * EL1 vector table (Arm ARM D1.10.2): 16 entries of 0x80 bytes.  An IRQ
 * taken at EL1h (entry 5) goes to the interrupt dispatcher (lib/irq.c);
 * every other exception is fatal for these guests: report it on a stack of
 * its own (the normal one may be what failed) and power off.
 */
	.text
	.balign	2048
	.global	bm_vectors
bm_vectors:
	.irp	idx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	0x80
	.if	\idx == 5
	b	bm_irq_entry
	.else
	mov	x0, #\idx
	b	bm_vector_common
	.endif
	.endr

/*
 * IRQ at EL1h: save what AAPCS64 lets a C function clobber (x0-x18, x29,
 * x30) plus ELR/SPSR, dispatch, restore, return.  x19-x28 are callee-saved
 * by the C code; FP/SIMD is not used (-mgeneral-regs-only).
 */
#define BM_IRQ_FRAME	(24 * 8)
bm_irq_entry:
	sub	sp, sp, #BM_IRQ_FRAME
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
	bl	bm_irq_dispatch
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
	add	sp, sp, #BM_IRQ_FRAME
	eret

/*
 * Secondary vCPU entry (PSCI CPU_ON, lib/smp.c): x0 = context, unused.
 * Stack = the slot of this CPU's MPIDR Aff0 in bm_smp_stacks, then the same
 * EL1 state as the boot CPU, then bm_smp_secondary_main(Aff0).
 */
	.global	bm_smp_entry
bm_smp_entry:
	msr	daifset, #0xf
	ldr	x1, =(SCTLR_EL1_RES1 | SCTLR_EL1_I)
	msr	sctlr_el1, x1
	msr	spsel, #1
	mrs	x19, mpidr_el1
	and	x19, x19, #0xff
	cmp	x19, #BM_SMP_MAX_CPUS
	b.hs	5f
	adr_l	x1, bm_smp_stacks
	add	x2, x19, #1
	mov	x3, #BM_SMP_STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	adr_l	x1, bm_vectors
	msr	vbar_el1, x1
	isb
	mov	x0, x19
	bl	bm_smp_secondary_main
5:	wfi
	b	5b

bm_vector_common:
	msr	daifset, #0xf
	adr_l	x1, __exc_stack_top
	mov	sp, x1
	bl	bm_exception
4:	wfi
	b	4b

	.section .bss.stack, "aw", %nobits
	.balign	16
	.space	16384
	.global	__stack_top
__stack_top:
	.space	4096
__exc_stack_top:
