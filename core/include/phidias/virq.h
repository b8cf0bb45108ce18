/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Virtual interrupts: what core/ and emulated devices use to raise
 * interrupts in a VM.  Implemented by the VM's virtual interrupt
 * controller (emul/vgic.c).
 */
#ifndef PHIDIAS_VIRQ_H
#define PHIDIAS_VIRQ_H

#include <stdint.h>

struct vm;
struct vcpu;

/* An edge: make intid pending.  SGIs/PPIs go to target, SPIs where the VM routes them. */
void virq_inject(struct vm *vm, uint32_t intid, struct vcpu *target, uint32_t src);
/* A level-sensitive line of an emulated device changed. */
void virq_set_level(struct vm *vm, uint32_t intid, int level);
/* The level of a vCPU's own level-sensitive PPI (its emulated timer) changed. */
void virq_set_private_level(struct vcpu *v, uint32_t intid, int level);
/*
 * The line of the vCPU's hardware-linked PPI (its virtual timer), which the
 * guest drives without trapping, was seen low while the vCPU is loaded and
 * vcpu->vtimer_fired: a pending interrupt it has not taken is withdrawn
 * (level-sensitive).
 */
void virq_hw_line_low(struct vcpu *v, uint32_t intid);
/*
 * A physical interrupt arrived: if it belongs to a guest (its virtual timer,
 * a passed-through device), inject it hardware-linked and return 1; the
 * caller then only drops the running priority.
 */
int virq_physical(uint32_t intid);
/* The vCPU wrote val to its distributor's GICD_SGIR (vm->sgir_ipa), the IPI. */
void virq_sgir(struct vcpu *v, uint32_t val);
/* Could the vCPU take an interrupt (a WFI wake-up)? */
int virq_pending(struct vcpu *v);
/*
 * Before entering the loaded vCPU v when v->virq_dirty is set (something
 * changed for it): refill its list registers.  Otherwise they stay resident.
 */
void virq_entry(struct vcpu *v);
/* The vGIC maintenance interrupt arrived (the way back refills the LRs). */
void virq_maintenance(void);
/*
 * This CPU's virtual CPU interface: take v's state in (virq_load) or fold
 * it back into the model and leave the interface empty (virq_unload).
 */
void virq_load(struct vcpu *v);
void virq_unload(struct vcpu *v);
/* Forget every interrupt state of the VM (VM reset). */
void virq_reset_vm(struct vm *vm);

#endif
