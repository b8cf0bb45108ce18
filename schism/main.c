/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schism [-I DIR]... [--platforms DIR] [--schema FILE] (--out DIR | --check)
 *        SCENARIO.xml
 * Exit status 0 on success, 1 on any error (all errors are reported).
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlversion.h>

#include <phidias/config.h>

#include "schism.h"

#ifndef SCHISM_VERSION
#define SCHISM_VERSION "unknown"
#endif

static void usage(FILE *f)
{
	fprintf(f, "usage: schism [-I DIR]... [--platforms DIR] [--schema FILE] "
		"(--out DIR | --check)\n              SCENARIO.xml\n"
		"  -I DIR           search DIR for guest images (in order; the "
		"scenario's\n"
		"                   directory is searched last)\n"
		"  --platforms DIR  directory of platform descriptions "
		"(<name>.xml);\n"
		"                   default: config/platforms of this "
		"installation\n"
		"  --schema FILE    scenario XSD (platform.xsd is expected next "
		"to it);\n"
		"                   default: config/scenario.xsd of this "
		"installation\n"
		"  --out DIR        output directory (gen/ and memmap.txt are "
		"replaced)\n"
		"  --check          check the scenario completely, write nothing\n"
		"  --version        print the version and exit\n"
		"  -h, --help       print this help and exit\n"
		"The installation's config/ is the source tree's (schism in "
		"build/host/)\nor <prefix>/share/phidias/config (schism in "
		"<prefix>/bin/).\n");
}

/*
 * The config/ folder that belongs to this schism: next to the source tree
 * it was built in (<root>/build/host/schism -> <root>/config) or installed
 * beside it (<prefix>/bin/schism -> <prefix>/share/phidias/config).
 */
static char *default_config_dir(const char *argv0)
{
	static const char *const rel[] = { "../../config", "../share/phidias/config" };
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n > 0) {
		exe[n] = '\0';
	} else if (strchr(argv0, '/')) {
		snprintf(exe, sizeof(exe), "%s", argv0);
	} else {
		return NULL;
	}
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		char *dir = xasprintf("%s/%s", exe, rel[i]);
		char *xsd = xasprintf("%s/scenario.xsd", dir);
		int ok = file_exists(xsd);

		free(xsd);
		if (ok) {
			char *real = realpath(dir, NULL);

			if (real) {
				free(dir);
				return real;	/* plain in messages */
			}
			return dir;
		}
		free(dir);
	}
	return NULL;
}

static const char *const long_opts[] = {
	"--platforms", "--schema", "--out", "--check", "--version", "--help",
};

static int bad_usage(const char *fmt, const char *a)
{
	fprintf(stderr, "schism: error: ");
	fprintf(stderr, fmt, a);
	fprintf(stderr, "; see 'schism --help'\n");
	return 1;
}

int main(int argc, char **argv)
{
	struct schism_opts o = { 0 };
	char *cfg = NULL, *plat_default = NULL, *schema_default = NULL;
	int rc, check = 0;

	o.incdirs = calloc((size_t)argc, sizeof(char *));
	if (!o.incdirs)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		const char *val = NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			free(o.incdirs);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("schism (Phidias) %s\nconfiguration format %u, "
			       "libxml2 %s\n", SCHISM_VERSION,
			       PHIDIAS_CONFIG_VERSION, LIBXML_DOTTED_VERSION);
			free(o.incdirs);
			return 0;
		} else if (!strcmp(a, "--check")) {
			check = 1;
			continue;
		} else if (!strcmp(a, "--")) {
			if (i + 1 < argc && !o.scenario && i + 2 == argc) {
				o.scenario = argv[++i];
				continue;
			}
			free(o.incdirs);
			return bad_usage("'--' must be followed by exactly one "
					 "scenario file%s", "");
		} else if (!strncmp(a, "-I", 2) && a[2]) {
			o.incdirs[o.nr_inc++] = argv[i] + 2;
			continue;
		} else if (!strcmp(a, "-I")) {
			slot = (const char **)&o.incdirs[o.nr_inc];
		} else if (!strncmp(a, "--platforms", 11) && (!a[11] || a[11] == '=')) {
			slot = &o.platforms_dir;
			val = a[11] ? a + 12 : NULL;
		} else if (!strncmp(a, "--schema", 8) && (!a[8] || a[8] == '=')) {
			slot = &o.schema;
			val = a[8] ? a + 9 : NULL;
		} else if (!strncmp(a, "--out", 5) && (!a[5] || a[5] == '=')) {
			slot = &o.out;
			val = a[5] ? a + 6 : NULL;
		} else if (a[0] == '-' && a[1]) {
			char name[64];
			const char *best;

			snprintf(name, sizeof(name), "%.*s", (int)strcspn(a, "="), a);
			best = diag_closest(name, long_opts, sizeof(long_opts) /
					    sizeof(long_opts[0]));
			fprintf(stderr, "schism: error: unknown option '%s'%s%s%s; "
				"see 'schism --help'\n", a,
				best ? " (did you mean '" : "", best ? best : "",
				best ? "'?)" : "");
			free(o.incdirs);
			return 1;
		} else if (o.scenario) {
			fprintf(stderr, "schism: error: more than one scenario "
				"file given ('%s', '%s'); see 'schism --help'\n",
				o.scenario, a);
			free(o.incdirs);
			return 1;
		} else {
			o.scenario = a;
			continue;
		}
		/* an option that takes a value */
		if (!val) {
			if (i + 1 >= argc) {
				free(o.incdirs);
				return bad_usage("option %s needs an argument", a);
			}
			val = argv[++i];
		}
		if (!*val) {
			free(o.incdirs);
			return bad_usage("option %s needs a non-empty argument", a);
		}
		*slot = val;
		if (slot == (const char **)&o.incdirs[o.nr_inc])
			o.nr_inc++;
	}
	if (!o.scenario) {
		free(o.incdirs);
		return bad_usage("no scenario file given%s", "");
	}
	if (!o.out && !check) {
		free(o.incdirs);
		return bad_usage("give --out DIR for the generated files, or "
				 "--check to only check '%s'", o.scenario);
	}
	if (!o.platforms_dir || !o.schema) {
		cfg = default_config_dir(argv[0]);
		if (!cfg) {
			free(o.incdirs);
			return bad_usage("cannot find this installation's config/ "
					 "folder; give --platforms and --schema%s",
					 "");
		}
		plat_default = xasprintf("%s/platforms", cfg);
		schema_default = xasprintf("%s/scenario.xsd", cfg);
		if (!o.platforms_dir)
			o.platforms_dir = plat_default;
		if (!o.schema)
			o.schema = schema_default;
	}
	rc = check ? schism_check(&o) : schism_run(&o, NULL, NULL);
	free(o.incdirs);
	xmlCleanupParser();
	if (rc) {
		if (check)
			fprintf(stderr, "schism: %u error(s) in %s\n",
				diag_count(), o.scenario);
		else
			fprintf(stderr, "schism: %u error(s); nothing was written "
				"to %s\n", diag_count(), o.out);
	} else if (check) {
		printf("%s: ok\n", o.scenario);
	}
	free(cfg);
	free(plat_default);
	free(schema_default);
	return rc ? 1 : 0;
}
