/*
 * The admin: the dashboard and per-post numbers, with server-rendered SVG
 * charts (render/chart.h).
 *
 * Every signed-in role lands on /admin/ and sees only what it may open:
 * CAP_STATS (admin, editor) the site's views per day, their total and the
 * most viewed posts of the window; CAP_COMMENTS the pending comments and
 * the newest ones; CAP_SUBMISSIONS the pending submissions; a role that
 * writes posts but has no site numbers (author, contributor) its own posts
 * with their views.  Per-post numbers are open to CAP_POSTS_ALL, and to
 * CAP_POSTS_OWN for one's own post.
 *
 * Days are UTC days (post_views.day, days since the epoch), and a window
 * of N days is today and the N - 1 days before it by clock_now(), so
 * GAZETTE_NOW moves it.  The axis is continuous: a day without views is a
 * 0, never a gap.  Views reach post_views with the views flush (every
 * VIEWS_FLUSH_SECONDS); the all-time total shown is the live one, as on
 * the post page.
 */
#include <jansson.h>
#include <string.h>

#include "internal.h"
#include "../auth/auth.h"
#include "../render/chart.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../store/views.h"
#include "../util/banned.h"

#define STATS_DAYS        90  /* the window when ?days= is absent */
#define STATS_DAYS_MIN    7   /* a shorter window is not worth a chart */
#define STATS_TOP         10  /* most viewed posts on the dashboard */
#define STATS_COMMENTS    8   /* newest comments on the dashboard */
#define STATS_OWN_POSTS   50  /* an author's posts on the dashboard */
#define STATS_EXCERPT     140 /* bytes of a comment quoted */
#define STATS_SECONDS_DAY 86400

/* The window choices offered as links. */
static const int day_choices[] = {7, 30, 90, 365};

/* A window: days first..last (days since the epoch), counts[i] of day
 * first + i, total their sum. */
struct series {
	int days;
	int64_t first, last;
	int64_t *counts, total;
};

/*
 * ?days=N: 7..LIM_POPULAR_DAYS, STATS_DAYS when absent.  -1 with *raw the
 * text sent when it is not such a number.
 */
static int
days_param(struct req *r, int *days, const char **raw)
{
	const char *v = req_query(r, "days");
	int64_t n;

	*days = STATS_DAYS;
	*raw = v;
	if (v == NULL)
		return 0;
	if (num_parse(v, STATS_DAYS_MIN, LIM_POPULAR_DAYS, &n) == -1)
		return -1;
	*days = (int)n;
	return 0;
}

static const char *
days_error(struct arena *a)
{
	return arena_printf(a, "days must be a whole number from %d to %d",
	                    STATS_DAYS_MIN, LIM_POPULAR_DAYS);
}

static int
series_load(struct site *s, struct arena *a, int64_t post_id, int days,
            struct series *out, struct error *e)
{
	out->days = days;
	out->last = time_day(clock_now());
	out->first = out->last - days + 1;
	out->counts = arena_zalloc(a, (size_t)days * sizeof(*out->counts));
	return store_stats_days(s->store, post_id, out->first, out->last,
	                        out->counts, &out->total, e);
}

/* "2024-06-01" for day d. */
static const char *
day_iso(struct arena *a, int64_t d)
{
	char out[32];

	time_format(d * STATS_SECONDS_DAY, "%Y-%m-%d", out, sizeof(out));
	return arena_strdup(a, out);
}

/* "Jun 1" for day d. */
static const char *
day_short(struct arena *a, int64_t d)
{
	char out[32];

	time_format(d * STATS_SECONDS_DAY, "%b %d", out, sizeof(out));
	if (out[0] != '\0' && out[4] == '0')
		memmove(out + 4, out + 5, strlen(out + 5) + 1);
	return arena_strdup(a, out);
}

