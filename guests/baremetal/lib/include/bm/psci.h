/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PSCI (Arm DEN 0022) through the conduit the device tree names in
 * /psci/method: "hvc" or "smc".  Without a device tree the runtime uses
 * BM_PSCI_FALLBACK_CONDUIT (hvc unless built with -DBM_PSCI_FALLBACK_SMC),
 * which is right both under Phidias and on bare `qemu -M virt` at EL1.
 */
#ifndef BM_PSCI_H
#define BM_PSCI_H

#include <stdint.h>

enum bm_psci_conduit {
	BM_PSCI_HVC,
	BM_PSCI_SMC,
};

#ifdef BM_PSCI_FALLBACK_SMC
#define BM_PSCI_FALLBACK_CONDUIT BM_PSCI_SMC
#else
#define BM_PSCI_FALLBACK_CONDUIT BM_PSCI_HVC
#endif

#define BM_PSCI_VERSION		0x84000000u
#define BM_PSCI_CPU_OFF		0x84000002u
#define BM_PSCI_CPU_ON		0xc4000003u	/* SMC64 */
#define BM_PSCI_AFFINITY_INFO	0xc4000004u	/* SMC64 */
#define BM_PSCI_SYSTEM_OFF	0x84000008u
#define BM_PSCI_SYSTEM_RESET	0x84000009u
#define BM_PSCI_FEATURES	0x8400000au

/* PSCI return codes. */
#define BM_PSCI_SUCCESS			0
#define BM_PSCI_E_NOT_SUPPORTED		(-1)
#define BM_PSCI_E_INVALID_PARAMETERS	(-2)
#define BM_PSCI_E_DENIED		(-3)
#define BM_PSCI_E_ALREADY_ON		(-4)
#define BM_PSCI_E_ON_PENDING		(-5)
#define BM_PSCI_E_INTERNAL_FAILURE	(-6)
#define BM_PSCI_E_NOT_PRESENT		(-7)
#define BM_PSCI_E_DISABLED		(-8)
#define BM_PSCI_E_INVALID_ADDRESS	(-9)

void bm_psci_set_conduit(enum bm_psci_conduit conduit);
enum bm_psci_conduit bm_psci_conduit(void);
/* "hvc" or "smc". */
const char *bm_psci_conduit_name(void);

/* Any PSCI call through the conduit; returns x0. */
uint64_t bm_psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/* Major version in bits [31:16], minor in [15:0]. */
uint32_t bm_psci_version(void);
/* PSCI_FEATURES: >= 0 when fid is implemented, else a BM_PSCI_E_* code. */
int32_t bm_psci_features(uint32_t fid);
/*
 * Start the CPU with MPIDR affinity target at IPA entry, with x0 = context.
 * The runtime has no secondary start-up code yet: entry must set up its
 * own stack.  Returns a BM_PSCI_* code.
 */
int32_t bm_psci_cpu_on(uint64_t target, uint64_t entry, uint64_t context);

/* These do not return; should the call fail, the CPU parks in WFI. */
__attribute__((noreturn)) void bm_psci_system_off(void);
__attribute__((noreturn)) void bm_psci_system_reset(void);

#endif /* BM_PSCI_H */
