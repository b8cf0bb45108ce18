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
 * EL1 vector table (Arm ARM D1.10.2): 16 entries of 0x80 bytes.  Every
 * exception is fatal for these guests: report it on a stack of its own
 * (the normal one may be what failed) and power off.
 */
	.text
	.balign	2048
	.global	bm_vectors
bm_vectors:
	.irp	idx, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	.balign	0x80
	mov	x0, #\idx
	b	bm_vector_common
	.endr

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
