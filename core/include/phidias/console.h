/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console multiplexer: every VM's output line-buffered and tagged with the
 * VM's name on the one physical UART; input goes to the VM in focus.
 */
#ifndef PHIDIAS_CONSOLE_H
#define PHIDIAS_CONSOLE_H

#include <stdint.h>

struct vm;

typedef void (*console_input_fn)(void *opaque, char c);

void console_init(void);
/* A character the VM wrote to its console device. */
void console_vm_putc(struct vm *vm, char c);
/* The VM waits (for input, or in WFI): show its pending partial line. */
void console_vm_flush(struct vm *vm);
/* Where characters typed while the VM has focus go. */
void console_attach_input(struct vm *vm, console_input_fn fn, void *opaque);
/* Raw hypervisor output, whole lines, already tagged. */
void console_hyp_write(const char *s);
/* Physical UART interrupt. */
void console_irq(void);

#endif
