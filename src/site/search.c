/*
 * Search: /search?q=words (and WordPress's /?s=words, which home_get hands
 * over) as a page, and GET /api/v1/search?q=words as JSON.  The query
 * language, the ranking and the index are the store's (store_search.c,
 * store/search_query.h); this file reads the arguments, limits how often
 * one address may search, and shows the results with their matches in
 * <mark>.
 *
 * Arguments: q (or s), page (or paged), section (slug), tag (slug),
 * author (login), from and to (YYYY-MM-DD, both days included), in the
 * query string, or in a POST's form body for a query longer than a URL
 * may be.  A query is cut to LIM_SEARCH_QUERY_BYTES, with a notice.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../core/settings.h"
#include "../comments/spam.h"
#include "../render/html.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../store/search.h"
#include "../util/banned.h"

/*
 * Searches per address per minute: the setting search_rate_per_minute,
 * or LIM_SEARCH_RATE_MINUTE; 0 turns the limit off (benchmarks, or a
 * site behind a proxy that limits).  The limiter is comments/spam.h's
 * sliding window, an instance of its own so that searching never counts
 * against commenting; it is made on first use and lives as long as the
 * process.
 */
static pthread_mutex_t limiter_lock = PTHREAD_MUTEX_INITIALIZER;
static struct spam *limiter;

static int
rate_ok(struct site *s, struct req *r, int *retry_after)
{
	struct error e;
	int64_t per_minute =
		settings_int(s->store, r->arena, "search_rate_per_minute");
	struct spam *sp;

	*retry_after = 0;
	if (per_minute == 0)
		return 1;
	pthread_mutex_lock(&limiter_lock);
	if (limiter == NULL)
		limiter = spam_new(s->store);
	sp = limiter;
	pthread_mutex_unlock(&limiter_lock);
	return spam_rate_check(sp, req_client_ip(r), (int)per_minute, 0,
	                       clock_now(), retry_after, &e) == 0;
}

struct search_args {
	const char *q; /* cut to LIM_SEARCH_QUERY_BYTES */
	int cut;
	int64_t page;
	const char *section, *tag, *author, *from, *to;
	const char *bad_date; /* the from or to that is not a date */
	struct search_query sq;
};

/*
 * The arguments come from the query string, or for a POST (a query too
 * long for a URL: LIM_URL_BYTES) from the form body; the same names.
 */
enum {
	A_Q,
	A_S,
	A_PAGE,
	A_PAGED,
	A_SECTION,
	A_TAG,
	A_AUTHOR,
	A_FROM,
	A_TO,
	A__MAX
};
static const char *const arg_names[A__MAX] = {"q",      "s",       "page",
                                              "paged",  "section", "tag",
                                              "author", "from",    "to"};

static int
args_fetch(struct req *r, const char *v[A__MAX])
{
	struct form_field f[A__MAX];
	struct error e;

	memset(f, 0, sizeof(f));
	for (int i = 0; i < A__MAX; i++) {
		f[i].name = arg_names[i];
		f[i].max = LIM_BODY_BYTES;
		v[i] = NULL;
	}
	if (r->method == HTTP_POST) {
		if (form_parse(r, f, A__MAX, &e) == -1)
			return -1;
		for (int i = 0; i < A__MAX; i++)
			v[i] = f[i].value;
	} else
		for (int i = 0; i < A__MAX; i++)
			v[i] = req_query(r, arg_names[i]);
	for (int i = 0; i < A__MAX; i++)
		if (v[i] != NULL && *v[i] == '\0')
			v[i] = NULL;
	if (v[A_Q] == NULL)
		v[A_Q] = v[A_S];
	if (v[A_PAGE] == NULL)
		v[A_PAGE] = v[A_PAGED];
	return 0;
}

/* -1 when page is not a number in [1, LIM_PAGE_MAX]; -2 when a POST body
 * is not a form. */