/* The chart of a series as inline SVG (or its empty state), in a. */
static const char *
series_chart(struct arena *a, const struct series *sr, const char *what)
{
	struct chart_point *pts =
		arena_zalloc(a, (size_t)sr->days * sizeof(*pts));
	struct chart_opts o = {
		.title = arena_printf(a,
	                              "%s per day, %s to %s (UTC): %lld in all",
	                              what, day_iso(a, sr->first),
	                              day_iso(a, sr->last),
	                              (long long)sr->total),
		.unit = "view",
		.units = "views",
		.empty = arena_printf(a,
	                              "No views in these %d days yet. Views "
	                              "are counted when readers open a post "
	                              "in a browser.",
	                              sr->days),
	};
	struct buf b;
	const char *svg;

	for (int i = 0; i < sr->days; i++) {
		pts[i].label = day_iso(a, sr->first + i);
		pts[i].tick = day_short(a, sr->first + i);
		pts[i].value = sr->counts[i];
	}
	/* About 400 bytes a bar, and the axes. */
	buf_init(&b, (size_t)sr->days * 1024 + 16 * 1024);
	if (chart_bars(&b, pts, (size_t)sr->days, &o) == -1) {
		log_error("stats: the chart outgrew its buffer");
		svg = "<p class=\"chart-empty\">The chart could not be "
		      "drawn.</p>";
	} else
		svg = arena_strdup(a, buf_str(&b));
	buf_release(&b);
	return svg;
}

/* The window's days as a list for the template's table. */
static struct tval *
series_rows(struct arena *a, const struct series *sr)
{
	struct tval *list = tval_list(a);

	for (int i = sr->days - 1; i >= 0; i--) {
		struct tval *it = tval_push(a, list, tval_map(a));

		tval_set_str(a, it, "date", day_iso(a, sr->first + i));
		tval_set_int(a, it, "views", sr->counts[i]);
	}
	return list;
}

/* The window's days as JSON: [{"date","views"}], oldest first. */
static json_t *
series_json(struct arena *a, const struct series *sr)
{
	json_t *list = json_array();

	for (int i = 0; list != NULL && i < sr->days; i++)
		if (json_array_append_new(
			    list, json_pack("{s:s,s:I}", "date",
		                            day_iso(a, sr->first + i), "views",
		                            (json_int_t)sr->counts[i])) == -1) {
			json_decref(list);
			list = NULL;
		}
	return list;
}

/* Adds the window's numbers: total, from, to, the chart, the rows. */
static void
series_model(struct arena *a, struct tval *m, const struct series *sr,
             const char *what)
{
	tval_set_int(a, m, "total", sr->total);
	tval_set_str(a, m, "from", day_iso(a, sr->first));
	tval_set_str(a, m, "to", day_iso(a, sr->last));
	tval_set_str(a, m, "chart", series_chart(a, sr, what));
	tval_set(a, m, "rows", series_rows(a, sr));
}

/*
 * Adds the window's chooser: days, the links to the usual windows, and
 * the days field (with what was typed and why it was refused, when bad;
 * the page then shows the default window with status 400).
 */
static void
window_model(struct req *r, struct resp *rs, struct tval *m, const char *base,
             int *days)
{
	struct arena *a = r->arena;
	struct tval *ch = tval_set(a, m, "day_choices", tval_list(a));
	const char *raw;

	if (days_param(r, days, &raw) == -1) {
		tval_set_str(a, m, "days_error", days_error(a));
		tval_set_str(a, m, "days_value", raw);
		rs->status = 400;
	} else
		tval_set_str(a, m, "days_value", arena_printf(a, "%d", *days));
	tval_set_int(a, m, "days", *days);
	tval_set_str(a, m, "window_action", base);
	for (size_t i = 0; i < sizeof(day_choices) / sizeof(day_choices[0]);
	     i++) {
		struct tval *it = tval_push(a, ch, tval_map(a));

		tval_set_int(a, it, "n", day_choices[i]);
		tval_set_str(a, it, "url",
		             arena_printf(a, "%s?days=%d", base,
		                          day_choices[i]));
		if (day_choices[i] == *days)
			tval_set_bool(a, it, "current", 1);
	}
}

/* May w see the numbers of post p? */
static int
may_see_post(const struct who *w, const struct post *p)
{
	if (auth_can(&w->u, CAP_POSTS_ALL))
		return 1;
	return auth_can(&w->u, CAP_POSTS_OWN) && p->author_id != 0 &&
	       p->author_id == w->u.id;
}

static int
post_is_public(const struct post *p, int64_t now)
{
	return p->status == POST_PUBLISHED && p->published_at <= now;
}

static const char *
stats_path(struct arena *a, int64_t id)
{
	return arena_printf(a, "/admin/posts/%lld/stats/", (long long)id);
}

/* A comment's text cut to STATS_EXCERPT bytes on a character boundary. */
static const char *
excerpt(struct arena *a, const char *src)
{
	size_t n = strlen(src), cut = utf8_cut(src, n, STATS_EXCERPT);

	if (cut == n)
		return src;
	return arena_printf(a, "%.*s…", (int)cut, src);
}

