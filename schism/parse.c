/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pass 1: read the scenario and its platform, parse them with libxml2 and
 * validate them against config/scenario.xsd and config/platform.xsd.
 * Every parser and validator message is reported as file:line.
 */
#define _XOPEN_SOURCE 700
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

/* What the error handler knows about the document being read. */
struct parse_ctx {
	const char *file;	/* for messages without a file */
	const char *schema;	/* the XSD, for the names it declares */
	xmlDocPtr xsd;		/* read on the first unknown name */
	char *last_pattern;	/* "Element 'x', attribute 'y'" of the last
				 * pattern error, and its line */
	long last_pattern_line;
};

/* Built-in integer types: libxml2 says only "not a valid value of the
 * atomic type"; say what is expected. */
static const struct {
	const char *type;
	const char *hint;
} type_hints[] = {
	{ "'xs:positiveInteger'", "write a decimal whole number of 1 or more, "
				  "such as 2" },
	{ "'xs:nonNegativeInteger'", "write a decimal whole number of 0 or "
				     "more, such as 0 or 3" },
	{ "'xs:boolean'", "write true or false" },
};

/* "X: 'v' is not a valid value of the atomic type 't'." becomes
 * "X: invalid value 'v'; <hint>". */
static char *explain_type(const char *msg)
{
	const char *q = strstr(msg, ": '"), *end;

	if (!q)
		return NULL;
	end = strstr(q, "' is not a valid value of the atomic type ");
	if (!end)
		return NULL;
	for (size_t i = 0; i < sizeof(type_hints) / sizeof(type_hints[0]); i++)
		if (strstr(end, type_hints[i].type))
			return xasprintf("%.*s: invalid value '%.*s'; %s",
					 (int)(q - msg), msg,
					 (int)(end - q - 3), q + 3,
					 type_hints[i].hint);
	return xasprintf("%.*s: invalid value '%.*s' (%s)", (int)(q - msg), msg,
			 (int)(end - q - 3), q + 3,
			 end + strlen("' is not a valid value of the "));
}

static int is_xs(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !xmlStrcmp(n->name, BAD_CAST name);
}

/* The xs:element and xs:attribute declarations directly inside decl (not
 * inside a nested xs:element), by their name attribute. */
static void collect_decls(xmlNodePtr decl, const char *kind,
			  const char ***names, unsigned *n)
{
	for (xmlNodePtr c = decl->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_xs(c, kind)) {
			xmlChar *nm = xmlGetProp(c, BAD_CAST "name");

			if (nm) {
				const char **nn = realloc(*names, (*n + 1) *
							  sizeof(**names));

				if (!nn) {
					xmlFree(nm);
					return;
				}
				*names = nn;
				(*names)[(*n)++] = xstrdup((const char *)nm);
				xmlFree(nm);
			}
		}
		if (!is_xs(c, "element"))
			collect_decls(c, kind, names, n);
	}
}

/* The xs:element named name directly inside decl (not inside a nested
 * xs:element), or NULL. */
static xmlNodePtr child_decl(xmlNodePtr decl, const xmlChar *name)
{
	for (xmlNodePtr c = decl->children; c; c = c->next) {
		xmlNodePtr found = NULL;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_xs(c, "element")) {
			xmlChar *nm = xmlGetProp(c, BAD_CAST "name");

			if (nm && !xmlStrcmp(nm, name))
				found = c;
			xmlFree(nm);
		} else {
			found = child_decl(c, name);
		}
		if (found)
			return found;
	}
	return NULL;
}

/* The declaration of instance element e, found by its path from the
 * document root through the schema's nested xs:element declarations. */
static xmlNodePtr find_decl(xmlNodePtr xsd_root, xmlNodePtr e)
{
	xmlNodePtr path[32], decl = xsd_root;
	unsigned depth = 0;

	for (xmlNodePtr p = e; p && p->type == XML_ELEMENT_NODE; p = p->parent) {
		if (depth == 32)
			return NULL;
		path[depth++] = p;
	}
	while (decl && depth--)
		decl = child_decl(decl, path[depth]->name);
	return decl;
}

/*
 * " (did you mean 'memory'?)" for an element or attribute the schema does
 * not declare there, from the names it declares in that place.
 */