static int
args_read(struct req *r, struct search_args *sa)
{
	const char *v[A__MAX];
	size_t n;
	int64_t t;

	memset(sa, 0, sizeof(*sa));
	if (args_fetch(r, v) == -1)
		return -2;
	sa->q = v[A_Q] ? v[A_Q] : "";
	while (*sa->q == ' ' || *sa->q == '\t' || *sa->q == '\n' ||
	       *sa->q == '\r')
		sa->q++;
	n = strlen(sa->q);
	while (n > 0 && (sa->q[n - 1] == ' ' || sa->q[n - 1] == '\t' ||
	                 sa->q[n - 1] == '\n' || sa->q[n - 1] == '\r'))
		n--;
	if (n < strlen(sa->q))
		sa->q = arena_strndup(r->arena, sa->q, n);
	if (n > LIM_SEARCH_QUERY_BYTES) {
		sa->q = arena_strndup(r->arena, sa->q,
		                      utf8_cut(sa->q, n,
		                               LIM_SEARCH_QUERY_BYTES));
		sa->cut = 1;
	}
	sa->page = 1;
	if (v[A_PAGE] != NULL &&
	    num_parse(v[A_PAGE], 1, LIM_PAGE_MAX, &sa->page) == -1)
		return -1;
	sa->section = v[A_SECTION];
	sa->tag = v[A_TAG];
	sa->author = v[A_AUTHOR];
	sa->from = v[A_FROM];
	sa->to = v[A_TO];
	sa->sq.text = sa->q;
	sa->sq.now = clock_now();
	sa->sq.status = -1;
	sa->sq.section_slug = sa->section;
	sa->sq.tag_slug = sa->tag;
	sa->sq.author_login = sa->author;
	if (sa->from != NULL) {
		if (strlen(sa->from) == 10 && time_parse_iso(sa->from, &t) == 0)
			sa->sq.from = t;
		else
			sa->bad_date = sa->from;
	}
	if (sa->to != NULL) {
		if (strlen(sa->to) == 10 && time_parse_iso(sa->to, &t) == 0)
			sa->sq.to = t + 86400;
		else
			sa->bad_date = sa->to;
	}
	sa->sq.limit = LIM_FRONT_POSTS;
	sa->sq.offset = (int)((sa->page - 1) * LIM_FRONT_POSTS);
	if (sa->page > LIM_SEARCH_RESULTS / LIM_FRONT_POSTS + 1)
		sa->sq.offset = LIM_SEARCH_RESULTS; /* past the end */
	return 0;
}

/* "/search?q=...&section=...&page=N" for the page-th page of sa. */
static const char *
search_url(struct arena *a, const struct search_args *sa, int64_t page)
{
	const char *names[] = {"q", "section", "tag", "author", "from", "to"};
	const char *values[] = {sa->q,      sa->section, sa->tag,
	                        sa->author, sa->from,    sa->to};
	struct buf b;
	const char *out;

	buf_init(&b, LIM_URL_BYTES * 2);
	if (buf_puts(&b, "/search") == -1)
		goto fail;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (values[i] == NULL || (i > 0 && *values[i] == '\0'))
			continue;
		if (buf_printf(&b, "%c%s=", b.len == 7 ? '?' : '&', names[i]) ==
		            -1 ||
		    url_encode(&b, values[i], strlen(values[i])) == -1)
			goto fail;
	}
	if (page > 1 && buf_printf(&b, "&page=%lld", (long long)page) == -1)
		goto fail;
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_release(&b);
	return out;
fail:
	buf_release(&b);
	return "/search";
}

/* text with its SEARCH_MARK_START..END runs in <mark>, the rest escaped;
 * marks always balanced, whatever the text holds. */
static const char *
marked_html(struct arena *a, const char *text)
{
	struct buf b;
	const char *out = "";
	int open = 0;

	buf_init(&b, 8 * strlen(text) + 64);
	for (const char *p = text; *p != '\0';) {
		size_t run = strcspn(p, "\x01\x02");

		if (html_escape(&b, p, run) == -1)
			goto out;
		p += run;
		if (*p == SEARCH_MARK_START && !open) {
			if (buf_puts(&b, "<mark>") == -1)
				goto out;
			open = 1;
		} else if (*p == SEARCH_MARK_END && open) {
			if (buf_puts(&b, "</mark>") == -1)
				goto out;
			open = 0;
		}
		if (*p != '\0')
			p++;
	}
	if (open && buf_puts(&b, "</mark>") == -1)
		goto out;
	out = arena_strndup(a, buf_str(&b), b.len);
out:
	buf_release(&b);
	return out;
}

static const char *
notice_cut(struct arena *a, const struct i18n *c)
{
	return i18n_num(a, c,
	                "Your search was longer than %d byte; only its "
	                "beginning was used.",
	                "Your search was longer than %d bytes; only its "
	                "beginning was used.",
	                LIM_SEARCH_QUERY_BYTES);
}

