/* SPDX-License-Identifier: Apache-2.0 */
#include <emul/emul.h>
#include <emul/ptimer.h>
#include <emul/vgic.h>
#include <emul/vpl011.h>
#include <phidias/errno.h>
#include <phidias/log.h>
#include <phidias/vcpu.h>
#include <phidias/virq.h>
#include <phidias/vm.h>

int emul_init_vm(struct vm *vm)
{
	ptimer_init_vm(vm);	/* every vCPU has the generic timer */
	for (uint32_t i = 0; i < vm->cfg->nr_devs; i++) {
		const struct phidias_emul_dev *dev = &vm->cfg->devs[i];
		int ret;

		switch (dev->type) {
		case PHIDIAS_EMUL_PL011:
			ret = vpl011_init(vm, dev);
			break;
		case PHIDIAS_EMUL_VGICD:
			ret = vgic_init(vm, dev);
			break;
		default:
			log_info("VM '%s': unknown emulated device type %u",
				 vm->cfg->name, dev->type);
			ret = -ENODEV;
			break;
		}
		if (ret < 0)
			return ret;
	}
	return 0;
}

void emul_reset_vm(struct vm *vm)
{
	/* Before the vGIC: a timer event racing the reset then finds it off. */
	for (uint32_t i = 0; i < vm->cfg->nr_vcpus; i++)
		ptimer_reset_vcpu(&vm->vcpus[i]);
	for (uint32_t i = 0; i < vm->cfg->nr_devs; i++) {
		switch (vm->cfg->devs[i].type) {
		case PHIDIAS_EMUL_PL011:
			vpl011_reset(vm);
			break;
		case PHIDIAS_EMUL_VGICD:
			virq_reset_vm(vm);
			break;
		default:
			break;	/* emul_init_vm refused it already */
		}
	}
}
