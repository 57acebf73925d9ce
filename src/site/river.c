/*
 * The river (issue 15): an aggregator section's page, the headlines of
 * the feeds filed under it, newest first, grouped by day, each with its
 * source and time and linking out.  Paged by a keyset cursor,
 * ?before=TIME.ID (the last headline shown), never by OFFSET: a page
 * costs the same however deep.  Cached like every page: a fetch that
 * adds headlines moves the store's generation.  Its feed
 * (/category/SLUG/feed/[atom/]) is the newest LIM_FEED_ITEMS headlines,
 * each linking out, its source as the author.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "../core/settings.h"
#include "../render/xml.h"
#include "../store/river.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/banned.h"

/* ?before=TIME.ID into q; 0, or -1 when it is there and malformed. */
static int
cursor_parse(struct req *r, struct river_query *q)
{
	const char *v = req_query(r, "before"), *dot;
	char at[LIM_RIVER_CURSOR_BYTES + 1];
	size_t len;

	if (v == NULL)
		return 0;
	dot = strchr(v, '.');
	len = dot != NULL ? (size_t)(dot - v) : 0;
	if (dot == NULL || len == 0 || len > LIM_RIVER_CURSOR_BYTES ||
	    strlen(v) > LIM_RIVER_CURSOR_BYTES)
		return -1;
	memcpy(at, v, len);
	at[len] = '\0';
	if (num_parse(at, 1, INT64_MAX, &q->before_at) == -1 ||
	    num_parse(dot + 1, 1, INT64_MAX, &q->before_id) == -1)
		return -1;
	return 0;
}

static const char *
clock_time(struct arena *a, int64_t t)
{
	char out[16];

	time_format_local(t, "%H:%M", out, sizeof(out));
	return arena_strdup(a, out);
}

static const char *
day_iso(struct arena *a, int64_t t)
{
	char out[16];

	time_format_local(t, "%Y-%m-%d", out, sizeof(out));
	return arena_strdup(a, out);
}

/* The headline's map: title, link (when there is one), source and its
 * page (base?source=ID, when base is not NULL), time. */
static struct tval *
headline_model(struct arena *a, const char *base, const struct river_entry *en)
{
	struct tval *m = tval_map(a);

	tval_set_str(a, m, "title", *en->title != '\0' ? en->title : en->link);
	tval_set_bool(a, m, "has_link", *en->link != '\0');
	tval_set_str(a, m, "link", en->link);
	tval_set_str(a, m, "source", en->source_name);
	if (base != NULL)
		tval_set_str(a, m, "source_url",
		             arena_printf(a, "%s?source=%lld", base,
		                          (long long)en->source_id));
	tval_set_str(a, m, "time", clock_time(a, en->published_at));
	tval_set_str(a, m, "time_iso", date_iso(a, en->published_at));
	return m;
}

/*
 * ?source=ID: the page of one source of the section, the river of its
 * headlines alone (q, the title and the page's URL set for it).  0, or
 * -1 when there is no such source in the section (a 404).
 */
static int
source_scope(struct site *s, struct req *r, const struct section *sec,
             const char *base, struct river_query *q, const char **title,
             const char **page, const char **site)
{
	const char *v = req_query(r, "source");
	struct river_source src;
	struct error e;
	int64_t id;

	if (v == NULL)
		return 0;
	if (num_parse(v, 1, INT64_MAX, &id) == -1 ||
	    store_river_source_get(s->store, r->arena, id, &src, &e) == -1 ||
	    src.section_id != sec->id)
		return -1;
	q->section_id = 0;
	q->source_id = id;
	*title = *src.name != '\0' ? src.name : src.url;
	*page = arena_printf(r->arena, "%s?source=%lld", base, (long long)id);
	*site = src.site_url;
	return 0;
}

