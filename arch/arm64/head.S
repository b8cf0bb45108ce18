/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Entry of the hypervisor image.  The image starts with an ARM64 Linux
 * Image header (Documentation/arm64/booting.rst) so QEMU -kernel and
 * U-Boot booti load it; bootloaders enter it at EL2 with the MMU off.
 * If it was put elsewhere than its link address it first moves itself.
 */
#include <phidias_gen.h>

	.section .text.head, "ax"
	.global _start
_start:
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	PHIDIAS_HYP_BASE - PHIDIAS_RAM_BASE	/* text_offset */
	.quad	__image_end - PHIDIAS_HYP_BASE	/* image_size */
	.quad	0xa				/* LE, 4K pages, anywhere in RAM */
	.quad	0, 0, 0
	.ascii	"ARM\x64"
	.long	0

primary_entry:
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	not_el2

	adr	x1, _start			/* where we run */
	ldr	x2, =_start			/* where we are linked */
	cmp	x1, x2
	b.eq	relocated
	ldr	x3, =__image_end
	sub	x3, x3, x2			/* bytes to move */
	add	x4, x1, x3			/* end of the running copy */
	add	x5, x2, x3			/* end of the destination */
	/*
	 * Overlapping?  Then copy to the first 2 MiB boundary above both
	 * and start again from there: each copy then reads from a region it
	 * does not write.
	 */
	cmp	x1, x5
	b.hs	1f
	cmp	x2, x4
	b.hs	1f
	cmp	x4, x5
	csel	x2, x4, x5, hi
	lsr	x2, x2, #21
	add	x2, x2, #1
	lsl	x2, x2, #21
1:	mov	x6, #0
2:	ldr	x7, [x1, x6]
	str	x7, [x2, x6]
	add	x6, x6, #8
	cmp	x6, x3
	b.lo	2b
	dsb	sy
	ic	iallu
	dsb	sy
	isb
	adr	x6, primary_entry
	sub	x6, x6, x1
	add	x6, x6, x2
	br	x6

relocated:
	/* Zero .bss (Device memory with the MMU off: aligned stores only). */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
3:	cmp	x1, x2
	b.hs	4f
	str	xzr, [x1], #8
	b	3b
4:	mov	x20, #0
	b	cpu_entry

	.global secondary_entry
secondary_entry:
	mov	x20, x0				/* PSCI context id: CPU index */

cpu_entry:
	msr	spsel, #1
	ldr	x1, =PHIDIAS_PERCPU_BASE
	ldr	x2, =PHIDIAS_PERCPU_SIZE
	add	x3, x20, #1
	madd	x1, x2, x3, x1
	mov	sp, x1
	ldr	x1, =vectors
	msr	vbar_el2, x1
	isb
	mov	x0, x20
	bl	boot_cpu
	b	arch_halt

not_el2:
	/* Nothing to report with: no console is set up yet. */
	wfe
	b	not_el2

	.ltorg

	.text
	.global arch_halt
arch_halt:
	msr	daifset, #0xf
5:	wfi
	b	5b
