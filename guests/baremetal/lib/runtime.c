/* SPDX-License-Identifier: Apache-2.0 */
/* Start-up in C: read the device tree, set up console and PSCI; exit. */
#include <stdbool.h>
#include <stdint.h>

#include <bm/error.h>
#include <bm/fdt.h>
#include <bm/printf.h>
#include <bm/psci.h>
#include <bm/runtime.h>
#include <bm/string.h>
#include <bm/uart.h>

static struct bm_fdt bm_runtime_fdt;
static bool bm_runtime_fdt_valid;
static const char *bm_runtime_bootargs = "";
static const char *bm_runtime_vm_name = BM_DEFAULT_VM_NAME;

const struct bm_fdt *bm_dt(void)
{
	return bm_runtime_fdt_valid ? &bm_runtime_fdt : NULL;
}

const char *bm_bootargs(void)
{
	return bm_runtime_bootargs;
}

const char *bm_vm_name(void)
{
	return bm_runtime_vm_name;
}

/*
 * The node /chosen/stdout-path names: an absolute path or an alias, with
 * optional ":<options>" that we ignore.
 */
static int bm_runtime_stdout_node(const struct bm_fdt *fdt, int chosen)
{
	char path[128];
	const char *sp = bm_fdt_getprop_string(fdt, chosen, "stdout-path");
	size_t n = 0;

	if (!sp)
		return -BM_ENOENT;
	while (sp[n] && sp[n] != ':') {
		if (n + 1 >= sizeof(path))
			return -BM_ENOSPC;
		path[n] = sp[n];
		n++;
	}
	path[n] = '\0';
	if (path[0] != '/') {
		int aliases = bm_fdt_path_offset(fdt, "/aliases");
		const char *alias;

		if (aliases < 0)
			return aliases;
		alias = bm_fdt_getprop_string(fdt, aliases, path);
		return alias ? bm_fdt_path_offset(fdt, alias) : -BM_ENOENT;
	}
	return bm_fdt_path_offset(fdt, path);
}

static void bm_runtime_setup_uart(const struct bm_fdt *fdt, int chosen)
{
	int node = chosen >= 0 ? bm_runtime_stdout_node(fdt, chosen) : -BM_ENOENT;
	uint64_t base;

	/* Only a PL011 can be driven; otherwise take the first usable one. */
	if (node < 0 || !bm_fdt_is_compatible(fdt, node, "arm,pl011")) {
		node = -1;
		do {
			node = bm_fdt_node_by_compatible(fdt, node, "arm,pl011");
		} while (node >= 0 && !bm_fdt_is_enabled(fdt, node));
	}
	if (node >= 0 && bm_fdt_get_reg(fdt, node, 0, &base, NULL) == 0)
		bm_uart_set_base((uintptr_t)base);
}

static void bm_runtime_setup_psci(const struct bm_fdt *fdt)
{
	int node = bm_fdt_path_offset(fdt, "/psci");
	const char *method;

	if (node < 0)
		return;
	method = bm_fdt_getprop_string(fdt, node, "method");
	if (!method)
		return;
	if (strcmp(method, "smc") == 0)
		bm_psci_set_conduit(BM_PSCI_SMC);
	else if (strcmp(method, "hvc") == 0)
		bm_psci_set_conduit(BM_PSCI_HVC);
	else
		bm_printf("bm: unknown /psci/method '%s', using %s\n", method,
			  bm_psci_conduit_name());
}

void bm_runtime_init(const void *dtb)
{
	const struct bm_fdt *fdt = &bm_runtime_fdt;
	const char *s;
	int chosen;

	bm_uart_set_base(BM_UART_DEFAULT_BASE);
	bm_psci_set_conduit(BM_PSCI_FALLBACK_CONDUIT);

	/*
	 * A device tree is 8-byte aligned (DT spec 5.1); anything else in x0
	 * is not one and is not even dereferenced.
	 */
	if (!dtb)
		return;
	if (((uintptr_t)dtb & 7u) != 0 || bm_fdt_init(&bm_runtime_fdt, dtb) < 0) {
		bm_printf("bm: no valid device tree at %p, using defaults\n", dtb);
		return;
	}
	bm_runtime_fdt_valid = true;

	chosen = bm_fdt_path_offset(fdt, "/chosen");
	bm_runtime_setup_uart(fdt, chosen);
	bm_runtime_setup_psci(fdt);
	if (chosen >= 0) {
		s = bm_fdt_getprop_string(fdt, chosen, "bootargs");
		if (s)
			bm_runtime_bootargs = s;
		s = bm_fdt_getprop_string(fdt, chosen, "phidias,vm-name");
		if (s && s[0])
			bm_runtime_vm_name = s;
	}
}

void bm_runtime_exit(int status)
{
	if (status != 0)
		bm_printf("bm: main returned %d\n", status);
	bm_psci_system_off();
}
