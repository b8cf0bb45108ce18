/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console multiplexer (docs/console.md).
 *
 * Output: each VM's characters are collected per line and written as
 * "[vm] line".  A partial line is shown early when its VM waits for input
 * (its UART device says so, or it idles in WFI) so prompts appear; the
 * physical line then stays "open" for that VM and its next characters
 * continue it without a second tag, unless somebody else had to write in
 * between.  The characters of the current line are kept after they are
 * shown, so the focused VM's partial line (its prompt) can be shown again:
 * after a focus switch, and once the other VMs' output has gone quiet after
 * it cut that line.
 *
 * Input: typed characters go to the VM in focus.  Ctrl-\ (0x1c) is the
 * escape: then 1-9 selects a VM by position, n the next one, and a second
 * Ctrl-\ sends a literal 0x1c.  QEMU's own escape, Ctrl-A, is left alone.
 * Focus only rests on a running VM that has a UART.
 *
 * Flow control: when the focused VM's receive FIFO is full, the character
 * is held and the physical UART is no longer read (its receive interrupt is
 * masked), so what is typed or pasted waits in the UART and the terminal
 * instead of being lost.  The VM's device reports room again
 * (console_vm_room).  A VM that reads nothing for STALL_LIMIT checks in a
 * row is not reading at all: reading resumes, its characters are dropped
 * (with a line saying so) and the escape works again, so such a VM cannot
 * take the console hostage.
 *
 * Locks: in_lock (focus, escape, flow control) is taken before a VM UART's
 * lock (the input callback), which is taken before out_lock (a VM's
 * transmit); nothing takes them in the other order.  panic() prints through
 * console_panic_write(), which takes no lock: the CPU that panics may hold
 * one of them.
 */
#include <phidias_gen.h>
#include <arch/cpu.h>
#include <arch/spinlock.h>
#include <drivers/pl011.h>
#include <phidias/console.h>
#include <phidias/events.h>
#include <phidias/log.h>
#include <phidias/pcpu.h>
#include <phidias/sched.h>
#include <phidias/vm.h>

#define CONSOLE_ESCAPE 0x1c
#define LINE_MAX 160
#define NO_LINE (-1)
#define NO_CHAR (-1)
#define NO_VM PHIDIAS_NR_VMS
/* Digits select VMs 1-9; the rest are reached with n. */
#define KEY_VMS (PHIDIAS_NR_VMS < 9 ? PHIDIAS_NR_VMS : 9)

/* Flow control: a stalled VM is checked this often (ms) ... */
#define STALL_CHECK_MS 500
/* ... and after this many checks without reading one character its input is dropped. */
#define STALL_LIMIT 4
/* The focused VM's cut prompt is shown again after this long without output (ms). */
#define QUIET_MS 700

struct vm_console {
	char buf[LINE_MAX];
	uint32_t len;		/* characters of the current line */
	uint32_t shown;		/* how many of them are on the screen */
	int waiting;		/* it waits with that partial line (a prompt) */
	console_input_fn input;
	void *opaque;
};

static struct vm_console vcons[PHIDIAS_NR_VMS];
volatile uint8_t console_vm_unflushed[PHIDIAS_NR_VMS];

/* Output state, under out_lock. */
static spinlock_t out_lock = SPINLOCK_INIT;
static int open_line = NO_LINE;	/* VM whose partial line ends the physical line */
static int focus_cut;		/* the focused VM's shown partial line was cut */
static int hint_pending;	/* repeat the focus line until the user types or switches */
static uint64_t last_output;	/* counter value of the last VM output */
static struct event quiet_ev[PHIDIAS_NR_PCPUS];

/* Input state, under in_lock. */
static spinlock_t in_lock = SPINLOCK_INIT;
static volatile uint32_t focus;	/* read without the lock by the output side */
static int escape_pending;
static int held = NO_CHAR;	/* refused by the focused VM, delivered first */
static int stalled;		/* physical UART not read: focused VM full */
static uint32_t stall_checks;	/* checks in a row that found no room */
static int dropping;		/* focused VM reads nothing: its input is dropped */
static uint32_t dropped;
static struct event stall_ev;	/* on the CPU that takes the UART interrupt */