/* ---- GET /admin/ ---- */

static int
dash_site(struct site *s, struct req *r, struct tval *m, struct who *w,
          int days, struct error *e)
{
	struct arena *a = r->arena;
	struct tval *st = tval_set(a, m, "site_stats", tval_map(a));
	struct tval *top = tval_set(a, st, "top", tval_list(a));
	struct series sr;
	struct post *posts;
	int64_t *views;
	size_t n;

	if (series_load(s, a, 0, days, &sr, e) == -1)
		return -1;
	series_model(a, st, &sr, "Views");
	if (store_views_popular(s->store, a, sr.first, sr.last, clock_now(),
	                        STATS_TOP, &posts, &views, &n, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct tval *it = tval_push(a, top, tval_map(a));

		tval_set_int(a, it, "rank", (int64_t)i + 1);
		tval_set_str(a, it, "title", posts[i].title);
		tval_set_str(a, it, "url", post_path(a, &posts[i]));
		tval_set_str(a, it, "date",
		             date_human(a, posts[i].published_at));
		tval_set_int(a, it, "views", views[i]);
		tval_set_int(a, it, "views_total", posts[i].views_total);
		if (may_see_post(w, &posts[i]))
			tval_set_str(a, it, "stats_url",
			             stats_path(a, posts[i].id));
	}
	tval_set_bool(a, st, "has_top", n > 0);
	return 0;
}

static int
dash_own(struct site *s, struct req *r, struct tval *m, struct who *w, int days,
         struct error *e)
{
	struct arena *a = r->arena;
	struct tval *own = tval_set(a, m, "own", tval_map(a));
	struct tval *list = tval_set(a, own, "posts", tval_list(a));
	int64_t last = time_day(clock_now()), now = clock_now();
	struct post *posts;
	int64_t *views;
	size_t n;

	if (store_stats_author_posts(s->store, a, w->u.id, last - days + 1,
	                             last, STATS_OWN_POSTS, &posts, &views, &n,
	                             e) == -1)
		return -1;
	tval_set_int(a, own, "days", days);
	for (size_t i = 0; i < n; i++) {
		struct post *p = &posts[i];
		struct tval *it = tval_push(a, list, tval_map(a));

		tval_set_str(a, it, "title",
		             *p->title ? p->title : "(untitled)");
		tval_set_str(a, it, "status", post_status_names[p->status]);
		tval_set_str(a, it, "type", post_type_names[p->type]);
		tval_set_str(a, it, "stats_url", stats_path(a, p->id));
		tval_set_str(a, it, "edit_url",
		             arena_printf(a, "/admin/posts/%lld/",
		                          (long long)p->id));
		if (post_is_public(p, now))
			tval_set_str(a, it, "url", post_path(a, p));
		tval_set_int(a, it, "views", views[i]);
		tval_set_int(a, it, "views_total",
		             views_total(s->views, p->id, p->views_total));
		tval_set_int(a, it, "comments", p->comment_count);
	}
	tval_set_bool(a, own, "has_posts", n > 0);
	tval_set_bool(a, own, "full", n == STATS_OWN_POSTS);
	return 0;
}

static int
dash_moderation(struct site *s, struct req *r, struct tval *m, struct who *w,
                struct error *e)
{
	struct arena *a = r->arena;
	int64_t pc, ps;

	if (store_comment_count(s->store, COMMENT_PENDING, &pc, e) == -1 ||
	    store_submission_count(s->store, POST_PENDING, &ps, e) == -1)
		return -1;
	if (auth_can(&w->u, CAP_COMMENTS)) {
		struct tval *c =
			tval_set(a, m, "pending_comments", tval_map(a));
		struct tval *list = tval_set(a, m, "newest", tval_list(a));
		struct comment_on_post *cs;
		size_t n;

		tval_set_int(a, c, "n", pc);
		tval_set_bool(a, c, "one", pc == 1);
		if (store_newest_comments(s->store, a, clock_now(), 0,
		                          STATS_COMMENTS, &cs, &n, e) == -1)
			return -1;
		for (size_t i = 0; i < n; i++) {
			struct tval *it = tval_push(a, list, tval_map(a));

			tval_set_str(a, it, "author", cs[i].c.author_name);
			tval_set_str(a, it, "excerpt",
			             excerpt(a, cs[i].c.body_src));
			tval_set_str(a, it, "post_title", cs[i].post.title);
			tval_set_str(a, it, "url",
			             arena_printf(a, "%s#comment-%lld",
			                          post_path(a, &cs[i].post),
			                          (long long)cs[i].c.id));
			tval_set_str(a, it, "date",
			             date_human(a, cs[i].c.created_at));
			tval_set_str(a, it, "date_iso",
			             date_iso(a, cs[i].c.created_at));
		}
		tval_set_bool(a, m, "has_newest", n > 0);
	}
	if (auth_can(&w->u, CAP_SUBMISSIONS)) {
		struct tval *c =
			tval_set(a, m, "pending_submissions", tval_map(a));

		tval_set_int(a, c, "n", ps);
		tval_set_bool(a, c, "one", ps == 1);
	}
	return 0;
}

void
admin_dashboard(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_ADMIN);
	struct tval *m;
	struct error e;
	int days;

	if (w == NULL)
		return;
	m = admin_model(s, r, w, "Dashboard");
	days = STATS_DAYS;
	/* A moderator's dashboard has no window to choose. */
	if (auth_can(&w->u, CAP_STATS) || auth_can(&w->u, CAP_POSTS_OWN))
		window_model(r, rs, m, "/admin/", &days);
	if (auth_can(&w->u, CAP_POSTS_OWN))
		tval_set_bool(r->arena, m, "can_write", 1);
	if ((auth_can(&w->u, CAP_STATS) &&
	     dash_site(s, r, m, w, days, &e) == -1) ||
	    (auth_can(&w->u, CAP_POSTS_OWN) && !auth_can(&w->u, CAP_STATS) &&
	     dash_own(s, r, m, w, days, &e) == -1) ||
	    dash_moderation(s, r, m, w, &e) == -1) {
		log_error("dashboard: %s", e.msg);
		admin_message(s, r, rs, w, 500, "Dashboard",
		              "The numbers could not be read; try again.");
		return;
	}
	admin_render(s, r, rs, "admin_dashboard.html", m);
}

