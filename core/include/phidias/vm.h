/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PHIDIAS_VM_H
#define PHIDIAS_VM_H

#include <stdint.h>
#include <phidias/config.h>

enum vm_state {
	VM_RUNNING,
	VM_STOPPED,
	VM_RESETTING,	/* vm_reset at work: neither stops nor resets meanwhile */
};

struct vcpu;

struct vm {
	const struct phidias_vm_config *cfg;
	struct vcpu *vcpus;	/* cfg->nr_vcpus consecutive entries */
	volatile uint32_t state;	/* enum vm_state, changed atomically */
	uint32_t vcpus_on;	/* vCPUs not OFF (PSCI); the last CPU_OFF stops the VM */
	uint64_t cntvoff;
};

extern struct vm vms[];

void vm_init_all(void);
/* Stop the VM: no vCPU of it runs again.  Callable from any CPU. */
void vm_stop(struct vm *vm, const char *why);
/*
 * Restart the VM from its pristine images; called by one of its vCPUs, in
 * its trap.  Does nothing to a VM that is stopped or already resetting.
 */
void vm_reset(struct vm *vm);
/* PSCI CPU_ON / CPU_OFF of one of its vCPUs (counts them; the last off stops it). */
void vm_vcpu_on(struct vm *vm);
void vm_vcpu_off(struct vm *vm);
const char *vm_name(const struct vm *vm);

#endif
