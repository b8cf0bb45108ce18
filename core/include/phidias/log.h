/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PHIDIAS_LOG_H
#define PHIDIAS_LOG_H

#include <stdarg.h>
#include <stddef.h>

/* Formatting: %s %c %d %i %u %x %lx %lu %ld %llx %p, width, 0 padding, - for left-justified numbers. */
size_t vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A hypervisor message: one or more whole lines, tagged [phidias]. */
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