/* ---- GET /admin/posts/ID/stats/ ---- */

/*
 * The post of route capture 0 when w may see its numbers; otherwise rs
 * is filled (404, 403, 500: JSON for the API) and -1.
 */
static int
stats_post(struct site *s, struct req *r, struct resp *rs, struct who *w,
           int api, struct post *p)
{
	struct error e;
	int64_t id;
	int status = 404;
	const char *msg = "There is no such post.";

	if (admin_id_param(r, 0, &id)) {
		if (store_post_get(s->store, r->arena, id, p, &e) == 0) {
			if (may_see_post(w, p))
				return 0;
			status = 403;
			msg = "You may see the numbers of your own posts "
			      "only.";
		} else if (e.code != ERR_NOT_FOUND) {
			log_error("post stats: %s", e.msg);
			status = 500;
			msg = "The post could not be read; try again.";
		}
	}
	if (api)
		resp_json_error(rs, status, msg);
	else
		admin_message(s, r, rs, w, status, "Post numbers", msg);
	return -1;
}

void
admin_post_stats(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct arena *a = r->arena;
	struct post p;
	struct series sr;
	struct tval *m, *pm;
	struct error e;
	int days;
	int64_t now = clock_now();

	if (w == NULL || stats_post(s, r, rs, w, 0, &p) == -1)
		return;
	m = admin_model(s, r, w,
	                arena_printf(a, "Numbers: %s",
	                             *p.title ? p.title : "(untitled)"));
	window_model(r, rs, m, stats_path(a, p.id), &days);
	if (series_load(s, a, p.id, days, &sr, &e) == -1) {
		log_error("post stats: %s", e.msg);
		admin_message(s, r, rs, w, 500, "Post numbers",
		              "The numbers could not be read; try again.");
		return;
	}
	series_model(a, m, &sr, "Views");
	pm = tval_set(a, m, "post", tval_map(a));
	tval_set_int(a, pm, "id", p.id);
	tval_set_str(a, pm, "title", *p.title ? p.title : "(untitled)");
	tval_set_str(a, pm, "status", post_status_names[p.status]);
	tval_set_str(a, pm, "type", post_type_names[p.type]);
	tval_set_str(a, pm, "edit_url",
	             arena_printf(a, "/admin/posts/%lld/", (long long)p.id));
	if (post_is_public(&p, now)) {
		tval_set_str(a, pm, "url", post_path(a, &p));
		tval_set_str(a, pm, "date", date_human(a, p.published_at));
	}
	tval_set_int(a, pm, "views_total",
	             views_total(s->views, p.id, p.views_total));
	tval_set_int(a, pm, "comments", p.comment_count);
	admin_render(s, r, rs, "admin_stats_post.html", m);
}

