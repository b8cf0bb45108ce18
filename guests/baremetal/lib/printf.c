/* SPDX-License-Identifier: Apache-2.0 */
/* printf for the console and for buffers, on one formatter with a sink. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bm/printf.h>
#include <bm/uart.h>

struct bm_sink {
	bool uart;		/* to the console, else to buf */
	char *buf;
	size_t size;
	size_t len;		/* bytes produced so far (also past size) */
};

static void bm_sink_put(struct bm_sink *sink, char c)
{
	if (sink->uart)
		bm_uart_putc(c);
	else if (sink->len + 1 < sink->size)
		sink->buf[sink->len] = c;
	sink->len++;
}

static void bm_sink_pad(struct bm_sink *sink, char c, int n)
{
	while (n-- > 0)
		bm_sink_put(sink, c);
}

struct bm_spec {
	bool left;
	bool zero;
	int width;
	int precision;		/* -1: none */
};

static void bm_format_str(struct bm_sink *sink, const char *s,
			  const struct bm_spec *spec)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (spec->precision < 0 || len < spec->precision))
		len++;
	if (!spec->left)
		bm_sink_pad(sink, ' ', spec->width - len);
	for (int i = 0; i < len; i++)
		bm_sink_put(sink, s[i]);
	if (spec->left)
		bm_sink_pad(sink, ' ', spec->width - len);
}

static void bm_format_num(struct bm_sink *sink, uint64_t v, unsigned int base,
			  bool neg, const char *prefix, bool upper,
			  const struct bm_spec *spec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, plen = 0, pad;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg)
		prefix = "-";
	while (prefix && prefix[plen])
		plen++;
	pad = spec->width - n - plen;

	if (!spec->left && !spec->zero)
		bm_sink_pad(sink, ' ', pad);
	for (int i = 0; i < plen; i++)
		bm_sink_put(sink, prefix[i]);
	if (!spec->left && spec->zero)
		bm_sink_pad(sink, '0', pad);
	while (n)
		bm_sink_put(sink, tmp[--n]);
	if (spec->left)
		bm_sink_pad(sink, ' ', pad);
}

/* Length modifier: 0 int, 1 long, 2 long long, 3 size_t. */
static uint64_t bm_arg_unsigned(va_list *ap, int lenmod)
{
	switch (lenmod) {
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	case 2: return va_arg(*ap, unsigned long long);
	default: return va_arg(*ap, size_t);
	}
}

static int64_t bm_arg_signed(va_list *ap, int lenmod)
{
	switch (lenmod) {
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	case 2: return va_arg(*ap, long long);
	default: return (int64_t)va_arg(*ap, size_t);
	}
}

static int bm_format_int(const char **pp, va_list *ap)
{
	const char *p = *pp;
	int v = 0;

	if (*p == '*') {
		*pp = p + 1;
		return va_arg(*ap, int);
	}
	while (*p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	*pp = p;
	return v;
}

static void bm_format(struct bm_sink *sink, const char *fmt, va_list *ap)
{
	const char *p = fmt;

	while (*p) {
		const char *start = p;
		struct bm_spec spec = { .precision = -1 };
		int lenmod = 0;

		if (*p != '%') {
			bm_sink_put(sink, *p++);
			continue;
		}
		p++;
		for (;; p++) {
			if (*p == '-')
				spec.left = true;
			else if (*p == '0')
				spec.zero = true;
			else
				break;
		}
		spec.width = bm_format_int(&p, ap);
		if (spec.width < 0) {
			spec.left = true;
			spec.width = -spec.width;
		}
		if (*p == '.') {
			p++;
			spec.precision = bm_format_int(&p, ap);
		}
		if (*p == 'l') {
			lenmod = 1;
			if (*++p == 'l') {
				lenmod = 2;
				p++;
			}
		} else if (*p == 'z') {
			lenmod = 3;
			p++;
		}

		switch (*p) {
		case 'd':
		case 'i': {
			int64_t v = bm_arg_signed(ap, lenmod);
			uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

			bm_format_num(sink, mag, 10, v < 0, NULL, false, &spec);
			break;
		}
		case 'u':
			bm_format_num(sink, bm_arg_unsigned(ap, lenmod), 10,
				      false, NULL, false, &spec);
			break;
		case 'x':
		case 'X':
			bm_format_num(sink, bm_arg_unsigned(ap, lenmod), 16,
				      false, NULL, *p == 'X', &spec);
			break;
		case 'p':
			bm_format_num(sink, (uintptr_t)va_arg(*ap, void *), 16,
				      false, "0x", false, &spec);
			break;
		case 'c': {
			char c = (char)va_arg(*ap, int);

			if (!spec.left)
				bm_sink_pad(sink, ' ', spec.width - 1);
			bm_sink_put(sink, c);
			if (spec.left)
				bm_sink_pad(sink, ' ', spec.width - 1);
			break;
		}
		case 's':
			bm_format_str(sink, va_arg(*ap, const char *), &spec);
			break;
		case '%':
			bm_sink_put(sink, '%');
			break;
		default:
			/* Unknown conversion: show it as written. */
			while (start < p)
				bm_sink_put(sink, *start++);
			if (!*p)
				return;
			bm_sink_put(sink, *p);
			break;
		}
		p++;
	}
}

int bm_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct bm_sink sink = { .buf = buf, .size = buf ? size : 0 };
	va_list aq;

	va_copy(aq, ap);
	bm_format(&sink, fmt, &aq);
	va_end(aq);
	if (sink.size)
		sink.buf[sink.len < size ? sink.len : size - 1] = '\0';
	return (int)sink.len;
}

int bm_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = bm_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int bm_vprintf(const char *fmt, va_list ap)
{
	struct bm_sink sink = { .uart = true };
	va_list aq;

	va_copy(aq, ap);
	bm_format(&sink, fmt, &aq);
	va_end(aq);
	return (int)sink.len;
}

int bm_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = bm_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void bm_puts(const char *s)
{
	bm_uart_puts(s);
	bm_uart_putc('\n');
}
