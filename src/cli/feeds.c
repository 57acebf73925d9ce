/*
 * gazette feeds add URL [--name N] [--section SLUG]
 * gazette feeds list | remove ID | fetch [ID] | import FILE.opml | export
 *
 * The river's feeds (issue 15), by the rules of core/river.c, which the
 * server's feed thread runs too.  add fetches URL: a feed is followed as
 * it is, a page's first announced feed instead; it prints
 * ID<TAB>FEED_URL.  list prints ID, URL, name, section, enabled or
 * disabled, the last status and the last error, tab-separated.  fetch
 * fetches every enabled feed now (or feed ID, even a disabled one), then
 * prunes, printing one line a feed: ID, URL, status, new headlines,
 * error; exit 1 when feed ID failed.  import follows each feed of an OPML
 * file (those followed already are left as they are) and prints how many
 * it added; export writes OPML 2.0 to standard output.
 *
 * gazette feeds filter add RULE [--feed ID] | filter list | filter remove ID
 *
 * Keyword filters: a headline whose title has RULE (a word or phrase,
 * ASCII case and runs of white space ignored) is hidden, of feed ID or of
 * every feed, those stored already included (removing a filter shows
 * again what it alone hid).
 * add prints the filter's ID; list prints ID, the feed's ID or "all",
 * and the rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../core/river.h"
#include "../core/settings.h"
#include "../feed/feed.h"
#include "../store/river.h"
#include "../util/buf.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/banned.h"

/* An OPML file is at most this big (LIM_OPML_OUTLINES outlines of a few
 * hundred bytes each). */
#define OPML_MAX_BYTES (16 * 1024 * 1024)

static int
feeds_add(struct conf *c, int argc, char **argv)
{
	const char *name = NULL, *section = NULL, *feed_url;
	const struct cli_flag flags[] = {{"name", &name, NULL},
	                                 {"section", &section, NULL},
	                                 {NULL, NULL, NULL}};
	struct store *st;
	struct arena *a;
	struct error e;
	int64_t id;
	int rc, npos;

	rc = cli_args("feeds add", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos > 1)
		return cli_usage("feeds add: unexpected argument '%s'",
		                 argv[3]);
	if (npos != 1)
		return cli_usage_of("feeds add");
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	rc = 0;
	if (river_follow(st, a, c->url, argv[2], name, section, clock_now(),
	                 &id, &feed_url, &e) == -1)
		rc = cli_fail(&e);
	else
		printf("%lld\t%s\n", (long long)id, feed_url);
	arena_free(a);
	store_close(st);
	return rc;
}

static int
feeds_list(struct conf *c)
{
	struct river_source *all;
	struct store *st;
	struct arena *a;
	struct error e;
	size_t n;
	int rc = 0;

	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (store_river_source_list(st, a, &all, &n, &e) == -1)
		rc = cli_fail(&e);
	else
		for (size_t i = 0; i < n; i++)
			printf("%lld\t%s\t%s\t%s\t%s\t%d\t%s\n",
			       (long long)all[i].id, all[i].url, all[i].name,
			       all[i].section_slug,
			       all[i].enabled ? "enabled" : "disabled",
			       all[i].last_status, all[i].last_error);
	arena_free(a);
	store_close(st);
	return rc;
}

/* The ID argument of form ("feeds remove"): 0, or the exit status. */
static int
id_arg(const char *form, const char *arg, int64_t *id)
{
	if (num_parse(arg, 1, INT64_MAX, id) == -1)
		return cli_usage("%s: '%s' is not a feed id", form, arg);
	return 0;
}

static int
feeds_remove(struct conf *c, const char *arg)
{
	struct store *st;
	struct error e;
	int64_t id;
	int rc;

	if ((rc = id_arg("feeds remove", arg, &id)) != 0)
		return rc;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	rc = store_river_source_delete(st, id, &e) == -1 ? cli_fail(&e) : 0;
	store_close(st);
	return rc;
}

struct fetch_out {
	int failed;
};

static void
fetch_report(const struct river_report *r, void *arg)
{
	struct fetch_out *fo = arg;

	if (*r->error != '\0')
		fo->failed++;
	printf("%lld\t%s\t%ld\t%d\t%s\n", (long long)r->id, r->url, r->status,
	       r->added, r->error);
	fflush(stdout);
}

