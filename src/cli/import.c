/*
 * gazette import wxr FILE: a WordPress export into the site (import/wxr.c
 * does the work, in one transaction).  On a terminal, stderr shows a
 * progress bar redrawn at most LIM_WXR_PROGRESS_HZ times a second: the
 * share of the file read, items done, items per second and an ETA from
 * the bytes read; otherwise plain log lines (the start, one every
 * LOG_EVERY_SECONDS, the end).  Either way a last line on stderr gives
 * the items, the time and the rate, and the summary table (added,
 * existing, skipped and why, per kind) goes to stdout.
 *
 * --media DIR (a copy of the old site's wp-content/uploads): the files
 * stored and the bodies' links to them rewritten, then one more line on
 * stdout: files found, missing, refused, links rewritten, featured images.
 * --media-fetch asks the old host for the files the folder lacks (or for
 * all of them, without --media).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "../core/settings.h"
#include "../feed/fetch.h"
#include "../import/wxr.h"
#include "../util/limits.h"
#include "../store/sqlite.h"
#include "../util/banned.h"

#define LOG_EVERY_SECONDS 5  /* without a terminal */
#define PROGRESS_BAR      24 /* characters of the bar */

struct progress {
	int tty;
	double start, last;
	int drawn;
	struct wxr_progress p; /* the latest */
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "1:05" or "1:02:05" */
static void
duration(double s, char *out, size_t n)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		         t % 60);
	else
		snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

/*
 * One redraw: a bar of the bytes read, items, items/s and the ETA, which
 * assumes the rest of the file reads at the pace of what was read so far
 * (items vary in size; bytes do not).
 */
static void
draw(struct progress *pg, double t)
{
	const struct wxr_progress *p = &pg->p;
	double elapsed = t - pg->start;
	double rate = elapsed > 0 ? (double)p->items / elapsed : 0;
	double frac = p->size > 0 ? (double)p->bytes / (double)p->size : 0;
	char bar[PROGRESS_BAR + 1], eta[32];
	int full;

	if (frac > 1)
		frac = 1;
	full = (int)(frac * PROGRESS_BAR);
	for (int i = 0; i < PROGRESS_BAR; i++)
		bar[i] = i < full ? '#' : '.';
	bar[PROGRESS_BAR] = '\0';
	if (frac > 0)
		duration(elapsed * (1 - frac) / frac, eta, sizeof(eta));
	else
		snprintf(eta, sizeof(eta), "?");
	fprintf(stderr,
	        "\r\033[K[%s] %3.0f%%  %lld items  %.0f items/s  ETA %s", bar,
	        frac * 100, (long long)p->items, rate, eta);
	pg->drawn = 1;
}

static void
on_progress(void *ctx, const struct wxr_progress *p)
{
	struct progress *pg = ctx;
	double t = now_s(), elapsed = t - pg->start;
	double frac = p->size > 0 ? (double)p->bytes / (double)p->size : 0;

	pg->p = *p;
	if (pg->tty) {
		/* the first item at once, then LIM_WXR_PROGRESS_HZ a second */
		if (pg->drawn && t - pg->last < 1.0 / LIM_WXR_PROGRESS_HZ)
			return;
		draw(pg, t);
	} else {
		if (t - pg->last < LOG_EVERY_SECONDS)
			return;
		fprintf(stderr,
		        "gazette: import: %lld items, %.0f items/s, %.0f%% "
		        "read\n",
		        (long long)p->items,
		        elapsed > 0 ? (double)p->items / elapsed : 0,
		        frac * 100);
	}
	pg->last = t;
}

static void
summary(const char *file, const struct wxr_report *r)
{
	printf("imported %s (WXR %s%s%s): %lld items\n", file, r->version,
	       *r->base_url ? ", from " : "", r->base_url, (long long)r->items);
	printf("%-14s %9s %9s %9s  %s\n", "", "added", "existing", "skipped",
	       "why skipped");
	for (int k = 0; k < WXR_KIND__MAX; k++) {
		if (r->added[k] == 0 && r->existing[k] == 0 &&
		    r->skipped[k] == 0)
			continue;
		printf("%-14s %9lld %9lld %9lld  %s\n", wxr_kind_names[k],
		       (long long)r->added[k], (long long)r->existing[k],
		       (long long)r->skipped[k],
		       r->skipped[k] ? r->why[k] : "");
	}
}

/*
 * --media DIR: the pictures, after the posts are in (wxr.h, wxr_media), in
 * a transaction of their own.  Files already stored stay if it fails:
 * they are named by their content, so a second run finds them.
 */
/*
 * --media-fetch: one file at a time from the old host (politely: one
 * connection, gazette's User-Agent, limits.h's timeouts), at most
 * LIM_MEDIA_IMAGE_BYTES held (feed/fetch.c caps the decoded bytes as they
 * arrive); bigger files (audio, video) are for --media.  Loopback and
 * private addresses only with the setting feeds_allow_private, as for
 * feeds.
 */
struct media_fetch_ctx {
	const char *site_url;
	int allow_private;
};

