/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the start-up code sets up before main(), and how a guest ends.
 *
 * The guest provides `int main(const void *dtb)`; dtb is x0 at entry (the
 * device tree's IPA under Phidias, NULL or junk on bare QEMU).  Before main
 * the runtime has: masked interrupts, switched to EL1h on its own stack,
 * zeroed .bss, installed exception vectors that report and power off, and
 * read the device tree: console UART, PSCI conduit, bootargs, VM name.
 * When main returns, the runtime powers the VM off with PSCI SYSTEM_OFF.
 */
#ifndef BM_RUNTIME_H
#define BM_RUNTIME_H

#include <bm/fdt.h>

int main(const void *dtb);

/* The validated device tree, or NULL when x0 did not point at one. */
const struct bm_fdt *bm_dt(void);
/* /chosen/bootargs, or "" */
const char *bm_bootargs(void);
/* /chosen/phidias,vm-name, or BM_DEFAULT_VM_NAME */
const char *bm_vm_name(void);

#define BM_DEFAULT_VM_NAME "baremetal"

/* Called by the start-up code only. */
void bm_runtime_init(const void *dtb);
__attribute__((noreturn)) void bm_runtime_exit(int status);
__attribute__((noreturn)) void bm_exception(uint64_t vector);

#endif /* BM_RUNTIME_H */
