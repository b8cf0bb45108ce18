/* SPDX-License-Identifier: Apache-2.0 */
/* The devices guests see, set up from the VM's generated device list. */
#ifndef EMUL_EMUL_H
#define EMUL_EMUL_H

struct vm;

/* Create every emulated device of the VM; negative error code on failure. */
int emul_init_vm(struct vm *vm);
/* Put every emulated device of the VM back in its reset state (VM reset). */
void emul_reset_vm(struct vm *vm);

#endif
