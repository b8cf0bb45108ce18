/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A small printf.  Conversions: %d %i %u %x %X %c %s %p %%, length modifiers
 * l, ll, z (so %ld %lu %lx %lld %llu %llx %zu ...), flags '-' (left-justify)
 * and '0' (zero padding), a field width as digits or '*'.  A precision is
 * honoured for %s only ("%.*s").  Anything else is printed as written.
 */
#ifndef BM_PRINTF_H
#define BM_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

#define BM_PRINTF_FMT(f, a) __attribute__((format(printf, f, a)))

/* Print to the console (the PL011); return the number of bytes written. */
int bm_printf(const char *fmt, ...) BM_PRINTF_FMT(1, 2);
int bm_vprintf(const char *fmt, va_list ap);
/* Print a string followed by a newline. */
void bm_puts(const char *s);

/*
 * Format into buf (always NUL-terminated when size > 0); return the length
 * the whole result would have, like C's snprintf.
 */
int bm_snprintf(char *buf, size_t size, const char *fmt, ...) BM_PRINTF_FMT(3, 4);
int bm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif /* BM_PRINTF_H */
