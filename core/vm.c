/* SPDX-License-Identifier: Apache-2.0 */
#include <phidias_gen.h>
#include <arch/cpu.h>
#include <emul/emul.h>
#include <phidias/console.h>
#include <phidias/log.h>
#include <phidias/pcpu.h>
#include <phidias/sched.h>
#include <phidias/vcpu.h>
#include <phidias/vm.h>
#include <phidias/xcore.h>

/* VTTBR_EL2.VMID is 8 bits (VTCR_EL2.VS = 0) and VMID 0 is never a VM's. */
_Static_assert(PHIDIAS_NR_VMS <= PHIDIAS_MAX_VMS, "more VMs than 8-bit VMIDs");

struct vm vms[PHIDIAS_NR_VMS];
struct vcpu vcpus[PHIDIAS_NR_VCPUS];
static uint32_t vms_running;

const char *vm_name(const struct vm *vm)
{
	return vm->cfg->name;
}

/*
 * What a VM's RAM is loaded with, item by item: item i < nr_mem is memory
 * region i (RAM is zeroed; other kinds hold nothing to load), the rest are
 * its images, copied from the pristine blobs.
 */
static uint64_t item_size(const struct phidias_vm_config *cfg, uint32_t i)
{
	if (i < cfg->nr_mem)
		return cfg->mem[i].kind == PHIDIAS_MEM_RAM ? cfg->mem[i].size : 0;
	return cfg->blobs[i - cfg->nr_mem].size;
}

static void item_load(const struct phidias_vm_config *cfg, uint32_t i, uint64_t off,
		      uint64_t n)
{
	if (i < cfg->nr_mem) {
		arch_zero_guest(cfg->mem[i].pa + off, n);
	} else {
		const struct phidias_blob *b = &cfg->blobs[i - cfg->nr_mem];

		arch_memcpy_to_guest(b->dst_pa + off, (const char *)b->src + off, n);
	}
}

/*
 * Load the VM from vm->load_item/load_done on, a chunk at a time, until
 * the counter reaches until (at least one chunk; boot passes 0 and does it
 * all at once).  Returns 1 when all is done.
 */
#define LOAD_CHUNK (1ul << 20)

static int vm_load(struct vm *vm, uint64_t until)
{
	const struct phidias_vm_config *cfg = vm->cfg;

	while (vm->load_item < cfg->nr_mem + cfg->nr_blobs) {
		uint64_t size = item_size(cfg, vm->load_item);
		uint64_t n = size - vm->load_done;

		if (n > LOAD_CHUNK)
			n = LOAD_CHUNK;
		if (n)
			item_load(cfg, vm->load_item, vm->load_done, n);
		vm->load_done += n;
		if (vm->load_done == size) {
			vm->load_item++;
			vm->load_done = 0;
		}
		if (until && n && arch_counter() >= until)
			return vm->load_item == cfg->nr_mem + cfg->nr_blobs;
	}
	return 1;
}

/*
 * Every vCPU of the VM at its reset state: vCPU 0 about to enter, the
 * others off.  No CPU holds any of them (boot, or parked by vm_reset).
 */
static void vm_reset_vcpus(struct vm *vm)
{
	const struct phidias_vm_config *cfg = vm->cfg;

	/* The VM's virtual counter starts at 0 when it starts. */
	vm->cntvoff = arch_counter();
	for (uint32_t j = 0; j < cfg->nr_vcpus; j++) {
		struct vcpu *v = &vm->vcpus[j];

		arch_vcpu_reset(v, cfg->entry, cfg->boot_arg);
		v->arch.cntvoff = vm->cntvoff;
		spin_lock(&v->pcpu->lock);
		v->start_pending = 0;
		v->wake = 0;
		v->state = j == 0 ? VCPU_RUNNABLE : VCPU_OFF;
		spin_unlock(&v->pcpu->lock);
	}
	__atomic_store_n(&vm->vcpus_on, 1, __ATOMIC_RELEASE);
}

