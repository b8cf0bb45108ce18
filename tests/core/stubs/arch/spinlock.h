/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host stand-in for the ticket lock: the test is single-threaded, so taking
 * a lock that is held can only be a deadlock on the target; it is reported
 * and the test case abandoned.  A hook after each unlock stands for
 * another CPU taking the lock at that moment.
 */
#ifndef ARCH_SPINLOCK_H
#define ARCH_SPINLOCK_H

#include <stdint.h>

typedef struct {
	uint32_t held;
} spinlock_t;

#define SPINLOCK_INIT { 0 }

void test_deadlock(spinlock_t *lock) __attribute__((noreturn));
/* Called after every unlock: lets a test run "another CPU" exactly there. */
extern void (*test_on_unlock)(spinlock_t *lock);

static inline void spin_lock(spinlock_t *lock)
{
	if (lock->held)
		test_deadlock(lock);
	lock->held = 1;
}

static inline void spin_unlock(spinlock_t *lock)
{
	lock->held = 0;
	if (test_on_unlock)
		test_on_unlock(lock);
}

#endif
