/* SPDX-License-Identifier: Apache-2.0 */
/* config.h's limits, checked where the hypervisor relies on them (limits.h). */
#include <phidias_gen.h>
#include <phidias/config.h>
#include <phidias/limits.h>
#include <phidias/log.h>

/*
 * schism rejects scenarios beyond these; a build with hand-made or stale
 * tables stops here instead of overrunning an array at run time.
 */
_Static_assert(PHIDIAS_NR_PCPUS >= 1 && PHIDIAS_NR_PCPUS <= PHIDIAS_MAX_PCPUS,
	       "physical CPUs: GICv2 SGI target lists and xcore are 8 bits wide");
_Static_assert(PHIDIAS_NR_VMS >= 1 && PHIDIAS_NR_VMS <= PHIDIAS_MAX_VMS,
	       "VMs: 8-bit VMIDs (VTCR_EL2.VS = 0), VMID 0 unused");
_Static_assert(PHIDIAS_NR_VCPUS >= PHIDIAS_NR_VMS &&
	       PHIDIAS_NR_VCPUS <= PHIDIAS_NR_VMS * PHIDIAS_MAX_VCPUS_PER_VM,
	       "vCPUs: at least one per VM, at most PHIDIAS_MAX_VCPUS_PER_VM");
/* VTTBR_EL2.VMID is bits [55:48]; 8 bits hold every VMID given. */
_Static_assert(PHIDIAS_MAX_VMS <= 0xffu, "VMIDs must fit VTTBR_EL2.VMID[55:48]");

void limits_check(const struct phidias_config *c)
{
	uint32_t seen_vmid[(PHIDIAS_MAX_VMS + 32) / 32] = { 0 };

	for (uint32_t i = 0; i < c->nr_vms; i++) {
		const struct phidias_vm_config *vm = &c->vms[i];

		if (vm->nr_vcpus == 0 || vm->nr_vcpus > PHIDIAS_MAX_VCPUS_PER_VM ||
		    vm->first_vcpu > c->nr_vcpus ||
		    vm->nr_vcpus > c->nr_vcpus - vm->first_vcpu)
			panic("VM %u: %u vCPU(s) from %u: at most %u per VM, "
			      "within the %u vCPUs", i, vm->nr_vcpus,
			      vm->first_vcpu, PHIDIAS_MAX_VCPUS_PER_VM, c->nr_vcpus);
		if (vm->id != i || vm->vmid == 0 || vm->vmid > PHIDIAS_MAX_VMS ||
		    (seen_vmid[vm->vmid / 32] >> (vm->vmid % 32)) & 1u)
			panic("VM %u: VMID %u is not a distinct 1..%u", i, vm->vmid,
			      PHIDIAS_MAX_VMS);
		seen_vmid[vm->vmid / 32] |= 1u << (vm->vmid % 32);
	}
	for (uint32_t i = 0; i < c->nr_vcpus; i++) {
		const struct phidias_vcpu_config *v = &c->vcpus[i];

		if (v->vm >= c->nr_vms || v->pcpu >= c->nr_pcpus ||
		    v->index >= c->vms[v->vm].nr_vcpus ||
		    c->vms[v->vm].first_vcpu + v->index != i)
			panic("vCPU %u: VM %u, index %u, pCPU %u out of range", i,
			      v->vm, v->index, v->pcpu);
	}
	for (uint32_t p = 0; p < c->nr_pcpus; p++)
		for (uint32_t k = 0; k < c->pcpus[p].nr_vcpus; k++)
			if (c->pcpus[p].vcpus[k] >= c->nr_vcpus ||
			    c->vcpus[c->pcpus[p].vcpus[k]].pcpu != p)
				panic("CPU %u: run list entry %u names vCPU %u, "
				      "not one pinned to it", p, k,
				      c->pcpus[p].vcpus[k]);
}
