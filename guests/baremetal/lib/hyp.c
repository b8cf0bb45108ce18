/* SPDX-License-Identifier: Apache-2.0 */
/* Phidias hypercall wrappers (docs/abi.md). */
#include <stdint.h>

#include <bm/hyp.h>
#include <bm/smccc.h>

int64_t bm_hyp_cap_invoke(uint64_t index)
{
	return (int64_t)bm_hvc_call(BM_HYP_CAP_INVOKE, index, 0, 0, 0, 0, 0, 0).a0;
}

int64_t bm_hyp_cap_info(uint64_t index, struct bm_hyp_cap_info *info)
{
	struct bm_smccc_res r = bm_hvc_call(BM_HYP_CAP_INFO, index, 0, 0, 0, 0, 0, 0);

	info->type = (int64_t)r.a0;
	info->target = r.a1;
	info->param = r.a2;
	return info->type;
}

int64_t bm_hyp_abi_version(void)
{
	return (int64_t)bm_hvc0(BM_HYP_ABI_VERSION);
}

int64_t bm_hyp_yield(void)
{
	return (int64_t)bm_hvc0(BM_HYP_YIELD);
}

int64_t bm_smccc_version(void)
{
	return (int64_t)bm_hvc0(BM_SMCCC_VERSION);
}

int64_t bm_smccc_arch_features(uint32_t fid)
{
	return (int64_t)bm_hvc_call(BM_SMCCC_ARCH_FEATURES, fid, 0, 0, 0, 0, 0, 0).a0;
}

struct bm_smccc_res bm_hyp_uid(void)
{
	return bm_hvc_call(BM_HYP_UID, 0, 0, 0, 0, 0, 0, 0);
}

struct bm_smccc_res bm_hyp_revision(void)
{
	return bm_hvc_call(BM_HYP_REVISION, 0, 0, 0, 0, 0, 0, 0);
}

int64_t bm_hyp_call_count(void)
{
	return (int64_t)bm_hvc0(BM_HYP_CALL_COUNT);
}

struct bm_smccc_res bm_hyp_call_imm1(uint64_t fid)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = 0;
	register uint64_t x2 __asm__("x2") = 0;
	register uint64_t x3 __asm__("x3") = 0;

	__asm__ volatile("hvc #1"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
			   "x13", "x14", "x15", "x16", "x17", "memory");
	return (struct bm_smccc_res){ x0, x1, x2, x3 };
}
