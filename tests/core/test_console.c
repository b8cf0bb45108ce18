/* SPDX-License-Identifier: Apache-2.0 */
/*
 * core/console.c and core/log.c on the host, against a scripted physical
 * UART and VM devices: focus rules, the prompt shown again, input flow
 * control with the escape always honoured, and panic while the console's
 * lock is held.  Time is the test's (the counter runs at 1 MHz).
 */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <phidias_gen.h>
#include <arch/cpu.h>
#include <drivers/pl011.h>
#include <phidias/console.h>
#include <phidias/errno.h>
#include <phidias/events.h>
#include <phidias/log.h>
#include <phidias/pcpu.h>
#include <phidias/vm.h>

#include "../schism/unit.h"

/* ---- the machine around the console ---- */

uint64_t test_now;
static struct pcpu cpu0;
struct pcpu *test_pcpu = &cpu0;
static jmp_buf escape_jmp;
void (*test_on_unlock)(spinlock_t *lock);
static int deadlocked, halted;

void test_deadlock(spinlock_t *lock)
{
	(void)lock;
	deadlocked = 1;
	longjmp(escape_jmp, 1);
}

void arch_halt(void)
{
	halted = 1;
	longjmp(escape_jmp, 1);
}

/* The physical UART: what was written, what waits to be read. */
static char screen[1 << 16];
static size_t screen_len;
static char uart_rx[4096];
static size_t rx_head, rx_len;
static int rx_irq_on = 1;
static long panic_at_putc = -1;	/* panic() from inside pl011_putc after this many */

int pl011_init(uint64_t base, uint32_t clock_hz, uint32_t baud)
{
	(void)base;
	(void)clock_hz;
	(void)baud;
	return 0;
}
void pl011_enable_rx_irq(void) { rx_irq_on = 1; }
void pl011_set_rx_irq(int on) { rx_irq_on = on; }

void pl011_putc(char c)
{
	if (panic_at_putc >= 0 && panic_at_putc-- == 0)
		panic("fault while printing");
	if (screen_len < sizeof(screen) - 1)
		screen[screen_len++] = c;
	screen[screen_len] = '\0';
}

int pl011_getc(void)
{
	if (!rx_len)
		return -1;
	rx_len--;
	return (unsigned char)uart_rx[rx_head++];
}

static void type(const char *s)
{
	memcpy(uart_rx + rx_head + rx_len, s, strlen(s));
	rx_len += strlen(s);
	/* The interrupt fires while it is unmasked and something is there. */
	if (rx_irq_on)
		console_irq();
}

/* The scheduler: asked to trap the writer's next WFI while its line is not shown. */
static int idle_traps;
void sched_trap_idle(void) { idle_traps++; }

/* Timer events: one list, run when the test moves time on. */
static struct event *queued[8];

void event_init(struct event *ev, event_fn fn)
{
	ev->fn = fn;
	ev->queued = 0;
}

void event_add(struct event *ev, uint64_t deadline)
{
	ev->deadline = deadline;
	if (!ev->queued)
		for (unsigned i = 0; i < 8; i++)
			if (!queued[i]) {
				queued[i] = ev;
				break;
			}
	ev->queued = 1;
}

void event_cancel(struct event *ev)
{
	for (unsigned i = 0; i < 8; i++)
		if (queued[i] == ev)
			queued[i] = 0;
	ev->queued = 0;
}

static void advance_ms(uint64_t ms)
{
	uint64_t end = test_now + ms * 1000;

	for (; test_now < end; test_now += 1000)
		for (unsigned i = 0; i < 8; i++)
			if (queued[i] && queued[i]->deadline <= test_now) {
				struct event *ev = queued[i];

				queued[i] = 0;
				ev->queued = 0;
				ev->fn(ev);
			}
}

/* Three VMs; each device takes `room` characters, then refuses. */
static const struct phidias_vm_config cfgs[PHIDIAS_NR_VMS] = {
	{ .name = "a", .id = 0 }, { .name = "b", .id = 1 }, { .name = "c", .id = 2 },
};
struct vm vms[PHIDIAS_NR_VMS];

struct dev {
	char got[4096];
	size_t len;
	size_t room;
};
static struct dev devs[PHIDIAS_NR_VMS];

static int dev_input(void *opaque, char c)
{
	struct dev *d = opaque;

	if (d->len >= d->room)
		return -ENOSPC;
	d->got[d->len++] = c;
	d->got[d->len] = '\0';
	return 0;
}

/* The guest reads everything it was given: room for as much again. */
static void dev_drain(unsigned vm)
{
	devs[vm].room += devs[vm].len;
	console_vm_room(&vms[vm]);
}

static void vm_puts(unsigned vm, const char *s)
{
	while (*s)
		console_vm_putc(&vms[vm], *s++);
}

