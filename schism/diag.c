/* SPDX-License-Identifier: Apache-2.0 */
/* Error reporting: "file:line: error: message", counted, never fatal. */
#include <stdarg.h>
#include <stdio.h>

#include "schism.h"

static unsigned nr_errors;
static int quiet;

void diag_error(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	nr_errors++;
	if (quiet)
		return;
	if (file && line > 0)
		fprintf(stderr, "%s:%ld: error: ", file, line);
	else if (file)
		fprintf(stderr, "%s: error: ", file);
	else
		fprintf(stderr, "schism: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

unsigned diag_count(void)
{
	return nr_errors;
}

void diag_reset(void)
{
	nr_errors = 0;
}

void diag_set_quiet(int q)
{
	quiet = q;
}

void diag_warning(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	if (file && line > 0)
		fprintf(stderr, "%s:%ld: warning: ", file, line);
	else
		fprintf(stderr, "%s: warning: ", file ? file : "schism");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
