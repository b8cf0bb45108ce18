/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A read-only flattened-device-tree reader (devicetree spec v0.4, ch. 5).
 * Every access is bounds-checked against the header, so a corrupt blob
 * yields errors, never a fault.  Nodes are named by their offset in the
 * structure block (>= 0); functions that look something up return that
 * offset or a negative -BM_E* code.
 */
#ifndef BM_FDT_H
#define BM_FDT_H

#include <stdbool.h>
#include <stdint.h>

#define BM_FDT_MAGIC		0xd00dfeedu
#define BM_FDT_MAX_SIZE		(16u << 20)	/* sanity limit on totalsize */

struct bm_fdt {
	const uint8_t *blob;
	uint32_t size;		/* totalsize */
	uint32_t struct_off;	/* structure block */
	uint32_t struct_size;
	uint32_t strings_off;	/* strings block */
	uint32_t strings_size;
};

/* Validates the header at blob; 0, or -BM_EINVAL (fdt then unusable). */
int bm_fdt_init(struct bm_fdt *fdt, const void *blob);

/*
 * Node by absolute path, e.g. "/chosen" or "/pl011@9000000".  A path
 * component without a unit address also matches a node that has one
 * ("/pl011" finds "pl011@9000000").
 */
int bm_fdt_path_offset(const struct bm_fdt *fdt, const char *path);
/* First node after offset `after` (-1: from the start) whose compatible list holds compat. */
int bm_fdt_node_by_compatible(const struct bm_fdt *fdt, int after,
			      const char *compat);
/* Children of a node. */
int bm_fdt_first_subnode(const struct bm_fdt *fdt, int node);
int bm_fdt_next_subnode(const struct bm_fdt *fdt, int node);
/* Parent of a node (-BM_ENOENT for the root). */
int bm_fdt_parent(const struct bm_fdt *fdt, int node);
/* The node's name with unit address ("" for the root), or NULL. */
const char *bm_fdt_node_name(const struct bm_fdt *fdt, int node);

/* Property value and its length in bytes, or NULL when absent. */
const void *bm_fdt_getprop(const struct bm_fdt *fdt, int node,
			   const char *name, uint32_t *len);
/* A property that is a NUL-terminated string, or NULL. */
const char *bm_fdt_getprop_string(const struct bm_fdt *fdt, int node,
				  const char *name);
/* A one-cell property; 0, -BM_ENOENT or -BM_EINVAL (wrong size). */
int bm_fdt_getprop_u32(const struct bm_fdt *fdt, int node, const char *name,
		       uint32_t *val);
/* Does the string-list property value (len bytes) contain str? */
bool bm_fdt_stringlist_contains(const void *prop, uint32_t len,
				const char *str);
/* Does the node's "compatible" contain compat? */
bool bm_fdt_is_compatible(const struct bm_fdt *fdt, int node,
			  const char *compat);
/* True unless the node has status = something other than "okay"/"ok". */
bool bm_fdt_is_enabled(const struct bm_fdt *fdt, int node);

/* Big-endian value of `cells` (1 or 2) cells at p; p needs no alignment. */
uint64_t bm_fdt_read_cells(const void *p, unsigned int cells);

/*
 * Entry `index` of the node's "reg", decoded with the parent's
 * #address-cells/#size-cells (defaults 2 and 1; at most 2 each).  No
 * "ranges" translation: fine for the flat trees Phidias and QEMU generate.
 * size may be NULL.
 */
int bm_fdt_get_reg(const struct bm_fdt *fdt, int node, unsigned int index,
		   uint64_t *addr, uint64_t *size);

#endif /* BM_FDT_H */
