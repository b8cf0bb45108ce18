/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Phidias hypercalls (docs/abi.md): HVC #0, SMCCC function IDs, results in
 * x0..x3.  Results are signed: >= 0 or a BM_HYP_E* code.
 */
#ifndef BM_HYP_H
#define BM_HYP_H

#include <stdint.h>

#include <bm/smccc.h>

#define BM_SMCCC_VERSION		0x80000000u
#define BM_SMCCC_ARCH_FEATURES		0x80000001u
#define BM_HYP_CALL_COUNT		0x8600ff00u
#define BM_HYP_UID			0x8600ff01u
#define BM_HYP_REVISION			0x8600ff03u
#define BM_HYP_ABI_VERSION		0x86000000u
#define BM_HYP_CAP_INVOKE		0xc6000001u
#define BM_HYP_YIELD			0x86000002u
#define BM_HYP_CAP_INFO			0xc6000003u

#define BM_HYP_SUCCESS			0
#define BM_HYP_E_NOT_SUPPORTED		(-1)
#define BM_HYP_E_NOT_REQUIRED		(-2)
#define BM_HYP_E_INVALID_PARAMETER	(-3)
#define BM_HYP_E_STOPPED		(-4)

#define BM_HYP_CAP_TYPE_IPC		1

struct bm_hyp_cap_info {
	int64_t type;		/* BM_HYP_CAP_TYPE_* or an error */
	uint64_t target;	/* target VM index */
	uint64_t param;		/* ipc: the INTID injected */
};

/* Ring / use capability `index` of this VM. */
int64_t bm_hyp_cap_invoke(uint64_t index);
/* Describe capability `index`; returns info->type. */
int64_t bm_hyp_cap_info(uint64_t index, struct bm_hyp_cap_info *info);
/* major << 16 | minor. */
int64_t bm_hyp_abi_version(void);
/* Give the rest of this time slice to the next vCPU on this CPU. */
int64_t bm_hyp_yield(void);
int64_t bm_smccc_version(void);
int64_t bm_smccc_arch_features(uint32_t fid);
/* Vendor-hypervisor service queries. */
struct bm_smccc_res bm_hyp_uid(void);
struct bm_smccc_res bm_hyp_revision(void);
int64_t bm_hyp_call_count(void);
/* x0 = fid through HVC #1, which Phidias must refuse with NOT_SUPPORTED. */
struct bm_smccc_res bm_hyp_call_imm1(uint64_t fid);

#endif /* BM_HYP_H */
