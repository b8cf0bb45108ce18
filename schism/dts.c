/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pass 6b: each VM's device tree. The guest view is the same on every
 * board (DESIGN.md): a QEMU-virt-like machine with RAM at 0x40000000,
 * GICv2 at 0x08000000/0x08010000, PSCI (HVC unless <psci conduit="smc"/>),
 * the generic timer and, with <uart/>, a PL011 at 0x09000000 on SPI 1
 * (INTID 33); then the VM's passed-through devices and, under /phidias,
 * its shared regions, capabilities and incoming doorbells
 * (docs/devicetree.md is the binding).
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <phidias/config.h>

#include "schism.h"

extern char **environ;

/* Timer PPIs as the DT numbers them (INTID - 16), secure/phys/virt/hyp. */
static const unsigned timer_ppis[] = { 13, 14, 11, 10 };

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* "<0xhi 0xlo>" of a 64-bit value, for #address-cells = 2 */
static void put_u64(FILE *f, uint64_t v)
{
	fprintf(f, "0x%llx 0x%llx", (unsigned long long)(v >> 32),
		(unsigned long long)(v & 0xffffffffu));
}

static void put_reg(FILE *f, const char *indent, uint64_t base, uint64_t size)
{
	fprintf(f, "%sreg = <", indent);
	put_u64(f, base);
	fputc(' ', f);
	put_u64(f, size);
	fprintf(f, ">;\n");
}

/* GIC binding cells of an SPI doorbell: edge-triggered, rising. */
static void put_spi_edge(FILE *f, uint64_t intid)
{
	fprintf(f, "<0 %llu 1>", (unsigned long long)(intid - 32));
}

static int vm_maps_shmem(const struct vm *vm, unsigned shmem)
{
	for (unsigned m = 0; m < vm->nr_shm; m++)
		if (vm->shm[m].shmem == shmem)
			return 1;
	return 0;
}

static void dts_root(const struct vm *vm, FILE *f)
{
	/* GIC_FDT_IRQ_FLAGS as QEMU: level (4) with the GICv2 PPI CPU mask. */
	unsigned ncpu = vm->nr_vcpus > 8 ? 8 : vm->nr_vcpus;
	unsigned ppi_flags = (((1u << ncpu) - 1) << 8) | 4;

	fprintf(f, "\tmodel = \"phidias,%s\";\n", vm->name);
	fprintf(f, "\tcompatible = \"linux,dummy-virt\";\n");
	fprintf(f, "\t#address-cells = <2>;\n\t#size-cells = <2>;\n");
	fprintf(f, "\tinterrupt-parent = <&gic>;\n\n");

	fprintf(f, "\tmemory@%llx {\n\t\tdevice_type = \"memory\";\n",
		(unsigned long long)PHIDIAS_GUEST_RAM);
	put_reg(f, "\t\t", PHIDIAS_GUEST_RAM, vm->mem_size);
	fprintf(f, "\t};\n\n");

	fprintf(f, "\tcpus {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <0>;\n");
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		fprintf(f, "\n\t\tcpu@%x {\n\t\t\tdevice_type = \"cpu\";\n"
			"\t\t\tcompatible = \"arm,armv8\";\n"
			"\t\t\treg = <0x%x>;\n"
			"\t\t\tenable-method = \"psci\";\n\t\t};\n", i, i);
	fprintf(f, "\t};\n\n");

	fprintf(f, "\tpsci {\n\t\tcompatible = \"arm,psci-1.0\", \"arm,psci-0.2\", "
		"\"arm,psci\";\n\t\tmethod = \"%s\";\n\t};\n\n",
		vm->psci_smc ? "smc" : "hvc");

	/* Only GICD and GICC: the guest has no virtualization extension. */
	fprintf(f, "\tgic: intc@%llx {\n\t\tcompatible = \"arm,cortex-a15-gic\";\n"
		"\t\t#interrupt-cells = <3>;\n\t\t#address-cells = <0>;\n"
		"\t\tinterrupt-controller;\n\t\treg = <",
		(unsigned long long)PHIDIAS_GUEST_GICD);
	put_u64(f, PHIDIAS_GUEST_GICD);
	fputc(' ', f);
	put_u64(f, PHIDIAS_GUEST_GICD_SIZE);
	fprintf(f, ">, <");
	put_u64(f, PHIDIAS_GUEST_GICC);
	fputc(' ', f);
	put_u64(f, PHIDIAS_GUEST_GICC_SIZE);
	fprintf(f, ">;\n\t};\n\n");

	fprintf(f, "\ttimer {\n\t\tcompatible = \"arm,armv8-timer\";\n"
		"\t\tinterrupts = ");
	for (unsigned i = 0; i < 4; i++)
		fprintf(f, "%s<1 %u 0x%x>", i ? ", " : "", timer_ppis[i], ppi_flags);
	fprintf(f, ";\n\t\talways-on;\n\t};\n\n");

	fprintf(f, "\tapb_pclk: apb-pclk {\n\t\tcompatible = \"fixed-clock\";\n"
		"\t\t#clock-cells = <0>;\n\t\tclock-frequency = <24000000>;\n"
		"\t\tclock-output-names = \"clk24mhz\";\n\t};\n");

	if (vm->uart) {
		fprintf(f, "\n\tpl011@%llx {\n"
			"\t\tcompatible = \"arm,pl011\", \"arm,primecell\";\n",
			(unsigned long long)PHIDIAS_GUEST_UART);
		put_reg(f, "\t\t", PHIDIAS_GUEST_UART, SCHISM_VUART_SIZE);
		fprintf(f, "\t\tinterrupts = <0 %u 4>;\n"
			"\t\tclocks = <&apb_pclk>, <&apb_pclk>;\n"
			"\t\tclock-names = \"uartclk\", \"apb_pclk\";\n\t};\n",
			PHIDIAS_GUEST_UART_IRQ - 32);
	}
}