static char *suggest_name(struct parse_ctx *c, XML_ERR_ARG err, int attr,
			  const char *word)
{
	xmlNodePtr node = err->node, decl;
	const char **names = NULL;
	unsigned n = 0;
	char *out = NULL, *hint;

	if (!node || !word)
		return NULL;
	if (node->type == XML_ATTRIBUTE_NODE)
		node = node->parent;
	if (!node || node->type != XML_ELEMENT_NODE)
		return NULL;
	if (!attr)
		node = node->parent;	/* the unknown element's parent */
	if (!c->xsd)
		c->xsd = xmlReadFile(c->schema, NULL, XML_PARSE_NONET);
	if (!c->xsd)
		return NULL;
	if (!node || node->type != XML_ELEMENT_NODE) {
		decl = xmlDocGetRootElement(c->xsd);	/* the root element */
	} else {
		decl = find_decl(xmlDocGetRootElement(c->xsd), node);
		if (!decl)
			return NULL;
	}
	collect_decls(decl, attr ? "attribute" : "element", &names, &n);
	if (n && strstr(err->message, "Expected is one of")) {
		/* libxml2 listed them already: only the suggestion is new */
		const char *best = diag_closest(word, names, n);

		if (best)
			out = xasprintf(" (did you mean '%s'?)", best);
	} else if (n) {
		hint = diag_names_hint(word, names, n, attr ?
				       "allowed attributes" : "allowed elements");
		out = xasprintf("; %s", hint);
		free(hint);
	}
	for (unsigned i = 0; i < n; i++)
		free((char *)names[i]);
	free(names);
	return out;
}

/* The name between "prefix'" and the next "'" in msg, or NULL. */
static char *quoted_after(const char *msg, const char *prefix)
{
	const char *p = strstr(msg, prefix), *e;

	if (!p)
		return NULL;
	p += strlen(prefix);
	e = strchr(p, '\'');
	return e ? xasprintf("%.*s", (int)(e - p), p) : NULL;
}

static void xml_error_handler(void *ctx, XML_ERR_ARG err)
{
	struct parse_ctx *c = ctx;
	char *msg, *better, *where, *extra = NULL;
	size_t n;

	if (!err || !err->message || err->level == XML_ERR_WARNING)
		return;
	msg = xstrdup(err->message);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* "Element 'x', attribute 'y'": the subject of the message */
	where = xasprintf("%.*s", (int)strcspn(msg, ":"), msg);
	if (strstr(msg, "is not a valid value of the atomic type")) {
		/* libxml2 may follow a pattern error with a type error for
		 * the same value: say it once */
		if (c->last_pattern && err->line == c->last_pattern_line &&
		    !strcmp(where, c->last_pattern)) {
			free(where);
			free(msg);
			return;
		}
		better = explain_type(msg);
	} else {
		better = explain_pattern(msg);
		if (better) {
			free(c->last_pattern);
			c->last_pattern = xstrdup(where);
			c->last_pattern_line = err->line;
		}
	}
	if (better) {
		free(msg);
		msg = better;
	}
	if (strstr(msg, "This element is not expected")) {
		char *w = quoted_after(msg, "Element '");

		extra = suggest_name(c, err, 0, w);
		free(w);
	} else if (strstr(msg, "is not allowed") && strstr(msg, "The attribute '")) {
		char *w = quoted_after(msg, "The attribute '");

		extra = suggest_name(c, err, 1, w);
		free(w);
	}
	n = strlen(msg);
	if (extra && extra[0] == ';' && n && msg[n - 1] == '.')
		msg[n - 1] = '\0';
	diag_error(err->file ? err->file : c->file, err->line, "%s%s", msg,
		   extra ? extra : "");
	free(extra);
	free(where);
	free(msg);
}

/*
 * A DOCTYPE can declare entities and attribute defaults that the XSD
 * validator never sees (xmlGetProp returns DTD defaults: <!ATTLIST shmem
 * access CDATA "rw">), so a scenario or platform file may not have one.
 * It can only stand in the prolog, before the root element: scan the
 * bytes there (XML declaration, comments, processing instructions).
 * Returns the line of "<!DOCTYPE", or 0.
 */
