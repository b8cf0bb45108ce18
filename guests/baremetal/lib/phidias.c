/* SPDX-License-Identifier: Apache-2.0 */
/* The /phidias device-tree binding (docs/devicetree.md). */
#include <stdbool.h>
#include <stdint.h>

#include <bm/error.h>
#include <bm/fdt.h>
#include <bm/phidias.h>
#include <bm/runtime.h>
#include <bm/string.h>

#define GIC_SPI		0u	/* first cell of a GIC "interrupts" specifier */
#define GIC_SPI_BASE	32u

static int bm_phidias_node(const char *path)
{
	const struct bm_fdt *fdt = bm_dt();

	return fdt ? bm_fdt_path_offset(fdt, path) : -BM_ENOENT;
}

int bm_phidias_present(void)
{
	return bm_phidias_node("/phidias") >= 0 ? 0 : -BM_ENOENT;
}

int bm_phidias_vm_id(void)
{
	int node = bm_phidias_node("/phidias");
	uint32_t id;
	int err;

	if (node < 0)
		return node;
	err = bm_fdt_getprop_u32(bm_dt(), node, "phidias,vm-id", &id);
	return err < 0 ? err : (int)id;
}

/* Appends the cells of a u32-list property to list (up to the max). */
static void bm_phidias_u32_list(int node, const char *name, uint32_t *list,
				uint32_t *nr)
{
	uint32_t len = 0;
	const uint8_t *p = bm_fdt_getprop(bm_dt(), node, name, &len);

	for (uint32_t i = 0; p && i + 4 <= len && *nr < BM_PHIDIAS_MAX_LIST; i += 4)
		list[(*nr)++] = (uint32_t)bm_fdt_read_cells(p + i, 1);
}

/* SPIs of a three-cell GIC "interrupts" property, as INTIDs. */
static void bm_phidias_spis(int node, uint32_t *list, uint32_t *nr)
{
	uint32_t len = 0;
	const uint8_t *p = bm_fdt_getprop(bm_dt(), node, "interrupts", &len);

	for (uint32_t i = 0; p && i + 12 <= len && *nr < BM_PHIDIAS_MAX_LIST; i += 12)
		if (bm_fdt_read_cells(p + i, 1) == GIC_SPI)
			list[(*nr)++] = (uint32_t)bm_fdt_read_cells(p + i + 4, 1) +
					GIC_SPI_BASE;
}

int bm_phidias_shmem(unsigned int n, struct bm_phidias_shmem *out)
{
	const struct bm_fdt *fdt = bm_dt();
	int node = -1;
	const char *access;
	int err;

	if (!fdt)
		return -BM_ENOENT;
	do {
		node = bm_fdt_node_by_compatible(fdt, node, "phidias,shmem");
	} while (node >= 0 && n-- > 0);
	if (node < 0)
		return node;
	memset(out, 0, sizeof(*out));
	err = bm_fdt_get_reg(fdt, node, 0, &out->base, &out->size);
	if (err < 0)
		return err;
	out->name = bm_fdt_getprop_string(fdt, node, "phidias,name");
	out->peers = bm_fdt_getprop_string(fdt, node, "phidias,peers");
	access = bm_fdt_getprop_string(fdt, node, "phidias,access");
	out->read_only = access && strcmp(access, "ro") == 0;
	bm_phidias_u32_list(node, "phidias,caps", out->caps, &out->nr_caps);
	bm_phidias_spis(node, out->doorbells, &out->nr_doorbells);
	bm_phidias_u32_list(node, "phidias,sgis", out->doorbells, &out->nr_doorbells);
	return 0;
}

/* The n-th child of /phidias/<container>. */
static int bm_phidias_child(const char *container, unsigned int n)
{
	int node = bm_phidias_node(container);

	if (node < 0)
		return node;
	for (node = bm_fdt_first_subnode(bm_dt(), node); node >= 0 && n > 0; n--)
		node = bm_fdt_next_subnode(bm_dt(), node);
	return node;
}

int bm_phidias_cap(unsigned int n, struct bm_phidias_cap *out)
{
	int node = bm_phidias_child("/phidias/capabilities", n);
	const struct bm_fdt *fdt = bm_dt();

	if (node < 0)
		return node;
	memset(out, 0, sizeof(*out));
	if (bm_fdt_getprop_u32(fdt, node, "reg", &out->index) < 0 ||
	    bm_fdt_getprop_u32(fdt, node, "phidias,intid", &out->intid) < 0)
		return -BM_EINVAL;
	out->type = bm_fdt_getprop_string(fdt, node, "phidias,type");
	out->target = bm_fdt_getprop_string(fdt, node, "phidias,target");
	return 0;
}

int bm_phidias_doorbell(unsigned int n, struct bm_phidias_doorbell *out)
{
	int node = bm_phidias_child("/phidias/doorbells", n);
	const struct bm_fdt *fdt = bm_dt();

	if (node < 0)
		return node;
	memset(out, 0, sizeof(*out));
	if (bm_fdt_getprop_u32(fdt, node, "phidias,source-cap", &out->source_cap) < 0 ||
	    bm_fdt_getprop_u32(fdt, node, "phidias,intid", &out->intid) < 0)
		return -BM_EINVAL;
	out->source = bm_fdt_getprop_string(fdt, node, "phidias,source");
	return 0;
}