/* The digits that select a VM, as the hint lines print them: "1" or "1-<n>". */
static const char *keys(void)
{
	static char range[] = "1-?";

	if (KEY_VMS == 1)
		return "1";
	range[2] = (char)('0' + KEY_VMS);
	return range;
}

static uint64_t ms_ticks(uint32_t ms)
{
	return arch_counter_freq() / 1000 * ms;
}

static void puts_raw(const char *s)
{
	while (*s)
		pl011_putc(*s++);
}

static void end_open_line(void)
{
	if (open_line != NO_LINE) {
		if ((uint32_t)open_line == focus && vcons[focus].len)
			focus_cut = 1;
		puts_raw("\r\n");
		open_line = NO_LINE;
	}
}

static void put_tag(const struct vm *vm)
{
	pl011_putc('[');
	puts_raw(vm->cfg->name);
	puts_raw("] ");
}

/* Write the VM's characters not yet shown; out_lock held. */
static void emit(struct vm *vm, int end_of_line)
{
	struct vm_console *vc = &vcons[vm->cfg->id];

	if (open_line != (int)vm->cfg->id) {
		end_open_line();
		put_tag(vm);
	}
	if (vm->cfg->id == focus)
		focus_cut = 0;	/* its line is on the screen again */
	for (uint32_t i = vc->shown; i < vc->len; i++)
		pl011_putc(vc->buf[i]);
	if (end_of_line) {
		puts_raw("\r\n");
		open_line = NO_LINE;
		vc->len = vc->shown = 0;
	} else {
		open_line = (int)vm->cfg->id;
		vc->shown = vc->len;
	}
}

/*
 * Show the VM's whole partial line again, on a line of its own; out_lock
 * held.  Control sequences (ESC [ ... final byte) are left out: a prompt may
 * carry a query (busybox asks for the cursor position) that the terminal
 * would answer a second time, into the VM's input.
 */
static void reshow(struct vm *vm)
{
	struct vm_console *vc = &vcons[vm->cfg->id];
	int csi = 0;		/* 1: ESC seen, 2: inside ESC [ ... */

	if (!vc->len)
		return;
	end_open_line();
	put_tag(vm);
	for (uint32_t i = 0; i < vc->len; i++) {
		char c = vc->buf[i];

		if (csi == 1) {
			csi = 2;	/* the '[' */
		} else if (csi == 2) {
			if (c >= 0x40 && c <= 0x7e)
				csi = 0;	/* the final byte */
		} else if (c == 0x1b && i + 1 < vc->len && vc->buf[i + 1] == '[') {
			csi = 1;
		} else {
			pl011_putc(c);
		}
	}
	vc->shown = vc->len;
	open_line = (int)vm->cfg->id;
	focus_cut = 0;
}

/* "console input -> 'vm' (<why>; <how to switch>)", the line every focus change prints. */
static void focus_line(char *buf, size_t size, uint32_t id, const char *why)
{
	format(buf, size, "[phidias] console input -> '%s' (%s%sCtrl-\\ then %s or n switches)",
	       vms[id].cfg->name, why ? why : "", why ? "; " : "", keys());
}

/*
 * Other output went on after cutting the focused VM's prompt: show it again
 * once all is quiet.  Until the user first types or switches, the same
 * whenever the focused VM waits at a prompt and all is quiet, so the boot
 * logs end with the focus line and that prompt.
 */
static void quiet_check(struct event *ev)
{
	(void)ev;
	spin_lock(&out_lock);
	if ((focus_cut || hint_pending) && vcons[focus].waiting &&
	    arch_counter() - last_output >= ms_ticks(QUIET_MS)) {
		char line[128];

		focus_line(line, sizeof(line), focus, 0);
		end_open_line();
		puts_raw(line);
		puts_raw("\r\n");
		reshow(&vms[focus]);
	}
	spin_unlock(&out_lock);
}

/* Something was written; out_lock held.  Arms the quiet check if the prompt was cut. */
static void note_output(void)
{
	last_output = arch_counter();
	if (focus_cut || hint_pending)
		event_add(&quiet_ev[this_pcpu()->id], last_output + ms_ticks(QUIET_MS));
}

