/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bootargs helpers: the command line (/chosen/bootargs) is a list of words
 * separated by white space, each `key=value` or a bare `key`.  When a key
 * appears twice the last one wins, as on Linux.  The args string may be
 * NULL (no bootargs).
 */
#ifndef BM_BOOTARGS_H
#define BM_BOOTARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Is key present (as `key` or `key=...`)? */
bool bm_bootargs_has(const char *args, const char *key);

/*
 * Copy the value of key (empty for a bare `key`) into buf.  Returns its
 * length, -BM_ENOENT when absent, -BM_ENOSPC when truncated to fit.
 */
int bm_bootargs_get(const char *args, const char *key, char *buf,
		    size_t size);

/* Numeric value, decimal or 0x-hex.  0, -BM_ENOENT, -BM_EINVAL or -BM_ERANGE. */
int bm_bootargs_get_u64(const char *args, const char *key, uint64_t *val);

/*
 * A duration "<n>s", "<n>ms", "<n>us" or "<n>ns" (a bare number means ms),
 * returned in microseconds (ns rounded up).  Errors as bm_bootargs_get_u64.
 */
int bm_bootargs_get_duration_us(const char *args, const char *key,
				uint64_t *us);

/*
 * Parse an unsigned number of exactly len characters (decimal, or hex
 * with 0x); 0, -BM_EINVAL or -BM_ERANGE.
 */
int bm_parse_u64(const char *s, size_t len, uint64_t *val);

#endif /* BM_BOOTARGS_H */
