/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Console multiplexer (docs/console.md).
 *
 * Output: each VM's characters are collected per line and written as
 * "[vm] line".  A partial line is shown early when its VM waits for input
 * (its UART device says so, or it idles in WFI) so prompts appear; the
 * physical line then stays
 * "open" for that VM and its next characters continue it without a second
 * tag, unless somebody else had to write in between.
 *
 * Input: typed characters go to the VM in focus.  Ctrl-\ (0x1c) is the
 * escape: then 1-9 selects a VM by position, n the next one, and a second
 * Ctrl-\ sends a literal 0x1c.  QEMU's own escape, Ctrl-A, is left alone.
 */
#include <phidias_gen.h>
#include <arch/spinlock.h>
#include <drivers/pl011.h>
#include <phidias/console.h>
#include <phidias/log.h>
#include <phidias/vm.h>

#define CONSOLE_ESCAPE 0x1c
#define LINE_MAX 160
#define NO_LINE (-1)

struct vm_console {
	char buf[LINE_MAX];
	uint32_t len;
	console_input_fn input;
	void *opaque;
};

static struct vm_console vcons[PHIDIAS_NR_VMS];
static spinlock_t out_lock = SPINLOCK_INIT;
static int open_line = NO_LINE;	/* VM whose partial line ends the physical line */
static uint32_t focus;
static int escape_pending;

static void puts_raw(const char *s)
{
	while (*s)
		pl011_putc(*s++);
}

static void end_open_line(void)
{
	if (open_line != NO_LINE) {
		puts_raw("\r\n");
		open_line = NO_LINE;
	}
}

/* Write the VM's buffered characters; out_lock held. */
static void emit(struct vm *vm, int end_of_line)
{
	struct vm_console *vc = &vcons[vm->cfg->id];

	if (open_line != (int)vm->cfg->id) {
		end_open_line();
		pl011_putc('[');
		puts_raw(vm->cfg->name);
		puts_raw("] ");
	}
	for (uint32_t i = 0; i < vc->len; i++)
		pl011_putc(vc->buf[i]);
	vc->len = 0;
	if (end_of_line) {
		puts_raw("\r\n");
		open_line = NO_LINE;
	} else {
		open_line = (int)vm->cfg->id;
	}
}

void console_vm_putc(struct vm *vm, char c)
{
	struct vm_console *vc = &vcons[vm->cfg->id];

	if (c == '\r')
		return;		/* lines end in "\r\n" on the physical UART anyway */
	spin_lock(&out_lock);
	if (c == '\n') {
		emit(vm, 1);
	} else {
		vc->buf[vc->len++] = c;
		if (vc->len == LINE_MAX)
			emit(vm, 0);
	}
	spin_unlock(&out_lock);
}

void console_vm_flush(struct vm *vm)
{
	spin_lock(&out_lock);
	if (vcons[vm->cfg->id].len)
		emit(vm, 0);
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
	spin_unlock(&out_lock);
}

static void announce_focus(void)
{
	log_info("console input -> '%s' (Ctrl-\\ then 1-%u or n switches)",
		 vms[focus].cfg->name, (unsigned)PHIDIAS_NR_VMS);
}

void console_init(void)
{
	announce_focus();
}

static void deliver(char c)
{
	struct vm_console *vc = &vcons[focus];

	if (vc->input && vms[focus].state == VM_RUNNING)
		vc->input(vc->opaque, c);
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
	if (c >= '1' && c <= '9' && (uint32_t)(c - '1') < PHIDIAS_NR_VMS) {
		focus = (uint32_t)(c - '1');
		announce_focus();
	} else if (c == 'n') {
		focus = (focus + 1) % PHIDIAS_NR_VMS;
		announce_focus();
	} else if (c == CONSOLE_ESCAPE) {
		deliver(c);
	} else {
		log_info("console: after Ctrl-\\ type 1-%u (a VM), n (next VM) or Ctrl-\\ (itself)",
			 (unsigned)PHIDIAS_NR_VMS);
	}
}

void console_irq(void)
{
	int c;

	while ((c = pl011_getc()) >= 0)
		console_input((char)c);
}