/* The console's state lives on from case to case: they run in order, after one boot. */
static void boot(void)
{
	for (unsigned i = 0; i < PHIDIAS_NR_VMS; i++) {
		vms[i].cfg = &cfgs[i];
		vms[i].state = VM_RUNNING;
		devs[i].room = sizeof(devs[i].got) - 1;
		console_attach_input(&vms[i], dev_input, &devs[i]);
	}
	console_init();
}

static const char *since(size_t mark)
{
	return screen + mark;
}

static int ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && strcmp(s + a - b, tail) == 0;
}

/* ---- the cases ---- */

static void test_focus_starts_on_the_first_vm_and_switches(void)
{
	size_t mark;

	CHECK(strstr(screen, "[phidias] console input -> 'a' (Ctrl-\\ then 1-3 or n switches)\r\n"),
	      "boot line: %s", screen);
	/* A pause while a is in the middle of a line is no prompt: nothing is repeated. */
	mark = screen_len;
	vm_puts(0, "[ 3.9] pps_core: ");
	vm_puts(1, "b: booting\n");
	advance_ms(2000);
	CHECK(!strstr(since(mark), "console input"), "no hint mid-line: '%s'", since(mark));
	vm_puts(0, "registered\n");
	/* a boots to a prompt while b still prints its boot log: once all is quiet, the hint again. */
	vm_puts(0, "a# ");
	console_vm_flush(&vms[0]);
	vm_puts(1, "b: still booting\n");
	advance_ms(2000);
	CHECK(ends_with(screen, "b: still booting\r\n[phidias] console input -> 'a' (Ctrl-\\ then "
			"1-3 or n switches)\r\n[a] a# "), "boot ends with the hint and a's prompt: '%s'",
	      screen);
	type("x");
	CHECK(strcmp(devs[0].got, "x") == 0 && devs[1].len == 0, "typed x reached a only");
	mark = screen_len;
	type("\x1c" "2y");
	CHECK(strstr(since(mark), "console input -> 'b'"), "switch to b: %s", since(mark));
	CHECK(strcmp(devs[1].got, "y") == 0, "y went to b: '%s'", devs[1].got);
	type("\x1c\x1c");
	CHECK(strcmp(devs[1].got, "y\x1c") == 0, "Ctrl-\\ twice sends one 0x1c");
}

static void test_prompt_is_shown_again_after_a_switch(void)
{
	size_t mark;

	vm_puts(2, "c-prompt# \x1b[6n");	/* busybox asks where the cursor is */
	console_vm_flush(&vms[2]);	/* c waits for input: its prompt shows */
	vm_puts(0, "a says hi\n");
	mark = screen_len;
	type("\x1c" "3");
	CHECK(strstr(since(mark), "console input -> 'c'"), "switch to c: %s", since(mark));
	CHECK(ends_with(since(mark), "\r\n[c] c-prompt# "), "c's prompt again at the end, "
	      "without the query the terminal would answer again: '%s'", since(mark));
	/* What c prints next continues the line shown. */
	vm_puts(2, "ls\n");
	CHECK(ends_with(screen, "[c] c-prompt# ls\r\n"), "the line continues: '%s'", since(mark));
}

static void test_cut_prompt_is_shown_again_when_output_settles(void)
{
	size_t mark;

	vm_puts(2, "c-prompt# ");
	console_vm_flush(&vms[2]);
	mark = screen_len;
	for (int i = 0; i < 5; i++)
		vm_puts(1, "b boot log line\n");
	CHECK(ends_with(screen, "b boot log line\r\n"), "b's lines cut c's prompt");
	advance_ms(100);
	CHECK(ends_with(screen, "b boot log line\r\n"), "not yet: others may still print");
	advance_ms(2000);
	CHECK(ends_with(since(mark), "[phidias] console input -> 'c' (Ctrl-\\ then 1-3 or n switches)"
			"\r\n[c] c-prompt# "), "hint and c's prompt at the end: '%s'", since(mark));
	mark = screen_len;
	advance_ms(2000);
	CHECK(screen_len == mark, "shown once: '%s'", since(mark));
	vm_puts(2, "\n");
}

static void test_selecting_a_stopped_vm_keeps_the_focus(void)
{
	size_t mark = screen_len;

	vms[0].state = VM_STOPPED;
	type("\x1c" "1");
	CHECK(strstr(since(mark), "console: VM 'a' is stopped; input stays with 'c'"),
	      "stopped VM refused: '%s'", since(mark));
	type("z");
	CHECK(ends_with(devs[2].got, "z"), "focus still on c");
	mark = screen_len;
	type("\x1c" "n");
	CHECK(strstr(since(mark), "console input -> 'b'"), "n skips nothing running: '%s'",
	      since(mark));
	mark = screen_len;
	type("\x1c" "n");
	CHECK(strstr(since(mark), "console input -> 'c'"), "n skips stopped a: '%s'", since(mark));
}