static int
fetch_one(void *ctx, const char *url, const char *dst, struct error *e)
{
	struct media_fetch_ctx *x = ctx;
	struct feed_fetch_opts o = {0};
	struct feed_request q = {url, NULL, NULL};
	struct feed_result res;
	FILE *f;
	int rc = -1;

	o.site_url = x->site_url;
	o.allow_private = x->allow_private;
	o.max_bytes = LIM_MEDIA_IMAGE_BYTES;
	if (feed_fetch(&o, &q, 1, &res, e) == -1)
		return -1;
	if (res.error.code != ERR_OK) {
		error_set(e, res.error.code, "%s: %s", url, res.error.msg);
		goto out;
	}
	if (res.status != 200) {
		error_set(e, ERR_NOT_FOUND, "%s: HTTP %ld", url, res.status);
		goto out;
	}
	f = fopen(dst, "wb");
	if (f == NULL ||
	    fwrite(buf_str(&res.body), 1, res.body.len, f) != res.body.len) {
		error_set(e, ERR_IO, "writing '%s'", dst);
		if (f != NULL)
			fclose(f);
		goto out;
	}
	if (fclose(f) != 0) {
		error_set(e, ERR_IO, "writing '%s'", dst);
		goto out;
	}
	rc = 0;
out:
	feed_result_release(&res);
	return rc;
}

static int
import_media(struct conf *c, struct store *st, const char *dir, int fetch,
             const struct wxr_report *r)
{
	struct media_fetch_ctx x = {c->url, 0};
	struct wxr_media_report m;
	struct error e;
	struct arena *a = arena_new();

	x.allow_private = settings_int(st, a, "feeds_allow_private") == 1;
	arena_free(a);
	if (store_begin(st, &e) == -1)
		return cli_fail(&e);
	if (wxr_media(st, c->site, dir, r->base_url, fetch ? fetch_one : NULL,
	              &x, &m, &e) == -1) {
		store_rollback(st);
		return cli_fail(&e);
	}
	if (store_commit(st, &e) == -1)
		return cli_fail(&e);
	printf("media from %s: %lld files found, %lld missing, %lld refused, "
	       "%lld links rewritten, %lld featured images",
	       dir != NULL ? dir : r->base_url, (long long)m.found,
	       (long long)m.missing, (long long)m.refused,
	       (long long)m.rewritten, (long long)m.featured);
	if (fetch)
		printf(", %lld fetched from the old host",
		       (long long)m.fetched);
	printf("\n");
	if (m.refused > 0 || (fetch && m.missing > 0))
		printf("the last problem: %s\n", m.why);
	return 0;
}

int
cmd_import(struct conf *c, int argc, char **argv)
{
	struct progress pg = {0};
	struct wxr_options o = {0};
	struct wxr_report *r;
	struct error e;
	struct store *st;
	static struct wxr_report report;
	size_t n = strlen(c->url);
	int rc, npos, alone = 0;
	const char *media_dir = NULL;
	int media_fetch = 0;
	const struct cli_flag flags[] = {{"media", &media_dir, NULL},
	                                 {"media-fetch", NULL, &media_fetch},
	                                 {NULL, NULL, NULL}};

	if (argc < 2 || strcmp(argv[1], "wxr") != 0)
		return cli_usage_of("import");
	rc = cli_args("import wxr", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 1)
		return cli_usage_of("import wxr");
	rc = 0;
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	while (n > 0 && c->url[n - 1] == '/')
		c->url[--n] = '\0';
	pg.tty = isatty(2);
	pg.start = pg.last = now_s();
	o.site_url = c->url;
	o.progress = on_progress;
	o.ctx = &pg;
	r = &report;
	if (store_import_alone(st, 1, &alone, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	if (!alone)
		fprintf(stderr,
		        "gazette: import: the site's database is open elsewhere "
		        "(a running server?): importing alongside it, more "
		        "slowly\n");
	/* One transaction around wxr_import's own (they nest), so bulk
	 * mode's changes commit or roll back with the import. */
	if (store_begin(st, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	if (store_import_bulk(st, 1, &e) == -1 ||
	    wxr_import(st, argv[2], &o, r, &e) == -1 ||
	    store_import_bulk(st, 0, &e) == -1) {
		store_rollback(st); /* the triggers come back with it */
		if (pg.drawn)
			fputc('\n', stderr);
		rc = cli_fail(&e);
	} else if (store_commit(st, &e) == -1) {
		rc = cli_fail(&e);
	} else {
		double t = now_s(), secs = t - pg.start;
		char took[32];

		duration(secs, took, sizeof(took));
		if (pg.drawn) {
			/* the bar at 100%, left on the screen */
			pg.p.bytes = pg.p.size;
			draw(&pg, t);
			fputc('\n', stderr);
		}
		/* items here, as on the bar, are every top-level entry:
		 * authors and terms as well as the <item>s */
		fprintf(stderr,
		        "gazette: import: done: %lld items in %s (%.1f s, "
		        "%.0f items/s)\n",
		        (long long)pg.p.items, took, secs,
		        secs > 0 ? (double)pg.p.items / secs : 0);
		summary(argv[2], r);
		if (media_dir != NULL || media_fetch)
			rc = import_media(c, st, media_dir, media_fetch, r);
	}
	if (alone && store_import_alone(st, 0, &alone, &e) == -1 && rc == 0)
		rc = cli_fail(&e);
out:
	store_close(st);
	return rc;
}
