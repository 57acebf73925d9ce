/*
 * The river's rules (see river.h): feed/ fetches and parses, store/
 * keeps; this file decides what a fetch's outcome writes.
 *
 * A fetch's state (validators, status, the next fetch) is written without
 * moving the store's generation; new entries move it, so cached pages go
 * only when a fetch added something (store/river.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "river.h"
#include "settings.h"
#include "videos.h"
#include "../feed/feed.h"
#include "../feed/fetch.h"
#include "../feed/schedule.h"
#include "../store/river.h"
#include "../store/site.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/metrics.h"
#include "../util/banned.h"

#define RIVER_TICK_MS       1000
#define RIVER_PRUNE_SECONDS 3600

static void
fetch_opts(struct store *st, struct arena *a, const struct river_opts *o,
           struct feed_fetch_opts *fo)
{
	memset(fo, 0, sizeof(*fo));
	fo->site_url = o->site_url;
	fo->allow_private = settings_int(st, a, "feeds_allow_private") == 1;
	fo->stop = o->stop;
	fo->stop_arg = o->stop_arg;
}

/* "HTTP 404", or the transfer's own error, or "" for a good answer. */
static const char *
result_error(struct arena *a, const struct feed_result *r)
{
	if (r->error.code != ERR_OK)
		return arena_printf(a, "%s", r->error.msg);
	if (r->status >= 200 && r->status < 300)
		return "";
	if (r->status == 304)
		return "";
	return arena_printf(a, "HTTP %ld", r->status);
}

/* doc's entries into src's river; *added: new ones shown. */
static int
store_doc(struct store *st, struct arena *a, const struct river_source *src,
          const struct feed_doc *doc, int64_t now, int *added, struct error *e)
{
	struct river_entry *en;
	const char *rules;
	char hit[LIM_FEED_FILTER_LINE_BYTES + 1];

	*added = 0;
	if (doc->n_entries == 0)
		return 0;
	if (store_river_filter_rules(st, a, src->id, &rules, e) == -1)
		return -1;
	en = arena_zalloc(a, doc->n_entries * sizeof(*en));
	for (size_t i = 0; i < doc->n_entries; i++) {
		const struct feed_entry *fe = &doc->entries[i];

		en[i].key = fe->key;
		en[i].cross_key = fe->cross_key;
		en[i].link = fe->link;
		en[i].title = *fe->title != '\0' ? fe->title : fe->text;
		en[i].text = fe->text;
		en[i].author = fe->author;
		en[i].published_at =
			fe->published > 0 ? fe->published : fe->updated;
		en[i].hidden =
			*rules != '\0' && feed_filter_match(rules, en[i].title,
		                                            hit)
				? RIVER_FILTERED
				: RIVER_SHOWN;
	}
	return store_river_entries_add(st, src->id, en, doc->n_entries, now,
	                               added, e);
}

/*
 * A source followed without a name or site (an OPML outline without a
 * title) takes the feed's.  Pages show the name beside each headline, so
 * it is written before the headlines are, and so that cached pages go.
 */
static int
name_from(struct store *st, struct river_source *up, const struct feed_doc *doc,
          struct error *e)
{
	int named = 0;

	if (*up->name == '\0' && *doc->title != '\0') {
		up->name = doc->title;
		named = 1;
	}
	if (*up->site_url == '\0' && *doc->link != '\0') {
		up->site_url = doc->link;
		named = 1;
	}
	if (!named)
		return 0;
	return store_river_source_named(st, up->id, up->name, up->site_url, e);
}

/* The first feed the page in r announces, or NULL. */
static const char *
announced(struct arena *a, const struct feed_result *r, const char *base)
{
	struct feed_link *links;
	size_t n;

	if (feed_discover(a, r->body.p, r->body.len, base, &links, &n) == -1 ||
	    n == 0)
		return NULL;
	return links[0].url;
}

/*
 * What fetch r of src leaves: entries stored, the source's state
 * written, rep filled.  A body that is not a feed counts as an error.
 */
static int
apply(struct store *st, struct arena *a, const struct river_source *src,
      const struct feed_result *r, int64_t now, struct river_report *rep,
      struct error *e)
{
	struct feed_sched sc = {
		.interval = src->interval,
		.errors = src->errors,
		.redirects = src->redirects,
		.redirect_to =
			*src->redirect_to != '\0' ? src->redirect_to : NULL,
	};
	struct river_source up = *src;
	struct feed_plan plan;
	struct feed_doc doc;
	struct error pe;
	const char *found = NULL;
	int fresh =
		r->error.code == ERR_OK && r->status >= 200 && r->status < 300;