static void dts_devices(const struct scenario *s, const struct vm *vm, FILE *f)
{
	for (unsigned d = 0; d < vm->nr_devs; d++) {
		const struct plat_device *pd = &s->plat.devs[vm->devs[d].dev];

		fprintf(f, "\n\t%s@%llx {\n\t\tcompatible = \"%s\"%s;\n", pd->name,
			(unsigned long long)pd->base, pd->compatible,
			pd->primecell ? ", \"arm,primecell\"" : "");
		put_reg(f, "\t\t", pd->base, pd->size);
		/* level-high, as the platform's own DT says for these devices */
		fprintf(f, "\t\tinterrupts = <0 %u 4>;\n", pd->irq - 32);
		if (pd->primecell)
			fprintf(f, "\t\tclocks = <&apb_pclk>;\n"
				"\t\tclock-names = \"apb_pclk\";\n");
		for (unsigned i = 0; i < pd->nr_props; i++)
			if (pd->prop_values[i])
				fprintf(f, "\t\t%s = %s;\n", pd->prop_names[i],
					pd->prop_values[i]);
			else
				fprintf(f, "\t\t%s;\n", pd->prop_names[i]);
		fprintf(f, "\t};\n");
	}
}

static void dts_chosen(const struct vm *vm, FILE *f)
{
	fprintf(f, "\n\tchosen {\n\t\tbootargs = ");
	put_string(f, vm->bootargs ? vm->bootargs : "");
	fprintf(f, ";\n");
	if (vm->uart)
		fprintf(f, "\t\tstdout-path = \"/pl011@%llx\";\n",
			(unsigned long long)PHIDIAS_GUEST_UART);
	if (vm->initrd_path) {
		fprintf(f, "\t\tlinux,initrd-start = <");
		put_u64(f, vm->initrd_ipa);
		fprintf(f, ">;\n\t\tlinux,initrd-end = <");
		put_u64(f, vm->initrd_ipa + vm->initrd_size);
		fprintf(f, ">;\n");
	}
	fprintf(f, "\t\tphidias,vm-name = \"%s\";\n\t};\n", vm->name);
}

/* One shared region of this VM: what a guest driver binds to. */
static void dts_shmem(const struct scenario *s, const struct vm *vm,
		      const struct vm_shmem *vs, FILE *f)
{
	const struct shmem *sh = &s->shmems[vs->shmem];
	unsigned n = 0;

	fprintf(f, "\n\t\tshmem@%llx {\n\t\t\tcompatible = \"phidias,shmem\";\n",
		(unsigned long long)vs->ipa);
	put_reg(f, "\t\t\t", vs->ipa, sh->size);
	fprintf(f, "\t\t\tmemory-region = <&phidias_shm%u>;\n"
		"\t\t\tphidias,name = \"%s\";\n\t\t\tphidias,access = \"%s\";\n",
		vs->shmem, sh->name, vs->ro ? "ro" : "rw");
	/* the other VMs that map it */
	for (unsigned v = 0; v < s->nr_vms; v++)
		if (v != vm->id && vm_maps_shmem(&s->vms[v], vs->shmem))
			fprintf(f, "%s\"%s\"", n++ ? ", " : "\t\t\tphidias,peers = ",
				s->vms[v].name);
	if (n)
		fprintf(f, ";\n");
	/* this VM's capabilities that ring a VM mapping the region */
	n = 0;
	for (unsigned c = 0; c < vm->nr_caps; c++)
		if (!vm->caps[c].link &&
		    vm_maps_shmem(&s->vms[vm->caps[c].target_vm], vs->shmem) &&
		    vm->caps[c].target_vm != vm->id)
			fprintf(f, "%s%u", n++ ? " " : "\t\t\tphidias,caps = <", c);
	if (n)
		fprintf(f, ">;\n");
	/* doorbells rung at this VM by VMs mapping the region */
	for (int sgi = 0; sgi < 2; sgi++) {
		n = 0;
		for (unsigned v = 0; v < s->nr_vms; v++) {
			const struct vm *src = &s->vms[v];

			if (v == vm->id || !vm_maps_shmem(src, vs->shmem))
				continue;
			for (unsigned c = 0; c < src->nr_caps; c++) {
				const struct cap *cap = &src->caps[c];

				if (cap->link || cap->target_vm != vm->id ||
				    (cap->param < 16) != sgi)
					continue;
				if (sgi) {
					fprintf(f, "%s%llu", n++ ? " " :
						"\t\t\tphidias,sgis = <",
						(unsigned long long)cap->param);
				} else {
					fprintf(f, "%s", n++ ? ", " : "\t\t\tinterrupts = ");
					put_spi_edge(f, cap->param);
				}
			}
		}
		if (n)
			fprintf(f, sgi ? ">;\n" : ";\n");
	}
	fprintf(f, "\t\t};\n");
}

static void dts_phidias(const struct scenario *s, const struct vm *vm, FILE *f)
{
	unsigned n = 0;

	if (vm->nr_shm) {
		fprintf(f, "\n\treserved-memory {\n\t\t#address-cells = <2>;\n"
			"\t\t#size-cells = <2>;\n\t\tranges;\n");
		for (unsigned m = 0; m < vm->nr_shm; m++) {
			const struct vm_shmem *vs = &vm->shm[m];

			if (vs->link) {
				link_dts_reserved(s, vs, f);
				continue;
			}
			fprintf(f, "\n\t\tphidias_shm%u: shmem@%llx {\n", vs->shmem,
				(unsigned long long)vs->ipa);
			put_reg(f, "\t\t\t", vs->ipa, s->shmems[vs->shmem].size);
			fprintf(f, "\t\t\tno-map;\n\t\t};\n");
		}
		fprintf(f, "\t};\n");
	}

	fprintf(f, "\n\tphidias {\n\t\tcompatible = \"phidias,hypervisor\";\n"
		"\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n"
		"\t\tranges;\n\t\tphidias,vm-name = \"%s\";\n"
		"\t\tphidias,vm-id = <%u>;\n", vm->name, vm->id);
	for (unsigned m = 0; m < vm->nr_shm; m++)
		if (!vm->shm[m].link)
			dts_shmem(s, vm, &vm->shm[m], f);
	link_dts_nodes(s, vm, f);

	if (vm->nr_caps) {
		fprintf(f, "\n\t\tcapabilities {\n\t\t\t#address-cells = <1>;\n"
			"\t\t\t#size-cells = <0>;\n");
		for (unsigned c = 0; c < vm->nr_caps; c++) {
			const struct cap *cap = &vm->caps[c];

			fprintf(f, "\n\t\t\tcap@%u {\n\t\t\t\treg = <%u>;\n"
				"\t\t\t\tphidias,type = \"ipc\";\n"
				"\t\t\t\tphidias,target = \"%s\";\n"
				"\t\t\t\tphidias,intid = <%llu>;\n\t\t\t};\n", c, c,
				s->vms[cap->target_vm].name,
				(unsigned long long)cap->param);
		}
		fprintf(f, "\t\t};\n");
	}

	for (unsigned v = 0; v < s->nr_vms; v++) {
		const struct vm *src = &s->vms[v];

		for (unsigned c = 0; c < src->nr_caps; c++) {
			const struct cap *cap = &src->caps[c];

			if (cap->target_vm != vm->id)
				continue;
			if (!n++)
				fprintf(f, "\n\t\tdoorbells {\n"
					"\t\t\t#address-cells = <1>;\n"
					"\t\t\t#size-cells = <0>;\n");
			fprintf(f, "\n\t\t\tdoorbell@%u {\n\t\t\t\treg = <%u>;\n"
				"\t\t\t\tphidias,source = \"%s\";\n"
				"\t\t\t\tphidias,source-cap = <%u>;\n"
				"\t\t\t\tphidias,intid = <%llu>;\n", n - 1, n - 1,
				src->name, c, (unsigned long long)cap->param);
			if (cap->param < 16) {
				fprintf(f, "\t\t\t\tphidias,sgi = <%llu>;\n",
					(unsigned long long)cap->param);
			} else {
				fprintf(f, "\t\t\t\tinterrupts = ");
				put_spi_edge(f, cap->param);
				fprintf(f, ";\n");
			}
			fprintf(f, "\t\t\t};\n");
		}
	}
	if (n)
		fprintf(f, "\t\t};\n");
	fprintf(f, "\t};\n");
}

int dts_write(const struct scenario *s, const struct vm *vm, FILE *f)
{
	char *file = comment_safe(s->file);

	fprintf(f, "// Generated by schism from %s - do not edit.\n", file);
	free(file);
	fprintf(f, "/dts-v1/;\n\n/ {\n");
	dts_root(vm, f);
	dts_devices(s, vm, f);
	dts_chosen(vm, f);
	dts_phidias(s, vm, f);
	fprintf(f, "};\n");
	return ferror(f) ? -1 : 0;
}

int dts_compile(const struct scenario *s, const struct vm *vm,
		const char *dts, const char *dtb)
{
	const char *dtc = getenv("SCHISM_DTC");
	char space[32];
	char *argv[] = { NULL, "-q", "-I", "dts", "-O", "dtb", "-S", space,
			 "-o", (char *)dtb, (char *)dts, NULL };
	struct stat st;
	pid_t pid;
	int status, rc;

	if (!dtc || !*dtc)
		dtc = "dtc";
	argv[0] = (char *)dtc;
	snprintf(space, sizeof(space), "%llu", (unsigned long long)SCHISM_DTB_SIZE);
	rc = posix_spawnp(&pid, dtc, NULL, NULL, argv, environ);
	if (rc) {
		diag_error(s->file, vm->line, "cannot run '%s' for the device "
			   "tree of VM '%s': %s; install the device-tree "
			   "compiler (Debian: apt install device-tree-compiler)",
			   dtc, vm->name, strerror(rc));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (status != 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		diag_error(s->file, vm->line, "'%s' failed on the device tree "
			   "of VM '%s' (%s; exit status %d)%s", dtc, vm->name,
			   dts, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			   WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
			   "; is dtc installed?" : "");
		return -1;
	}
	if (stat(dtb, &st) || (uint64_t)st.st_size != SCHISM_DTB_SIZE) {
		char *why = dtb_explain_size(dtb);

		diag_error(s->file, vm->line, "the device tree of VM '%s' does "
			   "not fit in %llu bytes: %s", vm->name,
			   (unsigned long long)SCHISM_DTB_SIZE,
			   why ? why : "dtc wrote no usable blob");
		free(why);
		return -1;
	}
	return 0;
}