void vm_init_all(void)
{
	for (uint32_t i = 0; i < PHIDIAS_NR_VMS; i++) {
		struct vm *vm = &vms[i];
		const struct phidias_vm_config *cfg = &phidias_config.vms[i];

		vm->cfg = cfg;
		if (!cfg->vmid || cfg->vmid > PHIDIAS_MAX_VMS)
			panic("VM '%s': VMID %u outside 1..%u", cfg->name, cfg->vmid,
			      PHIDIAS_MAX_VMS);
		vm->vcpus = &vcpus[cfg->first_vcpu];
		vm->state = VM_RUNNING;
		vm->sgir_ipa = VM_NO_IPA;	/* its vGIC sets its own */
		vm_load(vm, 0);
		for (uint32_t j = 0; j < cfg->nr_vcpus; j++) {
			struct vcpu *v = &vm->vcpus[j];

			v->cfg = &phidias_config.vcpus[cfg->first_vcpu + j];
			v->vm = vm;
			v->pcpu = &pcpus[v->cfg->pcpu];
			v->id = cfg->first_vcpu + j;
			v->arch.vmpidr = v->cfg->vmpidr;
			v->arch.vttbr = ((uint64_t)cfg->vmid << 48) | cfg->s2_root;
		}
		if (emul_init_vm(vm) < 0)
			panic("VM '%s': cannot set up its emulated devices", cfg->name);
		vm_reset_vcpus(vm);
		vms_running++;
	}
}

void vm_reset(struct vm *vm)
{
	uint32_t expected = VM_RUNNING, cpus = 0;

	/* A VM stopped (a fault on another CPU) or already resetting stays so. */
	if (!__atomic_compare_exchange_n(&vm->state, &expected, VM_RESETTING, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	log_info("VM '%s' restarting", vm->cfg->name);
	for (uint32_t j = 0; j < vm->cfg->nr_vcpus; j++) {
		struct vcpu *v = &vm->vcpus[j];

		spin_lock(&v->pcpu->lock);
		v->state = VCPU_STOPPED;
		spin_unlock(&v->pcpu->lock);
		cpus |= 1u << v->pcpu->id;
	}
	/* Each CPU acknowledges once none of them runs, traps or is loaded there. */
	for (uint32_t cpu = 0; cpus; cpu++, cpus >>= 1)
		if (cpus & 1)
			sched_park(cpu);
	console_vm_flush(vm);
	/*
	 * The reload is this CPU's to do, between the slices of the other
	 * vCPUs here: scrubbing a large VM in one go would stall them.
	 */
	vm->load_item = 0;
	vm->load_done = 0;
	vm->reset_next = this_pcpu()->resetting;
	this_pcpu()->resetting = vm;
}

/* Its RAM reloaded: the VM starts again. */
static void vm_restart(struct vm *vm)
{
	emul_reset_vm(vm);
	vm_reset_vcpus(vm);
	__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
	for (uint32_t j = 0; j < vm->cfg->nr_vcpus; j++)
		xcore_kick(vm->vcpus[j].pcpu->id);
}

void vm_reset_continue(struct pcpu *p, uint64_t until)
{
	while (p->resetting && vm_load(p->resetting, until)) {
		struct vm *vm = p->resetting;

		p->resetting = vm->reset_next;
		vm_restart(vm);
	}
}

void vm_vcpu_on(struct vm *vm)
{
	__atomic_add_fetch(&vm->vcpus_on, 1, __ATOMIC_ACQ_REL);
}

void vm_vcpu_off(struct vm *vm)
{
	/* Like a machine whose last CPU powered off (PSCI 5.1.3 "CPU_OFF"). */
	if (__atomic_sub_fetch(&vm->vcpus_on, 1, __ATOMIC_ACQ_REL) == 0)
		vm_stop(vm, "powered off (its last vCPU called CPU_OFF)");
}

void vm_stop(struct vm *vm, const char *why)
{
	uint32_t expected = VM_RUNNING;

	if (!__atomic_compare_exchange_n(&vm->state, &expected, VM_STOPPED, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return;
	for (uint32_t j = 0; j < vm->cfg->nr_vcpus; j++) {
		struct vcpu *v = &vm->vcpus[j];

		spin_lock(&v->pcpu->lock);
		v->state = VCPU_STOPPED;
		spin_unlock(&v->pcpu->lock);
		xcore_kick(v->pcpu->id);
	}
	console_vm_flush(vm);
	log_info("VM '%s' %s", vm->cfg->name, why);
	console_vm_stopped(vm);
	if (__atomic_sub_fetch(&vms_running, 1, __ATOMIC_ACQ_REL) == 0) {
		log_info("all VMs stopped, powering off");
		arch_psci_system_off();
	}
}
