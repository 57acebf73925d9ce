/*
 * gazette export wxr [--output FILE]: the whole site as a WordPress
 * (WXR 1.2) file on stdout, or in FILE (import/wxr_export.c does the
 * work).  With --output the file is written beside FILE first and renamed
 * over it only when complete, so a failed export never leaves half a file
 * under the name.  A line saying what was written goes to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../import/wxr_export.h"
#include "../util/arena.h"
#include "../util/clock.h"
#include "../util/banned.h"

int
cmd_export(struct conf *c, int argc, char **argv)
{
	struct wxr_export_options o = {0};
	struct wxr_export_report r;
	struct error e;
	struct store *st = NULL;
	struct arena *a = NULL;
	const char *output = NULL, *v;
	char tmp[4200];
	FILE *f = stdout;
	size_t n = strlen(c->url);
	const struct cli_flag flags[] = {{"output", &output, NULL},
	                                 {NULL, NULL, NULL}};
	int rc, npos;

	if (argc < 2 || strcmp(argv[1], "wxr") != 0)
		return cli_usage_of("export");
	rc = cli_args("export wxr", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 0 || (output != NULL && *output == '\0'))
		return cli_usage_of("export wxr");
	rc = 1;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	while (n > 0 && c->url[n - 1] == '/')
		c->url[--n] = '\0';
	a = arena_new();
	o.site_url = c->url;
	o.now = clock_now();
	if (store_setting_get(st, a, "title", &v, &e) == -1)
		goto fail;
	o.title = v ? v : "";
	if (store_setting_get(st, a, "tagline", &v, &e) == -1)
		goto fail;
	o.tagline = v ? v : "";
	if (output != NULL) {
		snprintf(tmp, sizeof(tmp), "%s.tmp%ld", output, (long)getpid());
		f = fopen(tmp, "w");
		if (f == NULL) {
			error_set(&e, ERR_IO, "%s: cannot write: %s", tmp,
			          strerror(errno));
			goto fail;
		}
	}
	if (wxr_export(st, f, &o, &r, &e) == -1) {
		if (output != NULL) {
			fclose(f);
			unlink(tmp);
		}
		goto fail;
	}
	if (output != NULL) {
		if (fclose(f) == EOF) {
			unlink(tmp);
			error_set(&e, ERR_IO, "%s: cannot write: %s", tmp,
			          strerror(errno));
			goto fail;
		}
		if (rename(tmp, output) == -1) {
			unlink(tmp);
			error_set(&e, ERR_IO, "%s: cannot write: %s", output,
			          strerror(errno));
			goto fail;
		}
	}
	fprintf(stderr,
	        "gazette: exported %lld authors, %lld terms, %lld items, "
	        "%lld comments\n",
	        (long long)r.users, (long long)r.terms, (long long)r.items,
	        (long long)r.comments);
	rc = 0;
	goto out;
fail:
	rc = cli_fail(&e);
out:
	arena_free(a);
	store_close(st);
	return rc;
}
