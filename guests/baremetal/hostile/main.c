/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hostile: a guest that attacks the hypervisor from every vCPU at once with
 * operations drawn from a seeded PRNG (docs/baremetal.md, "hostile").
 *
 * bootargs:
 *   seed=<n>        PRNG seed; 0 or absent: taken from the counter and, if
 *                   the VM has a PL031 RTC (its device tree says so), the
 *                   wall clock, since under QEMU -icount the counter repeats
 *                   from run to run.  Printed first, so any run can be
 *                   replayed.
 *   duration=<t>    how long (guest counter time) every vCPU attacks;
 *                   0: for ever (soak runs)
 *   ops=calls|all   calls: only what the architecture and docs/abi.md define
 *                   as returning an error or being ignored - random SMCCC
 *                   function IDs over HVC and SMC (every owner range, random
 *                   arguments, HVC immediates other than 0), PSCI with bad
 *                   MPIDRs, entry points and levels, capability calls with
 *                   bad indices, well-formed (4-byte, or byte where the GIC
 *                   allows it) accesses anywhere in the emulated GIC
 *                   distributor and UART windows: SGIs to CPUs it does not
 *                   have, every SPI enabled and pending, targets beyond its
 *                   vCPUs, registers beyond the implemented lines; short
 *                   windows with IRQs unmasked to take what that raises.
 *                   A VM running these must never be stopped.
 *                   all: also random-size, unaligned, load/store-pair,
 *                   exclusive, acquire/release, cache-maintenance accesses to
 *                   the emulated devices, the GIC CPU interface and unmapped
 *                   addresses, random MRS/MSR encodings and raw bytes to the
 *                   UART.  The hypervisor may stop such a VM (a fault it
 *                   reports) or inject the exception, which this guest
 *                   counts and skips (vectors.S); it must never panic.
 *   mask=<hex>      only the operations whose bit (enum op) is set, to narrow
 *                   down a finding
 *   report=<t>      vCPU 0 prints the operation count every <t> (default 0: only at the end)
 *
 * Output (vCPU 0): "hostile: seed 0x...", then "hostile: vcpu <n> ops <total>
 * faults <n> [...]" per vCPU and "hostile: done seed 0x... ops <total>"
 * before it powers the VM off.  The other vCPUs never return: they wait in
 * WFE, so that a random CPU_ON cannot start them at a random address.
 */
#include <bm/bm.h>

#define HOSTILE_MAX_CPUS 8u
#define GUEST_RAM 0x40000000ul
#define GICD 0x08000000ul
#define GICV 0x08010000ul
#define UART BM_UART_DEFAULT_BASE
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

enum op {
	OP_HVC, OP_SMC, OP_HVC_IMM, OP_PSCI, OP_CAP, OP_GICD_WORD, OP_GICD_BYTE,
	OP_GICD_ABUSE, OP_UART, OP_IRQ_WINDOW, OP_YIELD,
	NR_SAFE_OPS,
	OP_MMIO_ANY = NR_SAFE_OPS, OP_SYSREG, OP_UART_RAW,
	NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"hvc", "smc", "hvc-imm", "psci", "cap", "gicd-word", "gicd-byte",
	"gicd-abuse", "uart", "irq-window", "yield", "mmio-any", "sysreg",
	"uart-raw",
};

/*
 * How often each is drawn: the whole-distributor sweeps of gicd-abuse and
 * yields cost thousands of cycles or a whole slice, so they are rarer.
 */
static const uint8_t op_weights[NR_OPS] = {
	4, 4, 2, 4, 4, 4, 3, 1, 3, 2, 1, 6, 6, 1,
};

/* Exceptions taken, by ESR_EL1.EC (vectors.S). */
volatile uint64_t hostile_faults[HOSTILE_MAX_CPUS][64];
extern char hostile_vectors[];
extern uint32_t hostile_stubs[];

struct hostile_cpu {
	uint64_t rng;
	uint64_t ops[NR_OPS];
	uint64_t irqs;
	uint64_t irq_budget;
	volatile uint32_t done;
};