void console_vm_putc(struct vm *vm, char c)
{
	struct vm_console *vc = &vcons[vm->cfg->id];
	int partial;

	if (c == '\r')
		return;		/* lines end in "\r\n" on the physical UART anyway */
	spin_lock(&out_lock);
	vc->waiting = 0;
	console_vm_unflushed[vm->cfg->id] = 1;
	if (c == '\n') {
		emit(vm, 1);
		note_output();
	} else {
		vc->buf[vc->len++] = c;
		if (vc->len == LINE_MAX) {
			/* Shown in pieces; only the last piece can be shown again. */
			emit(vm, 0);
			vc->len = vc->shown = 0;
			note_output();
		}
	}
	partial = vc->len > vc->shown;
	spin_unlock(&out_lock);
	/* Shown when the VM idles: its vCPU's WFI must be seen (a prompt). */
	if (partial)
		sched_trap_idle();
}

int console_vm_unshown(const struct vm *vm)
{
	const struct vm_console *vc = &vcons[vm->cfg->id];

	return __atomic_load_n(&vc->len, __ATOMIC_RELAXED) >
	       __atomic_load_n(&vc->shown, __ATOMIC_RELAXED);
}

void console_vm_flush(struct vm *vm)
{
	struct vm_console *vc = &vcons[vm->cfg->id];

	/*
	 * Called whenever the VM idles: mostly there is nothing to do (a racy
	 * look).  Only its own output changes its line and waiting state once
	 * this has run, and that marks it unflushed.
	 */
	if (!console_vm_unflushed[vm->cfg->id])
		return;
	spin_lock(&out_lock);
	if (vc->len > vc->shown) {
		emit(vm, 0);
		note_output();
	}
	vc->waiting = vc->len != 0;
	console_vm_unflushed[vm->cfg->id] = 0;
	spin_unlock(&out_lock);
}

void console_attach_input(struct vm *vm, console_input_fn fn, void *opaque)
{
	vcons[vm->cfg->id].input = fn;
	vcons[vm->cfg->id].opaque = opaque;
}

void console_hyp_write(const char *s)
{
	spin_lock(&out_lock);
	end_open_line();
	puts_raw(s);
	puts_raw("\r\n");
	note_output();
	spin_unlock(&out_lock);
}

void console_panic_write(const char *s)
{
	/*
	 * No lock: this CPU may hold out_lock (a fault while printing) and
	 * another CPU may never let it go.  The line may mix with another
	 * CPU's characters; it is printed all the same.
	 */
	if (open_line != NO_LINE)
		puts_raw("\r\n");
	open_line = NO_LINE;
	puts_raw(s);
	puts_raw("\r\n");
}

/* ---- input (in_lock held from here on) ---- */

static int takes_input(uint32_t id)
{
	return vcons[id].input && vms[id].state == VM_RUNNING;
}

/* Drop what is held for the VM losing focus and read the UART again. */
static void flow_reset(void)
{
	held = NO_CHAR;
	if (stalled)
		pl011_set_rx_irq(1);
	stalled = 0;
	stall_checks = 0;
	dropping = 0;
	dropped = 0;
}

/* Give the focus to VM id and show its prompt; why: NULL or the reason. */
static void set_focus(uint32_t id, const char *why)
{
	char line[128];

	flow_reset();
	focus = id;
	focus_line(line, sizeof(line), id, why);
	spin_lock(&out_lock);
	end_open_line();
	puts_raw(line);
	puts_raw("\r\n");
	focus_cut = 0;
	hint_pending = 0;
	/* Its prompt again, if it showed one: a line still being written comes whole. */
	if (vcons[id].shown)
		reshow(&vms[id]);
	spin_unlock(&out_lock);
}

/* The next VM after `from` (itself last) that takes input, or NO_VM. */
static uint32_t next_taker(uint32_t from)
{
	for (uint32_t i = 1; i <= PHIDIAS_NR_VMS; i++) {
		uint32_t id = (from + i) % PHIDIAS_NR_VMS;

		if (takes_input(id))
			return id;
	}
	return NO_VM;
}

static void select_vm(uint32_t id)
{
	if (takes_input(id)) {
		set_focus(id, 0);
		return;
	}
	log_info("console: VM '%s' %s; input stays with '%s'", vms[id].cfg->name,
		 vms[id].state != VM_RUNNING ? "is stopped" : "has no UART",
		 vms[focus].cfg->name);
}