static const char *
notice_terms(struct arena *a, const struct i18n *c)
{
	return i18n_num(a, c, "Only the first %d word was used.",
	                "Only the first %d words were used.", LIM_SEARCH_TERMS);
}

static int64_t
pages_of(const struct search_result *res)
{
	return res->total == 0
	               ? 1
	               : (res->total + LIM_FRONT_POSTS - 1) / LIM_FRONT_POSTS;
}

static void
rate_limited(struct resp *rs, struct arena *a, int retry_after, int json)
{
	if (resp_header(rs, "Retry-After",
	                arena_printf(a, "%d",
	                             retry_after > 0 ? retry_after : 1)) == -1)
		return;
	if (json) {
		resp_json_error(rs, 429, "too many searches; try again later");
		return;
	}
	rs->status = 429;
	rs->content_type = "text/html; charset=utf-8";
}

void
search_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	const struct i18n *cat = site_cat(s);
	struct search_args sa;
	struct search_result res;
	struct error e;
	struct tval *m, *form, *notices, *list, *secs, *pg;
	struct section *sections;
	size_t nsec;
	int retry;
	int64_t pages;

	switch (args_read(r, &sa)) {
	case -1:
		page_not_found(s, r, rs);
		return;
	case -2:
		rs->status = 400;
		rs->content_type = "text/plain; charset=utf-8";
		if (buf_puts(&rs->body, "bad request: a malformed form\n") ==
		    -1)
			return;
		return;
	}
	m = page_model(s, r,
	               *sa.q ? i18n_sub(a,
	                                i18n_text(cat, "Search results for "
	                                               "“%s”"),
	                                sa.q)
	                     : i18n_text(cat, "Search"),
	               search_url(a, &sa, sa.page));
	tval_set_bool(a, m, "search_page", 1);
	form = tval_set(a, m, "search", tval_map(a));
	tval_set_str(a, form, "q", sa.q);
	tval_set_str(a, form, "from", sa.from);
	tval_set_str(a, form, "to", sa.to);
	tval_set_str(a, form, "tag", sa.tag);
	tval_set_str(a, form, "author", sa.author);
	secs = tval_set(a, form, "sections", tval_list(a));
	if (store_section_list(s->store, a, sa.sq.now, &sections, &nsec, &e) ==
	    0)
		for (size_t i = 0; i < nsec; i++) {
			struct tval *it = tval_push(a, secs, tval_map(a));

			tval_set_str(a, it, "slug", sections[i].slug);
			tval_set_str(a, it, "name", sections[i].name);
			tval_set_bool(a, it, "selected",
			              sa.section != NULL &&
			                      strcmp(sa.section,
			                             sections[i].slug) == 0);
		}
	notices = tval_set(a, m, "notices", tval_list(a));
	if (sa.cut)
		tval_push(a, notices, tval_str(a, notice_cut(a, cat)));
	if (sa.bad_date != NULL) {
		tval_push(a, notices,
		          tval_str(a, i18n_sub(a,
		                               i18n_text(cat,
		                                         "“%s” is not a date "
		                                         "like 2024-01-31; it "
		                                         "was ignored."),
		                               sa.bad_date)));
	}
	if (*sa.q == '\0') {
		tval_set_bool(a, m, "no_query", 1);
		page_render(s, r, rs, "search.html", m);
		return;
	}
	if (!rate_ok(s, r, &retry)) {
		rate_limited(rs, a, retry, 0);
		tval_set_bool(a, m, "rate_limited", 1);
		tval_set_int(a, m, "retry_after", retry);
		page_render(s, r, rs, "search.html", m);
		return;
	}
	if (store_search(s->store, a, &sa.sq, &res, &e) == -1) {
		log_error("search '%s': %s", sa.q, e.msg);
		rs->status = 500;
		return;
	}
	if (res.terms_dropped > 0)
		tval_push(a, notices, tval_str(a, notice_terms(a, cat)));
	if (res.empty) {
		tval_set_bool(a, m, "no_query", 1);
		tval_set_bool(a, m, "nothing_to_find", 1);
		page_render(s, r, rs, "search.html", m);
		return;
	}
	pages = pages_of(&res);
	if (sa.page > pages) {
		page_not_found(s, r, rs);
		return;
	}
	tval_set_int(a, m, "total", res.total);
	tval_set_str(a, m, "total_text",
	             i18n_num(a, cat, "%d result.", "%d results.", res.total));
	tval_set_bool(a, m, "one_result", res.total == 1 && !res.more);
	tval_set_bool(a, m, "more", res.more);
	tval_set_int(a, m, "limit", LIM_SEARCH_RESULTS);
	list = tval_set(a, m, "results", tval_list(a));
	for (size_t i = 0; i < res.n; i++) {
		struct tval *pm =
			tval_push(a, list, post_model(s, a, &res.hits[i].post));

		tval_set_str(a, pm, "title_html",
		             marked_html(a, res.hits[i].title_marked));
		tval_set_str(a, pm, "snippet_html",
		             marked_html(a, res.hits[i].snippet));
	}
	if (pages > 1) {
		pg = tval_set(a, m, "pagination", tval_map(a));
		tval_set_int(a, pg, "page", sa.page);
		tval_set_int(a, pg, "pages", pages);
		if (sa.page > 1)
			tval_set_str(a, pg, "newer",
			             search_url(a, &sa, sa.page - 1));
		if (sa.page < pages)
			tval_set_str(a, pg, "older",
			             search_url(a, &sa, sa.page + 1));
	}
	page_render(s, r, rs, "search.html", m);
}

