/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PHIDIAS_VM_H
#define PHIDIAS_VM_H

#include <stdint.h>
#include <phidias/config.h>

enum vm_state {
	VM_RUNNING,
	VM_STOPPED,
};

struct vcpu;

struct vm {
	const struct phidias_vm_config *cfg;
	struct vcpu *vcpus;	/* cfg->nr_vcpus consecutive entries */
	volatile uint32_t state;
	uint64_t cntvoff;
};

extern struct vm vms[];

void vm_init_all(void);
/* Stop the VM: no vCPU of it runs again.  Callable from any CPU. */
void vm_stop(struct vm *vm, const char *why);
/* Restart the VM from its pristine images; called by one of its vCPUs. */
void vm_reset(struct vm *vm, struct vcpu *caller);
const char *vm_name(const struct vm *vm);

#endif
