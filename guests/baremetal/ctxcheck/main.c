/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ctxcheck: does the world switch preserve everything this guest can see?
 *
 * Each round fills the FP/SIMD registers (q0-q31, FPSR, FPCR) and a set of
 * EL1/EL0 system registers with values derived from bootargs seed=<n> and
 * the round number, then runs checks until round=<duration> of its virtual
 * counter has passed.  A check fills x1-x28 and spins for a pseudo-random
 * time (up to spin=<duration>) in assembly, so the hypervisor deschedules
 * the vCPU at random points, then compares every register with what was
 * written.  Every other check also reads the emulated UART's flag register
 * on each turn of its spin: traps that take the hypervisor's light exit,
 * which leaves x19-x29 to the C code's procedure call standard.  Output:
 *
 *   ctxcheck: seed <s>, <n> rounds of <us>us: x1-x28 sp q0-q31 fpsr fpcr <k> sysregs
 *   ctxcheck: ignores writes: <regs>          (registers that are RAZ/WI here)
 *   ctxcheck: round <i> ok (<c> checks, <p> preempted)
 *   ctxcheck: MISMATCH <reg> expected 0x<v> got 0x<v>
 *   ctxcheck: all <n> rounds ok   |   ctxcheck: <f> of <n> rounds FAILED
 *
 * and SYSTEM_OFF.  "preempted" counts the checks during whose GPR spin the
 * counter jumped by more than 100 us between two reads: the vCPU was
 * descheduled while x1-x28 held the pattern.
 */
#include <bm/uart.h>
#include <bm/bm.h>

#define CTX_DEFAULT_ROUNDS 10u
#define CTX_DEFAULT_ROUND_US 10000u
#define CTX_DEFAULT_SPIN_US 2500u
#define CTX_PREEMPT_US 100u
#define CTX_MAX_REPORTS 16u	/* MISMATCH lines per round */

/* regs.S */
void ctx_fp_enable(void);
void ctx_fp_write(const uint64_t v[66]);
void ctx_fp_read(uint64_t v[66]);
void ctx_gpr_spin(const uint64_t pat[28], uint64_t deadline, uint64_t out[31],
		  uintptr_t trapped);
extern const char ctx_vectors[];

#define CNT_CTL_ENABLE 1u
#define CNT_CTL_IMASK 2u
#define CNT_CTL_ISTATUS 4u

/* Bits these may take without changing how this guest runs. */
#define FPSR_MASK 0x0800009full	/* QC, IDC, IXC, UFC, OFC, DZC, IOC */
#define FPCR_MASK 0x07c00000ull	/* AHP, DN, FZ, RMode: no FP arithmetic is done */
#define SCTLR_EL0_BITS ((1ull << 14) | (1ull << 15) | (1ull << 16) | (1ull << 18) | (1ull << 26))
					/* DZE, UCT, nTWI, nTWE, UCI: EL0 only */
#define MDSCR_MASK ((1ull << 12) | (1ull << 13))	/* TDCC, KDE (PSTATE.D stays set) */
#define CNTKCTL_MASK 0x3fbull		/* all but EVNTEN: no event stream */

/*
 * The system registers checked: name, and how a value is made from a
 * random 64-bit number (special cases in sysreg_value()).
 */
#define CTX_SYSREGS(X) \
	X(tpidr_el0) X(tpidrro_el0) X(tpidr_el1) X(contextidr_el1) \
	X(vbar_el1) X(mair_el1) X(amair_el1) X(tcr_el1) X(ttbr0_el1) X(ttbr1_el1) \
	X(sctlr_el1) X(cpacr_el1) X(csselr_el1) X(mdscr_el1) \
	X(sp_el0) X(elr_el1) X(spsr_el1) X(esr_el1) X(far_el1) X(par_el1) \
	X(afsr0_el1) X(afsr1_el1) X(cntkctl_el1) X(cntv_cval_el0) X(cntv_ctl_el0)

#define ENUM(r) SR_##r,
enum { CTX_SYSREGS(ENUM) NR_SYSREGS };
#define NAME(r) #r,
static const char *const sysreg_names[NR_SYSREGS] = { CTX_SYSREGS(NAME) };

static void sysregs_write(const uint64_t v[NR_SYSREGS])
{
#define WRITE(r) bm_write_sysreg(r, v[SR_##r]);
	CTX_SYSREGS(WRITE)
	bm_isb();
}

