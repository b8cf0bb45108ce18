/* SPDX-License-Identifier: Apache-2.0 */
/*
 * resetter: restart the VM with PSCI SYSTEM_RESET `resets` times
 * (bootargs resets=<n>, default 3) and check after each restart that the
 * hypervisor scrubbed all of its RAM: words it wrote near the start, the
 * middle and the end of every RAM bank before the reset must read zero.
 * The boot count lives in the VM's first shared region, which a reset
 * leaves alone.  With a large RAM beside a ticker on the same CPU this is
 * the test that the scrub does not stall the CPU (tests/system/test_lifecycle.py).
 */
#include <bm/bm.h>

#define MAGIC 0x52534554u	/* "RSET" */
#define MARK 0x5ca1ab1eu
#define MAX_BANKS 4

struct bank {
	uint64_t base, size;
};

static unsigned int ram_banks(struct bank *b)
{
	const struct bm_fdt *dt = bm_dt();
	int node = bm_fdt_path_offset(dt, "/memory");
	unsigned int n = 0;

	while (node >= 0 && n < MAX_BANKS &&
	       bm_fdt_get_reg(dt, node, n, &b[n].base, &b[n].size) == 0)
		n++;
	return n;
}

/* The marked words of bank b: past the image (the start's last page), the middle, the end. */
static volatile uint32_t *mark_at(const struct bank *b, unsigned int k)
{
	static const unsigned int eighths[3] = { 4, 6, 8 };
	uint64_t off = b->size / 8 * eighths[k] - 4096;

	return (volatile uint32_t *)(uintptr_t)(b->base + off);
}

int main(const void *dtb)
{
	struct bm_phidias_shmem shm;
	struct bank banks[MAX_BANKS];
	unsigned int nb = ram_banks(banks), dirty = 0;
	volatile uint32_t *state;
	uint64_t resets = 3;

	(void)dtb;
	if (bm_phidias_shmem(0, &shm) < 0 || !nb) {
		bm_printf("resetter: FAIL needs a shared region and RAM in its device tree\n");
		return 1;
	}
	bm_bootargs_get_u64(bm_bootargs(), "resets", &resets);
	state = (volatile uint32_t *)(uintptr_t)shm.base;
	if (state[0] != MAGIC) {
		state[0] = MAGIC;
		state[1] = 0;
	} else {
		for (unsigned int i = 0; i < nb; i++)
			for (unsigned int k = 0; k < 3; k++)
				dirty += *mark_at(&banks[i], k) != 0;
	}
	if (dirty) {
		bm_printf("resetter: FAIL %u marked words survived reset %u\n", dirty,
			  (unsigned)state[1]);
		return 1;
	}
	if (state[1] >= resets) {
		bm_printf("resetter: PASS %u resets, RAM scrubbed each time\n", (unsigned)state[1]);
		return 0;
	}
	for (unsigned int i = 0; i < nb; i++)
		for (unsigned int k = 0; k < 3; k++)
			*mark_at(&banks[i], k) = MARK;
	state[1] = state[1] + 1;
	bm_printf("resetter: reset %u of %u\n", (unsigned)state[1], (unsigned)resets);
	bm_psci_system_reset();
}
