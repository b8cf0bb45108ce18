/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The few <string.h> functions of the runtime.  They keep their standard
 * names because the compiler may emit calls to memcpy/memset/memmove/memcmp
 * by itself.  All are safe with the MMU off (no unaligned accesses).
 */
#ifndef BM_STRING_H
#define BM_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

#endif /* BM_STRING_H */