static int
feeds_fetch(struct conf *c, const char *arg)
{
	struct fetch_out out = {0};
	struct river_opts o = {.site_url = c->url,
	                       .report = fetch_report,
	                       .report_arg = &out};
	struct store *st;
	struct error e;
	int64_t id = 0, pruned;
	int rc, fetched;

	if (arg != NULL && (rc = id_arg("feeds fetch", arg, &id)) != 0)
		return rc;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	rc = 0;
	if (river_fetch(st, &o, id > 0 ? RIVER_ONE : RIVER_ALL, id, clock_now(),
	                &fetched, &e) == -1 ||
	    river_prune(st, clock_now(), &pruned, &e) == -1)
		rc = cli_fail(&e);
	else if (id > 0 && out.failed > 0)
		rc = 1;
	store_close(st);
	return rc;
}

static int
feeds_import(struct conf *c, const char *path)
{
	struct opml_feed *feeds;
	struct store *st;
	struct arena *a;
	struct error e;
	struct buf b;
	size_t n, added = 0, had = 0;
	int64_t section, id;
	int rc = 0;

	buf_init(&b, OPML_MAX_BYTES);
	a = arena_new();
	if (cli_read_file(path, &b, &e) == -1 ||
	    opml_parse(a, b.p, b.len, &feeds, &n, &e) == -1) {
		buf_release(&b);
		arena_free(a);
		return cli_fail(&e);
	}
	st = site_open(c, &e);
	if (st == NULL) {
		buf_release(&b);
		arena_free(a);
		return cli_fail(&e);
	}
	if (river_section(st, a, NULL, clock_now(), &section, &e) == -1)
		rc = cli_fail(&e);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct river_source in = {.url = feeds[i].url,
		                          .name = feeds[i].title,
		                          .site_url = feeds[i].site,
		                          .folder = feeds[i].folder,
		                          .section_id = section,
		                          .enabled = 1};

		if (strncmp(in.url, "http://", 7) != 0 &&
		    strncmp(in.url, "https://", 8) != 0) {
			fprintf(stderr,
			        "gazette: feeds import: %s: not an "
			        "http(s) URL, skipped\n",
			        in.url);
			continue;
		}
		if (store_river_source_add(st, &in, clock_now(), &id, &e) == 0)
			added++;
		else if (e.code == ERR_CONFLICT)
			had++;
		else
			rc = cli_fail(&e);
	}
	if (rc == 0)
		printf("%zu added, %zu followed already\n", added, had);
	buf_release(&b);
	arena_free(a);
	store_close(st);
	return rc;
}

