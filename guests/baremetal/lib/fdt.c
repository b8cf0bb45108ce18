/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flattened device tree reader (devicetree specification v0.4, chapter 5).
 * The blob is read byte by byte: it may sit in Device memory (MMU off) and
 * a corrupt one must not cause alignment faults.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bm/error.h>
#include <bm/fdt.h>
#include <bm/string.h>

#define FDT_HEADER_SIZE		40u
#define FDT_BEGIN_NODE		1u
#define FDT_END_NODE		2u
#define FDT_PROP		3u
#define FDT_NOP			4u
#define FDT_END			9u
#define FDT_MAX_DEPTH		32

static uint32_t bm_fdt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint32_t bm_fdt_align4(uint32_t v)
{
	return (v + 3u) & ~3u;
}

int bm_fdt_init(struct bm_fdt *fdt, const void *blob)
{
	const uint8_t *h = blob;
	uint32_t size, version, last_comp;

	fdt->blob = NULL;
	if (!h || bm_fdt_be32(h) != BM_FDT_MAGIC)
		return -BM_EINVAL;
	size = bm_fdt_be32(h + 4);
	version = bm_fdt_be32(h + 20);
	last_comp = bm_fdt_be32(h + 24);
	if (size < FDT_HEADER_SIZE || size > BM_FDT_MAX_SIZE ||
	    version < 16 || last_comp > 17)
		return -BM_EINVAL;

	fdt->size = size;
	fdt->struct_off = bm_fdt_be32(h + 8);
	fdt->strings_off = bm_fdt_be32(h + 12);
	fdt->strings_size = bm_fdt_be32(h + 32);
	/* size_dt_struct exists from version 17 on. */
	if (version >= 17)
		fdt->struct_size = bm_fdt_be32(h + 36);
	else if (fdt->struct_off <= size)
		fdt->struct_size = size - fdt->struct_off;
	else
		return -BM_EINVAL;

	if ((fdt->struct_off & 3u) != 0 ||
	    fdt->struct_off < FDT_HEADER_SIZE || fdt->struct_off > size ||
	    fdt->struct_size > size - fdt->struct_off ||
	    fdt->strings_off > size ||
	    fdt->strings_size > size - fdt->strings_off)
		return -BM_EINVAL;
	fdt->blob = h;
	return 0;
}

/*
 * Reads the token at off; stores the offset of the following token in
 * *next.  Returns the token, or -BM_EINVAL if it does not fit the block.
 */
static int bm_fdt_next_token(const struct bm_fdt *fdt, uint32_t off,
			     uint32_t *next)
{
	const uint8_t *s;
	uint32_t end = fdt->struct_size, tag, len;

	if (!fdt->blob || (off & 3u) || off > end || end - off < 4)
		return -BM_EINVAL;
	s = fdt->blob + fdt->struct_off;
	tag = bm_fdt_be32(s + off);
	off += 4;
	switch (tag) {
	case FDT_BEGIN_NODE:
		while (off < end && s[off])
			off++;
		if (off >= end)
			return -BM_EINVAL;
		off = bm_fdt_align4(off + 1);
		break;
	case FDT_PROP:
		if (end - off < 8)
			return -BM_EINVAL;
		len = bm_fdt_be32(s + off);
		off += 8;
		if (len > end - off)
			return -BM_EINVAL;
		off = bm_fdt_align4(off + len);
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		return -BM_EINVAL;
	}
	if (off > end)
		return -BM_EINVAL;
	*next = off;
	return (int)tag;
}

static bool bm_fdt_is_node(const struct bm_fdt *fdt, int node)
{
	uint32_t next;

	return node >= 0 &&
	       bm_fdt_next_token(fdt, (uint32_t)node, &next) == FDT_BEGIN_NODE;
}

const char *bm_fdt_node_name(const struct bm_fdt *fdt, int node)
{
	if (!bm_fdt_is_node(fdt, node))
		return NULL;
	return (const char *)fdt->blob + fdt->struct_off + (uint32_t)node + 4;
}

/*
 * Walks the node's direct children: the first BEGIN_NODE at depth 0 at or
 * after off (off inside the node, after its properties or a subnode).
 */
