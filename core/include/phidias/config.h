/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The generated-configuration format: the one interface between the host
 * configurator schism and the hypervisor.
 *
 * schism writes, under build/<scenario>/gen/:
 *   phidias_gen.h  - sizes and addresses as macros (this file's PHIDIAS_NR_*)
 *   config.c       - `const struct phidias_config phidias_config`
 *   pagetables.c   - EL2 and stage-2 translation tables (section .pgtables)
 *   blobs.S        - guest images and device trees (section .blobs)
 *   phidias.ld     - the linker script that places all of it
 *
 * The hypervisor only reads these tables.  Any change to a structure below
 * must bump PHIDIAS_CONFIG_VERSION; the hypervisor refuses to boot with
 * tables of another version or of another build (signature, scenario hash).
 *
 * The header compiles for the host (schism's unit tests walk the generated
 * tables) and for the hypervisor alike: fixed-width fields, pointers only to
 * other generated data.
 */
#ifndef PHIDIAS_CONFIG_H
#define PHIDIAS_CONFIG_H

#include <stdint.h>

#define PHIDIAS_CONFIG_SIGNATURE "PHIDCFG"	/* 7 chars + NUL */
#define PHIDIAS_CONFIG_VERSION 3u

/*
 * Translation tables, both EL2 stage 1 and every VM's stage 2:
 * 4 KiB granule, 39-bit input addresses (TCR_EL2.T0SZ = VTCR_EL2.T0SZ = 25),
 * lookup starts at level 1 with one 512-entry table (VTCR_EL2.SL0 = 1).
 * Level-1 blocks map 1 GiB, level-2 blocks 2 MiB, level-3 pages 4 KiB.
 * EL2 stage-1 memory attributes index MAIR_EL2:
 */
#define PHIDIAS_PT_VA_BITS 39
#define PHIDIAS_MAIR_IDX_DEVICE 0	/* Device-nGnRE            (0x04) */
#define PHIDIAS_MAIR_IDX_NORMAL 1	/* Normal, inner/outer WB  (0xff) */
#define PHIDIAS_MAIR_VALUE 0xff04ull

/*
 * Architectural limits, the one source for both sides: schism rejects a
 * scenario beyond them, and the hypervisor sizes its arrays by them and
 * asserts them again at build time (_Static_assert on PHIDIAS_NR_*).
 *  - GICv2 has 8 CPU interfaces: GICD_ITARGETSR and the GICD_SGIR target
 *    list are 8-bit masks, GICD_TYPER.CPUNumber is 3 bits (GIC arch. spec.
 *    v2, 4.3.12, 4.3.15, 4.3.2).  So a VM has at most 8 vCPUs and the
 *    machine at most 8 physical CPUs.
 *  - VMIDs are 8 bits (VTCR_EL2.VS = 0, set explicitly in
 *    arch/arm64/setup.c; Arm ARM D13.2.151); VMID 0 is never given to a
 *    VM, so at most 255 VMs.
 *  - GICv2 list registers: GICH_VTR.ListRegs is 6 bits, at most 64.
 */
#define PHIDIAS_MAX_VCPUS_PER_VM 8u
#define PHIDIAS_MAX_PCPUS 8u
#define PHIDIAS_MAX_VMS 255u
#define PHIDIAS_MAX_LRS 64u

/* Guest-physical (IPA) view every VM gets, whatever the board (DESIGN.md). */
#define PHIDIAS_GUEST_GICD 0x08000000ull	/* emulated distributor, 4 KiB */
#define PHIDIAS_GUEST_GICD_SIZE 0x1000ull
#define PHIDIAS_GUEST_GICC 0x08010000ull	/* the physical GICV, mapped */
#define PHIDIAS_GUEST_GICC_SIZE 0x2000ull
#define PHIDIAS_GUEST_UART 0x09000000ull
#define PHIDIAS_GUEST_UART_IRQ 33u
#define PHIDIAS_GUEST_RAM 0x40000000ull

/*
 * Every VM's virtual GIC implements INTIDs 0 .. PHIDIAS_VGIC_NR_IRQS - 1:
 * SGIs 0-15, PPIs 16-31 (virtual timer 27, EL1 physical timer 30),
 * SPIs 32 and up.
 */
#define PHIDIAS_VGIC_NR_IRQS 128u
#define PHIDIAS_GUEST_VTIMER_IRQ 27u
#define PHIDIAS_GUEST_PTIMER_IRQ 30u

/* struct phidias_mem_area.flags */
#define PHIDIAS_MEM_READ 0x1u
#define PHIDIAS_MEM_WRITE 0x2u
#define PHIDIAS_MEM_EXEC 0x4u
#define PHIDIAS_MEM_DEVICE 0x8u	/* device memory (nGnRE), else normal WB */

/* struct phidias_mem_area.kind */
enum phidias_mem_kind {
	PHIDIAS_MEM_RAM = 1,	/* the VM's own RAM: scrubbed at boot/reset */
	PHIDIAS_MEM_SHARED = 2,	/* a shared-memory region (IPC issue) */
	PHIDIAS_MEM_PASSTHRU = 3,	/* a physical device given to the VM */
};

/* One contiguous guest-physical -> physical mapping of a VM. */
struct phidias_mem_area {
	uint64_t ipa;
	uint64_t pa;
	uint64_t size;
	uint32_t flags;
	uint32_t kind;
	const char *name;	/* "ram", or the shared region's name */
};

/*
 * Data copied into VM RAM before the VM starts (and again on VM reset):
 * kernel, initrd, device tree.  src points into the hypervisor image
 * (section .blobs), so the pristine copy always stays available.
 */
struct phidias_blob {
	const char *name;	/* file name, for messages */
	const uint8_t *src;
	uint64_t size;
	uint64_t dst_pa;
	uint64_t dst_ipa;
};

enum phidias_emul_type {
	PHIDIAS_EMUL_PL011 = 1,	/* at PHIDIAS_GUEST_UART, irq 33 */
	PHIDIAS_EMUL_VGICD = 2,	/* at PHIDIAS_GUEST_GICD, every VM has one */
};

/* A device the hypervisor emulates for a VM (trap and emulate). */
struct phidias_emul_dev {
	uint32_t type;		/* enum phidias_emul_type */
	uint32_t irq;		/* virtual INTID it raises, 0 if none */
	uint64_t ipa;
	uint64_t size;
};

enum phidias_cap_type {
	PHIDIAS_CAP_IPC = 1,	/* doorbell: inject param into target_vm */
};

struct phidias_cap {
	uint32_t type;		/* enum phidias_cap_type */
	uint32_t target_vm;	/* index into phidias_config.vms */
	uint32_t param;		/* IPC: virtual INTID (SGI 0-15 or SPI >= 32) */
	uint32_t reserved;
};

struct phidias_vcpu_config {
	uint32_t vm;		/* index into phidias_config.vms */
	uint32_t index;		/* vCPU number within its VM */
	uint32_t pcpu;		/* physical CPU it is pinned to */
	uint32_t reserved;
	uint64_t vmpidr;	/* MPIDR_EL1 value the guest reads */
};

/* What a guest fault (an access to nothing, an unemulated trap) does. */
enum phidias_fault_policy {
	PHIDIAS_FAULT_INJECT = 0,	/* the guest takes the exception hardware would raise */
	PHIDIAS_FAULT_STOP = 1,		/* the VM is reported and stopped */
};

struct phidias_vm_config {
	const char *name;
	uint32_t id;		/* index into phidias_config.vms */
	uint32_t vmid;		/* stage-2 VMID, id + 1 */
	uint32_t nr_vcpus;
	uint32_t first_vcpu;	/* global index of vCPU 0; a VM's vCPUs are consecutive */
	uint64_t entry;		/* IPA where vCPU 0 starts, at EL1h, MMU off */
	uint64_t boot_arg;	/* x0 at entry: IPA of the VM's device tree, 0 if none */
	uint64_t s2_root;	/* PA of its stage-2 level-1 table */
	uint32_t nr_mem;
	uint32_t nr_blobs;
	uint32_t nr_devs;
	uint32_t nr_caps;
	uint32_t nr_irqs;
	uint32_t on_fault;	/* enum phidias_fault_policy: the scenario's <vm on-fault> */
	const struct phidias_mem_area *mem;
	const struct phidias_blob *blobs;
	const struct phidias_emul_dev *devs;
	const struct phidias_cap *caps;
	/*
	 * Physical SPIs given to this VM (with its passed-through devices):
	 * injected under the same INTID, hardware-linked, so the guest's EOI
	 * deactivates the physical interrupt.  No two VMs share one.
	 */
	const uint32_t *irqs;
};

struct phidias_pcpu_config {
	uint32_t nr_vcpus;
	uint32_t reserved;
	const uint32_t *vcpus;	/* global vCPU indices, in round-robin order */
	/*
	 * MPIDR_EL1 affinity of this physical CPU, from the platform's <cpu>
	 * list: the target of PSCI CPU_ON (PSCI 1.1, 5.1.4).  CPU 0 is the
	 * one the bootloader enters on.
	 */
	uint64_t mpidr;
};

enum phidias_psci_conduit {
	PHIDIAS_PSCI_SMC = 0,
	PHIDIAS_PSCI_HVC = 1,
};

/*
 * The physical board as the hypervisor drives it: only what it reads.  The
 * rest of the platform (RAM, the GICV frame, the EL1 physical timer) is
 * schism's to lay out and map, and reaches the hypervisor as page tables.
 */
struct phidias_platform_config {
	const char *name;
	uint64_t uart_base;	/* console PL011 */
	/*
	 * The console's reference clock (UARTCLK) and line speed: when the
	 * firmware left the UART disabled, the driver programs the baud-rate
	 * divisor from them (8N1).  uart_clock_hz 0: unknown, the driver
	 * never reprograms the UART.
	 */
	uint32_t uart_clock_hz;
	uint32_t uart_baud;
	uint64_t gicd_base;
	uint64_t gicc_base;
	uint64_t gich_base;
	uint32_t uart_irq;	/* INTIDs */
	uint32_t maint_irq;
	uint32_t hyp_timer_irq;
	uint32_t virt_timer_irq;
	uint32_t psci_conduit;	/* enum phidias_psci_conduit, firmware PSCI */
	uint32_t reserved;
};

struct phidias_config {
	char signature[8];	/* PHIDIAS_CONFIG_SIGNATURE */
	uint32_t version;	/* PHIDIAS_CONFIG_VERSION */
	uint32_t reserved;
	uint64_t scenario_hash;	/* equals PHIDIAS_SCENARIO_HASH of phidias_gen.h */
	const char *scenario;	/* scenario name */
	uint32_t nr_pcpus;
	uint32_t timeslice_us;
	uint64_t percpu_base;	/* per-CPU areas: CPU n at base + n * size */
	uint64_t percpu_size;
	uint64_t el2_root;	/* PA of the EL2 level-1 table */
	struct phidias_platform_config plat;
	uint32_t nr_vms;
	uint32_t nr_vcpus;
	const struct phidias_vm_config *vms;
	const struct phidias_vcpu_config *vcpus;
	const struct phidias_pcpu_config *pcpus;	/* nr_pcpus entries */
};

extern const struct phidias_config phidias_config;

#endif
