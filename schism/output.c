/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Pass 7: nothing is written to the output directory until everything
 * succeeded. Files are generated into a temporary sibling directory
 * (<parent>/.<name>.schism-XXXXXX/{gen,memmap.txt}); on success gen/ and
 * memmap.txt are renamed into <out>, replacing the old ones, and whatever
 * else lives in <out> (the build's objects and images) is left alone.
 */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "schism.h"

int remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char *p;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		p = xasprintf("%s/%s", path, e->d_name);
		if (remove_tree(p))
			rc = -1;
		free(p);
	}
	closedir(d);
	if (rmdir(path))
		rc = -1;
	return rc;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0777) && errno != EEXIST) {
				rc = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

int output_begin(struct output *o, const char *out_dir)
{
	char *dir = xstrdup(out_dir), *base, *parent, *parent_abs;
	size_t n = strlen(dir);

	memset(o, 0, sizeof(*o));
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	base = strrchr(dir, '/');
	if (base) {
		*base++ = '\0';
		parent = *dir ? dir : "/";
	} else {
		base = dir;
		parent = ".";
	}
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		diag_error(out_dir, 0, "--out must name a directory, e.g. "
			   "build/<scenario>");
		free(dir);
		return -1;
	}
	if (make_dirs(parent) || !(parent_abs = realpath(parent, NULL))) {
		diag_error(out_dir, 0, "cannot create the parent directory "
			   "'%s': %s", parent, strerror(errno));
		free(dir);
		return -1;
	}
	o->out = xstrdup(out_dir);
	o->out_abs = xasprintf("%s/%s", strcmp(parent_abs, "/") ? parent_abs : "",
			       base);
	o->final_gen = xasprintf("%s/gen", o->out_abs);
	o->tmp = xasprintf("%s/.%s.schism-XXXXXX", parent_abs, base);
	free(parent_abs);
	free(dir);
	if (strpbrk(o->out_abs, "\"\\\n")) {
		diag_error(out_dir, 0, "the output path contains a quote, "
			   "backslash or newline; use a plain path");
		output_abort(o);
		return -1;
	}
	if (!mkdtemp(o->tmp)) {
		diag_error(out_dir, 0, "cannot create a temporary directory "
			   "next to it: %s", strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		output_abort(o);
		return -1;
	}
	o->tmp_gen = xasprintf("%s/gen", o->tmp);
	if (mkdir(o->tmp_gen, 0777)) {
		diag_error(o->tmp_gen, 0, "cannot create: %s", strerror(errno));
		output_abort(o);
		return -1;
	}
	return 0;
}

int output_commit(struct output *o)
{
	char *old = xasprintf("%s.old", o->tmp);
	char *mm_tmp = xasprintf("%s/memmap.txt", o->tmp);
	char *mm = xasprintf("%s/memmap.txt", o->out_abs);
	int rc = -1;

	if (mkdir(o->out_abs, 0777) && errno != EEXIST) {
		diag_error(o->out, 0, "cannot create: %s", strerror(errno));
		goto out;
	}
	/* Move the old gen/ aside first: rename() cannot replace a full dir. */
	if (rename(o->final_gen, old) && errno != ENOENT) {
		diag_error(o->final_gen, 0, "cannot replace: %s", strerror(errno));
		goto out;
	}
	if (rename(o->tmp_gen, o->final_gen) || rename(mm_tmp, mm)) {
		diag_error(o->out, 0, "cannot move the generated files into "
			   "place: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	remove_tree(old);
	free(old);
	free(mm_tmp);
	free(mm);
	output_abort(o);
	return rc;
}

void output_abort(struct output *o)
{
	if (o->tmp)
		remove_tree(o->tmp);
	free(o->out);
	free(o->out_abs);
	free(o->tmp);
	free(o->tmp_gen);
	free(o->final_gen);
	memset(o, 0, sizeof(*o));
}