static void test_focus_leaves_a_vm_that_stops(void)
{
	size_t mark = screen_len;

	vms[2].state = VM_STOPPED;
	console_vm_stopped(&vms[2]);
	CHECK(strstr(since(mark), "console input -> 'b' ('c' stopped; Ctrl-\\ then 1-3 or n switches)"),
	      "focus moved to b: '%s'", since(mark));
	type("w");
	CHECK(ends_with(devs[1].got, "w"), "input follows");
	vms[0].state = vms[2].state = VM_RUNNING;
}

static void test_flow_control_holds_input_until_there_is_room(void)
{
	char sent[301];
	size_t mark;

	devs[1].len = 0;
	devs[1].room = 100;
	for (int i = 0; i < 300; i++)
		sent[i] = (char)('A' + i % 26);
	sent[300] = '\0';
	type(sent);
	CHECK(devs[1].len == 100, "b took what it had room for (%zu)", devs[1].len);
	CHECK(!rx_irq_on && rx_len == 199, "the UART is no longer read (irq %d, %zu left)",
	      rx_irq_on, rx_len);
	while (rx_len || !rx_irq_on) {
		size_t before = devs[1].len;

		dev_drain(1);	/* the guest reads everything it has */
		if (rx_irq_on)
			console_irq();
		if (devs[1].len == before)
			break;
	}
	CHECK(devs[1].len == 300 && memcmp(devs[1].got, sent, 300) == 0,
	      "all 300 arrived in order (%zu)", devs[1].len);
	CHECK(rx_irq_on, "reading again");
	mark = screen_len;
	advance_ms(3000);
	CHECK(!strstr(since(mark), "reads no input"), "a VM that reads is never cut off");
}

static void test_a_vm_that_never_reads_cannot_keep_the_keyboard(void)
{
	size_t mark = screen_len;

	devs[1].room = devs[1].len;	/* full, and it never reads */
	type("stuck");
	CHECK(!rx_irq_on, "held back first");
	advance_ms(1200);
	CHECK(!rx_irq_on, "a short pause is waited out");
	advance_ms(1500);
	CHECK(strstr(since(mark), "console: 'b' reads no input"), "said so: '%s'", since(mark));
	CHECK(rx_irq_on, "reading again");
	type("more\x1c" "1q");
	CHECK(strstr(since(mark), "console input -> 'a'"), "the escape still works: '%s'",
	      since(mark));
	CHECK(ends_with(devs[0].got, "q"), "a gets what follows");
	CHECK(devs[1].len == devs[1].room, "nothing more reached b");
}

static void test_a_partial_line_makes_the_next_wait_seen(void)
{
	int before;

	vm_puts(1, "b done\n");
	CHECK(!console_vm_unshown(&vms[1]), "nothing of b unshown");
	before = idle_traps;
	vm_puts(1, "b# ");
	CHECK(idle_traps > before, "a partial line traps the writer's WFI");
	CHECK(console_vm_unshown(&vms[1]), "b's prompt is not on the screen yet");
	console_vm_flush(&vms[1]);
	CHECK(!console_vm_unshown(&vms[1]), "shown once b waits");
	vm_puts(1, "\n");
}

static void test_a_switch_does_not_cut_a_line_being_written(void)
{
	size_t mark;

	vm_puts(0, "a: half a li");	/* a prints a line, not a prompt */
	mark = screen_len;
	type("\x1c" "1");
	CHECK(strstr(since(mark), "console input -> 'a'"), "switch to a: %s", since(mark));
	CHECK(!strstr(since(mark), "half"), "the unfinished line is not shown: '%s'", since(mark));
	vm_puts(0, "ne\n");
	CHECK(ends_with(screen, "[a] a: half a line\r\n"), "it comes whole: '%s'", since(mark));
}

static void test_panic_while_printing_still_prints(void)
{
	size_t mark = screen_len;

	deadlocked = halted = 0;
	panic_at_putc = 3;	/* a fault inside the output lock */
	if (!setjmp(escape_jmp))
		vm_puts(0, "line that faults\n");
	panic_at_putc = -1;
	CHECK(!deadlocked, "panic took the console's lock again (deadlock)");
	CHECK(halted, "the CPU halted");
	CHECK(strstr(since(mark), "[phidias] fault while printing\r\n"
		     "[phidias] panic: hypervisor halted\r\n"), "panic printed: '%s'", since(mark));
}

int main(void)
{
	if (setjmp(escape_jmp)) {
		CHECK(0, "unexpected %s", deadlocked ? "deadlock" : "halt");
		return unit_summary("test_console");
	}
	boot();
	test_focus_starts_on_the_first_vm_and_switches();
	test_prompt_is_shown_again_after_a_switch();
	test_cut_prompt_is_shown_again_when_output_settles();
	test_selecting_a_stopped_vm_keeps_the_focus();
	test_focus_leaves_a_vm_that_stops();
	test_flow_control_holds_input_until_there_is_room();
	test_a_vm_that_never_reads_cannot_keep_the_keyboard();
	test_a_partial_line_makes_the_next_wait_seen();
	test_a_switch_does_not_cut_a_line_being_written();
	test_panic_while_printing_still_prints();
	return unit_summary("test_console");
}