/* Hand c to the focused VM; 0, or -1 if it has no room (c is held). */
static int deliver(char c)
{
	struct vm_console *vc = &vcons[focus];

	if (!takes_input(focus))
		return 0;	/* no VM takes input any more */
	if (vc->input(vc->opaque, c) == 0) {
		if (hint_pending) {
			spin_lock(&out_lock);
			hint_pending = 0;	/* the user knows where the keyboard is */
			spin_unlock(&out_lock);
		}
		if (dropping) {
			log_info("console: '%s' reads its input again (%u character(s) dropped)",
				 vms[focus].cfg->name, (unsigned)dropped);
			dropping = 0;
			dropped = 0;
		}
		return 0;
	}
	if (dropping) {
		dropped++;
		return 0;
	}
	held = (unsigned char)c;
	stalled = 1;
	stall_checks = 0;
	pl011_set_rx_irq(0);
	event_add(&stall_ev, arch_counter() + ms_ticks(STALL_CHECK_MS));
	return -1;
}

static void console_input(char c)
{
	if (!escape_pending) {
		if (c == CONSOLE_ESCAPE)
			escape_pending = 1;
		else
			deliver(c);
		return;
	}
	escape_pending = 0;
	if (c >= '1' && c <= '0' + KEY_VMS) {
		select_vm((uint32_t)(c - '1'));
	} else if (c == 'n') {
		uint32_t id = next_taker(focus);

		if (id != NO_VM)
			set_focus(id, id == focus ? "the only VM that takes input" : 0);
	} else if (c == CONSOLE_ESCAPE) {
		deliver(c);
	} else {
		log_info("console: after Ctrl-\\ type %s (a VM), n (next VM) or Ctrl-\\ (itself)",
			 keys());
	}
}

/* Retry the held character; on success read the physical UART again. */
static int retry_held(void)
{
	struct vm_console *vc = &vcons[focus];

	if (held == NO_CHAR || !takes_input(focus) || vc->input(vc->opaque, (char)held) < 0)
		return -1;
	held = NO_CHAR;
	stalled = 0;
	stall_checks = 0;
	pl011_set_rx_irq(1);
	return 0;
}

static void stall_check(struct event *ev)
{
	spin_lock(&in_lock);
	if (stalled && retry_held() < 0) {
		if (++stall_checks < STALL_LIMIT) {
			event_add(ev, arch_counter() + ms_ticks(STALL_CHECK_MS));
		} else {
			log_info("console: '%s' reads no input; what is typed for it is dropped "
				 "(Ctrl-\\ still switches)", vms[focus].cfg->name);
			held = NO_CHAR;
			stalled = 0;
			dropping = 1;
			dropped = 1;
			pl011_set_rx_irq(1);
		}
	}
	spin_unlock(&in_lock);
}

void console_vm_room(struct vm *vm)
{
	spin_lock(&in_lock);
	if (stalled && vm->cfg->id == focus)
		retry_held();
	spin_unlock(&in_lock);
}

void console_vm_stopped(struct vm *vm)
{
	spin_lock(&in_lock);
	if (vm->cfg->id == focus) {
		uint32_t id = next_taker(focus);

		if (id != NO_VM && id != focus) {
			char why[48];

			format(why, sizeof(why), "'%s' stopped", vm->cfg->name);
			set_focus(id, why);
		} else {
			flow_reset();
			for (uint32_t i = 0; i < PHIDIAS_NR_VMS; i++)
				if (vms[i].state == VM_RUNNING) {
					log_info("console: no running VM with a UART is left to take input");
					break;
				}
		}
	}
	spin_unlock(&in_lock);
}

void console_init(void)
{
	uint32_t first = next_taker(PHIDIAS_NR_VMS - 1);

	for (uint32_t i = 0; i < PHIDIAS_NR_PCPUS; i++)
		event_init(&quiet_ev[i], quiet_check);
	event_init(&stall_ev, stall_check);
	spin_lock(&in_lock);
	if (first == NO_VM) {
		log_info("console: no VM has a UART; typed input is ignored");
	} else {
		set_focus(first, 0);
		hint_pending = 1;
	}
	spin_unlock(&in_lock);
}

void console_irq(void)
{
	int c;

	spin_lock(&in_lock);
	while (!stalled && (c = pl011_getc()) >= 0)
		console_input((char)c);
	spin_unlock(&in_lock);
}