/* A JSON string of s, or "" when s is not UTF-8 (jansson refuses it). */
static json_t *
jstr(const char *s)
{
	json_t *v = json_string(s ? s : "");

	return v ? v : json_string("");
}

/*
 * GET /api/v1/search?q=...: {"query", "total", "more", "page", "pages",
 * "notices": [...], "results": [{"id", "title", "title_html", "url",
 * "date", "section", "views", "snippet"}]}: the page's results, url
 * absolute, date ISO 8601, section a name or null, title_html and
 * snippet HTML with the matches in <mark>.
 */
void
api_search_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct search_args sa;
	struct search_result res;
	struct error e;
	json_t *doc, *list, *notices;
	int retry;

	if (args_read(r, &sa) < 0) {
		resp_json_error(rs, 400,
		                arena_printf(a, "page must be 1 to %d",
		                             LIM_PAGE_MAX));
		return;
	}
	if (*sa.q == '\0') {
		resp_json_error(rs, 400, "q is missing");
		return;
	}
	if (sa.bad_date != NULL) {
		resp_json_error(rs, 400,
		                "from and to must be dates like "
		                "2024-01-31");
		return;
	}
	if (!rate_ok(s, r, &retry)) {
		rate_limited(rs, a, retry, 1);
		return;
	}
	if (store_search(s->store, a, &sa.sq, &res, &e) == -1) {
		log_error("search '%s': %s", sa.q, e.msg);
		resp_json_error(rs, 500, "cannot search");
		return;
	}
	list = json_array();
	notices = json_array();
	if (sa.cut)
		json_array_append_new(notices, jstr(notice_cut(a, NULL)));
	if (res.terms_dropped > 0)
		json_array_append_new(notices, jstr(notice_terms(a, NULL)));
	for (size_t i = 0; i < res.n; i++) {
		const struct post *p = &res.hits[i].post;

		json_array_append_new(
			list,
			json_pack("{s:I,s:o,s:o,s:s,s:s,s:o,s:I,s:o}", "id",
		                  (json_int_t)p->id, "title", jstr(p->title),
		                  "title_html",
		                  jstr(marked_html(a,
		                                   res.hits[i].title_marked)),
		                  "url",
		                  arena_printf(a, "%s%s", s->url,
		                               site_permalink(a, p)),
		                  "date", date_iso(a, p->published_at),
		                  "section",
		                  p->section_id ? jstr(p->section_name)
		                                : json_null(),
		                  "views", (json_int_t)p->views_total,
		                  "snippet",
		                  jstr(marked_html(a, res.hits[i].snippet))));
	}
	doc = json_pack("{s:o,s:I,s:b,s:I,s:I,s:o,s:o}", "query", jstr(sa.q),
	                "total", (json_int_t)res.total, "more", res.more,
	                "page", (json_int_t)sa.page, "pages",
	                (json_int_t)pages_of(&res), "notices", notices,
	                "results", list);
	api_json(rs, 200, doc);
}
