/* SPDX-License-Identifier: Apache-2.0 */
/*
 * GICv2 register offsets (ARM IHI 0048B, 4.1.2 and 5.3), shared by the
 * driver of the physical GIC and the emulation of the guests' distributor.
 */
#ifndef DRIVERS_GICV2_REGS_H
#define DRIVERS_GICV2_REGS_H

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20
#define GICD_PIDR 0xfd0		/* PIDR4 .. CIDR3, 12 words */

#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_BPR 0x008
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010
#define GICC_DIR 0x1000
#define GICC_CTLR_EOIMODE (1u << 9)

#define GICH_HCR 0x000
#define GICH_VTR 0x004
#define GICH_VMCR 0x008
#define GICH_ELRSR0 0x030
#define GICH_APR 0x0f0
#define GICH_LR0 0x100

#endif