static void sysregs_read(uint64_t v[NR_SYSREGS])
{
#define READ(r) v[SR_##r] = bm_read_sysreg(r);
	CTX_SYSREGS(READ)
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t sctlr_base, cpacr_base;

static uint64_t sysreg_value(int i, uint64_t r)
{
	switch (i) {
	case SR_contextidr_el1:
	case SR_spsr_el1:
	case SR_esr_el1:
		return r & 0xffffffffull;
	case SR_vbar_el1:
		return (uint64_t)(uintptr_t)ctx_vectors + (r & 3) * 2048;
	case SR_tcr_el1:
		return r & 0x7fffffffffull;
	case SR_sctlr_el1:
		return (sctlr_base & ~SCTLR_EL0_BITS) | (r & SCTLR_EL0_BITS);
	case SR_cpacr_el1:
		return cpacr_base;
	case SR_csselr_el1:
		return r % 3;		/* L1 D, L1 I, L2: what every core has */
	case SR_mdscr_el1:
		return r & MDSCR_MASK;
	case SR_cntkctl_el1:
		return r & CNTKCTL_MASK;
	case SR_cntv_ctl_el0:
		return CNT_CTL_ENABLE | CNT_CTL_IMASK;	/* counting, never interrupting */
	default:
		return r;
	}
}

/* Values as read back, so RES0 bits and RAZ/WI registers compare right. */
static uint64_t sys_expected[NR_SYSREGS];
static uint64_t fp_expected[66] __attribute__((aligned(16)));
static uint64_t fp_got[66] __attribute__((aligned(16)));
static uint64_t gpr_pat[28], gpr_got[31];
static unsigned int reports;

static void mismatch(const char *name, uint64_t expected, uint64_t got)
{
	if (reports++ < CTX_MAX_REPORTS)
		bm_printf("ctxcheck: MISMATCH %s expected 0x%016lx got 0x%016lx\n", name,
			  (unsigned long)expected, (unsigned long)got);
}

static void fill(uint64_t *state)
{
	uint64_t v[NR_SYSREGS];

	for (int i = 0; i < NR_SYSREGS; i++)
		v[i] = sysreg_value(i, splitmix64(state));
	sysregs_write(v);
	sysregs_read(sys_expected);
	for (int i = 0; i < 64; i++)
		fp_expected[i] = splitmix64(state);
	fp_expected[64] = splitmix64(state) & FPSR_MASK;
	fp_expected[65] = splitmix64(state) & FPCR_MASK;
	ctx_fp_write(fp_expected);
	ctx_fp_read(fp_expected);
}

/* Compare everything but x1-x28; ISTATUS follows the counter, so mask it. */
static void check_fp_and_sysregs(void)
{
	static const char *const fp_names[2] = { "fpsr", "fpcr" };
	uint64_t got[NR_SYSREGS];
	char name[8];

	ctx_fp_read(fp_got);
	sysregs_read(got);
	got[SR_cntv_ctl_el0] &= ~(uint64_t)CNT_CTL_ISTATUS;
	for (int i = 0; i < NR_SYSREGS; i++) {
		uint64_t want = sys_expected[i];

		if (i == SR_cntv_ctl_el0)
			want &= ~(uint64_t)CNT_CTL_ISTATUS;
		if (got[i] != want)
			mismatch(sysreg_names[i], want, got[i]);
	}
	for (int q = 0; q < 32; q++) {
		if (fp_got[2 * q] != fp_expected[2 * q] ||
		    fp_got[2 * q + 1] != fp_expected[2 * q + 1]) {
			bm_snprintf(name, sizeof(name), "q%d", q);
			if (reports++ < CTX_MAX_REPORTS)
				bm_printf("ctxcheck: MISMATCH %s expected 0x%016lx%016lx "
					  "got 0x%016lx%016lx\n", name,
					  (unsigned long)fp_expected[2 * q + 1],
					  (unsigned long)fp_expected[2 * q],
					  (unsigned long)fp_got[2 * q + 1],
					  (unsigned long)fp_got[2 * q]);
		}
	}
	for (int i = 0; i < 2; i++)
		if (fp_got[64 + i] != fp_expected[64 + i])
			mismatch(fp_names[i], fp_expected[64 + i], fp_got[64 + i]);
}

/* Registers whose writes do not stick (RAZ/WI or fixed here). */
static void report_ignored(uint64_t *state)
{
	uint64_t before[NR_SYSREGS], after[NR_SYSREGS], v[NR_SYSREGS];
	char list[256];
	int len = 0;

	sysregs_read(before);
	for (int i = 0; i < NR_SYSREGS; i++)
		v[i] = sysreg_value(i, ~before[i] ^ splitmix64(state));
	sysregs_write(v);
	sysregs_read(after);
	for (int i = 0; i < NR_SYSREGS; i++)
		if (after[i] == before[i] && v[i] != before[i] && len < (int)sizeof(list))
			len += bm_snprintf(list + len, sizeof(list) - (size_t)len, " %s",
					   sysreg_names[i]);
	if (len)
		bm_printf("ctxcheck: ignores writes:%s\n", list);
}

int main(const void *dtb)
{
	const char *args = bm_bootargs();
	uint64_t seed = 1, rounds = CTX_DEFAULT_ROUNDS;
	uint64_t round_us = CTX_DEFAULT_ROUND_US, spin_us = CTX_DEFAULT_SPIN_US;
	uint64_t failed = 0, last_cnt;

	(void)dtb;
	if (bm_bootargs_get_u64(args, "seed", &seed) < 0)
		seed = 1;
	if (bm_bootargs_get_u64(args, "rounds", &rounds) < 0 || rounds == 0)
		rounds = CTX_DEFAULT_ROUNDS;
	if (bm_bootargs_get_duration_us(args, "round", &round_us) < 0 || round_us == 0)
		round_us = CTX_DEFAULT_ROUND_US;
	if (bm_bootargs_get_duration_us(args, "spin", &spin_us) < 0 || spin_us < 2)
		spin_us = CTX_DEFAULT_SPIN_US;

	ctx_fp_enable();
	sctlr_base = bm_read_sysreg(sctlr_el1);
	cpacr_base = bm_read_sysreg(cpacr_el1);
	bm_printf("ctxcheck: seed %lu, %lu rounds of %luus: x1-x28 sp q0-q31 fpsr fpcr "
		  "%d sysregs\n", (unsigned long)seed, (unsigned long)rounds,
		  (unsigned long)round_us, NR_SYSREGS);
	{
		uint64_t state = seed ^ 0x5eedull;

		report_ignored(&state);
	}

	last_cnt = bm_counter_read();
	for (uint64_t round = 1; round <= rounds; round++) {
		uint64_t state = seed * 0x100000001b3ull + round;
		uint64_t end = bm_counter_read() + bm_us_to_ticks(round_us);
		unsigned int checks = 0, preempted = 0;

		reports = 0;
		fill(&state);
		do {
			uint64_t spin = bm_us_to_ticks(1 + splitmix64(&state) % spin_us), now;

			for (int i = 0; i < 28; i++)
				gpr_pat[i] = splitmix64(&state);
			/* Every other check also traps on each turn (UARTFR, emulated). */
			ctx_gpr_spin(gpr_pat, bm_counter_read() + spin, gpr_got,
				     (checks & 1) ? bm_uart_base() + 0x18 : 0);
			for (int i = 0; i < 28; i++) {
				if (gpr_got[i] != gpr_pat[i]) {
					char name[8];

					bm_snprintf(name, sizeof(name), "x%d", i + 1);
					mismatch(name, gpr_pat[i], gpr_got[i]);
				}
			}
			if (gpr_got[29] != gpr_got[28])
				mismatch("sp", gpr_got[28], gpr_got[29]);
			if (gpr_got[30] > bm_us_to_ticks(CTX_PREEMPT_US))
				preempted++;
			check_fp_and_sysregs();
			now = bm_counter_read();
			if (now < last_cnt)
				mismatch("cntvct_el0 (went backwards)", last_cnt, now);
			last_cnt = now;
			checks++;
		} while (bm_counter_read() < end);

		if (reports) {
			bm_printf("ctxcheck: round %lu FAILED (%u mismatches in %u checks)\n",
				  (unsigned long)round, reports, checks);
			failed++;
		} else {
			bm_printf("ctxcheck: round %lu ok (%u checks, %u preempted)\n",
				  (unsigned long)round, checks, preempted);
		}
	}
	if (failed)
		bm_printf("ctxcheck: %lu of %lu rounds FAILED\n", (unsigned long)failed,
			  (unsigned long)rounds);
	else
		bm_printf("ctxcheck: all %lu rounds ok\n", (unsigned long)rounds);
	return 0;
}
