/* SPDX-License-Identifier: Apache-2.0 */
/*
 * schism's diagnostics: messages collected and printed sorted by file (in
 * the order first named) and line, duplicates said once; "did you mean"
 * suggestions; parse_size() reading the lexical forms of the schema's
 * integer types; comment_safe() leaving nothing that ends a comment.
 */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schism.h"
#include "unit.h"

/* Runs diag_flush() with stderr captured into buf. */
static void flush_into(char *buf, size_t len)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	size_t n;

	fflush(stderr);
	dup2(fileno(tmp), 2);
	diag_flush();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	n = fread(buf, 1, len - 1, tmp);
	buf[n] = '\0';
	fclose(tmp);
}

static void test_messages_come_sorted_by_file_then_line(void)
{
	char buf[2048];

	diag_reset();
	diag_error("b.xml", 9, "nine");
	diag_error("b.xml", 3, "three");
	diag_warning("b.xml", 5, "five");
	diag_error("plat.xml", 2, "platform");
	diag_error("b.xml", 3, "three");	/* said twice: printed once */
	diag_error("b.xml", 3, "three again");
	diag_error(NULL, 0, "general");
	diag_error("b.xml", 4, "value '%s'", "a\nb.xml:1: error: fake\t");
	flush_into(buf, sizeof(buf));
	CHECK(!strcmp(buf, "schism: error: general\n"
		      "b.xml:3: error: three\n"
		      "b.xml:3: error: three again\n"
		      "b.xml:4: error: value 'a\\nb.xml:1: error: fake\\x09'\n"
		      "b.xml:5: warning: five\n"
		      "b.xml:9: error: nine\n"
		      "plat.xml:2: error: platform\n"), "got:\n%s", buf);
	CHECK(diag_count() == 7, "errors counted: %u", diag_count());
	flush_into(buf, sizeof(buf));
	CHECK(!*buf, "flushed twice: %s", buf);
	diag_reset();
	CHECK(diag_count() == 0, "reset");
}

static void test_suggestions(void)
{
	const char *elems[] = { "vcpu", "memory", "kernel", "initrd", "cap" };
	const char *vms[] = { "alpha", "echo", "linux1", "linux2" };
	char *h;

	CHECK(diag_closest("memroy", elems, 5) &&
	      !strcmp(diag_closest("memroy", elems, 5), "memory"), "memroy");
	CHECK(!strcmp(diag_closest("ecoh", vms, 4), "echo"), "ecoh");
	CHECK(!strcmp(diag_closest("linux3", vms, 4), "linux1"), "linux3");
	CHECK(!strcmp(diag_closest("kernl", elems, 5), "kernel"), "kernl");
	CHECK(diag_closest("disk", elems, 5) == NULL, "disk is nothing like");
	CHECK(diag_closest("memory", elems, 5) == NULL, "itself is no typo");
	h = diag_names_hint("ecoh", vms, 4, "the VMs are");
	CHECK(!strcmp(h, "did you mean 'echo'? the VMs are: 'alpha', 'echo', "
		      "'linux1', 'linux2'"), "%s", h);
	free(h);
	h = diag_names_hint("zzz", vms, 2, "the VMs are");
	CHECK(!strcmp(h, "the VMs are: 'alpha', 'echo'"), "%s", h);
	free(h);
}

static void test_integer_forms(void)
{
	uint64_t v = 7;

	CHECK(!parse_size("+2", &v) && v == 2, "+2");
	CHECK(!parse_size(" 1 ", &v) && v == 1, "' 1 '");
	CHECK(!parse_size("\t3\n", &v) && v == 3, "tab/newline");
	CHECK(!parse_size("-0", &v) && v == 0, "-0");
	CHECK(!parse_size("007", &v) && v == 7, "leading zeros");
	CHECK(parse_size("-1", &v), "-1 rejected");
	CHECK(parse_size("+0x2", &v), "+0x2 rejected");
	CHECK(parse_size(" 16M", &v), "blank before a size with suffix");
	CHECK(parse_size("+", &v) && parse_size(" ", &v), "no digits");
	CHECK(!parse_size("0xfffffffffffff000", &v) && v == 0xfffffffffffff000ull,
	      "large hex");
	CHECK(parse_size("18446744073709551616", &v), "2^64 does not fit");
	CHECK(!parse_size("16M", &v) && v == 16u << 20, "16M");
}

static void test_comment_safe(void)
{
	char *c = comment_safe("x*/s.xml\n// ?\?/ \\ \xc3\xa9");

	CHECK(!strstr(c, "*/") && !strchr(c, '\n') && !strstr(c, "??") &&
	      !strchr(c, '*'), "%s", c);
	CHECK(!strcmp(c, "x\\x2a/s.xml\\x0a// \\x3f\\x3f/ \\x5c \\xc3\\xa9"), "%s", c);
	free(c);
}

int main(void)
{
	test_messages_come_sorted_by_file_then_line();
	test_suggestions();
	test_integer_forms();
	test_comment_safe();
	return unit_summary("test_diag");
}
