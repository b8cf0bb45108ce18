/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schism [-I DIR]... --platforms DIR --schema FILE --out DIR SCENARIO.xml
 * Exit status 0 on success, 1 on any error (all errors are reported).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "schism.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: schism [-I DIR]... --platforms DIR --schema FILE "
		"--out DIR SCENARIO.xml\n"
		"  -I DIR         search DIR for guest images (in order; the "
		"scenario's\n"
		"                 directory is searched last)\n"
		"  --platforms D  directory of platform descriptions (<name>.xml)\n"
		"  --schema FILE  scenario XSD (platform.xsd is expected next to it)\n"
		"  --out DIR      output directory (gen/ and memmap.txt are "
		"replaced)\n");
}

int main(int argc, char **argv)
{
	struct schism_opts o = { 0 };
	int rc;

	o.incdirs = calloc((size_t)argc, sizeof(char *));
	if (!o.incdirs)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			free(o.incdirs);
			return 0;
		} else if (!strncmp(a, "-I", 2) && a[2]) {
			o.incdirs[o.nr_inc++] = argv[i] + 2;
		} else if (a[0] == '-' && !val) {
			fprintf(stderr, "schism: error: option %s needs an "
				"argument\n", a);
			usage(stderr);
			free(o.incdirs);
			return 1;
		} else if (!strcmp(a, "-I")) {
			o.incdirs[o.nr_inc++] = argv[++i];
		} else if (!strcmp(a, "--platforms")) {
			o.platforms_dir = argv[++i];
		} else if (!strcmp(a, "--schema")) {
			o.schema = argv[++i];
		} else if (!strcmp(a, "--out")) {
			o.out = argv[++i];
		} else if (a[0] == '-') {
			fprintf(stderr, "schism: error: unknown option '%s'\n", a);
			usage(stderr);
			free(o.incdirs);
			return 1;
		} else if (o.scenario) {
			fprintf(stderr, "schism: error: more than one scenario "
				"file given ('%s', '%s')\n", o.scenario, a);
			free(o.incdirs);
			return 1;
		} else {
			o.scenario = a;
		}
	}
	if (!o.platforms_dir || !o.schema || !o.out || !o.scenario) {
		fprintf(stderr, "schism: error: --platforms, --schema, --out and "
			"a scenario file are all required\n");
		usage(stderr);
		free(o.incdirs);
		return 1;
	}
	rc = schism_run(&o, NULL, NULL);
	free(o.incdirs);
	xmlCleanupParser();
	if (rc) {
		fprintf(stderr, "schism: %u error(s); nothing was written to %s\n",
			diag_count(), o.out);
		return 1;
	}
	return 0;
}
