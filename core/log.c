/* SPDX-License-Identifier: Apache-2.0 */
#include <stdint.h>
#include <arch/cpu.h>
#include <phidias/console.h>
#include <phidias/log.h>

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void out_c(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* pad < 0: left-justify with spaces */
static void out_num(struct out *o, uint64_t v, unsigned base, int neg,
		    unsigned width, int pad)
{
	char tmp[24];
	unsigned n = 0;

	do {
		unsigned d = (unsigned)(v % base);

		tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
		v /= base;
	} while (v);
	if (neg)
		tmp[n++] = '-';
	for (unsigned i = n; pad >= 0 && i < width; i++)
		out_c(o, (char)pad);
	for (unsigned i = n; i; i--)
		out_c(o, tmp[i - 1]);
	for (unsigned i = n; pad < 0 && i < width; i++)
		out_c(o, ' ');
}

size_t vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		unsigned width = 0, lng = 0;
		int pad = ' ';

		if (*fmt != '%') {
			out_c(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '-') {
			pad = -1;
			fmt++;
		} else if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (unsigned)(*fmt++ - '0');
		while (*fmt == 'l') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);

			out_num(&o, v < 0 ? (uint64_t)-v : (uint64_t)v, 10, v < 0, width, pad);
			break;
		}
		case 'u':
			out_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, 0, width, pad);
			break;
		case 'x':
			out_num(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, 0, width, pad);
			break;
		case 'p':
			out_c(&o, '0');
			out_c(&o, 'x');
			out_num(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, 0, 0, '0');
			break;
		case 'c':
			out_c(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			while (*s)
				out_c(&o, *s++);
			break;
		}
		case '%':
			out_c(&o, '%');
			break;
		default:
			out_c(&o, '%');
			if (*fmt)
				out_c(&o, *fmt);
			else
				fmt--;
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

size_t format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void log_vformat(char line[256], const char *fmt, va_list ap)
{
	static const char tag[] = "[phidias] ";
	size_t pre = sizeof(tag) - 1;

	for (size_t i = 0; i < pre; i++)
		line[i] = tag[i];
	vformat(line + pre, 256 - pre - 2, fmt, ap);
}

static void log_vemit(const char *fmt, va_list ap)
{
	char line[256];

	log_vformat(line, fmt, ap);
	console_hyp_write(line);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(fmt, ap);
	va_end(ap);
}

/*
 * No lock on this path: the CPU may have faulted while holding the
 * console's lock (printing), and waiting for it would hang silently.
 */
void panic(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	log_vformat(line, fmt, ap);
	va_end(ap);
	console_panic_write(line);
	console_panic_write("[phidias] panic: hypervisor halted");
	arch_halt();
}
