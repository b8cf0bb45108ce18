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

/*
 * What a bootloader guarantees at entry (Linux Documentation/arm64/
 * booting.rst, which U-Boot's booti and Trusted Firmware's BL33 hand-off
 * follow): MMU off, D-cache off, and the loaded image cleaned to the PoC;
 * nothing about the rest of memory.  Lines of other addresses may still
 * sit in the caches, dirty (the bootloader's own data) or clean, and would
 * later overwrite or hide what is written now with the MMU off, which goes
 * straight to memory.  So every range is invalidated (DC IVAC, Arm ARM
 * D7.4.8) before it is first written with the MMU off: the destination of
 * each copy, the whole hypervisor region with .bss and the per-CPU areas.
 */
primary_entry:
	mrs	x1, CurrentEL
	cmp	x1, #(2 << 2)
	b.ne	not_el2
	bl	el2_reset_state
	ldr	x0, =PHIDIAS_HYP_BASE
	ldr	x1, =PHIDIAS_PERCPU_BASE + PHIDIAS_NR_PCPUS * PHIDIAS_PERCPU_SIZE
	bl	dcache_inval_range

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
1:	mov	x9, x1
	mov	x10, x2
	mov	x11, x3
	mov	x0, x2
	add	x1, x2, x3
	bl	dcache_inval_range		/* the destination, before writing it */
	mov	x1, x9
	mov	x2, x10
	mov	x3, x11
	mov	x6, #0
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
4:	ic	iallu				/* no stale instructions of ours */
	dsb	sy
	isb
	mov	x20, #0
	b	cpu_entry

	.global secondary_entry
secondary_entry:
	mov	x20, x0				/* PSCI context id: CPU index */
	bl	el2_reset_state
	/*
	 * Its stack, written with the MMU off: other CPUs run with caches
	 * on and may have pulled lines of it in speculatively since boot.
	 */
	ldr	x0, =PHIDIAS_PERCPU_BASE
	ldr	x1, =PHIDIAS_PERCPU_SIZE
	madd	x0, x1, x20, x0
	add	x1, x0, x1
	bl	dcache_inval_range

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

/*
 * EL2 registers the bootloader or PSCI CPU_ON may leave in any state
 * (PSCI 1.1, 6.4.3: only the MMU and caches are defined as off):
 * interrupts masked; SCTLR_EL2 its RES1 bits of the non-VHE layout
 * (Arm ARM D13.2.114) with only the I-cache on, so MMU, D-cache,
 * alignment checks and big-endian are off; HCR_EL2.RW alone (E2H = TGE =
 * 0: the EL2 register layout this hypervisor is written for).
 */
el2_reset_state:
	msr	daifset, #0xf
	ldr	x0, =0x30c50830 | (1 << 12)	/* SCTLR_EL2 RES1 | I */
	msr	sctlr_el2, x0
	mov	x0, #(1 << 31)			/* HCR_EL2.RW */
	msr	hcr_el2, x0
	isb
	ret

/* Invalidate the data cache lines of [x0, x1) to the PoC; x0-x4 clobbered. */
dcache_inval_range:
	mrs	x2, ctr_el0
	ubfx	x2, x2, #16, #4			/* CTR_EL0.DminLine: log2(words) */
	mov	x3, #4
	lsl	x3, x3, x2			/* smallest line, bytes */
	sub	x4, x3, #1
	bic	x0, x0, x4
7:	cmp	x0, x1
	b.hs	8f
	dc	ivac, x0
	add	x0, x0, x3
	b	7b
8:	dsb	sy
	ret

not_el2:
	/*
	 * Entered at EL1 (a bootloader that drops to EL1, or under another
	 * hypervisor): say so on the console UART if its transmitter is on
	 * (UARTCR.TXE, PL011 TRM 3.3.8), polling UARTFR.TXFF a bounded time
	 * per character (a disabled UART never drains); with the MMU off the
	 * accesses are Device memory.  Then stop.
	 */
	ldr	x1, =PHIDIAS_UART_BASE
	ldr	w2, [x1, #0x30]			/* UARTCR */
	tbz	w2, #8, 93f
	adr	x3, not_el2_msg
91:	ldrb	w4, [x3], #1
	cbz	w4, 93f
	mov	x5, #0x100000
92:	subs	x5, x5, #1
	b.eq	93f
	ldr	w2, [x1, #0x18]			/* UARTFR */
	tbnz	w2, #5, 92b			/* TXFF */
	str	w4, [x1]			/* UARTDR */
	b	91b
93:	wfe
	b	93b
not_el2_msg:
	.asciz	"\r\nphidias: not entered at EL2; the bootloader must start the image at EL2\r\n"
	.balign	4

	.ltorg

	.text
	.global arch_halt
arch_halt:
	msr	daifset, #0xf
5:	wfi
	b	5b
