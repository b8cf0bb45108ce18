/* SPDX-License-Identifier: Apache-2.0 */
/*
 * PMU and self-hosted debug: what guests may see of them (docs/hypervisor.md,
 * "Performance monitors and debug").  VMs share physical CPUs, and neither
 * the counters nor the breakpoints are switched with the vCPU, so EL1 gets
 * none of them: every access traps (MDCR_EL2) and reads as zero, writes are
 * ignored.  MDSCR_EL1 alone stays the guest's own: it is part of the vCPU
 * context, and with no breakpoint or watchpoint armed it only controls
 * single-step and the DCC trap, both local to the guest.
 */
#ifndef ARCH_DEBUG_H
#define ARCH_DEBUG_H

#include <stdint.h>

struct vcpu;

/*
 * This CPU, at boot: counters stopped and reset, breakpoints and
 * watchpoints disarmed, the OS lock released, then MDCR_EL2 (and the
 * activity-monitor and trace traps of CPTR_EL2, returned for the caller to
 * or into its value) set to trap EL1's accesses.
 */
uint64_t arch_debug_cpu_setup(void);
/*
 * A trapped MSR/MRS (ESR_EL2.EC 0x18) of vCPU v: 1 if it was a PMU, debug,
 * trace or activity-monitor register and has been emulated (PC advanced),
 * 0 if it is none of these.
 */
int arch_debug_sysreg(struct vcpu *v, uint64_t esr);

#endif