static int bm_fdt_child_from(const struct bm_fdt *fdt, uint32_t off)
{
	int depth = 0;

	for (;;) {
		uint32_t next;
		int tag = bm_fdt_next_token(fdt, off, &next);

		if (tag < 0)
			return tag;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (depth == 0)
				return (int)off;
			depth++;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return -BM_ENOENT;
			depth--;
			break;
		case FDT_END:
			return -BM_EINVAL;
		default:
			break;
		}
		off = next;
	}
}

int bm_fdt_first_subnode(const struct bm_fdt *fdt, int node)
{
	uint32_t next;

	if (!bm_fdt_is_node(fdt, node))
		return -BM_EINVAL;
	bm_fdt_next_token(fdt, (uint32_t)node, &next);
	return bm_fdt_child_from(fdt, next);
}

/* Offset just past the END_NODE of node. */
static int bm_fdt_node_end(const struct bm_fdt *fdt, int node)
{
	uint32_t off = (uint32_t)node;
	int depth = 0;

	for (;;) {
		uint32_t next;
		int tag = bm_fdt_next_token(fdt, off, &next);

		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE)
			depth++;
		else if (tag == FDT_END_NODE && --depth == 0)
			return (int)next;
		else if (tag == FDT_END)
			return -BM_EINVAL;
		off = next;
	}
}

int bm_fdt_next_subnode(const struct bm_fdt *fdt, int node)
{
	int end;

	if (!bm_fdt_is_node(fdt, node))
		return -BM_EINVAL;
	end = bm_fdt_node_end(fdt, node);
	return end < 0 ? end : bm_fdt_child_from(fdt, (uint32_t)end);
}

/* The root: the first BEGIN_NODE, after any NOPs. */
static int bm_fdt_root(const struct bm_fdt *fdt)
{
	uint32_t off = 0, next;
	int tag;

	while ((tag = bm_fdt_next_token(fdt, off, &next)) == FDT_NOP)
		off = next;
	return tag == FDT_BEGIN_NODE ? (int)off : -BM_EINVAL;
}

/* Does node name `name` match path component comp[0..len)? */
static bool bm_fdt_name_matches(const char *name, const char *comp, size_t len)
{
	if (strncmp(name, comp, len) != 0)
		return false;
	if (name[len] == '\0')
		return true;
	if (name[len] != '@')
		return false;
	/* "pl011" matches "pl011@9000000" unless the component has its own '@'. */
	for (size_t i = 0; i < len; i++)
		if (comp[i] == '@')
			return false;
	return true;
}

int bm_fdt_path_offset(const struct bm_fdt *fdt, const char *path)
{
	int node = bm_fdt_root(fdt);

	if (!path || path[0] != '/')
		return -BM_EINVAL;
	while (node >= 0) {
		size_t len = 0;

		while (*path == '/')
			path++;
		if (!*path)
			return node;
		while (path[len] && path[len] != '/')
			len++;
		for (node = bm_fdt_first_subnode(fdt, node); node >= 0;
		     node = bm_fdt_next_subnode(fdt, node))
			if (bm_fdt_name_matches(bm_fdt_node_name(fdt, node),
						path, len))
				break;
		path += len;
	}
	return node;
}

int bm_fdt_parent(const struct bm_fdt *fdt, int node)
{
	int stack[FDT_MAX_DEPTH];
	uint32_t off = 0;
	int depth = 0;

	if (!bm_fdt_is_node(fdt, node))
		return -BM_EINVAL;
	for (;;) {
		uint32_t next;
		int tag = bm_fdt_next_token(fdt, off, &next);

		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE) {
			if (off == (uint32_t)node)
				return depth > 0 ? stack[depth - 1] : -BM_ENOENT;
			if (depth == FDT_MAX_DEPTH)
				return -BM_EINVAL;
			stack[depth++] = (int)off;
		} else if (tag == FDT_END_NODE) {
			if (depth-- == 0)
				return -BM_EINVAL;
		} else if (tag == FDT_END) {
			return -BM_ENOENT;
		}
		off = next;
	}
}

