/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console multiplexer: every VM's output line-buffered and tagged with the
 * VM's name on the one physical UART; input goes to the VM in focus, with
 * flow control (docs/console.md).
 *
 * Lock order: the console's input lock, then a VM UART's lock (the input
 * callback runs under both), then the console's output lock (a VM's
 * transmit).  A device calls console_vm_room() only after dropping its own
 * lock.
 */
#ifndef PHIDIAS_CONSOLE_H
#define PHIDIAS_CONSOLE_H

#include <stdint.h>

struct vm;

/* Takes one typed character: 0, or -ENOSPC when the device has no room for it. */
typedef int (*console_input_fn)(void *opaque, char c);

void console_init(void);
/* A character the VM wrote to its console device. */
void console_vm_putc(struct vm *vm, char c);
/* The VM waits (for input, or in WFI): show its pending partial line. */
void console_vm_flush(struct vm *vm);
/*
 * Per VM (its id): it wrote to its console since console_vm_flush last
 * ran, which has something to do only then.  Changed under the console's
 * lock, read racily.
 */
extern volatile uint8_t console_vm_unflushed[];
/* The VM's partial line has characters not on the screen yet (a racy look). */
int console_vm_unshown(const struct vm *vm);
/* Where characters typed while the VM has focus go. */
void console_attach_input(struct vm *vm, console_input_fn fn, void *opaque);
/* The VM's device refused input (-ENOSPC) and has room again; not under its lock. */
void console_vm_room(struct vm *vm);
/* The VM has stopped: the focus moves to the next VM that takes input. */
void console_vm_stopped(struct vm *vm);
/* Raw hypervisor output, whole lines, already tagged. */
void console_hyp_write(const char *s);
/* The same without any lock, for panic(): the CPU may hold the console's locks. */
void console_panic_write(const char *s);
/* Physical UART interrupt. */
void console_irq(void);

#endif
