/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Error reporting: "file:line: error: message", counted, never fatal.
 * Messages are collected and printed by diag_flush() (at the latest when
 * the program exits) grouped by file in the order the files were first
 * named, then by line, so that one run explains every mistake in the
 * order a user reads the scenario.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schism.h"

struct diag_rec {
	char *text;		/* the whole line, without '\n' */
	unsigned file_rank;	/* order in which its file was first named */
	long line;
	unsigned seq;
};

static unsigned nr_errors;
static int quiet;
static struct diag_rec *recs;
static unsigned nr_recs, cap_recs;
static char **files;		/* distinct file names, in order seen */
static unsigned nr_files;
static int atexit_done;

static unsigned file_rank(const char *file)
{
	char **nf;

	if (!file)
		return 0;	/* "schism: error:" lines come first */
	for (unsigned i = 0; i < nr_files; i++)
		if (!strcmp(files[i], file))
			return i + 1;
	nf = realloc(files, (nr_files + 1) * sizeof(*files));
	if (!nf)
		return 0;
	files = nf;
	files[nr_files] = xstrdup(file);
	return ++nr_files;
}

static void record(const char *file, long line, const char *kind,
		   const char *fmt, va_list ap)
{
	char *prefix, *body, *text;
	struct diag_rec *r;

	if (file && line > 0)
		prefix = xasprintf("%s:%ld: %s: ", file, line, kind);
	else
		prefix = xasprintf("%s: %s: ", file ? file : "schism", kind);
	{
		va_list aq;
		int n;

		va_copy(aq, ap);
		n = vsnprintf(NULL, 0, fmt, aq);
		va_end(aq);
		body = xcalloc(1, n > 0 ? (size_t)n + 1 : 1);
		if (n > 0)
			vsnprintf(body, (size_t)n + 1, fmt, ap);
	}
	{
		/* one diagnostic, one line: a value with a line break in it
		 * must not start a line that looks like something else */
		char *raw = xasprintf("%s%s", prefix, body);
		char *esc = xcalloc(1, strlen(raw) * 4 + 1), *w = esc;

		for (const unsigned char *p = (const unsigned char *)raw; *p; p++)
			if (*p == '\n')
				w += sprintf(w, "\\n");
			else if (*p < 0x20 || *p == 0x7f)
				w += sprintf(w, "\\x%02x", *p);
			else
				*w++ = (char)*p;
		text = esc;
		free(raw);
	}
	free(prefix);
	free(body);
	if (nr_recs == cap_recs) {
		unsigned nc = cap_recs ? cap_recs * 2 : 32;
		struct diag_rec *nr = realloc(recs, nc * sizeof(*recs));

		if (!nr) {	/* cannot keep it: print it now */
			fprintf(stderr, "%s\n", text);
			free(text);
			return;
		}
		recs = nr;
		cap_recs = nc;
	}
	r = &recs[nr_recs];
	r->text = text;
	r->file_rank = file_rank(file);
	r->line = line > 0 ? line : 0;
	r->seq = nr_recs++;
	if (!atexit_done) {
		atexit_done = 1;
		atexit(diag_flush);
	}
}

void diag_error(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	nr_errors++;
	if (quiet)
		return;
	va_start(ap, fmt);
	record(file, line, "error", fmt, ap);
	va_end(ap);
}

void diag_warning(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	va_start(ap, fmt);
	record(file, line, "warning", fmt, ap);
	va_end(ap);
}

static int rec_cmp(const void *a, const void *b)
{
	const struct diag_rec *x = a, *y = b;

	if (x->file_rank != y->file_rank)
		return x->file_rank < y->file_rank ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diag_flush(void)
{
	if (nr_recs)
		qsort(recs, nr_recs, sizeof(*recs), rec_cmp);
	for (unsigned i = 0; i < nr_recs; i++) {
		/* the same message twice on one line says nothing new */
		if (!i || strcmp(recs[i].text, recs[i - 1].text))
			fprintf(stderr, "%s\n", recs[i].text);
	}
	for (unsigned i = 0; i < nr_recs; i++)
		free(recs[i].text);
	nr_recs = 0;
	fflush(stderr);
}

unsigned diag_count(void)
{
	return nr_errors;
}

void diag_reset(void)
{
	diag_flush();
	nr_errors = 0;
}

void diag_set_quiet(int q)
{
	quiet = q;
}

/*
 * Optimal string alignment distance (Levenshtein with adjacent
 * transpositions): "memroy" is 1 from "memory", "ecoh" 1 from "echo".
 */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned *d = xcalloc((n + 1) * (m + 1), sizeof(*d)), r;

#define D(i, j) d[(i) * (m + 1) + (j)]
	for (size_t i = 0; i <= n; i++)
		D(i, 0) = (unsigned)i;
	for (size_t j = 0; j <= m; j++)
		D(0, j) = (unsigned)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			unsigned v = D(i - 1, j) + 1;

			if (D(i, j - 1) + 1 < v)
				v = D(i, j - 1) + 1;
			if (D(i - 1, j - 1) + cost < v)
				v = D(i - 1, j - 1) + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && D(i - 2, j - 2) + 1 < v)
				v = D(i - 2, j - 2) + 1;
			D(i, j) = v;
		}
	r = D(n, m);
#undef D
	free(d);
	return r;
}

const char *diag_closest(const char *word, const char *const *names,
			 unsigned n)
{
	const char *best = NULL;
	unsigned best_d = 0;
	size_t len = strlen(word);
	/* a third of the word, at least 1 and at most 3 edits */
	unsigned limit = len < 6 ? 1 : len < 9 ? 2 : 3;

	for (unsigned i = 0; i < n; i++) {
		unsigned dist;

		if (!names[i] || !strcmp(names[i], word))
			continue;
		dist = edit_distance(word, names[i]);
		if (dist <= limit && (!best || dist < best_d)) {
			best = names[i];
			best_d = dist;
		}
	}
	return best;
}

char *diag_names_hint(const char *word, const char *const *names, unsigned n,
		      const char *what)
{
	const char *best = word ? diag_closest(word, names, n) : NULL;
	char *list = xstrdup(""), *hint;

	for (unsigned i = 0; i < n; i++) {
		char *l;

		if (!names[i])
			continue;
		l = xasprintf("%s%s'%s'", list, *list ? ", " : "", names[i]);
		free(list);
		list = l;
	}
	if (best)
		hint = xasprintf("did you mean '%s'? %s: %s", best, what,
				 *list ? list : "(none)");
	else
		hint = xasprintf("%s: %s", what, *list ? list : "(none)");
	free(list);
	return hint;
}
