/* SPDX-License-Identifier: Apache-2.0 */
/* PSCI client (Arm DEN 0022) over the HVC or SMC conduit. */
#include <stdint.h>

#include <bm/psci.h>
#include <bm/smccc.h>

static enum bm_psci_conduit bm_psci_via = BM_PSCI_FALLBACK_CONDUIT;

void bm_psci_set_conduit(enum bm_psci_conduit conduit)
{
	bm_psci_via = conduit;
}

enum bm_psci_conduit bm_psci_conduit(void)
{
	return bm_psci_via;
}

const char *bm_psci_conduit_name(void)
{
	return bm_psci_via == BM_PSCI_SMC ? "smc" : "hvc";
}

uint64_t bm_psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	if (bm_psci_via == BM_PSCI_SMC)
		return bm_smc_call(fid, a1, a2, a3, 0, 0, 0, 0).a0;
	return bm_hvc_call(fid, a1, a2, a3, 0, 0, 0, 0).a0;
}

uint32_t bm_psci_version(void)
{
	return (uint32_t)bm_psci_call(BM_PSCI_VERSION, 0, 0, 0);
}

int32_t bm_psci_features(uint32_t fid)
{
	return (int32_t)bm_psci_call(BM_PSCI_FEATURES, fid, 0, 0);
}

int32_t bm_psci_cpu_on(uint64_t target, uint64_t entry, uint64_t context)
{
	return (int32_t)bm_psci_call(BM_PSCI_CPU_ON, target, entry, context);
}

static __attribute__((noreturn)) void bm_psci_park(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

void bm_psci_system_off(void)
{
	bm_psci_call(BM_PSCI_SYSTEM_OFF, 0, 0, 0);
	bm_psci_park();
}

void bm_psci_system_reset(void)
{
	bm_psci_call(BM_PSCI_SYSTEM_RESET, 0, 0, 0);
	bm_psci_park();
}
