/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SMC Calling Convention (Arm DEN 0028): function ID and arguments in x0..x7,
 * results in x0..x3.  Phidias hypercalls are HVC #0 with IDs in the
 * vendor-specific hypervisor service range (owner 6).
 */
#ifndef BM_SMCCC_H
#define BM_SMCCC_H

#include <stdint.h>

struct bm_smccc_res {
	uint64_t a0;
	uint64_t a1;
	uint64_t a2;
	uint64_t a3;
};

/* Function ID fields (SMCCC section 2.5). */
#define BM_SMCCC_FAST		0x80000000u
#define BM_SMCCC_64		0x40000000u
#define BM_SMCCC_OWNER(o)	(((uint32_t)(o) & 0x3fu) << 24)
#define BM_SMCCC_OWNER_STD	4u	/* standard secure services (PSCI) */
#define BM_SMCCC_OWNER_HYP	6u	/* vendor-specific hypervisor services */
#define BM_SMCCC_FID(is64, owner, num)					\
	(BM_SMCCC_FAST | ((is64) ? BM_SMCCC_64 : 0u) |			\
	 BM_SMCCC_OWNER(owner) | ((uint32_t)(num) & 0xffffu))
/* A fast SMC64 call in the hypervisor range: e.g. BM_SMCCC_HYP_FID(1). */
#define BM_SMCCC_HYP_FID(num)	BM_SMCCC_FID(1, BM_SMCCC_OWNER_HYP, num)

#define BM_SMCCC_NOT_SUPPORTED	(-1)

/* HVC #0 / SMC #0 with x0 = fid and x1..x7 = a1..a7. */
struct bm_smccc_res bm_hvc_call(uint64_t fid, uint64_t a1, uint64_t a2,
				uint64_t a3, uint64_t a4, uint64_t a5,
				uint64_t a6, uint64_t a7);
struct bm_smccc_res bm_smc_call(uint64_t fid, uint64_t a1, uint64_t a2,
				uint64_t a3, uint64_t a4, uint64_t a5,
				uint64_t a6, uint64_t a7);

/* The common short forms. */
static inline uint64_t bm_hvc0(uint64_t fid)
{
	return bm_hvc_call(fid, 0, 0, 0, 0, 0, 0, 0).a0;
}

static inline uint64_t bm_hvc3(uint64_t fid, uint64_t a1, uint64_t a2,
			       uint64_t a3)
{
	return bm_hvc_call(fid, a1, a2, a3, 0, 0, 0, 0).a0;
}

#endif /* BM_SMCCC_H */
