/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Cross-CPU messages.  Each ordered pair of physical CPUs has a small
 * single-producer single-consumer queue; the sender kicks the receiver
 * with a physical SGI reserved for the hypervisor.  Message types and
 * their handlers are registered in one table (core/xcore.c).
 */
#ifndef PHIDIAS_XCORE_H
#define PHIDIAS_XCORE_H

#include <stdint.h>

#define XCORE_SGI 0u

enum xcore_msg_type {
	XCORE_RESCHED,		/* re-read the run list (a vCPU stopped, ...) */
	XCORE_NR_TYPES,
};

/* Send to CPU cpu (any CPU, including this one). */
void xcore_send(uint32_t cpu, enum xcore_msg_type type, uint64_t arg);
/*
 * A vCPU of CPU cpu has its wake flag set (vcpu_kick): no message, only the
 * SGI; the CPU switches if the woken one is not the vCPU it runs.
 */
void xcore_wake(uint32_t cpu);
/* Make CPU cpu re-evaluate its run list soon. */
void xcore_kick(uint32_t cpu);
/* The SGI arrived: run every message queued for this CPU. */
void xcore_irq(void);

#endif
