/* SPDX-License-Identifier: Apache-2.0 */
/* Minimal test harness for schism's host unit tests. */
#ifndef SCHISM_UNIT_H
#define SCHISM_UNIT_H

#include <stdio.h>

static unsigned unit_passed, unit_failed;

/* One check; prints the failure with where and why. */
#define CHECK(cond, ...) do {						\
		if (cond) {						\
			unit_passed++;					\
		} else {						\
			unit_failed++;					\
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
		}							\
	} while (0)

static inline int unit_summary(const char *name)
{
	printf("%s: %u passed, %u failed\n", name, unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif
