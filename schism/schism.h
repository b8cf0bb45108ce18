/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schism - the Phidias host configurator.
 *
 * A pipeline of passes over one model (struct scenario):
 *   parse.c    XML -> libxml2 documents, validated against the XSDs
 *   model.c    documents -> model, expanded with platform defaults
 *   check.c    semantic checks the schema cannot express, image lookup
 *   layout.c   physical memory layout and every VM's guest-physical map
 *   pgtable.c  EL2 stage-1 and per-VM stage-2 translation tables
 *   emit.c     C, assembly, linker script, memory map, qemu.args
 *   dts.c      per-VM device trees (DTS) and the dtc step
 *   dtbsize.c  what fills a device tree that overflows (for the message)
 *   output.c   temporary output directory, atomic rename into place
 *   pipeline.c the passes in order
 * Every pass reports errors through diag.c and never exits by itself;
 * diag.c collects them and prints them sorted by line.
 */
#ifndef SCHISM_H
#define SCHISM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <phidias/config.h>

#define SZ_4K 0x1000ull
#define SZ_64K 0x10000ull
#define SZ_2M 0x200000ull
#define SZ_1G 0x40000000ull

/* Fixed budgets of the memory layout (docs/scenario.md, "Memory layout"). */
#define SCHISM_HYP_CODE_BUDGET SZ_2M	/* code/data/bss before the blobs */
/*
 * W^X at EL2: the code budget is cut into fixed windows, so that the EL2
 * tables, generated before the hypervisor is linked, know where each kind
 * of section lies; the linker script (emit.c) places the sections at these
 * offsets from hyp_base and fails the link if one outgrows its window.
 *   [0, TEXT)         .text                          read-only, executable
 *   [TEXT, RO)        .rodata, then .pgtables        read-only, XN
 *   [RO, CODE_BUDGET) .data, .bss                    read-write, XN
 *   [CODE_BUDGET, hyp_size) .blobs (guest images)    read-only, XN
 */
#define SCHISM_HYP_TEXT_END 0x40000ull	/* 256 KiB of text */
#define SCHISM_HYP_RO_END 0x180000ull	/* 1.25 MiB of rodata + tables */
#define SCHISM_HYP_RODATA_RESERVE 0x40000ull	/* of which rodata may take 256 KiB */
#define SCHISM_PERCPU_SIZE SZ_64K	/* per physical CPU, stack at the top */
#define SCHISM_RAM_RESERVED SZ_2M	/* bottom of RAM, QEMU's DTB lives there */
#define SCHISM_DTB_SIZE SZ_64K		/* every DTB is padded to this (dtc -S) */
#define SCHISM_MIN_VM_RAM 0x20000ull	/* 128 KiB: some image + the DTB */
#define SCHISM_MIN_TIMESLICE_US 100u
#define SCHISM_DEFAULT_TIMESLICE_US 10000u

/* Device windows the EL2 tables map (register frames, GICv2 spec 4.1). */
#define SCHISM_UART_SIZE SZ_4K
#define SCHISM_GICD_SIZE SZ_4K
#define SCHISM_GICC_SIZE 0x2000ull
#define SCHISM_GICH_SIZE SZ_4K

/* The emulated PL011 every VM with <uart/> gets (its INTID: config.h). */
#define SCHISM_VUART_SIZE SZ_4K