	memset(rep, 0, sizeof(*rep));
	rep->id = src->id;
	rep->status = r->status;
	rep->error = result_error(a, r);
	feed_plan(&sc, r, 0, now, &plan);
	if (plan.parse) {
		const char *base =
			r->effective_url != NULL ? r->effective_url : src->url;

		if (feed_parse(a, r->body.p, r->body.len, r->content_type, base,
		               &doc, &pe) == -1) {
			fresh = 0;
			if (src->discover &&
			    (found = announced(a, r, base)) != NULL) {
				/* a page: its feed is fetched next */
				up.url = found;
				up.discover = 0;
				up.etag = "";
				up.last_modified = "";
				rep->error = "";
				plan.move_to = NULL;
				plan.errors = src->errors;
				plan.next_fetch = now;
			} else {
				rep->error = arena_printf(
					a,
					src->discover ? "not a feed, and no "
							"feed announced there: "
							"%s"
						      : "not a feed: %s",
					pe.msg);
				plan.errors = src->errors + 1;
				plan.next_fetch =
					now + feed_backoff(plan.errors);
			}
		} else {
			up.discover = 0;
			if (doc.ttl_minutes > 0)
				feed_plan(&sc, r, doc.ttl_minutes, now, &plan);
			if (name_from(st, &up, &doc, e) == -1)
				return -1;
			if (store_doc(st, a, src, &doc, now, &rep->added, e) ==
			    -1)
				return -1;
		}
	}
	if (plan.move_to != NULL)
		up.url = arena_printf(a, "%s", plan.move_to);
	if (plan.disable)
		up.enabled = 0;
	/* A new body brings its own validators (or none); a 304 may
	 * refresh them; an error leaves the stored ones. */
	if (fresh) {
		up.etag = r->etag != NULL ? arena_printf(a, "%s", r->etag) : "";
		up.last_modified =
			r->last_modified != NULL
				? arena_printf(a, "%s", r->last_modified)
				: "";
	} else if (r->status == 304 && r->error.code == ERR_OK) {
		if (r->etag != NULL)
			up.etag = arena_printf(a, "%s", r->etag);
		if (r->last_modified != NULL)
			up.last_modified =
				arena_printf(a, "%s", r->last_modified);
	}
	up.last_fetch_at = now;
	up.last_status = (int)r->status;
	up.last_error = rep->error;
	up.errors = plan.errors;
	up.redirects = plan.redirects;
	up.redirect_to = plan.redirect_to != NULL
	                         ? arena_printf(a, "%s", plan.redirect_to)
	                         : "";
	up.next_fetch_at = plan.next_fetch;
	rep->url = up.url;
	metrics_add(METRIC_FEED_FETCHES, 1);
	if (rep->error != NULL && *rep->error != '\0')
		metrics_add(METRIC_FEED_ERRORS, 1);
	if (store_river_source_fetched(st, &up, src->next_fetch_at, e) == -1) {
		if (e->code != ERR_CONFLICT)
			return -1;
		/* moved onto a URL another source has: stay put */
		up.url = src->url;
		rep->url = src->url;
		if (found != NULL) {
			/* a page announcing a feed followed already */
			up.enabled = 0;
			up.discover = 0;
			up.last_error = rep->error = arena_printf(
				a,
				"the feed announced there, %s, is followed "
				"already",
				found);
		}
		if (store_river_source_fetched(st, &up, src->next_fetch_at,
		                               e) == -1)
			return -1;
	}
	return 0;
}

/* Fetch src[0..n) at once and apply each outcome. */
static int
fetch_batch(struct store *st, struct arena *a, const struct river_opts *o,
            const struct river_source *src, size_t n, int64_t now, int *fetched,
            struct error *e)
{
	struct feed_request *rq = arena_zalloc(a, n * sizeof(*rq));
	struct feed_result *res = arena_zalloc(a, n * sizeof(*res));
	struct feed_fetch_opts fo;
	int rc = 0;

