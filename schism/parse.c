/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pass 1: read the scenario and its platform, parse them with libxml2 and
 * validate them against config/scenario.xsd and config/platform.xsd.
 * Every parser and validator message is reported as file:line.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "schism.h"
#include "xmldocs.h"

#if LIBXML_VERSION >= 21200
#define XML_ERR_ARG const xmlError *
#else
#define XML_ERR_ARG xmlErrorPtr
#endif

/*
 * What to tell the user when a value does not match a pattern of the
 * schema, keyed by a piece of the pattern (libxml2 names the pattern, not
 * the type, in its message).
 */
static const struct {
	const char *pattern;
	const char *hint;
} pattern_hints[] = {
	{ "[KMGkmg]", "write a size such as 4096, 0x1000, 64K, 16M or 1G" },
	{ "(us|ms|s)", "write a time such as 500us, 10ms or 1s" },
	{ "[A-Za-z0-9][A-Za-z0-9_.", "use 1-64 characters of A-Z, a-z, 0-9, "
				     "'_', '.' and '-'" },
	{ "[a-z0-9][a-z0-9_", "names are 1-16 characters of a-z, 0-9, '_' "
			      "and '-', starting with a letter or digit" },
	{ "0[xX][0-9a-fA-F]+|[0-9]+", "write a number such as 33 or 0x40000000" },
	{ "[^", "give a plain file name without quotes, backslashes or line "
		"breaks" },
};

/* "X: [facet 'pattern'] The value 'v' is not accepted by the pattern 'p'."
 * becomes "X: invalid value 'v'; <hint>". */
static char *explain_pattern(const char *msg)
{
	const char *facet = strstr(msg, "[facet 'pattern'] The value '");
	const char *vend, *pat;

	if (!facet)
		return NULL;
	vend = strstr(facet, "' is not accepted by the pattern '");
	if (!vend)
		return NULL;
	pat = vend + strlen("' is not accepted by the pattern '");
	const size_t skip = strlen("[facet 'pattern'] The value '");

	/* first match wins: the table lists specific patterns first */
	for (size_t i = 0; i < sizeof(pattern_hints) / sizeof(pattern_hints[0]); i++)
		if (strstr(pat, pattern_hints[i].pattern))
			return xasprintf("%.*sinvalid value '%.*s'; %s",
					 (int)(facet - msg), msg,
					 (int)(vend - facet - (ptrdiff_t)skip),
					 facet + skip, pattern_hints[i].hint);
	return NULL;
}

static void xml_error_handler(void *ctx, XML_ERR_ARG err)
{
	const char *fallback = ctx;
	char *msg, *better;
	size_t n;

	if (!err || !err->message || err->level == XML_ERR_WARNING)
		return;
	/* libxml2 may follow a pattern error with a type error: say it once. */
	if (strstr(err->message, "is not a valid value of the atomic type"))
		return;
	msg = xstrdup(err->message);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	better = explain_pattern(msg);
	if (better) {
		free(msg);
		msg = better;
	}
	diag_error(err->file ? err->file : fallback, err->line, "%s", msg);
	free(msg);
}

