/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cross-CPU requests.  Each physical CPU has a word of request bits that
 * other CPUs set (atomically) before kicking it with a physical SGI
 * reserved for the hypervisor; the requests carry no payload (what to do
 * is in the vCPUs' own flags), so they coalesce.
 */
#ifndef PHIDIAS_XCORE_H
#define PHIDIAS_XCORE_H

#include <stdint.h>

#define XCORE_SGI 0u

/*
 * A vCPU of CPU cpu has its wake flag set (vcpu_kick): the CPU switches if
 * the woken one is not the vCPU it runs.  Nothing for this CPU itself.
 */
void xcore_wake(uint32_t cpu);
/* Make CPU cpu (this one too) re-evaluate its run list soon. */
void xcore_kick(uint32_t cpu);
/* The SGI arrived: answer the requests for this CPU. */
void xcore_irq(void);

#endif
