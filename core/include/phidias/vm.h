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

/* An IPA no access faults at (IPAs have at most 48 bits). */
#define VM_NO_IPA (~0ull)

struct mmio_vm;
struct vgic;

struct vm {
	const struct phidias_vm_config *cfg;
	struct vcpu *vcpus;	/* cfg->nr_vcpus consecutive entries */
	volatile uint32_t state;	/* enum vm_state, changed atomically */
	uint32_t vcpus_on;	/* vCPUs not OFF (PSCI); the last CPU_OFF stops the VM */
	uint64_t cntvoff;
	struct mmio_vm *mmio;	/* its emulated regions (core/mmio.c); NULL: none */
	struct vgic *vgic;	/* its virtual GIC (emul/vgic.c); NULL: none */
	uint64_t sgir_ipa;	/* its vGIC's GICD_SGIR (the IPI register); VM_NO_IPA: none */
	/*
	 * A reset's reload (vm_reset_continue): the next item (RAM regions,
	 * then images) and how much of it is done; the CPU doing it keeps its
	 * resetting VMs in a list through reset_next.
	 */
	uint32_t load_item;
	uint64_t load_done;
	struct vm *reset_next;
};

extern struct vm vms[];

void vm_init_all(void);
/* Stop the VM: no vCPU of it runs again.  Callable from any CPU. */
void vm_stop(struct vm *vm, const char *why);
/*
 * Restart the VM from its pristine images; called by one of its vCPUs, in
 * its trap.  Does nothing to a VM that is stopped or already resetting.
 * It stops and parks the VM's vCPUs and leaves the reload of its RAM to
 * this CPU's scheduler (vm_reset_continue), which restarts the VM once done.
 */
void vm_reset(struct vm *vm);
struct pcpu;
/*
 * Go on reloading the RAM of the VMs this CPU resets until the counter
 * reaches `until` (at least one chunk of each); restart each VM that is done.
 * The scheduler calls it between the other vCPUs' slices, so a reset of
 * a large VM never holds the CPU for longer than about a slice.
 */
void vm_reset_continue(struct pcpu *p, uint64_t until);
/* PSCI CPU_ON / CPU_OFF of one of its vCPUs (counts them; the last off stops it). */
void vm_vcpu_on(struct vm *vm);
void vm_vcpu_off(struct vm *vm);
const char *vm_name(const struct vm *vm);

#endif
