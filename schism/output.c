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

/* mkdir -p; *first_made gets the topmost directory it created (NULL if
 * all existed), so that a rollback can remove exactly those. */
static int make_dirs(const char *path, char **first_made)
{
	char *p = xstrdup(path);
	int rc = 0;

	*first_made = NULL;
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0777) == 0) {
				if (!*first_made)
					*first_made = xstrdup(p);
			} else if (errno != EEXIST) {
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

/*
 * The absolute form of dir, which need not exist: the real path of its
 * deepest existing ancestor (returned in *existing) followed by the
 * components that do not exist yet. NULL (errno set) if no ancestor can
 * be resolved.
 */
static char *abs_maybe_missing(const char *dir, char **existing)
{
	char *head = xstrdup(dir), *real, *res;
	const char *tail = "";
	char *tail_buf = NULL;

	for (;;) {
		char *slash;

		real = realpath(*head ? head : "/", NULL);
		if (real || errno != ENOENT)
			break;
		slash = strrchr(head, '/');
		free(tail_buf);
		tail_buf = xstrdup(dir + (slash ? (size_t)(slash - head) + 1 : 0));
		tail = tail_buf;
		if (!slash) {
			free(head);
			head = xstrdup(".");
		} else {
			*slash = '\0';
		}
	}
	free(head);
	if (!real) {
		free(tail_buf);
		return NULL;
	}
	*existing = xstrdup(real);
	if (!*tail)
		res = xstrdup(real);
	else
		res = xasprintf("%s/%s", strcmp(real, "/") ? real : "", tail);
	free(real);
	free(tail_buf);
	return res;
}

int output_begin(struct output *o, const char *out_dir)
{
	char *dir = xstrdup(out_dir), *base, *parent, *parent_abs, *existing;
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
	/* Nothing is created here but the temporary directory, in the
	 * deepest folder that exists; --out's missing parents are made by
	 * output_commit() once everything has succeeded. */
	parent_abs = abs_maybe_missing(parent, &existing);
	if (!parent_abs) {
		diag_error(out_dir, 0, "cannot use the parent directory '%s': "
			   "%s", parent, strerror(errno));
		free(dir);
		return -1;
	}
	o->out = xstrdup(out_dir);
	o->out_abs = xasprintf("%s/%s", strcmp(parent_abs, "/") ? parent_abs : "",
			       base);
	o->final_gen = xasprintf("%s/gen", o->out_abs);
	o->tmp = xasprintf("%s/.%s.schism-XXXXXX", strcmp(existing, "/") ?
			   existing : "", base);
	o->parent_abs = parent_abs;
	free(existing);
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

/*
 * All or nothing: the old gen/ is moved aside, the new gen/ and
 * memmap.txt are moved in; if any step fails, every step before it is
 * undone (and the folders made for --out removed), so that <out> holds
 * exactly what it held before.
 */
int output_commit(struct output *o)
{
	char *old = xasprintf("%s.old", o->tmp);
	char *mm_tmp = xasprintf("%s/memmap.txt", o->tmp);
	char *mm = xasprintf("%s/memmap.txt", o->out_abs);
	char *made = NULL, *made_out = NULL;
	int rc = -1, had_old = 0, err;

	if (make_dirs(o->parent_abs, &made)) {
		diag_error(o->out, 0, "cannot create the parent directory "
			   "'%s': %s", o->parent_abs, strerror(errno));
		goto undo;
	}
	if (mkdir(o->out_abs, 0777) == 0) {
		made_out = xstrdup(o->out_abs);
	} else if (errno != EEXIST) {
		diag_error(o->out, 0, "cannot create: %s", strerror(errno));
		goto undo;
	}
	/* Move the old gen/ aside first: rename() cannot replace a full dir. */
	if (rename(o->final_gen, old) == 0) {
		had_old = 1;
	} else if (errno != ENOENT) {
		diag_error(o->final_gen, 0, "cannot replace: %s; nothing was "
			   "changed", strerror(errno));
		goto undo;
	}
	if (rename(o->tmp_gen, o->final_gen)) {
		diag_error(o->final_gen, 0, "cannot move the generated files "
			   "into place: %s; nothing was changed", strerror(errno));
		goto undo;
	}
	/* rename() replaces an old memmap.txt atomically */
	if (rename(mm_tmp, mm)) {
		err = errno;
		if (rename(o->final_gen, o->tmp_gen))
			diag_error(o->final_gen, 0, "cannot undo: %s",
				   strerror(errno));
		diag_error(mm, 0, "cannot move the memory map into place: %s; "
			   "nothing was changed", strerror(err));
		goto undo;
	}
	rc = 0;
	goto out;
undo:
	if (had_old && rename(old, o->final_gen))
		diag_error(o->final_gen, 0, "cannot restore the previous "
			   "files: %s; they are in %s", strerror(errno), old);
	else
		had_old = 0;
	if (made_out)
		rmdir(made_out);
	if (made)
		remove_tree(made);
out:
	if (rc == 0 || !had_old)	/* else it holds the only old copy */
		remove_tree(old);
	free(made);
	free(made_out);
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
	free(o->parent_abs);
	memset(o, 0, sizeof(*o));
}
