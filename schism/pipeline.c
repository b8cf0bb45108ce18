/* SPDX-License-Identifier: Apache-2.0 */
/* The passes in order; each runs only if the ones it depends on succeeded. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "schism.h"
#include "xmldocs.h"

/*
 * Check-only: generate into a private temporary directory (so that what
 * only emitting finds, such as a device tree that overflows, is found too)
 * and throw it away.
 */
static int check_only_emit(const struct scenario *s,
			   const struct scenario_tables *t)
{
	const char *tmpdir = getenv("TMPDIR");
	char *base = xasprintf("%s/schism-check-XXXXXX",
			       tmpdir && *tmpdir ? tmpdir : "/tmp");
	struct output out;
	char *dir, *memmap;
	int rc = -1;

	if (!mkdtemp(base)) {
		diag_error(base, 0, "cannot create a temporary directory for "
			   "--check: %s", strerror(errno));
		free(base);
		return -1;
	}
	dir = xasprintf("%s/out", base);
	if (!output_begin(&out, dir)) {
		memmap = xasprintf("%s/memmap.txt", out.tmp);
		rc = emit_all(s, t, out.tmp_gen, out.final_gen, memmap);
		free(memmap);
		output_abort(&out);
	}
	remove_tree(base);
	free(dir);
	free(base);
	return rc;
}

static int run(const struct schism_opts *o, struct scenario **model,
	       struct scenario_tables **tables, int check_only)
{
	struct scenario *s = xcalloc(1, sizeof(*s));
	struct scenario_tables *t = xcalloc(1, sizeof(*t));
	struct xml_docs *docs;
	struct output out;
	char *memmap;
	int rc = -1, have_tables = 0, model_rc;

	docs = parse_scenario(o->scenario, o->schema, o->platforms_dir);
	if (!docs)
		goto done;
	model_rc = model_build(docs, s);
	xml_docs_free(docs);
	/*
	 * Keep going past the first group of errors where that is safe, so
	 * that one run explains every mistake: the semantic checks run on
	 * whatever model was built, and the layout (not enough RAM, overlaps)
	 * runs when the values it works on passed their checks.
	 */
	if (check_scenario(s, o->incdirs, o->nr_inc) || model_rc) {
		if (!model_rc && check_layout_inputs(s))
			layout_memory(s);
		goto done;
	}
	if (layout_memory(s))
		goto done;
	have_tables = 1;
	if (pgtables_build(s, t))
		goto done;
	if (check_only) {
		rc = check_only_emit(s, t);
		goto done;
	}
	if (!o->out) {
		rc = 0;		/* tests: model and tables only */
		goto done;
	}
	if (output_begin(&out, o->out))
		goto done;
	memmap = xasprintf("%s/memmap.txt", out.tmp);
	if (emit_all(s, t, out.tmp_gen, out.final_gen, memmap)) {
		output_abort(&out);
		free(memmap);
		goto done;
	}
	free(memmap);
	rc = output_commit(&out);
done:
	diag_flush();
	if (rc == 0 && model && tables) {
		*model = s;
		*tables = t;
		return 0;
	}
	if (have_tables)
		pgtables_free(t);
	free(t);
	scenario_free(s);
	free(s);
	return rc ? -1 : 0;
}

int schism_run(const struct schism_opts *o, struct scenario **model,
	       struct scenario_tables **tables)
{
	return run(o, model, tables, 0);
}

int schism_check(const struct schism_opts *o)
{
	return run(o, NULL, NULL, 1);
}
