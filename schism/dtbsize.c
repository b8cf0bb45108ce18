/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What fills a device tree blob: the structure-block bytes of each node
 * one and two levels below the root (with everything under them), read
 * from the DTB that dtc wrote. Used when a VM's device tree does not fit
 * its fixed size, so that the message names what to shrink.
 * Format: Devicetree Specification v0.4, chapter 5 (flattened format).
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schism.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u

#define MAX_PARTS 128

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* "/phidias" or "/phidias/capabilities", unit addresses dropped so that
 * many nodes of one kind (cap@0, cap@1, ...) add up. */
struct dt_part {
	char path[112];
	int level;		/* 1 or 2 */
	uint64_t bytes;
	unsigned nodes;		/* nodes below it */
};

/* "80.5 KiB": an overflow is a matter of KiB, not of exact bytes */
static const char *kib(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%llu KiB", (unsigned long long)(v / 1024),
		 (unsigned long long)(v % 1024 * 10 / 1024));
	return buf;
}

static struct dt_part *find_part(struct dt_part *p, unsigned *n,
				 const char *path, int level)
{
	for (unsigned i = 0; i < *n; i++)
		if (!strcmp(p[i].path, path))
			return &p[i];
	if (*n == MAX_PARTS)
		return NULL;
	memset(&p[*n], 0, sizeof(p[*n]));
	snprintf(p[*n].path, sizeof(p[*n].path), "%s", path);
	p[*n].level = level;
	return &p[(*n)++];
}

static const struct dt_part *largest(const struct dt_part *p, unsigned n,
				     int level, const char *under)
{
	const struct dt_part *best = NULL;
	size_t ul = under ? strlen(under) : 0;

	for (unsigned i = 0; i < n; i++)
		if (p[i].level == level &&
		    (!under || (!strncmp(p[i].path, under, ul) &&
				p[i].path[ul] == '/')) &&
		    (!best || p[i].bytes > best->bytes))
			best = &p[i];
	return best;
}

/* What the scenario says that makes a node grow. */
static const struct {
	const char *path;
	const char *hint;
} hints[] = {
	{ "/phidias/capabilities", "give the VM fewer <cap> elements" },
	{ "/phidias/doorbells", "give fewer capabilities that target this VM" },
	{ "/phidias/shmem", "map fewer shared regions into the VM" },
	{ "/reserved-memory", "map fewer shared regions into the VM" },
	{ "/chosen", "shorten its bootargs" },
	{ "/cpus", "give the VM fewer vCPUs" },
	{ "/phidias", "give the VM fewer capabilities or shared regions" },
};

static const char *hint_for(const char *path)
{
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (!strcmp(hints[i].path, path))
			return hints[i].hint;
	return "give the VM fewer devices";
}

char *dtb_explain_size(const char *path)
{
	size_t len;
	uint8_t *b = read_file(path, &len);
	struct dt_part *parts = xcalloc(MAX_PARTS, sizeof(*parts));
	struct dt_part *open[3] = { NULL, NULL, NULL };
	char names[3][48] = { "", "", "" };
	unsigned n = 0, depth = 0;
	uint32_t off, size, pos, end;
	const struct dt_part *top, *sub;
	char *res = NULL, b1[32], b2[32], b3[32];

	if (!b || len < 40 || be32(b) != 0xd00dfeedu)
		goto out;
	off = be32(b + 8);
	size = be32(b + 36);
	if (off > len || size > len - off)
		goto out;
	end = off + size;
	for (pos = off; pos + 4 <= end;) {
		uint32_t tok = be32(b + pos), start = pos;

		pos += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)b + pos;
			size_t nl = strnlen(name, end - pos);

			pos += (uint32_t)((nl + 4) & ~(size_t)3);
			depth++;
			if (depth == 2 || depth == 3) {
				char p[112];

				snprintf(names[depth - 1], sizeof(names[0]), "%.*s",
					 (int)strcspn(name, "@"), name);
				if (depth == 2)
					snprintf(p, sizeof(p), "/%s", names[1]);
				else
					snprintf(p, sizeof(p), "/%s/%s", names[1],
						 names[2]);
				open[depth - 1] = find_part(parts, &n, p, (int)depth - 1);
			}
			for (unsigned d = 1; d < 3 && d + 1 < depth; d++)
				if (open[d])
					open[d]->nodes++;
		} else if (tok == FDT_END_NODE) {
			if (depth >= 2 && depth <= 3)
				open[depth - 1] = NULL;
			if (depth)
				depth--;
		} else if (tok == FDT_PROP) {
			uint32_t plen;

			if (pos + 8 > end)
				goto out;
			plen = be32(b + pos);
			if (plen > end - pos - 8)
				goto out;
			pos += 8 + ((plen + 3) & ~3u);
		} else if (tok != FDT_NOP) {
			break;	/* FDT_END */
		}
		for (unsigned d = 1; d < 3; d++)
			if (open[d] && depth >= d + 1)
				open[d]->bytes += pos - start;
	}
	top = largest(parts, n, 1, NULL);
	if (!top)
		goto out;
	sub = largest(parts, n, 2, top->path);
	if (sub && sub->bytes * 2 >= top->bytes)
		res = xasprintf("it needs %s; most of it is %s (%s), mostly %s "
				"(%s in %u node(s)): %s", kib(len, b1, sizeof(b1)),
				top->path, kib(top->bytes, b2, sizeof(b2)),
				sub->path, kib(sub->bytes, b3, sizeof(b3)),
				sub->nodes + 1, hint_for(sub->path));
	else
		res = xasprintf("it needs %s; the largest part is %s (%s): %s",
				kib(len, b1, sizeof(b1)), top->path,
				kib(top->bytes, b2, sizeof(b2)),
				hint_for(top->path));
out:
	free(parts);
	free(b);
	return res;
}
