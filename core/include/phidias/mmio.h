/* SPDX-License-Identifier: Apache-2.0 */
/*
 * MMIO emulation dispatcher: an emulated device registers a guest-physical
 * region and a handler; a data abort inside it is handed over.
 */
#ifndef PHIDIAS_MMIO_H
#define PHIDIAS_MMIO_H

#include <stdint.h>

struct vm;
struct vcpu;

enum mmio_result {
	MMIO_HANDLED,
	MMIO_UNHANDLED,		/* no device there */
	MMIO_ERROR,		/* a device is there but refuses the access */
};

struct mmio_access {
	uint64_t offset;	/* from the region's start */
	uint64_t value;		/* written value, or where a read's result goes */
	uint32_t size;		/* bytes: 1, 2, 4 or 8 */
	uint32_t write;
};

typedef enum mmio_result (*mmio_handler)(struct vcpu *vcpu, void *opaque,
					 struct mmio_access *acc);

/* At boot only; returns a negative error code when the VM has too many. */
int mmio_register(struct vm *vm, uint64_t ipa, uint64_t size,
		  mmio_handler fn, void *opaque);
enum mmio_result mmio_dispatch(struct vcpu *vcpu, uint64_t ipa,
			       struct mmio_access *acc);

#endif
