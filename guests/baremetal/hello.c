/* SPDX-License-Identifier: Apache-2.0 */
/* hello: greet, show who and where we are, power off. */
#include <bm/bm.h>

int main(const void *dtb)
{
	(void)dtb;
	bm_printf("Hello from %s!\n", bm_vm_name());
	bm_printf("hello: vCPU MPIDR 0x%lx, counter frequency %lu Hz\n",
		  (unsigned long)bm_mpidr(), (unsigned long)bm_counter_freq());
	return 0;
}
