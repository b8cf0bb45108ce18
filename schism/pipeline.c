/* SPDX-License-Identifier: Apache-2.0 */
/* The passes in order; each runs only if the ones before it succeeded. */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "schism.h"
#include "xmldocs.h"

int schism_run(const struct schism_opts *o, struct scenario **model,
	       struct scenario_tables **tables)
{
	struct scenario *s = xcalloc(1, sizeof(*s));
	struct scenario_tables *t = xcalloc(1, sizeof(*t));
	struct xml_docs *docs;
	struct output out;
	char *memmap;
	int rc = -1, have_tables = 0;

	docs = parse_scenario(o->scenario, o->schema, o->platforms_dir);
	if (!docs)
		goto done;
	rc = model_build(docs, s);
	xml_docs_free(docs);
	if (rc)
		goto done;
	rc = -1;
	if (check_scenario(s, o->incdirs, o->nr_inc))
		goto done;
	if (layout_memory(s))
		goto done;
	have_tables = 1;
	if (pgtables_build(s, t))
		goto done;
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