static struct hostile_cpu cpus[HOSTILE_MAX_CPUS];
static uint64_t seed, duration_ticks, deadline, report_ticks;
static uint32_t nr_cpus, nr_ops = NR_SAFE_OPS;
static uint64_t op_mask = ~0ull;

/* xorshift64* (Marsaglia, Vigna): small, fast, good enough to fuzz with. */
static uint64_t rnd(struct hostile_cpu *c)
{
	uint64_t x = c->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* A value an attacker likes: 0, all ones, a single bit, or anything. */
static uint64_t nasty(struct hostile_cpu *c)
{
	switch (rnd(c) % 6) {
	case 0: return 0;
	case 1: return ~0ull;
	case 2: return 1ull << (rnd(c) % 64);
	case 3: return rnd(c) & 0xffffffffu;
	case 4: return rnd(c) % 1024;
	default: return rnd(c);
	}
}

/*
 * Device accesses the way drivers make them: one plain LDR/STR, never a
 * writeback or pair form the compiler might pick for a volatile pointer in
 * a loop, which leaves no syndrome (ESR_EL2.ISV = 0) to emulate it by.
 */
static uint32_t mmio_read32(uintptr_t a)
{
	uint32_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

static void mmio_write32(uintptr_t a, uint32_t v)
{
	__asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory");
}

static uint32_t mmio_read(uintptr_t a, unsigned size)
{
	uint32_t v;

	if (size == 1)
		__asm__ volatile("ldrb %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	else if (size == 2)
		__asm__ volatile("ldrh %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	else
		v = mmio_read32(a);
	return v;
}

static void mmio_write(uintptr_t a, unsigned size, uint32_t v)
{
	if (size == 1)
		__asm__ volatile("strb %w0, [%1]" : : "r"(v), "r"(a) : "memory");
	else if (size == 2)
		__asm__ volatile("strh %w0, [%1]" : : "r"(v), "r"(a) : "memory");
	else
		mmio_write32(a, v);
}

/* PSCI functions that would stop, reset, suspend or switch off this VM's vCPUs. */
static int stops_us(uint32_t fid)
{
	uint32_t f = fid & ~0x40000000u;

	if ((f & 0xffffffe0u) != 0x84000000u)
		return 0;
	switch (f & 0x1f) {
	case 0x01: case 0x02: case 0x08: case 0x09: case 0x0b: case 0x0c:
	case 0x0e: case 0x12: case 0x13: case 0x14:
		return 1;	/* suspend, off, system off/reset/suspend, mem protect */
	default:
		return 0;
	}
}

static uint64_t random_fid(struct hostile_cpu *c)
{
	uint64_t owner = rnd(c) % 64, num = rnd(c) % 0x40;
	uint64_t fast = (rnd(c) & 1) << 31, is64 = (rnd(c) & 1) << 30;

	switch (rnd(c) % 7) {
	case 0: return rnd(c) & 0xffffffffu;
	case 1: return rnd(c);			/* garbage in the upper half */
	case 2: return fast | is64 | owner << 24 | num;	/* any owner range */
	case 3: return 0x80000000u | is64 | (6u << 24) |	/* vendor hypervisor */
		       ((rnd(c) & 1) ? 0xff00u + num % 8 : num % 16);
	case 4: return 0x84000000u | is64 | num % 0x20;	/* PSCI */
	case 5: return 0x80000000u | (rnd(c) % 0x8001u);	/* arch, workarounds */
	default: return fast | is64 | owner << 24 | (rnd(c) & 0xffffu);
	}
}

static void op_call(struct hostile_cpu *c, int smc)
{
	uint64_t fid;

	do
		fid = random_fid(c);
	while (stops_us((uint32_t)fid));
	if (smc)
		bm_smc_call(fid, nasty(c), nasty(c), nasty(c), nasty(c), nasty(c),
			    nasty(c), nasty(c));
	else
		bm_hvc_call(fid, nasty(c), nasty(c), nasty(c), nasty(c), nasty(c),
			    nasty(c), nasty(c));
}

static void op_hvc_imm(struct hostile_cpu *c)
{
	register uint64_t x0 __asm__("x0") = random_fid(c);
	register uint64_t x1 __asm__("x1") = nasty(c);

#define HVC_IMM(imm) __asm__ volatile("hvc #" #imm : "+r"(x0), "+r"(x1) : : \
	"x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", \
	"x13", "x14", "x15", "x16", "x17", "memory")
	switch (rnd(c) % 3) {
	case 0: HVC_IMM(1); break;
	case 1: HVC_IMM(0x1234); break;
	default: HVC_IMM(0xffff); break;
	}
#undef HVC_IMM
}

/* An MPIDR that is this VM's own (all of them run), a neighbour of one, or garbage. */
static uint64_t random_mpidr(struct hostile_cpu *c)
{
	switch (rnd(c) % 4) {
	case 0: return rnd(c) % (nr_cpus + 4);
	case 1: return (rnd(c) % 256) << (8 * (rnd(c) % 3)) | (1ull << 31);
	case 2: return (rnd(c) % 256) << 32 | rnd(c) % HOSTILE_MAX_CPUS;
	default: return nasty(c);
	}
}

static uint64_t random_entry(struct hostile_cpu *c)
{
	switch (rnd(c) % 4) {
	case 0: return 0;
	case 1: return GUEST_RAM + (rnd(c) % 0x1000000) + 1;	/* misaligned */
	case 2: return GICD;
	default: return nasty(c);
	}
}

static void op_psci(struct hostile_cpu *c)
{
	uint32_t is64 = (rnd(c) & 1) ? 0x40000000u : 0;

	switch (rnd(c) % 6) {
	case 0:	/* CPU_ON: every own vCPU is already on, others do not exist */
		bm_hvc_call(0x84000003u | is64, random_mpidr(c), random_entry(c),
			    nasty(c), 0, 0, 0, 0);
		break;
	case 1:
		bm_hvc_call(0x84000004u | is64, random_mpidr(c), nasty(c) % 4,
			    0, 0, 0, 0, 0);
		break;
	case 2:
		bm_hvc_call(0x8400000au, random_fid(c), 0, 0, 0, 0, 0, 0);
		break;
	case 3:
		bm_smc_call(0x84000003u | is64, random_mpidr(c), random_entry(c),
			    nasty(c), 0, 0, 0, 0);
		break;
	case 4:
		bm_hvc_call(0x84000005u | is64, nasty(c), 0, 0, 0, 0, 0, 0); /* MIGRATE */
		break;
	default: {	/* the others, with no arguments at all */
		uint32_t fid = 0x84000000u | is64 | (uint32_t)(rnd(c) % 0x20);

		if (!stops_us(fid))
			bm_hvc_call(fid, 0, 0, 0, 0, 0, 0, 0);
		break;
	}
	}
}

static void op_cap(struct hostile_cpu *c)
{
	uint64_t index;

	switch (rnd(c) % 3) {
	case 0: index = rnd(c) % 8; break;
	case 1: index = ~0ull - rnd(c) % 4; break;
	default: index = nasty(c); break;
	}
	bm_hvc_call((rnd(c) & 1) ? BM_HYP_CAP_INVOKE : BM_HYP_CAP_INFO, index,
		    nasty(c), nasty(c), 0, 0, 0, 0);
}

/* Byte accesses the GICv2 distributor allows (GIC spec 4.1.4): priorities,
 * targets, SGI pending set/clear. */
static uintptr_t gicd_byte_offset(struct hostile_cpu *c)
{
	switch (rnd(c) % 3) {
	case 0: return 0x400 + rnd(c) % 0x400;
	case 1: return 0x800 + rnd(c) % 0x400;
	default: return 0xf10 + rnd(c) % 0x20;
	}
}

static void op_gicd(struct hostile_cpu *c, int bytes)
{
	uintptr_t off = bytes ? gicd_byte_offset(c) : (rnd(c) % 0x1000) & ~3ul;

	if (rnd(c) & 1)
		(void)mmio_read(GICD + off, bytes ? 1 : 4);
	else
		mmio_write(GICD + off, bytes ? 1 : 4, (uint32_t)nasty(c));
}

/* The distributor attacks worth doing on purpose. */
static void op_gicd_abuse(struct hostile_cpu *c)
{
	unsigned n = (unsigned)(rnd(c) % 32);	/* word index: lines 0..1023 */

	switch (rnd(c) % 9) {
	case 0:	/* every SPI (and beyond the implemented lines) enabled */
		for (unsigned i = 0; i < 32; i++)
			mmio_write32(GICD + 0x100 + 4 * i, ~0u);
		break;
	case 1:	/* ... and pending */
		for (unsigned i = 0; i < 32; i++)
			mmio_write32(GICD + 0x200 + 4 * i, ~0u);
		break;
	case 2:	/* targets every CPU interface, 8 of them */
		for (unsigned i = 8; i < 256; i++)
			mmio_write32(GICD + 0x800 + 4 * i, ~0u);
		break;
	case 3:	/* SGIs: any filter, to CPUs it does not have */
		mmio_write32(GICD + 0xf00, (uint32_t)((rnd(c) % 4) << 24 |
			     (rnd(c) % 256) << 16 | (rnd(c) & 0x8000) | rnd(c) % 16));
		break;
	case 4:	/* active, cleared, configured: one random word each */
		mmio_write32(GICD + 0x300 + 4 * n, (uint32_t)nasty(c));
		mmio_write32(GICD + 0x380 + 4 * n, (uint32_t)nasty(c));
		mmio_write32(GICD + 0xc00 + 4 * (n * 2 % 64), (uint32_t)nasty(c));
		break;
	case 5:	/* groups, priorities, control */
		mmio_write32(GICD + 0x080 + 4 * n, (uint32_t)nasty(c));
		mmio_write32(GICD + 0x400 + 4 * (rnd(c) % 256), (uint32_t)nasty(c));
		mmio_write32(GICD + 0x000, (uint32_t)nasty(c));
		break;
	case 6:	/* beyond every implemented register: RAZ/WI */
		mmio_write32(GICD + 0xd00 + 4 * (rnd(c) % 0x80), (uint32_t)nasty(c));
		(void)mmio_read32(GICD + 0xfd0 + 4 * (rnd(c) % 12));
		break;
	case 7:	/* the distributor back on, so that the above reaches the vCPUs */
		mmio_write32(GICD + 0x000, 1);
		break;
	default: /* clear it all again, then some */
		for (unsigned i = 0; i < 32; i++) {
			mmio_write32(GICD + 0x180 + 4 * i, (uint32_t)nasty(c));
			mmio_write32(GICD + 0x280 + 4 * i, (uint32_t)nasty(c));
		}
		break;
	}
}

static void op_uart(struct hostile_cpu *c)
{
	unsigned size = 1u << (rnd(c) % 3);
	uintptr_t a = UART + ((rnd(c) % 0x1000) & ~(uintptr_t)(size - 1));
	uint32_t v = (uint32_t)nasty(c);

	if (rnd(c) & 1)
		(void)mmio_read(a, size);
	else if (a - UART >= 4)	/* the data register: op_uart_raw, our report lines */
		mmio_write(a, size, v);
}

/* Raw bytes to the UART: control characters, escapes, half lines. */
static void op_uart_raw(struct hostile_cpu *c)
{
	for (unsigned i = 0, n = (unsigned)(rnd(c) % 16); i < n; i++)
		mmio_write32(UART, (uint32_t)rnd(c) & 0xff);
}

void hostile_irq(uint64_t *spsr);
void hostile_irq(uint64_t *spsr)
{
	struct hostile_cpu *c = &cpus[bm_smp_cpu() % HOSTILE_MAX_CPUS];
	uint32_t iar = mmio_read32(GICV + GICC_IAR);

	c->irqs++;
	if ((iar & 0x3ff) < 1020)
		mmio_write32(GICV + GICC_EOIR, iar);
	/* Bounded: a line the guest cannot quiet must not keep it here. */
	if (c->irq_budget == 0 || --c->irq_budget == 0)
		*spsr |= 1u << 7;
}

static void op_irq_window(struct hostile_cpu *c)
{
	c->irq_budget = 64;
	__asm__ volatile("msr daifclr, #2" : : : "memory");
	for (volatile unsigned i = 0; i < 200; i++)
		;
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

/* An address to attack: the emulated devices, the GIC CPU interface, or
 * anything that is not this VM's RAM. */
static uintptr_t random_target(struct hostile_cpu *c)
{
	uint64_t a;

	switch (rnd(c) % 5) {
	case 0: return GICD + rnd(c) % 0x1010;
	case 1: return UART + rnd(c) % 0x1010;
	case 2: return GICV + rnd(c) % 0x2010;
	case 3: return rnd(c) % GUEST_RAM;	/* below RAM: holes, other devices */
	default:
		a = rnd(c) & ((1ull << (rnd(c) % 64)) - 1);
		return a >= GUEST_RAM && a < GUEST_RAM + 0x40000000ul ? 0x20000000ul : a;
	}
}

static void op_mmio_any(struct hostile_cpu *c)
{
	uintptr_t a = random_target(c);
	uint64_t v = nasty(c), w = nasty(c), r0 = 0, r1 = 0;
	uint32_t st = 0;

	switch (rnd(c) % 20) {
	case 0: __asm__ volatile("ldrb %w0, [%1]" : "=&r"(r0) : "r"(a) : "memory"); break;
	case 1: __asm__ volatile("ldrsh %0, [%1]" : "=&r"(r0) : "r"(a) : "memory"); break;
	case 2: __asm__ volatile("ldr %w0, [%1]" : "=&r"(r0) : "r"(a) : "memory"); break;
	case 3: __asm__ volatile("ldr %0, [%1]" : "=&r"(r0) : "r"(a) : "memory"); break;
	case 4: __asm__ volatile("strb %w0, [%1]" : : "r"(v), "r"(a) : "memory"); break;
	case 5: __asm__ volatile("strh %w0, [%1]" : : "r"(v), "r"(a) : "memory"); break;
	case 6: __asm__ volatile("str %w0, [%1]" : : "r"(v), "r"(a) : "memory"); break;
	case 7: __asm__ volatile("str %0, [%1]" : : "r"(v), "r"(a) : "memory"); break;
	case 8: __asm__ volatile("ldp %w0, %w1, [%2]" : "=&r"(r0), "=&r"(r1) : "r"(a) : "memory"); break;
	case 9: __asm__ volatile("ldp %0, %1, [%2]" : "=&r"(r0), "=&r"(r1) : "r"(a) : "memory"); break;
	case 10: __asm__ volatile("stp %w0, %w1, [%2]" : : "r"(v), "r"(w), "r"(a) : "memory"); break;
	case 11: __asm__ volatile("stp %0, %1, [%2]" : : "r"(v), "r"(w), "r"(a) : "memory"); break;
	case 12: __asm__ volatile("ldxr %w0, [%1]" : "=&r"(r0) : "r"(a) : "memory"); break;
	case 13: __asm__ volatile("stxr %w0, %1, [%2]" : "=&r"(st) : "r"(v), "r"(a) : "memory"); break;
	case 14: __asm__ volatile("ldaxr %0, [%1]" : "=&r"(r0) : "r"(a) : "memory"); break;
	case 15: __asm__ volatile("stlr %w0, [%1]" : : "r"(v), "r"(a) : "memory"); break;
	case 16: __asm__ volatile("ldar %0, [%1]" : "=&r"(r0) : "r"(a) : "memory"); break;
	case 17: __asm__ volatile("ldxp %0, %1, [%2]" : "=&r"(r0), "=&r"(r1) : "r"(a) : "memory"); break;
	case 18: __asm__ volatile("ldr %0, [%1], #8" : "=&r"(r0), "+r"(a) : : "memory"); break;
	default: __asm__ volatile("dc civac, %0" : : "r"(a) : "memory"); break;
	}
	(void)r0;
	(void)r1;
	(void)st;
}

/*
 * A random MRS or MSR (op0 2 or 3, any op1/CRn/CRm/op2), run from this
 * vCPU's stub.  Writes that would wreck this guest itself are left out:
 * SCTLR/ACTLR/CPACR (CRn 1), SPSR/ELR/SP_EL0/PSTATE fields (CRn 4), VBAR
 * (CRn 12, CRm 0) and the thread registers at CRn 13.
 */
static void op_sysreg(struct hostile_cpu *c, uint32_t cpu)
{
	uint32_t o0 = (uint32_t)(rnd(c) & 1), op1 = (uint32_t)(rnd(c) % 8);
	uint32_t crn = (uint32_t)(rnd(c) % 16), crm = (uint32_t)(rnd(c) % 16);
	uint32_t op2 = (uint32_t)(rnd(c) % 8), read = (uint32_t)(rnd(c) & 1);
	uint32_t *stub = &hostile_stubs[2 * cpu];
	register uint64_t x0 __asm__("x0") = nasty(c);

	if (!read && o0 && (crn == 1 || crn == 4 || crn == 13 || (crn == 12 && crm == 0)))
		read = 1;
	stub[0] = (read ? 0xd5300000u : 0xd5100000u) | o0 << 19 | op1 << 16 |
		  crn << 12 | crm << 8 | op2 << 5;	/* Rt = x0 */
	__asm__ volatile("dsb ish\n\tic iallu\n\tdsb ish\n\tisb" : : : "memory");
	__asm__ volatile("blr %1" : "+r"(x0) : "r"(stub)
			 : "x1", "x2", "x3", "x30", "cc", "memory");
}

static void run_op(struct hostile_cpu *c, uint32_t cpu, enum op op)
{
	switch (op) {
	case OP_HVC: op_call(c, 0); break;
	case OP_SMC: op_call(c, 1); break;
	case OP_HVC_IMM: op_hvc_imm(c); break;
	case OP_PSCI: op_psci(c); break;
	case OP_CAP: op_cap(c); break;
	case OP_GICD_WORD: op_gicd(c, 0); break;
	case OP_GICD_BYTE: op_gicd(c, 1); break;
	case OP_GICD_ABUSE: op_gicd_abuse(c); break;
	case OP_UART: op_uart(c); break;
	case OP_IRQ_WINDOW: op_irq_window(c); break;
	case OP_YIELD: bm_hyp_yield(); break;
	case OP_MMIO_ANY: op_mmio_any(c); break;
	case OP_SYSREG: op_sysreg(c, cpu); break;
	default: op_uart_raw(c); break;
	}
	c->ops[op]++;
}

static enum op pick_op(struct hostile_cpu *c)
{
	unsigned sum = 1, r;	/* nr_ops >= 1 and every weight >= 1: not 0 */

	for (unsigned i = 1; i < nr_ops; i++)
		sum += op_weights[i];
	sum += op_weights[0] - 1u;
	r = (unsigned)(rnd(c) % sum);
	for (unsigned i = 0; i < nr_ops; i++) {
		if (r < op_weights[i])
			return (enum op)i;
		r -= op_weights[i];
	}
	return OP_HVC;
}

static uint64_t total_ops(const struct hostile_cpu *c)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < NR_OPS; i++)
		n += c->ops[i];
	return n;
}

static void attack(uint32_t cpu)
{
	struct hostile_cpu *c = &cpus[cpu];
	uint64_t next_report = bm_counter_read() + report_ticks;

	__asm__ volatile("msr vbar_el1, %0\n\tisb" : : "r"(hostile_vectors) : "memory");
	/* The CPU interface on, every priority let through: what the
	 * distributor abuse raises comes in during the IRQ windows. */
	mmio_write32(GICV + 0x4, 0xff);
	mmio_write32(GICV + 0x0, 1);
	c->rng = seed ^ (0x9e3779b97f4a7c15ull * (cpu + 1));
	if (!c->rng)
		c->rng = 1;
	while (duration_ticks == 0 || bm_counter_read() < deadline) {
		enum op op = pick_op(c);

		if ((op_mask >> op) & 1)
			run_op(c, cpu, op);
		if (cpu == 0 && report_ticks && bm_counter_read() >= next_report) {
			bm_printf("hostile: running, vcpu 0 ops %lu\n",
				  (unsigned long)total_ops(c));
			next_report += report_ticks;
		}
	}
	c->done = 1;
	__asm__ volatile("dsb sy\n\tsev" : : : "memory");
}

static void secondary(uint32_t cpu, void *arg)
{
	(void)arg;
	if (cpu < HOSTILE_MAX_CPUS)
		attack(cpu);
	for (;;)
		__asm__ volatile("wfe" : : : "memory");
}

static void report(uint32_t cpu)
{
	const struct hostile_cpu *c = &cpus[cpu];
	uint64_t faults = 0;

	for (unsigned ec = 0; ec < 64; ec++)
		faults += hostile_faults[cpu][ec];
	/* Raw bytes sent to the UART may have left a line open: end it, so
	 * the report starts a line of its own. */
	if (cpu == 0)
		for (uint32_t i = 0; i < HOSTILE_MAX_CPUS; i++)
			if (cpus[i].ops[OP_UART_RAW]) {
				bm_printf("\n");
				break;
			}
	bm_printf("hostile: vcpu %u ops %lu irqs %lu faults %lu\n", cpu,
		  (unsigned long)total_ops(c), (unsigned long)c->irqs,
		  (unsigned long)faults);
	for (unsigned i = 0; i < nr_ops; i++)
		bm_printf("hostile:   vcpu %u %s %lu\n", cpu, op_names[i],
			  (unsigned long)c->ops[i]);
	for (unsigned ec = 0; ec < 64; ec++)
		if (hostile_faults[cpu][ec])
			bm_printf("hostile:   vcpu %u exception class 0x%02x: %lu\n",
				  cpu, ec, (unsigned long)hostile_faults[cpu][ec]);
}

/* Seconds from a passed-through PL031 (RTCDR, offset 0), 0 without one. */
static uint64_t wall_clock(void)
{
	const struct bm_fdt *fdt = bm_dt();
	uint64_t base = 0;
	int node;

	if (!fdt)
		return 0;
	node = bm_fdt_node_by_compatible(fdt, -1, "arm,pl031");
	if (node < 0 || bm_fdt_get_reg(fdt, node, 0, &base, 0) < 0 || !base)
		return 0;
	return mmio_read32((uintptr_t)base);
}

int main(const void *dtb)
{
	const char *args = bm_bootargs();
	uint64_t duration_us = 1000000, report_us = 0, total = 0;
	char mode[8] = "calls";

	(void)dtb;
	bm_bootargs_get_u64(args, "seed", &seed);
	bm_bootargs_get_duration_us(args, "duration", &duration_us);
	bm_bootargs_get_duration_us(args, "report", &report_us);
	bm_bootargs_get_u64(args, "mask", &op_mask);
	if (!(op_mask & ((1ull << NR_OPS) - 1)))
		op_mask = ~0ull;
	if (bm_bootargs_get(args, "ops", mode, sizeof(mode)) >= 0 &&
	    strcmp(mode, "all") == 0)
		nr_ops = NR_OPS;
	else
		memcpy(mode, "calls", sizeof("calls"));
	if (!seed)
		seed = ((bm_counter_read() * 0x9e3779b97f4a7c15ull) ^
			(wall_clock() * 0xbf58476d1ce4e5b9ull)) | 1;
	nr_cpus = bm_smp_nr_cpus();
	if (nr_cpus > HOSTILE_MAX_CPUS)
		nr_cpus = HOSTILE_MAX_CPUS;
	duration_ticks = bm_us_to_ticks(duration_us);
	report_ticks = bm_us_to_ticks(report_us);
	deadline = bm_counter_read() + duration_ticks;
	bm_printf("hostile: seed 0x%lx ops %s duration %luus on %u vCPU(s)\n",
		  (unsigned long)seed, mode, (unsigned long)duration_us, nr_cpus);

	for (uint32_t cpu = 1; cpu < nr_cpus; cpu++) {
		int err = bm_smp_start(cpu, secondary, 0);

		if (err) {
			bm_printf("hostile: vCPU %u did not start (%d)\n", cpu, err);
			cpus[cpu].done = 1;
		}
	}
	attack(0);
	for (uint32_t cpu = 1; cpu < nr_cpus; cpu++)
		while (!cpus[cpu].done)
			bm_hyp_yield();
	for (uint32_t cpu = 0; cpu < nr_cpus; cpu++) {
		report(cpu);
		total += total_ops(&cpus[cpu]);
	}
	bm_printf("hostile: done seed 0x%lx ops %lu\n", (unsigned long)seed,
		  (unsigned long)total);
	return 0;
}