void
river_get(struct site *s, struct req *r, struct resp *rs,
          const struct section *sec)
{
	struct arena *a = r->arena;
	const char *base = arena_printf(a, "/category/%s/", sec->slug);
	const char *title = sec->name, *page = base, *site = "";
	struct river_query q = {.section_id = sec->id};
	struct river_entry *en;
	struct tval *m, *days, *day = NULL, *items = NULL, *pg;
	const char *last_day = "", *sep;
	struct error e;
	size_t n;
	int limit;

	if (strstr(r->path, "/page/") != NULL || cursor_parse(r, &q) == -1 ||
	    source_scope(s, r, sec, base, &q, &title, &page, &site) == -1) {
		page_not_found(s, r, rs);
		return;
	}
	sep = q.source_id > 0 ? "&" : "?";
	limit = (int)settings_int(s->store, a, "river_per_page");
	/* one more than shown: is there an older page? */
	q.limit = limit + 1;
	if (store_river_page(s->store, a, &q, &en, &n, &e) == -1) {
		log_error("river %s: %s", r->path, e.msg);
		rs->status = 500;
		return;
	}
	m = page_model(s, r, title,
	               q.before_at > 0
	                       ? arena_printf(a, "%s%sbefore=%lld.%lld", page,
	                                      sep, (long long)q.before_at,
	                                      (long long)q.before_id)
	                       : page);
	tval_set_str(a, m, "heading", title);
	if (q.source_id > 0) {
		tval_set_str(a, m, "river_url", base);
		tval_set_str(a, m, "river_name", sec->name);
		tval_set_str(a, m, "source_site", site);
	}
	days = tval_set(a, m, "days", tval_list(a));
	for (size_t i = 0; i < n && i < (size_t)limit; i++) {
		const char *d = day_iso(a, en[i].published_at);

		if (strcmp(d, last_day) != 0) {
			day = tval_push(a, days, tval_map(a));
			tval_set_str(a, day, "day",
			             site_date(a, site_cat(s),
			                       en[i].published_at));
			tval_set_str(a, day, "day_iso", d);
			items = tval_set(a, day, "items", tval_list(a));
			last_day = d;
		}
		tval_push(a, items, headline_model(a, base, &en[i]));
		if (en[i].fetched_at > rs->last_modified)
			rs->last_modified = en[i].fetched_at;
	}
	if (q.before_at > 0 || n > (size_t)limit) {
		pg = tval_set(a, m, "paged", tval_map(a));
		if (q.before_at > 0)
			tval_set_str(a, pg, "newest", page);
		if (n > (size_t)limit)
			tval_set_str(a, pg, "older",
			             arena_printf(a, "%s%sbefore=%lld.%lld",
			                          page, sep,
			                          (long long)en[limit - 1]
			                                  .published_at,
			                          (long long)en[limit - 1].id));
	}
	page_render(s, r, rs, "river.html", m);
}

void
river_feed(struct site *s, struct req *r, struct resp *rs,
           const struct section *sec, int format)
{
	struct arena *a = r->arena;
	const char *base = arena_printf(a, "/category/%s/", sec->slug);
	struct river_query q = {.section_id = sec->id, .limit = LIM_FEED_ITEMS};
	struct xml_feed f = {0};
	struct river_entry *en;
	struct xml_entry *v;
	struct error e;
	size_t n;

	if (store_river_page(s->store, a, &q, &en, &n, &e) == -1) {
		log_error("river feed %s: %s", r->path, e.msg);
		rs->status = 500;
		return;
	}
	f.format = (enum xml_feed_format)format;
	f.title = arena_printf(a, "%s \xE2\x80\x93 %s", site_title(s, a),
	                       sec->name);
	f.link = arena_printf(a, "%s%s", s->url, base);
	f.self = arena_printf(a, "%s%sfeed/%s", s->url, base,
	                      f.format == XML_ATOM ? "atom/" : "");
	f.description = site_tagline(s, a);
	f.author = site_title(s, a);
	v = arena_zalloc(a, (n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i].title = *en[i].title != '\0' ? en[i].title : en[i].link;
		v[i].link = *en[i].link != '\0' ? en[i].link : f.link;
		v[i].id = arena_printf(a, "%s#river-%lld", f.link,
		                       (long long)en[i].id);
		v[i].author = en[i].source_name;
		v[i].summary = en[i].text;
		v[i].published = en[i].published_at;
		v[i].updated = en[i].published_at;
	}
	site_feed_send(rs, &f, v, n);
}

void
river_column(struct site *s, struct arena *a, struct tval *m, int limit)
{
	struct river_query q = {.limit = limit};
	struct river_entry *en;
	struct tval *list;
	struct error e;
	size_t n;

	if (store_river_page(s->store, a, &q, &en, &n, &e) == -1) {
		log_error("river column: %s", e.msg);
		return;
	}
	if (n == 0)
		return;
	tval_set_bool(a, m, "has_river", 1);
	list = tval_set(a, m, "river", tval_list(a));
	for (size_t i = 0; i < n; i++)
		tval_push(a, list, headline_model(a, NULL, &en[i]));
}
