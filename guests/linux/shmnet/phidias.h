/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Phidias hypercalls used by the guest modules (docs/abi.md).
 */
#ifndef PHIDIAS_H
#define PHIDIAS_H

#include <linux/arm-smccc.h>

#define PHIDIAS_CAP_INVOKE	0xc6000001UL

/*
 * Ring capability @cap: HVC #0 with the SMCCC 1.1 register convention, so only
 * x0-x3 may change. Returns 0 or a negative SMCCC error (-3: bad index,
 * -4: the target VM is stopped).
 */
static inline long phidias_cap_invoke(u32 cap)
{
	struct arm_smccc_res res;

	arm_smccc_1_1_hvc(PHIDIAS_CAP_INVOKE, (unsigned long)cap, &res);
	return (long)res.a0;
}

#endif /* PHIDIAS_H */