static int
feeds_export(struct conf *c)
{
	struct river_source *all;
	struct opml_feed *feeds;
	struct store *st;
	struct arena *a;
	struct error e;
	struct buf b;
	size_t n;
	int rc = 0;

	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	buf_init(&b, OPML_MAX_BYTES);
	if (store_river_source_list(st, a, &all, &n, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	feeds = arena_zalloc(a, (n + 1) * sizeof(*feeds));
	for (size_t i = 0; i < n; i++) {
		feeds[i].url = all[i].url;
		feeds[i].title = all[i].name;
		feeds[i].site = all[i].site_url;
		feeds[i].folder = all[i].folder;
	}
	if (opml_write(&b, settings_str(st, a, "title"), feeds, n) == -1) {
		error_set(&e, ERR_TOO_BIG, "feeds export: over %d bytes",
		          OPML_MAX_BYTES);
		rc = cli_fail(&e);
	} else {
		fwrite(b.p, 1, b.len, stdout);
		if (b.len > 0 && b.p[b.len - 1] != '\n')
			putchar('\n');
	}
out:
	buf_release(&b);
	arena_free(a);
	store_close(st);
	return rc;
}

static int
filter_add(struct conf *c, int argc, char **argv)
{
	const char *feed = NULL, *rule;
	const struct cli_flag flags[] = {{"feed", &feed, NULL},
	                                 {NULL, NULL, NULL}};
	struct store *st;
	struct arena *a;
	struct error e;
	int64_t source = 0, id;
	int rc, npos, changed;

	rc = cli_args("feeds filter add", argc, argv, 3, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos > 1)
		return cli_usage("feeds filter add: unexpected argument '%s'",
		                 argv[4]);
	if (npos != 1)
		return cli_usage_of("feeds filter add");
	rule = argv[3];
	if (river_filter_check(rule, &e) == -1)
		return cli_usage("feeds filter add: %s", e.msg);
	if (feed != NULL &&
	    (rc = id_arg("feeds filter add", feed, &source)) != 0)
		return rc;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	rc = 0;
	if (river_filter_add(st, a, source, rule, clock_now(), &id, &changed,
	                     &e) == -1)
		rc = cli_fail(&e);
	else
		printf("%lld\n", (long long)id);
	arena_free(a);
	store_close(st);
	return rc;
}

static int
filter_list(struct conf *c)
{
	struct river_filter *all;
	struct store *st;
	struct arena *a;
	struct error e;
	size_t n;
	int rc = 0;

	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	if (store_river_filter_list(st, a, &all, &n, &e) == -1)
		rc = cli_fail(&e);
	else
		for (size_t i = 0; i < n; i++)
			printf("%lld\t%s\t%s\n", (long long)all[i].id,
			       all[i].source_id > 0
			               ? arena_printf(a, "%lld",
			                              (long long)all[i]
			                                      .source_id)
			               : "all",
			       all[i].rule);
	arena_free(a);
	store_close(st);
	return rc;
}

static int
filter_remove(struct conf *c, const char *arg)
{
	struct store *st;
	struct arena *a;
	struct error e;
	int64_t id;
	int rc, changed;

	if (num_parse(arg, 1, INT64_MAX, &id) == -1)
		return cli_usage("feeds filter remove: '%s' is not a filter "
		                 "id",
		                 arg);
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	rc = river_filter_remove(st, a, id, &changed, &e) == -1 ? cli_fail(&e)
	                                                        : 0;
	arena_free(a);
	store_close(st);
	return rc;
}

/* "feeds WORD" with at most max positional arguments after it: CLI_GO
 * with *npos, or the exit status. */
static int
words(const char *form, int argc, char **argv, int min, int max, int *npos)
{
	int from = strncmp(form, "feeds filter ", 13) == 0 ? 3 : 2;
	int rc = cli_args(form, argc, argv, from, NULL, npos);

	if (rc != CLI_GO)
		return rc;
	if (*npos > max)
		return cli_usage("%s: unexpected argument '%s'", form,
		                 argv[from + max]);
	if (*npos < min)
		return cli_usage_of(form);
	return CLI_GO;
}

int
cmd_feeds(struct conf *c, int argc, char **argv)
{
	const char *w = argc >= 2 ? argv[1] : "";
	int rc, npos;

	if (strcmp(w, "add") == 0)
		return feeds_add(c, argc, argv);
	if (strcmp(w, "list") == 0 || strcmp(w, "export") == 0) {
		rc = words(strcmp(w, "list") == 0 ? "feeds list"
		                                  : "feeds export",
		           argc, argv, 0, 0, &npos);
		if (rc != CLI_GO)
			return rc;
		return strcmp(w, "list") == 0 ? feeds_list(c) : feeds_export(c);
	}
	if (strcmp(w, "remove") == 0) {
		rc = words("feeds remove", argc, argv, 1, 1, &npos);
		return rc != CLI_GO ? rc : feeds_remove(c, argv[2]);
	}
	if (strcmp(w, "fetch") == 0) {
		rc = words("feeds fetch", argc, argv, 0, 1, &npos);
		return rc != CLI_GO
		               ? rc
		               : feeds_fetch(c, npos == 1 ? argv[2] : NULL);
	}
	if (strcmp(w, "filter") == 0) {
		const char *f = argc >= 3 ? argv[2] : "";

		if (strcmp(f, "add") == 0)
			return filter_add(c, argc, argv);
		if (strcmp(f, "list") == 0) {
			rc = words("feeds filter list", argc, argv, 0, 0,
			           &npos);
			return rc != CLI_GO ? rc : filter_list(c);
		}
		if (strcmp(f, "remove") == 0) {
			rc = words("feeds filter remove", argc, argv, 1, 1,
			           &npos);
			return rc != CLI_GO ? rc : filter_remove(c, argv[3]);
		}
		return cli_usage_of("feeds filter");
	}
	if (strcmp(w, "import") == 0) {
		rc = words("feeds import", argc, argv, 1, 1, &npos);
		return rc != CLI_GO ? rc : feeds_import(c, argv[2]);
	}
	return cli_usage_of("feeds");
}