const void *bm_fdt_getprop(const struct bm_fdt *fdt, int node,
			   const char *name, uint32_t *len)
{
	const uint8_t *s, *strings;
	uint32_t off, next;
	int tag;

	if (!bm_fdt_is_node(fdt, node))
		return NULL;
	s = fdt->blob + fdt->struct_off;
	strings = fdt->blob + fdt->strings_off;
	bm_fdt_next_token(fdt, (uint32_t)node, &off);
	/* Properties precede subnodes (DT spec 5.4.2). */
	while ((tag = bm_fdt_next_token(fdt, off, &next)) == FDT_PROP ||
	       tag == FDT_NOP) {
		if (tag == FDT_PROP) {
			uint32_t nameoff = bm_fdt_be32(s + off + 8);
			size_t max;

			if (nameoff < fdt->strings_size) {
				max = fdt->strings_size - nameoff;
				if (strnlen((const char *)strings + nameoff, max) < max &&
				    strcmp((const char *)strings + nameoff, name) == 0) {
					if (len)
						*len = bm_fdt_be32(s + off + 4);
					return s + off + 12;
				}
			}
		}
		off = next;
	}
	return NULL;
}

const char *bm_fdt_getprop_string(const struct bm_fdt *fdt, int node,
				  const char *name)
{
	uint32_t len;
	const char *v = bm_fdt_getprop(fdt, node, name, &len);

	if (!v || len == 0 || strnlen(v, len) >= len)
		return NULL;
	return v;
}

int bm_fdt_getprop_u32(const struct bm_fdt *fdt, int node, const char *name,
		       uint32_t *val)
{
	uint32_t len;
	const uint8_t *v = bm_fdt_getprop(fdt, node, name, &len);

	if (!v)
		return -BM_ENOENT;
	if (len != 4)
		return -BM_EINVAL;
	*val = bm_fdt_be32(v);
	return 0;
}

bool bm_fdt_stringlist_contains(const void *prop, uint32_t len,
				const char *str)
{
	const char *p = prop;

	while (p && len > 0) {
		size_t n = strnlen(p, len);

		if (n == len)
			return false;	/* not terminated */
		if (strcmp(p, str) == 0)
			return true;
		p += n + 1;
		len -= (uint32_t)n + 1;
	}
	return false;
}

bool bm_fdt_is_compatible(const struct bm_fdt *fdt, int node,
			  const char *compat)
{
	uint32_t len;
	const void *v = bm_fdt_getprop(fdt, node, "compatible", &len);

	return v && bm_fdt_stringlist_contains(v, len, compat);
}

bool bm_fdt_is_enabled(const struct bm_fdt *fdt, int node)
{
	const char *status = bm_fdt_getprop_string(fdt, node, "status");

	return !status || strcmp(status, "okay") == 0 ||
	       strcmp(status, "ok") == 0;
}

int bm_fdt_node_by_compatible(const struct bm_fdt *fdt, int after,
			      const char *compat)
{
	uint32_t off = 0, next;
	int tag;

	if (after >= 0) {
		if (!bm_fdt_is_node(fdt, after))
			return -BM_EINVAL;
		bm_fdt_next_token(fdt, (uint32_t)after, &off);
	}
	while ((tag = bm_fdt_next_token(fdt, off, &next)) >= 0 &&
	       tag != FDT_END) {
		if (tag == FDT_BEGIN_NODE &&
		    bm_fdt_is_compatible(fdt, (int)off, compat))
			return (int)off;
		off = next;
	}
	return tag < 0 ? tag : -BM_ENOENT;
}

uint64_t bm_fdt_read_cells(const void *p, unsigned int cells)
{
	const uint8_t *b = p;
	uint64_t v = 0;

	for (unsigned int i = 0; i < cells; i++)
		v = v << 32 | bm_fdt_be32(b + 4 * i);
	return v;
}

int bm_fdt_get_reg(const struct bm_fdt *fdt, int node, unsigned int index,
		   uint64_t *addr, uint64_t *size)
{
	uint32_t ac = 2, sc = 1, len, entry;
	int parent = bm_fdt_parent(fdt, node);
	const uint8_t *reg;

	if (parent < 0)
		return parent == -BM_ENOENT ? -BM_EINVAL : parent;
	if (bm_fdt_getprop_u32(fdt, parent, "#address-cells", &ac) == -BM_EINVAL ||
	    bm_fdt_getprop_u32(fdt, parent, "#size-cells", &sc) == -BM_EINVAL ||
	    ac < 1 || ac > 2 || sc > 2)
		return -BM_EINVAL;
	reg = bm_fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return -BM_ENOENT;
	entry = 4 * (ac + sc);
	if (index >= len / entry)
		return -BM_ENOENT;
	reg += entry * index;
	*addr = bm_fdt_read_cells(reg, ac);
	if (size)
		*size = bm_fdt_read_cells(reg + 4 * ac, sc);
	return 0;
}