static xmlDocPtr load_doc(const char *path, uint8_t **bytes, size_t *nbytes,
			  const char *schema_path, long ref_line,
			  const char *ref_file)
{
	xmlSchemaParserCtxtPtr pctx;
	xmlSchemaValidCtxtPtr vctx;
	xmlSchemaPtr schema;
	xmlDocPtr doc;
	unsigned before = diag_count();

	*bytes = read_file(path, nbytes);
	if (!*bytes) {
		diag_error(ref_file ? ref_file : path, ref_line,
			   "cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (*nbytes > 0x7fffffff) {
		diag_error(path, 0, "file too large");
		return NULL;
	}
	xmlSetStructuredErrorFunc((void *)path, xml_error_handler);
	doc = xmlReadMemory((const char *)*bytes, (int)*nbytes, path, NULL,
			    XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	if (!doc || diag_count() != before) {
		if (diag_count() == before)
			diag_error(path, 0, "not a well-formed XML document");
		xmlFreeDoc(doc);
		xmlSetStructuredErrorFunc(NULL, NULL);
		return NULL;
	}

	xmlSetStructuredErrorFunc((void *)schema_path, xml_error_handler);
	pctx = xmlSchemaNewParserCtxt(schema_path);
	schema = pctx ? xmlSchemaParse(pctx) : NULL;
	xmlSchemaFreeParserCtxt(pctx);
	if (!schema) {
		diag_error(schema_path, 0, "cannot load the XML schema; check "
			   "the --schema argument");
		xmlFreeDoc(doc);
		xmlSetStructuredErrorFunc(NULL, NULL);
		return NULL;
	}
	vctx = xmlSchemaNewValidCtxt(schema);
	xmlSchemaSetValidStructuredErrors(vctx, xml_error_handler, (void *)path);
	xmlSetStructuredErrorFunc((void *)path, xml_error_handler);
	if (xmlSchemaValidateDoc(vctx, doc) != 0 && diag_count() == before)
		diag_error(path, 0, "document does not match the schema %s",
			   schema_path);
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(schema);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (diag_count() != before) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

/* "a, b, c" of the *.xml files in dir, for the unknown-platform message. */
static char *list_platforms(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *list = xstrdup("");

	if (!d)
		return list;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		char *l;

		if (n <= 4 || strcmp(e->d_name + n - 4, ".xml"))
			continue;
		l = xasprintf("%s%s%.*s", list, *list ? ", " : "",
			      (int)(n - 4), e->d_name);
		free(list);
		list = l;
	}
	closedir(d);
	return list;
}

static char *sibling_path(const char *file, const char *name)
{
	const char *slash = strrchr(file, '/');

	if (!slash)
		return xstrdup(name);
	return xasprintf("%.*s/%s", (int)(slash - file), file, name);
}

struct xml_docs *parse_scenario(const char *scenario_file,
				const char *schema_file,
				const char *platforms_dir)
{
	struct xml_docs *d = xcalloc(1, sizeof(*d));
	xmlNodePtr root;
	xmlChar *plat;
	char *plat_schema;

	d->scenario_file = xstrdup(scenario_file);
	d->scenario = load_doc(scenario_file, &d->scenario_bytes,
			       &d->scenario_nbytes, schema_file, 0, NULL);
	if (!d->scenario)
		goto fail;

	root = xmlDocGetRootElement(d->scenario);
	plat = xmlGetProp(root, BAD_CAST "platform");
	d->platform_file = xasprintf("%s/%s.xml", platforms_dir, (char *)plat);
	if (!file_exists(d->platform_file)) {
		char *avail = list_platforms(platforms_dir);

		diag_error(scenario_file, xmlGetLineNo(root),
			   "unknown platform '%s': there is no %s; use one of: %s",
			   (char *)plat, d->platform_file,
			   *avail ? avail : "(no platforms found; check --platforms)");
		free(avail);
		xmlFree(plat);
		goto fail;
	}
	plat_schema = sibling_path(schema_file, "platform.xsd");
	d->platform = load_doc(d->platform_file, &d->platform_bytes,
			       &d->platform_nbytes, plat_schema,
			       xmlGetLineNo(root), scenario_file);
	free(plat_schema);
	if (d->platform) {
		xmlNodePtr proot = xmlDocGetRootElement(d->platform);
		xmlChar *pname = xmlGetProp(proot, BAD_CAST "name");

		if (!pname || xmlStrcmp(pname, plat))
			diag_error(d->platform_file, xmlGetLineNo(proot),
				   "platform file is named '%s' but describes "
				   "platform '%s'; make the name attribute match "
				   "the file name", (char *)plat,
				   pname ? (char *)pname : "");
		xmlFree(pname);
	}
	xmlFree(plat);
	if (!d->platform || diag_count())
		goto fail;
	return d;
fail:
	xml_docs_free(d);
	return NULL;
}

void xml_docs_free(struct xml_docs *d)
{
	if (!d)
		return;
	xmlFreeDoc(d->scenario);
	xmlFreeDoc(d->platform);
	free(d->scenario_bytes);
	free(d->platform_bytes);
	free(d->scenario_file);
	free(d->platform_file);
	free(d);
}