/* ---- the JSON API ---- */

/*
 * GET /api/v1/admin/stats?days=N: {"days":[{"date","views"}], "total",
 * "top":[{"id","title","url","date","views"}], "pending_comments",
 * "pending_submissions"}.
 */
void
api_admin_stats(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_STATS);
	struct arena *a = r->arena;
	struct series sr;
	struct post *posts;
	int64_t *views, pc, ps;
	size_t n;
	struct error e;
	const char *raw;
	int days;
	json_t *doc, *top;

	if (w == NULL)
		return;
	if (days_param(r, &days, &raw) == -1) {
		resp_json_error(rs, 400, days_error(a));
		return;
	}
	if (series_load(s, a, 0, days, &sr, &e) == -1 ||
	    store_views_popular(s->store, a, sr.first, sr.last, clock_now(),
	                        STATS_TOP, &posts, &views, &n, &e) == -1 ||
	    store_comment_count(s->store, COMMENT_PENDING, &pc, &e) == -1 ||
	    store_submission_count(s->store, POST_PENDING, &ps, &e) == -1) {
		log_error("stats: %s", e.msg);
		resp_json_error(rs, 500, "cannot read the numbers");
		return;
	}
	top = json_array();
	for (size_t i = 0; top != NULL && i < n; i++) {
		json_t *title = json_string(posts[i].title);

		if (json_array_append_new(
			    top,
			    json_pack("{s:I,s:o,s:s,s:s,s:I,s:I}", "id",
		                      (json_int_t)posts[i].id, "title",
		                      title ? title : json_string(""), "url",
		                      arena_printf(a, "%s%s", s->url,
		                                   post_path(a, &posts[i])),
		                      "date",
		                      date_iso(a, posts[i].published_at),
		                      "views", (json_int_t)views[i],
		                      "views_total",
		                      (json_int_t)posts[i].views_total)) ==
		    -1) {
			json_decref(top);
			top = NULL;
		}
	}
	doc = json_pack("{s:o,s:I,s:o,s:s,s:s}", "days", series_json(a, &sr),
	                "total", (json_int_t)sr.total, "top", top, "from",
	                day_iso(a, sr.first), "to", day_iso(a, sr.last));
	if (doc != NULL && auth_can(&w->u, CAP_COMMENTS))
		json_object_set_new(doc, "pending_comments",
		                    json_integer((json_int_t)pc));
	if (doc != NULL && auth_can(&w->u, CAP_SUBMISSIONS))
		json_object_set_new(doc, "pending_submissions",
		                    json_integer((json_int_t)ps));
	api_json(rs, 200, doc);
}

/*
 * GET /api/v1/admin/posts/ID/stats?days=N: {"id","title","status",
 * "days":[{"date","views"}],"total","views_total","comments"}.
 */
void
api_admin_post_stats(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct arena *a = r->arena;
	struct post p;
	struct series sr;
	struct error e;
	const char *raw;
	int days;
	json_t *title;

	if (w == NULL || stats_post(s, r, rs, w, 1, &p) == -1)
		return;
	if (days_param(r, &days, &raw) == -1) {
		resp_json_error(rs, 400, days_error(a));
		return;
	}
	if (series_load(s, a, p.id, days, &sr, &e) == -1) {
		log_error("post stats: %s", e.msg);
		resp_json_error(rs, 500, "cannot read the numbers");
		return;
	}
	title = json_string(p.title);
	api_json(rs, 200,
	         json_pack("{s:I,s:o,s:s,s:s,s:o,s:I,s:I,s:I,s:s,s:s}", "id",
	                   (json_int_t)p.id, "title",
	                   title ? title : json_string(""), "type",
	                   post_type_names[p.type], "status",
	                   post_status_names[p.status], "days",
	                   series_json(a, &sr), "total", (json_int_t)sr.total,
	                   "views_total",
	                   (json_int_t)views_total(s->views, p.id,
	                                           p.views_total),
	                   "comments", (json_int_t)p.comment_count, "from",
	                   day_iso(a, sr.first), "to", day_iso(a, sr.last)));
}
