/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Ticket lock.  Waiters sleep in WFE and the unlocker's store to the lock
 * word wakes them (exclusive monitor), never a bare spin: under QEMU icount
 * a bare spin can starve the CPU holding the lock (DESIGN.md).
 */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H

#include <stdint.h>

typedef struct {
	uint32_t next;
	uint32_t owner;
} spinlock_t;

#define SPINLOCK_INIT { 0, 0 }

static inline void spin_lock(spinlock_t *lock)
{
	uint32_t ticket, next, status;

	__asm__ volatile(
		"1:	ldaxr	%w0, [%3]\n"
		"	add	%w1, %w0, #1\n"
		"	stxr	%w2, %w1, [%3]\n"
		"	cbnz	%w2, 1b\n"
		: "=&r"(ticket), "=&r"(next), "=&r"(status)
		: "r"(&lock->next)
		: "memory");
	__asm__ volatile(
		"	sevl\n"
		"2:	wfe\n"
		"	ldaxr	%w0, [%1]\n"
		"	cmp	%w0, %w2\n"
		"	b.ne	2b\n"
		: "=&r"(status)
		: "r"(&lock->owner), "r"(ticket)
		: "memory", "cc");
}

static inline void spin_unlock(spinlock_t *lock)
{
	__asm__ volatile("stlr %w1, [%0]\n"
			 : : "r"(&lock->owner), "r"(lock->owner + 1) : "memory");
}

#endif
