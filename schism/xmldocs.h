/* SPDX-License-Identifier: Apache-2.0 */
/* The parsed, schema-valid documents handed from parse.c to model.c. */
#ifndef SCHISM_XMLDOCS_H
#define SCHISM_XMLDOCS_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

struct xml_docs {
	char *scenario_file, *platform_file;
	xmlDocPtr scenario, platform;
	uint8_t *scenario_bytes, *platform_bytes;
	size_t scenario_nbytes, platform_nbytes;
};

/* Reading the documents (model.c, link.c). */
int xml_is_elem(xmlNodePtr n, const char *name);	/* element named name */
char *xml_prop(xmlNodePtr n, const char *name);	/* attribute, malloc'd, or NULL */

#endif