static long doctype_line(const uint8_t *b, size_t n)
{
	size_t i = 0;
	long line = 1;

	if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
		i = 3;		/* UTF-8 byte-order mark */
	while (i < n) {
		const char *end = NULL;
		size_t skip = 0;

		if (b[i] == '\n') {
			line++;
			i++;
			continue;
		}
		if (b[i] == ' ' || b[i] == '\t' || b[i] == '\r') {
			i++;
			continue;
		}
		if (n - i >= 9 && !memcmp(b + i, "<!DOCTYPE", 9))
			return line;
		if (n - i >= 4 && !memcmp(b + i, "<!--", 4)) {
			end = "-->";
			skip = 4;
		} else if (n - i >= 2 && !memcmp(b + i, "<?", 2)) {
			end = "?>";
			skip = 2;
		} else {
			return 0;	/* the root element (or not XML) */
		}
		for (i += skip; i < n && memcmp(b + i, end, strlen(end)); i++)
			if (b[i] == '\n')
				line++;
		i += strlen(end);
	}
	return 0;
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
	struct parse_ctx ctx = { path, schema_path, NULL, NULL, 0 };
	long dt;

	*bytes = read_file(path, nbytes);
	if (!*bytes && errno == EISDIR) {
		diag_error(ref_file ? ref_file : path, ref_line, "'%s' is a "
			   "directory; give the path of an XML file", path);
		return NULL;
	}
	if (!*bytes) {
		diag_error(ref_file ? ref_file : path, ref_line,
			   "cannot read '%s': %s", path, strerror(errno));
		return NULL;
	}
	dt = doctype_line(*bytes, *nbytes);
	if (dt) {
		diag_error(path, dt, "a <!DOCTYPE> is not allowed: its entities "
			   "and attribute defaults would change the document "
			   "behind the schema's back; remove it and write the "
			   "values out");
		return NULL;
	}
	if (*nbytes > 0x7fffffff) {
		diag_error(path, 0, "file too large");
		return NULL;
	}
	xmlSetStructuredErrorFunc(&ctx, xml_error_handler);
	doc = xmlReadMemory((const char *)*bytes, (int)*nbytes, path, NULL,
			    XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	if (doc && (doc->intSubset || doc->extSubset) && diag_count() == before)
		/* a DOCTYPE the byte scan did not see (another encoding) */
		diag_error(path, 0, "a <!DOCTYPE> is not allowed: its entities "
			   "and attribute defaults would change the document "
			   "behind the schema's back; remove it");
	if (!doc || diag_count() != before) {
		if (diag_count() == before)
			diag_error(path, 0, "not a well-formed XML document");
		xmlFreeDoc(doc);
		xmlSetStructuredErrorFunc(NULL, NULL);
		xmlFreeDoc(ctx.xsd);
		free(ctx.last_pattern);
		return NULL;
	}

	ctx.file = schema_path;
	xmlSetStructuredErrorFunc(&ctx, xml_error_handler);
	pctx = xmlSchemaNewParserCtxt(schema_path);
	schema = pctx ? xmlSchemaParse(pctx) : NULL;
	xmlSchemaFreeParserCtxt(pctx);
	if (!schema) {
		diag_error(schema_path, 0, "cannot load the XML schema; check "
			   "the --schema argument");
		xmlFreeDoc(doc);
		xmlSetStructuredErrorFunc(NULL, NULL);
		xmlFreeDoc(ctx.xsd);
		free(ctx.last_pattern);
		return NULL;
	}
	ctx.file = path;
	vctx = xmlSchemaNewValidCtxt(schema);
	xmlSchemaSetValidStructuredErrors(vctx, xml_error_handler, &ctx);
	xmlSetStructuredErrorFunc(&ctx, xml_error_handler);
	if (xmlSchemaValidateDoc(vctx, doc) != 0 && diag_count() == before)
		diag_error(path, 0, "document does not match the schema %s",
			   schema_path);
	xmlSchemaFreeValidCtxt(vctx);
	xmlSchemaFree(schema);
	xmlSetStructuredErrorFunc(NULL, NULL);
	xmlFreeDoc(ctx.xsd);
	free(ctx.last_pattern);
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

/* The name in "a, b, c" closest to word (diag_closest()), or NULL. */
static char *closest_in_list(const char *list, const char *word)
{
	char *copy = xstrdup(list), *save = NULL, *res = NULL;
	const char **names = NULL;
	unsigned n = 0;

	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		const char **nn = realloc(names, (n + 1) * sizeof(*names));

		if (!nn)
			break;
		names = nn;
		names[n++] = t;
	}
	if (n) {
		const char *best = diag_closest(word, names, n);

		res = best ? xstrdup(best) : NULL;
	}
	free(names);
	free(copy);
	return res;
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
		char *best = closest_in_list(avail, (const char *)plat);

		diag_error(scenario_file, xmlGetLineNo(root),
			   "unknown platform '%s': there is no %s; %s%s%suse one "
			   "of: %s", (char *)plat, d->platform_file,
			   best ? "did you mean '" : "", best ? best : "",
			   best ? "'? " : "",
			   *avail ? avail : "(no platforms found; check --platforms)");
		free(best);
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
