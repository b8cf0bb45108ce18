/* SPDX-License-Identifier: Apache-2.0 */
/* `key=value` bootargs parsing. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bm/bootargs.h>
#include <bm/error.h>
#include <bm/string.h>

static bool bm_bootargs_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The value of the last `key=value` or `key` word: its start and length
 * (0 for a bare key), or NULL when key does not occur.
 */
static const char *bm_bootargs_find(const char *args, const char *key,
				    size_t *vlen)
{
	size_t klen = strlen(key);
	const char *found = NULL;

	if (!args || klen == 0)
		return NULL;
	while (*args) {
		const char *word = args;
		size_t wlen = 0;

		while (bm_bootargs_space(*word))
			word++;
		while (word[wlen] && !bm_bootargs_space(word[wlen]))
			wlen++;
		if (wlen >= klen && strncmp(word, key, klen) == 0) {
			if (wlen == klen) {
				found = word + wlen;
				*vlen = 0;
			} else if (word[klen] == '=') {
				found = word + klen + 1;
				*vlen = wlen - klen - 1;
			}
		}
		args = word + wlen;
	}
	return found;
}

bool bm_bootargs_has(const char *args, const char *key)
{
	size_t vlen;

	return bm_bootargs_find(args, key, &vlen) != NULL;
}

int bm_bootargs_get(const char *args, const char *key, char *buf, size_t size)
{
	size_t vlen, n;
	const char *v = bm_bootargs_find(args, key, &vlen);

	if (!v)
		return -BM_ENOENT;
	if (size == 0)
		return -BM_ENOSPC;
	n = vlen < size - 1 ? vlen : size - 1;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return n < vlen ? -BM_ENOSPC : (int)n;
}

int bm_parse_u64(const char *s, size_t len, uint64_t *val)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (len == 0)
		return -BM_EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return -BM_EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -BM_ERANGE;
		v = v * base + d;
	}
	*val = v;
	return 0;
}

int bm_bootargs_get_u64(const char *args, const char *key, uint64_t *val)
{
	size_t vlen;
	const char *v = bm_bootargs_find(args, key, &vlen);

	if (!v)
		return -BM_ENOENT;
	return bm_parse_u64(v, vlen, val);
}

int bm_bootargs_get_duration_us(const char *args, const char *key,
				uint64_t *us)
{
	static const struct {
		const char *suffix;
		uint64_t mul;	/* to us */
		uint64_t div;
	} units[] = {
		{ "ns", 1, 1000 }, { "us", 1, 1 }, { "ms", 1000, 1 },
		{ "s", 1000000, 1 },
	};
	size_t vlen, digits = 0;
	const char *v = bm_bootargs_find(args, key, &vlen);
	uint64_t n, mul = 1000, div = 1;
	int err;

	if (!v)
		return -BM_ENOENT;
	while (digits < vlen && v[digits] >= '0' && v[digits] <= '9')
		digits++;
	if (digits < vlen) {
		size_t slen = vlen - digits;
		bool known = false;

		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			if (strlen(units[i].suffix) == slen &&
			    strncmp(v + digits, units[i].suffix, slen) == 0) {
				mul = units[i].mul;
				div = units[i].div;
				known = true;
			}
		}
		if (!known)
			return -BM_EINVAL;
	}
	err = bm_parse_u64(v, digits, &n);
	if (err)
		return err;
	if (n > UINT64_MAX / mul)
		return -BM_ERANGE;
	*us = (n * mul + div - 1) / div;
	return 0;
}
