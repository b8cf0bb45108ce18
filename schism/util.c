/* SPDX-License-Identifier: Apache-2.0 */
/* Small host helpers: allocation, number syntax, hashing, files. */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "schism.h"

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p) {
		fprintf(stderr, "schism: out of memory\n");
		exit(1);
	}
	return p;
}

/* realloc(p, n * size) that never returns NULL (schism exits instead). */
void *xreallocarray(void *p, size_t n, size_t size)
{
	void *q = realloc(p, (n ? n : 1) * (size ? size : 1));

	if (!q) {
		free(p);
		fprintf(stderr, "schism: out of memory\n");
		exit(1);
	}
	return q;
}

char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xcalloc(1, n);

	memcpy(p, s, n);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	p = xcalloc(1, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Parses the digits of s (hex after "0x", else decimal); *end gets the
 * first character after them. 0 on success, -1 on no digits/overflow. */
static int parse_u64(const char *s, uint64_t *out, const char **end)
{
	uint64_t v = 0, base = 10;
	const char *p = s;
	int digits = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	for (;; p++) {
		uint64_t d;

		if (isdigit((unsigned char)*p))
			d = (uint64_t)(*p - '0');
		else if (base == 16 && isxdigit((unsigned char)*p))
			d = (uint64_t)(tolower((unsigned char)*p) - 'a' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
		digits++;
	}
	if (!digits)
		return -1;
	*out = v;
	*end = p;
	return 0;
}

static int xml_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The lexical forms of xs:integer types that the schema accepts beside
 * plain digits: surrounding blanks (whiteSpace="collapse"), a '+' sign,
 * and "-0". Returns the value, or -1 if s is not such a form.
 */
static int parse_xs_integer(const char *s, uint64_t *out)
{
	const char *p = s, *end;
	size_t n = strlen(s);
	char *copy;
	int neg = 0, rc;

	while (xml_blank(*p))
		p++;
	while (n && xml_blank(s[n - 1]))
		n--;
	if (p >= s + n)
		return -1;
	if (*p == '+' || *p == '-') {
		neg = *p == '-';
		p++;
	}
	if (!isdigit((unsigned char)*p))
		return -1;
	copy = xasprintf("%.*s", (int)(s + n - p), p);
	rc = parse_u64(copy, out, &end);
	/* decimal only: "0x2" is not an xs:integer */
	if (!rc && (*end || strchr(copy, 'x') || strchr(copy, 'X') ||
		    (neg && *out)))
		rc = -1;
	free(copy);
	return rc;
}

int parse_size(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v, mul = 1;

	if (s && (xml_blank(*s) || *s == '+' || *s == '-' ||
		  (*s && xml_blank(s[strlen(s) - 1]))))
		return parse_xs_integer(s, out);
	if (!s || parse_u64(s, &v, &end))
		return -1;
	switch (*end) {
	case '\0':
		break;
	case 'K': case 'k':
		mul = 1ull << 10;
		end++;
		break;
	case 'M': case 'm':
		mul = 1ull << 20;
		end++;
		break;
	case 'G': case 'g':
		mul = 1ull << 30;
		end++;
		break;
	default:
		return -1;
	}
	if (*end != '\0' || v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

int parse_time_us(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v, mul;

	if (!s || parse_u64(s, &v, &end))
		return -1;
	if (!strcmp(end, "us"))
		mul = 1;
	else if (!strcmp(end, "ms"))
		mul = 1000;
	else if (!strcmp(end, "s"))
		mul = 1000000;
	else
		return -1;
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

uint64_t fnv1a64(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	{
		struct stat st;

		if (!fstat(fileno(f), &st) && S_ISDIR(st.st_mode)) {
			fclose(f);
			errno = EISDIR;
			return NULL;
		}
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			uint8_t *nb;

			cap = cap ? cap * 2 : 65536;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

int file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

int is_aligned(uint64_t v, uint64_t a)
{
	return (v & (a - 1)) == 0;
}

const char *fmt_size(uint64_t size, char *buf, size_t len)
{
	if (size && is_aligned(size, SZ_1G))
		snprintf(buf, len, "%llu GiB", (unsigned long long)(size >> 30));
	else if (size && is_aligned(size, 1ull << 20))
		snprintf(buf, len, "%llu MiB", (unsigned long long)(size >> 20));
	else if (size && is_aligned(size, 1ull << 10))
		snprintf(buf, len, "%llu KiB", (unsigned long long)(size >> 10));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)size);
	return buf;
}

char *comment_safe(const char *s)
{
	size_t n = 0;
	char *out, *w;

	for (const char *p = s; *p; p++)
		n += 4;
	out = w = xcalloc(1, n + 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		/* '*' could open or close a C comment, '\\' continue a
		 * line comment, '?' start a trigraph; control characters
		 * end the line */
		if (*p < 0x20 || *p >= 0x7f || *p == '*' || *p == '\\' ||
		    *p == '?')
			w += sprintf(w, "\\x%02x", *p);
		else
			*w++ = (char)*p;
	}
	*w = '\0';
	return out;
}