/* ---- diagnostics (diag.c) ---- */
void diag_error(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "file:line: warning: message": printed, not counted as an error. */
void diag_warning(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
unsigned diag_count(void);
void diag_reset(void);
/* Tests can silence stderr output; errors are still counted. */
void diag_set_quiet(int quiet);
/* Prints what was collected, sorted by file (in the order first named),
 * then line; runs at exit too. diag_reset() flushes first. */
void diag_flush(void);
/* The name in names[0..n) closest to word (a typo away), or NULL. */
const char *diag_closest(const char *word, const char *const *names,
			 unsigned n);
/* "did you mean 'x'? <what>: 'a', 'b'" (or without the question when no
 * name is close): the tail of an unknown-name message; free() it. */
char *diag_names_hint(const char *word, const char *const *names, unsigned n,
		      const char *what);

/* ---- small helpers (util.c) ---- */
void *xcalloc(size_t n, size_t size);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "0x..." or decimal, optional K/M/G suffix; returns 0 on success. */
int parse_size(const char *s, uint64_t *out);
/* "<n>us", "<n>ms" or "<n>s" -> microseconds; returns 0 on success. */
int parse_time_us(const char *s, uint64_t *out);
uint64_t fnv1a64(uint64_t h, const void *data, size_t len);
#define FNV1A64_INIT 0xcbf29ce484222325ull
/* Reads a whole file; returns NULL on error (errno set). */
uint8_t *read_file(const char *path, size_t *len);
int file_exists(const char *path);
uint64_t align_up(uint64_t v, uint64_t a);
int is_aligned(uint64_t v, uint64_t a);
/* s with every byte that could end or extend a C, assembly or DTS
 * comment (newlines, '*', '\\', '?', non-ASCII) written as \xNN; free(). */
char *comment_safe(const char *s);
/* Human-readable size: "16 MiB", "64 KiB", "0x1234 bytes". */
const char *fmt_size(uint64_t size, char *buf, size_t len);

/* ---- the model ---- */

/* A physical device of the board that a VM may be given (<device>). */
struct plat_device {
	char *name;
	char *compatible;
	int primecell;		/* also "arm,primecell", with apb_pclk */
	uint64_t base, size;
	unsigned irq;		/* SPI INTID */
	char **prop_names;	/* extra DT properties, value in DTS syntax */
	char **prop_values;	/* NULL for a boolean property */
	unsigned nr_props;
	long line;
	int owner;		/* VM id, -1 if no VM has it (check.c) */
	long owner_line;
};

/* A RAM bank or a range the firmware keeps, of the platform. */
struct plat_range {
	char *name;		/* reserved ranges only */
	uint64_t base, size;
	long line;
};

struct platform {
	char *file;		/* path of the platform XML */
	char *name;
	unsigned max_cpus;	/* number of <cpu> */
	uint64_t mpidr[PHIDIAS_MAX_PCPUS];	/* of pcpu 0 .. max_cpus - 1 */
	/* RAM banks, sorted by address; ram_base is the lowest, ram_size the
	 * span from it to the end of the highest bank (holes included) */
	struct plat_range *banks;
	unsigned nr_banks;
	struct plat_range *reserved;	/* inside banks, sorted by address */
	unsigned nr_reserved;
	uint64_t ram_base, ram_size;
	uint64_t hyp_load;
	long hyp_line;		/* of <hypervisor load> */
	uint64_t uart_base;
	unsigned uart_irq;
	unsigned uart_clock, uart_baud;	/* Hz, bit/s; clock 0 if not given */
	uint64_t gicd, gicc, gich, gicv;
	unsigned maint_irq;
	unsigned hyp_timer_irq, virt_timer_irq, phys_timer_irq;
	unsigned psci_conduit;	/* enum phidias_psci_conduit */
	char *qemu_machine, *qemu_cpu;
	struct plat_device *devs;
	unsigned nr_devs;
	uint8_t *bytes;		/* file contents, for the scenario hash */
	size_t nbytes;
};

struct vcpu {
	unsigned pcpu;
	long line;
};

struct cap {
	char *type;		/* only "ipc" is supported */
	char *target;		/* target_xref */
	unsigned target_vm;	/* resolved by check.c */
	uint64_t param;
	long line;
	unsigned link;		/* 1 + index of the <link> it rings, 0 for <cap> */
};

/* <device ref=""/> inside a VM: a platform device passed through. */
struct vm_device {
	char *ref;
	unsigned dev;		/* index into plat.devs, resolved by check.c */
	int resolved;
	long line;
};

/* A top-level <shmem name size [base]/>. */
struct shmem {
	char *name;
	uint64_t size;
	int fixed;
	uint64_t base;		/* PA: requested if fixed, else set by layout.c */
	long line;
	unsigned nr_users;	/* VMs mapping it, counted by check.c */
	unsigned link;		/* 1 + index of the <link> it carries, 0 for <shmem> */
};

/* <shmem ref base access/> inside a VM. */
struct vm_shmem {
	char *ref;
	unsigned shmem;		/* index into scenario.shmems, by check.c */
	int resolved;
	uint64_t ipa;		/* guest address */
	int ro;
	long line;
	unsigned link;		/* 1 + index of the <link>, 0 for <shmem ref> */
};

/* One <end> of a <link> (link.c). */
struct link_end {
	char *vm_name;
	unsigned vm;		/* resolved by link.c */
	uint8_t mac[6];
	int mac_given;
	char *ip;		/* "ADDRESS/PREFIX" as written, NULL if none */
	uint32_t ip_addr;	/* parsed, host order */
	unsigned ip_prefix;	/* 1-32; 0: no ip, or an invalid one */
	long line;
	/* set when the link is expanded into a region and two caps */
	uint64_t ipa;		/* guest address of the region in this VM */
	unsigned cap;		/* this VM's cap that rings the other end */
	unsigned irq;		/* SPI INTID the other end's doorbell injects */
};

/* A top-level <link>: a shmnet virtual Ethernet (docs/shmnet.md). */
struct link {
	char *name;
	long line;
	unsigned mtu, nr_slots, slot_size;
	struct link_end ends[2];
	unsigned nr_ends;	/* as written; only 2 is valid */
	int expanded;		/* region and caps added (all checks passed) */
	unsigned shmem;		/* its region in scenario.shmems */
};

struct vm {
	char *name;
	long line;
	unsigned id;

	struct vcpu *vcpus;
	unsigned nr_vcpus;
	unsigned first_vcpu;	/* global index, set by model.c */

	uint64_t mem_size;
	int mem_fixed;
	uint64_t mem_base;	/* PA: requested if fixed, else set by layout.c */
	long mem_line;		/* 0 if the VM has no <memory> */

	char *kernel_file;	/* as written in the scenario */
	char *kernel_path;	/* absolute path, set by check.c */
	uint64_t kernel_size;	/* bytes of the file */
	uint64_t kernel_span;	/* bytes the image occupies once loaded */
	int has_load, has_entry;
	uint64_t load, entry;	/* IPAs, defaults applied by check.c */
	long kernel_line;

	char *initrd_file;	/* NULL if none */
	char *initrd_path;
	uint64_t initrd_size;
	uint64_t initrd_ipa;	/* set by check.c: just below the DTB */
	long initrd_line;

	char *bootargs;		/* NULL if none */
	int uart;
	int psci_smc;		/* guest PSCI conduit: 0 hvc (default), 1 smc */
	int fault_stop;		/* on-fault="stop": a fault stops the VM */

	struct cap *caps;
	unsigned nr_caps;
	struct vm_device *devs;
	unsigned nr_devs;
	struct vm_shmem *shm;
	unsigned nr_shm;
	unsigned *irqs;		/* physical SPIs of its devices, sorted */
	unsigned nr_irqs;

	/* set by layout.c */
	uint64_t dtb_ipa;
	uint64_t kernel_blob_off, dtb_blob_off, initrd_blob_off;	/* from hyp_base */
};

struct scenario {
	char *file;		/* path of the scenario XML as given */
	char *dir;		/* its directory, searched last for images */
	char *name;
	long line;
	struct platform plat;
	long platform_line;

	unsigned nr_pcpus;	/* <hypervisor cpus> */
	long cpus_line;
	uint64_t timeslice_us;
	long timeslice_line;

	struct vm *vms;
	unsigned nr_vms;
	unsigned nr_vcpus;
	struct shmem *shmems;
	unsigned nr_shmems;
	struct link *links;
	unsigned nr_links;

	uint8_t *bytes;		/* file contents, for the scenario hash */
	size_t nbytes;
	uint64_t hash;

	/* set by layout.c */
	uint64_t hyp_base, hyp_size;
	uint64_t blobs_size;	/* bytes after hyp_base + SCHISM_HYP_CODE_BUDGET */
	uint64_t percpu_base, percpu_size;	/* size per CPU */
};

void scenario_free(struct scenario *s);

/* ---- passes ---- */
struct xml_docs;		/* opaque, parse.c */

/* parse.c: parses and validates the scenario against schema, locates the
 * platform file in platforms_dir and validates it against platform.xsd
 * (found next to the scenario schema). NULL on error. */
struct xml_docs *parse_scenario(const char *scenario_file,
				const char *schema_file,
				const char *platforms_dir);
void xml_docs_free(struct xml_docs *d);

/* model.c: builds the model from validated documents. 0 on success. */
int model_build(struct xml_docs *d, struct scenario *s);

/* check.c: semantic checks; finds images in the search path (the scenario's
 * directory last), applies kernel load/entry defaults. 0 if all is well. */
int check_scenario(struct scenario *s, char *const *incdirs, unsigned nr_inc);
/* 1 if every value layout_memory() works on passed its checks (sizes,
 * bases, CPU count, images found), so that after other errors the layout
 * can still run and report its own. */
int check_layout_inputs(const struct scenario *s);

/* link.c: <link> elements. link_build (from model_build) reads them;
 * link_expand (from check_scenario, once devices and shared regions are
 * resolved) checks them and turns each into a shared region mapped into
 * both VMs plus one doorbell capability per end. */
void link_build(struct xml_docs *d, struct scenario *s);
void link_expand(struct scenario *s);
void link_free(struct scenario *s);
/* The link a region / VM mapping / cap belongs to, NULL for plain ones. */
const struct link *link_of(const struct scenario *s, unsigned link);
/* dts.c: a VM's /reserved-memory child and /phidias nodes of its links. */
void link_dts_reserved(const struct scenario *s, const struct vm_shmem *vs,
		       FILE *f);
void link_dts_nodes(const struct scenario *s, const struct vm *vm, FILE *f);
/* emit.c: memmap.txt descriptions (allocated). */
char *link_memmap_host(const struct scenario *s, const struct shmem *sh);
char *link_memmap_guest(const struct scenario *s, const struct vm *vm,
			const struct vm_shmem *vs);

/* layout.c: places the hypervisor, per-CPU areas, blobs and VM RAM. */
int layout_memory(struct scenario *s);
/* The largest block size (1G, 2M, 4K) not larger than size. */
uint64_t layout_block_align(uint64_t size);
/* 1 if [base, base + size) lies inside one RAM bank of p and clear of
 * every reserved range; else 0 and, if what is not NULL, *what names the
 * first reserved range it touches (NULL if it is outside the banks). */
int layout_in_ram(const struct platform *p, uint64_t base, uint64_t size,
		  const struct plat_range **what);
/* The DTB IPA of a VM with RAM of the given size. */
uint64_t layout_dtb_ipa(uint64_t ram_size);
/* The IPA of an initrd of the given size: 4 KiB aligned, right below the
 * DTB; 0 if it does not fit in the RAM. */
uint64_t layout_initrd_ipa(uint64_t ram_size, uint64_t initrd_size);

/* pgtable.c: an in-memory model of one translation-table tree. */
enum pt_stage { PT_EL2 = 1, PT_S2 = 2 };
enum pt_mem { PT_NORMAL_RW = 1, PT_NORMAL_RW_XN, PT_NORMAL_RO_XN, PT_DEVICE_XN,
	      PT_NORMAL_RO_X };	/* read-only, executable: hypervisor text */

struct pt_table {
	uint64_t desc[512];		/* leaf descriptors; 0 where next[i] */
	struct pt_table *next[512];
	unsigned level;			/* 1, 2 or 3 */
	unsigned index;			/* creation order within its tree */
};

struct pt_tree {
	enum pt_stage stage;
	struct pt_table *root;		/* level 1, index 0 */
	struct pt_table **tables;	/* all, in creation order */
	unsigned nr_tables;
};

void pt_init(struct pt_tree *t, enum pt_stage stage);
/* Maps [va, va+size) to pa; returns 0, or -1 if something is in the way
 * or the range does not fit the 39-bit input address space. */
int pt_map(struct pt_tree *t, uint64_t va, uint64_t pa, uint64_t size,
	   enum pt_mem mem);
void pt_free(struct pt_tree *t);
/* Leaf attribute bits (everything except output address and type bits). */
uint64_t pt_leaf_attrs(enum pt_stage stage, enum pt_mem mem);

/* The page tables of a whole scenario. */
struct scenario_tables {
	struct pt_tree el2;
	struct pt_tree *s2;		/* one per VM */
	unsigned nr_vms;
};
int pgtables_build(const struct scenario *s, struct scenario_tables *t);
void pgtables_free(struct scenario_tables *t);

/* emit.c: writes files into dir (the temporary gen/ directory);
 * final_gen is where they will live (absolute, for .incbin). */
int emit_all(const struct scenario *s, const struct scenario_tables *t,
	     const char *gen_dir, const char *final_gen_dir,
	     const char *memmap_path);

/* dts.c */
int dts_write(const struct scenario *s, const struct vm *vm, FILE *f);
int dts_compile(const struct scenario *s, const struct vm *vm,
		const char *dts, const char *dtb);

/* dtbsize.c: "it needs 92 KiB; most of it is /phidias (...), mostly
 * /phidias/capabilities (...)" for a DTB; NULL if it cannot be read. */
char *dtb_explain_size(const char *dtb_path);

/* output.c */
struct output {
	char *out;		/* final directory, as given */
	char *out_abs;		/* absolute */
	char *tmp;		/* temporary sibling directory */
	char *tmp_gen;		/* tmp/gen */
	char *final_gen;	/* out_abs/gen */
	char *parent_abs;	/* out_abs's parent, made by output_commit() */
};
int output_begin(struct output *o, const char *out_dir);
int output_commit(struct output *o);
void output_abort(struct output *o);
int remove_tree(const char *path);

/* pipeline.c: everything main() does after parsing its arguments. */
struct schism_opts {
	char **incdirs;
	unsigned nr_inc;
	const char *platforms_dir;
	const char *schema;
	const char *out;
	const char *scenario;
};
/* Runs all passes; 0 on success. If model is not NULL, the finished
 * model (and tables) are handed to the caller, who frees them. */
int schism_run(const struct schism_opts *o, struct scenario **model,
	       struct scenario_tables **tables);
/* --check: every pass including the device-tree compiler, into a private
 * temporary directory that is removed; o->out is ignored. 0 if valid. */
int schism_check(const struct schism_opts *o);

#endif
