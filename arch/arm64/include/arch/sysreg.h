/* SPDX-License-Identifier: Apache-2.0 */
/* System-register access and the architectural bits Phidias uses (Arm ARM D13). */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#define HCR_VM (1ul << 0)
#define HCR_SWIO (1ul << 1)
#define HCR_FMO (1ul << 3)
#define HCR_IMO (1ul << 4)
#define HCR_AMO (1ul << 5)
#define HCR_FB (1ul << 9)
#define HCR_BSU_IS (1ul << 10)
#define HCR_TWI (1ul << 13)
#define HCR_TWE (1ul << 14)
#define HCR_TSC (1ul << 19)
#define HCR_TIDCP (1ul << 20)
#define HCR_RW (1ul << 31)

/* SCTLR_EL2: M, C, SA, I plus the RES1 bits of the non-VHE layout. */
#define SCTLR_EL2_RES1 0x30c50830ul
#define SCTLR_EL2_M (1ul << 0)
#define SCTLR_EL2_C (1ul << 2)
#define SCTLR_EL2_SA (1ul << 3)
#define SCTLR_EL2_I (1ul << 12)
#define SCTLR_EL2_WXN (1ul << 19)

/* SCTLR_EL1 value a vCPU starts with: RES1 bits only, MMU and caches off. */
#define SCTLR_EL1_RESET 0x30d00800ul

/* SPSR for entering a guest at EL1h with DAIF masked. */
#define SPSR_EL1H_DAIF 0x3c5ul

#define ESR_EC_SHIFT 26
#define ESR_EC(esr) (((esr) >> ESR_EC_SHIFT) & 0x3f)
#define ESR_IL (1ul << 25)
#define ESR_ISS(esr) ((esr) & 0x1ffffff)
#define EC_UNKNOWN 0x00
#define EC_WFX 0x01
#define EC_FP 0x07
#define EC_HVC64 0x16
#define EC_SMC64 0x17
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24

/* Data-abort ISS (Arm ARM D13.2.39) */
#define DABT_ISV (1ul << 24)
#define DABT_SAS(iss) (((iss) >> 22) & 3)
#define DABT_SSE (1ul << 21)
#define DABT_SRT(iss) (((iss) >> 16) & 31)
#define DABT_SF (1ul << 15)
#define DABT_WNR (1ul << 6)
#define DABT_S1PTW (1ul << 7)
#define DABT_DFSC(iss) ((iss) & 0x3f)

/* CNTHCTL_EL2: EL1 may read the physical counter, the physical timer traps. */
#define CNTHCTL_EL1PCTEN (1ul << 0)
#define CNTHCTL_EL1PCEN (1ul << 1)

#ifndef __ASSEMBLER__
#include <stdint.h>

#define sysreg_read(name) ({ \
	uint64_t _v; \
	__asm__ volatile("mrs %0, " #name : "=r"(_v)); \
	_v; })
#define sysreg_write(name, v) \
	__asm__ volatile("msr " #name ", %0" : : "r"((uint64_t)(v)) : "memory")

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_sy(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void wfe(void) { __asm__ volatile("wfe" ::: "memory"); }
static inline void sev(void) { __asm__ volatile("sev" ::: "memory"); }
#endif
#endif
