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

#endif