	fetch_opts(st, a, o, &fo);
	for (size_t i = 0; i < n; i++) {
		rq[i].url = src[i].url;
		rq[i].etag = *src[i].etag != '\0' ? src[i].etag : NULL;
		rq[i].last_modified = *src[i].last_modified != '\0'
		                              ? src[i].last_modified
		                              : NULL;
	}
	if (feed_fetch(&fo, rq, n, res, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct river_report rep;

		if (rc == 0 &&
		    apply(st, a, &src[i], &res[i], now, &rep, e) == 0) {
			(*fetched)++;
			if (o->report != NULL)
				o->report(&rep, o->report_arg);
		} else
			rc = -1;
		feed_result_release(&res[i]);
	}
	return rc;
}

int
river_fetch(struct store *st, const struct river_opts *o,
            enum river_which which, int64_t id, int64_t now, int *fetched,
            struct error *e)
{
	struct arena *a = arena_new();
	struct river_source *src = NULL, one;
	size_t n = 0, from = 0;
	int rc = -1;

	*fetched = 0;
	if (which == RIVER_ONE) {
		if (store_river_source_get(st, a, id, &one, e) == -1)
			goto out;
		src = &one;
		n = 1;
	} else if (which == RIVER_ALL) {
		if (store_river_source_list(st, a, &src, &n, e) == -1)
			goto out;
	} else if (store_river_source_due(st, a, now, LIM_RIVER_BATCH, &src, &n,
	                                  e) == -1)
		goto out;
	rc = 0;
	while (rc == 0 && from < n) {
		struct river_source *batch =
			arena_zalloc(a, LIM_RIVER_BATCH * sizeof(*batch));
		size_t k = 0;

		for (; from < n && k < LIM_RIVER_BATCH; from++)
			if (which == RIVER_ONE || src[from].enabled)
				batch[k++] = src[from];
		if (o->stop != NULL && o->stop(o->stop_arg))
			break;
		if (k > 0)
			rc = fetch_batch(st, a, o, batch, k, now, fetched, e);
	}
out:
	arena_free(a);
	return rc;
}

int
river_prune(struct store *st, int64_t now, int64_t *n, struct error *e)
{
	struct arena *a = arena_new();
	int64_t days = settings_int(st, a, "river_keep_days");
	int rc;

	arena_free(a);
	*n = 0;
	if (days <= 0)
		return 0; /* kept for good */
	rc = store_river_prune(st, now - days * 86400, now, n, e);
	return rc;
}

int
river_section(struct store *st, struct arena *a, const char *slug, int64_t now,
              int64_t *id, struct error *e)
{
	struct section sec, *all;
	size_t n;

	*id = 0;
	if (slug != NULL) {
		if (store_section_find(st, a, slug, &sec, e) == -1)
			return -1;
		if (sec.kind != SECTION_AGGREGATOR)
			return error_set(e, ERR_INVALID,
			                 "section '%s' is of kind %s, not "
			                 "aggregator",
			                 sec.slug,
			                 section_kind_names[sec.kind]);
		*id = sec.id;
		return 0;
	}
	if (store_section_list(st, a, now, &all, &n, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (all[i].kind == SECTION_AGGREGATOR) {
			*id = all[i].id;
			break;
		}
	return 0;
}

/* One GET of url into *r (released by the caller). */
static int
get_one(struct store *st, struct arena *a, const char *site_url,
        const char *url, struct feed_result *r, struct error *e)
{
	struct river_opts o = {.site_url = site_url};
	struct feed_request rq = {.url = url};
	struct feed_fetch_opts fo;

	memset(r, 0, sizeof(*r));
	fetch_opts(st, a, &o, &fo);
	if (feed_fetch(&fo, &rq, 1, r, e) == -1)
		return -1;
	if (r->error.code != ERR_OK)
		return error_set(e, ERR_INVALID, "%s: %s", url, r->error.msg);
	if (r->status < 200 || r->status >= 300)
		return error_set(e, ERR_INVALID, "%s: HTTP %ld", url,
		                 r->status);
	return 0;
}

int
river_follow(struct store *st, struct arena *a, const char *site_url,
             const char *url, const char *name, const char *section,
             int64_t now, int64_t *id, const char **feed_url, struct error *e)
{
	struct river_source in = {.enabled = 1};
	struct feed_doc doc;
	struct error pe;
	int rc = -1;

	*id = 0;
	*feed_url = NULL;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return error_set(e, ERR_INVALID, "%s: not an http(s) URL", url);
	if (river_section(st, a, section, now, &in.section_id, e) == -1)
		return -1;
	/* the URL itself, then at most the feed a page announces */
	for (int hop = 0; hop < 2; hop++) {
		struct feed_result r;
		struct feed_link *links;
		size_t n;

		if (get_one(st, a, site_url, url, &r, e) == -1) {
			feed_result_release(&r);
			return -1;
		}
		if (feed_parse(a, r.body.p, r.body.len, r.content_type, url,
		               &doc, &pe) == 0) {
			feed_result_release(&r);
			rc = 0;
			break;
		}
		if (hop == 1 ||
		    feed_discover(a, r.body.p, r.body.len,
		                  r.effective_url != NULL ? r.effective_url
		                                          : url,
		                  &links, &n) == -1 ||
		    n == 0) {
			feed_result_release(&r);
			return error_set(
				e, ERR_INVALID,
				"%s: not a feed, and no feed announced "
				"there",
				url);
		}
		url = arena_printf(a, "%s", links[0].url);
		feed_result_release(&r);
	}
	if (rc == -1)
		return error_set(e, ERR_INVALID, "%s: no feed", url);
	in.url = url;
	in.name = name != NULL && *name != '\0' ? name : doc.title;
	in.site_url = doc.link;
	if (store_river_source_add(st, &in, now, id, e) == -1) {
		struct river_source old;

		if (e->code == ERR_CONFLICT &&
		    store_river_source_by_url(st, a, url, &old, &pe) == 0)
			error_set(e, ERR_CONFLICT,
			          "%s: followed already (feed %lld)", url,
			          (long long)old.id);
		return -1;
	}
	*feed_url = url;
	return 0;
}

/* ---- the feed thread ---------------------------------------------------- */

struct river_thread {
	struct store *st;
	char *site_dir, *site_url;
	pthread_t thread;
	atomic_int stop;
};

static int
thread_stopping(void *arg)
{
	struct river_thread *t = arg;

	return atomic_load(&t->stop);
}

static void
thread_report(const struct river_report *r, void *arg)
{
	(void)arg;
	if (*r->error != '\0')
		log_info("feeds: %lld %s: %s", (long long)r->id, r->url,
		         r->error);
}

static void *
thread_main(void *arg)
{
	struct river_thread *t = arg;
	struct river_opts o = {.site_url = t->site_url,
	                       .stop = thread_stopping,
	                       .stop_arg = t,
	                       .report = thread_report};
	int64_t pruned = 0, n;
	struct error e;
	int fetched, thumbs;

	while (!atomic_load(&t->stop)) {
		int64_t now = clock_now();

		/* One node fetches (issue 18); the others ask each tick
		 * and take over when it is gone. */
		if (!store_job_mine(t->st, STORE_JOB_RIVER)) {
			for (int i = 0;
			     i < RIVER_TICK_MS / 100 && !atomic_load(&t->stop);
			     i++)
				usleep(100 * 1000);
			continue;
		}
		if (river_fetch(t->st, &o, RIVER_DUE, 0, now, &fetched, &e) ==
		    -1)
			log_error("feeds: %s", e.msg);
		/* A provider's thumbnail the admin asked for (decision
		 * 093): one between batches, so neither waits long. */
		thumbs = videos_thumb_step(t->st, t->site_dir, t->site_url,
		                           thread_stopping, t, &e);
		if (thumbs == -1)
			log_error("thumbnails: %s", e.msg);
		if (now - pruned >= RIVER_PRUNE_SECONDS) {
			pruned = now;
			if (river_prune(t->st, now, &n, &e) == -1)
				log_error("feeds: pruning: %s", e.msg);
		}
		/* a batch may have taken long: look again at once when
		 * it was full, else after a tick */
		if (fetched < LIM_RIVER_BATCH && thumbs != 1)
			for (int i = 0;
			     i < RIVER_TICK_MS / 100 && !atomic_load(&t->stop);
			     i++)
				usleep(100 * 1000);
	}
	return NULL;
}

struct river_thread *
river_thread_start(struct store *st, const char *site_dir, const char *site_url,
                   struct error *e)
{
	struct river_thread *t = xcalloc(1, sizeof(*t));

	t->st = st;
	t->site_dir = xstrdup(site_dir);
	t->site_url = xstrdup(site_url != NULL ? site_url : "");
	if (pthread_create(&t->thread, NULL, thread_main, t) != 0) {
		free(t->site_url);
		free(t->site_dir);
		free(t);
		error_set(e, ERR_IO, "cannot start the feed thread");
		return NULL;
	}
	return t;
}

void
river_thread_stop(struct river_thread *t)
{
	if (t == NULL)
		return;
	atomic_store(&t->stop, 1);
	pthread_join(t->thread, NULL);
	free(t->site_url);
	free(t->site_dir);
	free(t);
}
