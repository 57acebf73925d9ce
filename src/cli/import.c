/*
 * gazette import wxr FILE: a WordPress export into the site (import/wxr.c
 * does the work, in one transaction).  On a terminal, stderr shows a
 * progress line redrawn at most LIM_WXR_PROGRESS_HZ times a second: items
 * done, items per second and an ETA from the bytes read; otherwise a plain
 * log line every few seconds.  The summary table goes to stdout.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "../import/wxr.h"
#include "../util/limits.h"
#include "../util/banned.h"

#define LOG_EVERY_SECONDS 5 /* without a terminal */

struct progress {
	int tty;
	double start, last;
	int drawn;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
on_progress(void *ctx, const struct wxr_progress *p)
{
	struct progress *pg = ctx;
	double t = now_s(), elapsed = t - pg->start;
	double rate = elapsed > 0 ? (double)p->items / elapsed : 0;
	double frac = p->size > 0 ? (double)p->bytes / (double)p->size : 0;
	double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;

	if (pg->tty) {
		if (t - pg->last < 1.0 / LIM_WXR_PROGRESS_HZ)
			return;
		fprintf(stderr,
		        "\rimporting: %lld items  %.0f items/s  %3.0f%%  "
		        "ETA %d:%02d ",
		        (long long)p->items, rate, frac * 100, (int)eta / 60,
		        (int)eta % 60);
		pg->drawn = 1;
	} else {
		if (t - pg->last < LOG_EVERY_SECONDS)
			return;
		fprintf(stderr,
		        "gazette: import: %lld items, %.0f items/s, %.0f%% "
		        "read\n",
		        (long long)p->items, rate, frac * 100);
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
	int rc = 0;

	if (argc != 3 || strcmp(argv[1], "wxr") != 0)
		return cli_usage("usage: gazette import wxr FILE");
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
	if (wxr_import(st, argv[2], &o, r, &e) == -1) {
		if (pg.drawn)
			fputc('\n', stderr);
		rc = cli_fail(&e);
	} else {
		if (pg.drawn)
			fputs("\r\033[K", stderr);
		summary(argv[2], r);
	}
	store_close(st);
	return rc;
}
