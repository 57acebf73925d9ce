/*
 * The admin: the comment queue (/admin/comments/) and the guest
 * submissions queue (/admin/submissions/), as screens and as JSON.
 *
 * Every decision goes through comments_decide() or submissions_decide(),
 * the functions the CLI calls too, so counts, the decision record, the
 * classifier and reply mail follow one set of rules.  Unlike the CLI's
 * all-or-nothing command, a moderator's bulk action decides each comment
 * in its own transaction and reports each one: a comment deleted or
 * decided by another moderator meanwhile must not undo the rest of a
 * page's work.
 *
 * The screens work without JavaScript (plain forms, Post/Redirect/Get
 * back to the same queue and page with a notice); static/admin-moderate.js
 * adds the keyboard (j/k/a/s/d/x/?) through the JSON API.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../core/settings.h"
#include "../auth/auth.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/tz.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/html_text.h"
#include "../util/banned.h"

#define EXCERPT_CHARS 140 /* of the parent, shown with a reply */

/* The tabs, in the order a moderator works through them. */
static const enum comment_status tab_order[] = {COMMENT_PENDING, COMMENT_SPAM,
                                                COMMENT_TRASH,
                                                COMMENT_APPROVED};
static const char *const tab_labels[COMMENT_STATUS__MAX] = {
	[COMMENT_PENDING] = "Pending",
	[COMMENT_APPROVED] = "Approved",
	[COMMENT_SPAM] = "Spam",
	[COMMENT_TRASH] = "Trash",
};
/* What each decision leaves a comment as (comments_decide's rule). */
static const enum comment_status decision_to[DECIDE__MAX] = {
	[DECIDE_APPROVE] = COMMENT_APPROVED,
	[DECIDE_SPAM] = COMMENT_SPAM,
	[DECIDE_NOT_SPAM] = COMMENT_APPROVED,
	[DECIDE_TRASH] = COMMENT_TRASH,
};
static const char *const decision_labels[DECIDE__MAX] = {
	[DECIDE_APPROVE] = "Approve",
	[DECIDE_SPAM] = "Spam",
	[DECIDE_NOT_SPAM] = "Not spam",
	[DECIDE_TRASH] = "Trash",
};
/* "N comment(s) <done>." */
static const char *const decision_done[DECIDE__MAX] = {
	[DECIDE_APPROVE] = "approved",
	[DECIDE_SPAM] = "marked as spam",
	[DECIDE_NOT_SPAM] = "marked as not spam (approved)",
	[DECIDE_TRASH] = "moved to the trash",
};

/* ---- shared pieces ---- */

/* The first max characters of s (UTF-8), "…" appended when cut. */
const char *
admin_cut_chars(struct arena *a, const char *s, size_t max, int more)
{
	size_t i = 0, chars = 0;

	while (s[i] != '\0') {
		if (((unsigned char)s[i] & 0xc0) != 0x80 && chars++ == max) {
			more = 1;
			break;
		}
		i++;
	}
	return more ? arena_printf(a, "%.*s…", (int)i, s)
	            : arena_strndup(a, s, i);
}

/* "April 27, 2022, 09:15 Europe/Berlin": the site's time zone */
const char *
admin_date_time(struct arena *a, int64_t t)
{
	char hm[16];

	time_format_local(t, "%H:%M", hm, sizeof(hm));
	return arena_printf(a, "%s, %s %s", date_human(a, t), hm, tz_name());
}

static const char *
score_text(struct arena *a, double score)
{
	return arena_printf(a, "%.2f", score);
}

/* The path of the comment on its post ("#comment-ID"). */
static const char *
comment_path(struct arena *a, const struct comment_queued *x)
{
	return arena_printf(a, "%s#comment-%lld", post_path(a, &x->post),
	                    (long long)x->c.id);
}

/* The site's hold threshold, for marking a high score. */
static double
spam_threshold(struct site *s, struct arena *a)
{
	return settings_ratio(s->store, a, "comments_spam_threshold");
}

/* The count of every status; 0 and -1 as the store. */
static int
queue_counts(struct site *s, int64_t counts[COMMENT_STATUS__MAX],
             struct error *e)
{
	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		if (store_comment_count(s->store, (enum comment_status)i,
		                        &counts[i], e) == -1)
			return -1;
	return 0;
}

static json_t *
counts_json(const int64_t counts[COMMENT_STATUS__MAX])
{
	json_t *o = json_object();

	for (int i = 0; i < COMMENT_STATUS__MAX; i++)
		json_object_set_new(o, comment_status_names[i],
		                    json_integer(counts[i]));
	return o;
}

/*
 * Ids from strings: each a positive integer, each once (twice in one
 * request is once: spam twice would teach the classifier twice), at most
 * LIM_MODERATE_IDS.  *ids in a.
 */
static int
ids_parse(struct arena *a, const char *const *v, size_t n, int64_t **ids,
          size_t *nids, struct error *e)
{
	*ids = arena_alloc(a, (n ? n : 1) * sizeof(**ids));
	*nids = 0;
	if (n == 0)
		return error_set(e, ERR_INVALID,
		                 "Select at least one comment (tick its box).");
	for (size_t i = 0; i < n; i++) {
		int64_t id;
		size_t k = 0;

		if (num_parse(v[i], 1, INT64_MAX, &id) == -1)
			return error_set(e, ERR_INVALID,
			                 "'%s' is not a comment id.", v[i]);
		while (k < *nids && (*ids)[k] != id)
			k++;
		if (k == *nids)
			(*ids)[(*nids)++] = id;
	}
	if (*nids > LIM_MODERATE_IDS)
		return error_set(e, ERR_INVALID,
		                 "At most %d comments at once (%zu were "
		                 "selected).",
		                 LIM_MODERATE_IDS, *nids);
	return 0;
}

/*
 * One decision in its own transaction, so the status, the record and
 * the classifier change together or not at all; *was is the status
 * before.
 */
static int
decide_one(struct site *s, int64_t id, enum comment_decision d,
           const char *actor, enum comment_status *was, struct error *e)
{
	struct arena *a = arena_new();
	struct comment c;
	int rc = -1;

	if (store_begin(s->store, e) == -1)
		goto out;
	if (store_comment_get(s->store, a, id, &c, e) == -1 ||
	    comments_decide(s->comments, id, d, actor, e) == -1) {
		store_rollback(s->store);
		goto out;
	}
	*was = c.status;
	rc = store_commit(s->store, e);
out:
	arena_free(a);
	return rc;
}

/* The status named by ?status= (default pending); -1 for another name. */
static int
status_param(const char *v)
{
	if (v == NULL || *v == '\0')
		return COMMENT_PENDING;
	return enum_lookup(comment_status_names, COMMENT_STATUS__MAX, v);
}

/* A page number (1 when absent); -1 when it is not one. */
int64_t
admin_page_param(const char *v)
{
	int64_t p;

	if (v == NULL || *v == '\0')
		return 1;
	return num_parse(v, 1, LIM_PAGE_MAX, &p) == 0 ? p : -1;
}

/* The pages of a list of total items, at least 1. */
int64_t
admin_page_count(int64_t total)
{
	return total <= 0 ? 1
	                  : (total + LIM_MODERATE_PAGE - 1) / LIM_MODERATE_PAGE;
}

/* Previous and next links of a queue screen. */
void
admin_pager_model(struct arena *a, struct tval *m, const char *base,
                  int64_t page, int64_t pages)
{
	tval_set_int(a, m, "page", page);
	tval_set_int(a, m, "pages", pages);
	if (pages > 1)
		tval_set_bool(a, m, "paged", 1);
	if (page > 1)
		tval_set_str(a, m, "prev_url",
		             arena_printf(a, "%spage=%lld", base,
		                          (long long)(page - 1)));
	if (page < pages)
		tval_set_str(a, m, "next_url",
		             arena_printf(a, "%spage=%lld", base,
		                          (long long)(page + 1)));
}

/* ---- the comment queue: screen ---- */

struct queue_view {
	enum comment_status status;
	int64_t page;
	int http_status;          /* 200, or 400 re-showing a bad bulk form */
	const char *notice;       /* what was just done */
	const char *notice_class; /* "ok" or "warn" */
	const char *action_error; /* the bulk form's message */
	const char *action;       /* the bulk form's chosen action */
	const int64_t *checked;   /* ids to show ticked */
	size_t nchecked;
};

static int
is_checked(const struct queue_view *v, int64_t id)
{
	for (size_t i = 0; i < v->nchecked; i++)
		if (v->checked[i] == id)
			return 1;
	return 0;
}

static struct tval *
row_model(struct arena *a, const struct comment_queued *x, double threshold,
          const struct queue_view *v)
{
	struct tval *it = tval_map(a);
	const struct comment *c = &x->c;

	tval_set_int(a, it, "id", c->id);
	tval_set_str(a, it, "row_status", comment_status_names[c->status]);
	tval_set_str(a, it, "post_title",
	             *x->post.title ? x->post.title : "(untitled)");
	tval_set_str(a, it, "post_url", comment_path(a, x));
	if (x->post.status == POST_PUBLISHED)
		tval_set_bool(a, it, "post_published", 1);
	tval_set_str(a, it, "post_status", post_status_names[x->post.status]);
	if (c->parent_id != 0) {
		struct tval *p = tval_set(a, it, "parent", tval_map(a));

		tval_set_int(a, p, "id", c->parent_id);
		tval_set_str(a, p, "author", x->parent_author);
		tval_set_str(a, p, "excerpt",
		             admin_cut_chars(a, x->parent_excerpt,
		                             EXCERPT_CHARS, x->parent_cut));
	}
	tval_set_str(a, it, "author", c->author_name);
	tval_set_str(a, it, "email", c->author_email);
	if (url_is_http(c->author_url))
		tval_set_str(a, it, "author_url", c->author_url);
	else if (*c->author_url != '\0')
		tval_set_str(a, it, "author_url_text", c->author_url);
	tval_set_int(a, it, "history_approved", x->history_approved);
	tval_set_int(a, it, "history_spam", x->history_spam);
	tval_set_str(a, it, "score", score_text(a, c->spam_score));
	if (c->spam_score >= threshold)
		tval_set_bool(a, it, "score_high", 1);
	tval_set_str(a, it, "date", admin_date_time(a, c->created_at));
	tval_set_str(a, it, "date_iso", date_iso(a, c->created_at));
	tval_set_str(a, it, "body_html", c->body_html);
	if (is_checked(v, c->id))
		tval_set_bool(a, it, "checked", 1);
	/* A button for each decision that changes something; "not spam"
	 * where a comment is spam (approving it teaches the classifier). */
	if (c->status == COMMENT_SPAM)
		tval_set_bool(a, it, "can_not_spam", 1);
	else if (c->status != COMMENT_APPROVED)
		tval_set_bool(a, it, "can_approve", 1);
	if (c->status != COMMENT_SPAM)
		tval_set_bool(a, it, "can_spam", 1);
	if (c->status != COMMENT_TRASH)
		tval_set_bool(a, it, "can_trash", 1);
	return it;
}

static void
queue_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
             struct queue_view *v)
{
	struct arena *a = r->arena;
	struct tval *m = admin_model(s, r, w, "Comments");
	struct tval *tabs, *rows, *actions;
	struct comment_queued *q;
	int64_t counts[COMMENT_STATUS__MAX], pages;
	double threshold = spam_threshold(s, a);
	size_t n;
	struct error e;

	if (queue_counts(s, counts, &e) == -1)
		goto fail;
	pages = admin_page_count(counts[v->status]);
	/* Acting on the last page can empty it: land on the new last. */
	if (v->page > pages)
		v->page = pages;
	if (store_comment_queue(s->store, a, v->status, LIM_MODERATE_PAGE,
	                        (int)((v->page - 1) * LIM_MODERATE_PAGE),
	                        EXCERPT_CHARS, &q, &n, &e) == -1)
		goto fail;
	tval_set_str(a, m, "status", comment_status_names[v->status]);
	tval_set_int(a, m, "total", counts[v->status]);
	tabs = tval_set(a, m, "tabs", tval_list(a));
	for (size_t i = 0; i < sizeof(tab_order) / sizeof(tab_order[0]); i++) {
		struct tval *t = tval_push(a, tabs, tval_map(a));
		enum comment_status st = tab_order[i];

		tval_set_str(a, t, "name", comment_status_names[st]);
		tval_set_str(a, t, "label", tab_labels[st]);
		tval_set_int(a, t, "count", counts[st]);
		if (st == v->status)
			tval_set_bool(a, t, "current", 1);
	}
	actions = tval_set(a, m, "actions", tval_list(a));
	for (int i = 0; i < DECIDE__MAX; i++) {
		struct tval *t = tval_push(a, actions, tval_map(a));

		tval_set_str(a, t, "value", comment_decision_names[i]);
		tval_set_str(a, t, "label", decision_labels[i]);
		if (v->action != NULL &&
		    strcmp(v->action, comment_decision_names[i]) == 0)
			tval_set_bool(a, t, "selected", 1);
	}
	rows = tval_set(a, m, "rows", tval_list(a));
	for (size_t i = 0; i < n; i++)
		tval_push(a, rows, row_model(a, &q[i], threshold, v));
	if (n > 0)
		tval_set_bool(a, m, "has_rows", 1);
	if (v->notice != NULL) {
		tval_set_str(a, m, "notice", v->notice);
		tval_set_str(a, m, "notice_class", v->notice_class);
	}
	if (v->action_error != NULL)
		tval_set_str(a, m, "action_error", v->action_error);
	admin_pager_model(a, m,
	                  arena_printf(a, "/admin/comments/?status=%s&",
	                               comment_status_names[v->status]),
	                  v->page, pages);
	rs->status = v->http_status;
	admin_render(s, r, rs, "admin_comments.html", m);
	return;
fail:
	log_error("moderation: %s", e.msg);
	admin_message(s, r, rs, w, 500, "Comments",
	              "The queue could not be read; please try again.");
}

/* The notice of ?did=ACTION&n=N&failed=M after a decision. */
static void
queue_notice(struct arena *a, struct req *r, struct queue_view *v)
{
	const char *did = req_query(r, "did");
	const char *ns = req_query(r, "n"), *fs = req_query(r, "failed");
	int d = did ? enum_lookup(comment_decision_names, DECIDE__MAX, did)
	            : -1;
	int64_t done = 0, failed = 0;

	if (d < 0 || ns == NULL ||
	    num_parse(ns, 0, LIM_MODERATE_IDS, &done) == -1)
		return;
	if (fs != NULL && num_parse(fs, 0, LIM_MODERATE_IDS, &failed) == -1)
		failed = 0;
	v->notice = arena_printf(a, "%lld comment%s %s.", (long long)done,
	                         done == 1 ? "" : "s", decision_done[d]);
	v->notice_class = "ok";
	if (failed > 0) {
		v->notice = arena_printf(a,
		                         "%s %lld could not be changed (gone, "
		                         "or not a comment id).",
		                         v->notice, (long long)failed);
		v->notice_class = "warn";
	}
}

void
admin_comments_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_COMMENTS);
	struct queue_view v = {0};
	int st;

	if (w == NULL)
		return;
	st = status_param(req_query(r, "status"));
	v.page = admin_page_param(req_query(r, "page"));
	if (st < 0 || v.page < 0) {
		admin_message(s, r, rs, w, 400, "Comments",
		              "No such queue: the status is pending, "
		              "approved, spam or trash, and the page a "
		              "number from 1.");
		return;
	}
	v.status = (enum comment_status)st;
	v.http_status = 200;
	queue_notice(r->arena, r, &v);
	queue_render(s, r, rs, w, &v);
}

void
admin_comments_post(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_COMMENTS);
	struct arena *a = r->arena;
	struct queue_view v = {0};
	const char **raw;
	const char *action;
	int64_t *ids = NULL;
	size_t n = 0, nids = 0, done = 0, failed = 0;
	struct error e;
	int st, d;

	if (w == NULL)
		return;
	/* Where to land afterwards: the queue and page the form was on. */
	st = status_param(admin_form_one(r, "status", 20));
	v.status = st < 0 ? COMMENT_PENDING : (enum comment_status)st;
	v.page = admin_page_param(admin_form_one(r, "page", 20));
	if (v.page < 0)
		v.page = 1;
	v.http_status = 400;
	action = admin_form_one(r, "action", 20);
	v.action = action;
	d = action ? enum_lookup(comment_decision_names, DECIDE__MAX, action)
	           : -1;
	if (form_values(r, "id", ID_BYTES, &raw, &n, &e) == -1) {
		v.action_error = arena_strdup(a, e.msg);
		queue_render(s, r, rs, w, &v);
		return;
	}
	if (ids_parse(a, raw, n, &ids, &nids, &e) == -1)
		v.action_error = arena_strdup(a, e.msg);
	v.checked = ids;
	v.nchecked = nids;
	if (d < 0)
		v.action_error = "Choose what to do with the selected comments "
				 "(approve, spam, not spam or trash).";
	if (v.action_error != NULL) {
		queue_render(s, r, rs, w, &v);
		return;
	}
	for (size_t i = 0; i < nids; i++) {
		enum comment_status was;

		if (decide_one(s, ids[i], (enum comment_decision)d, w->u.login,
		               &was, &e) == 0)
			done++;
		else {
			failed++;
			if (e.code != ERR_NOT_FOUND)
				log_error("moderation: comment %lld: %s",
				          (long long)ids[i], e.msg);
		}
	}
	admin_redirect(rs,
	               arena_printf(a,
	                            "/admin/comments/?status=%s&page=%lld&"
	                            "did=%s&n=%zu&failed=%zu",
	                            comment_status_names[v.status],
	                            (long long)v.page,
	                            comment_decision_names[d], done, failed));
}

/* ---- the comment queue: JSON ---- */

static json_t *
comment_json(struct site *s, struct arena *a, const struct comment_queued *x)
{
	const struct comment *c = &x->c;
	json_t *o = json_object();

	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "status",
	                    json_string(comment_status_names[c->status]));
	json_object_set_new(o, "post",
	                    json_pack("{s:I,s:s,s:s,s:s}", "id",
	                              (json_int_t)x->post.id, "title",
	                              x->post.title, "status",
	                              post_status_names[x->post.status], "url",
	                              arena_printf(a, "%s%s", s->url,
	                                           post_path(a, &x->post))));
	json_object_set_new(o, "url",
	                    json_string(arena_printf(a, "%s%s", s->url,
	                                             comment_path(a, x))));
	if (c->parent_id != 0)
		json_object_set_new(o, "parent",
		                    json_pack("{s:I,s:s,s:s}", "id",
		                              (json_int_t)c->parent_id,
		                              "author", x->parent_author,
		                              "excerpt",
		                              admin_cut_chars(a,
		                                              x->parent_excerpt,
		                                              EXCERPT_CHARS,
		                                              x->parent_cut)));
	else
		json_object_set_new(o, "parent", json_null());
	json_object_set_new(o, "author", json_string(c->author_name));
	json_object_set_new(o, "email", json_string(c->author_email));
	json_object_set_new(o, "author_url", json_string(c->author_url));
	json_object_set_new(o, "history",
	                    json_pack("{s:I,s:I}", "approved",
	                              (json_int_t)x->history_approved, "spam",
	                              (json_int_t)x->history_spam));
	json_object_set_new(o, "spam_score", json_real(c->spam_score));
	json_object_set_new(o, "created_at",
	                    json_string(date_iso(a, c->created_at)));
	json_object_set_new(o, "body_html", json_string(c->body_html));
	return o;
}

/* A query argument as a number in [min, max], def when absent; -1 with a
 * 400 sent when it is not one. */
int
admin_query_num(struct req *r, struct resp *rs, const char *name, int64_t min,
                int64_t max, int64_t def, int64_t *out)
{
	const char *v = req_query(r, name);

	*out = def;
	if (v == NULL || *v == '\0')
		return 0;
	if (num_parse(v, min, max, out) == 0)
		return 0;
	resp_json_error(rs, 400,
	                arena_printf(r->arena, "%s: a number from %lld to %lld",
	                             name, (long long)min, (long long)max));
	return -1;
}

void
api_admin_comments(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_COMMENTS);
	struct arena *a = r->arena;
	struct comment_queued *q;
	int64_t counts[COMMENT_STATUS__MAX], limit, offset;
	json_t *list;
	size_t n;
	struct error e;
	int st;

	if (w == NULL)
		return;
	st = status_param(req_query(r, "status"));
	if (st < 0) {
		resp_json_error(rs, 400,
		                "status: pending, approved, spam or trash");
		return;
	}
	if (admin_query_num(r, rs, "limit", 1, LIM_MODERATE_LIMIT,
	                    LIM_MODERATE_PAGE, &limit) == -1 ||
	    admin_query_num(r, rs, "offset", 0, INT32_MAX, 0, &offset) == -1)
		return;
	if (queue_counts(s, counts, &e) == -1 ||
	    store_comment_queue(s->store, a, (enum comment_status)st,
	                        (int)limit, (int)offset, EXCERPT_CHARS, &q, &n,
	                        &e) == -1) {
		log_error("moderation: %s", e.msg);
		resp_json_error(rs, 500, "cannot read the queue");
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, comment_json(s, a, &q[i]));
	api_json(rs, 200,
	         json_pack("{s:s,s:I,s:I,s:I,s:o,s:o}", "status",
	                   comment_status_names[st], "total",
	                   (json_int_t)counts[st], "limit", (json_int_t)limit,
	                   "offset", (json_int_t)offset, "counts",
	                   counts_json(counts), "comments", list));
}

void
api_admin_comments_decide(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_COMMENTS);
	struct arena *a = r->arena;
	json_t *doc, *jids, *v, *results;
	const char *action;
	const char **raw;
	int64_t *ids, counts[COMMENT_STATUS__MAX];
	size_t nids, i;
	struct error e;
	int d;

	if (w == NULL)
		return;
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	jids = json_object_get(doc, "ids");
	v = json_object_get(doc, "action");
	action = json_is_string(v) ? json_string_value(v) : NULL;
	d = action ? enum_lookup(comment_decision_names, DECIDE__MAX, action)
	           : -1;
	if (d < 0) {
		json_decref(doc);
		resp_json_error(rs, 400,
		                "action: approve, spam, not-spam or trash");
		return;
	}
	if (!json_is_array(jids) || json_array_size(jids) == 0) {
		json_decref(doc);
		resp_json_error(rs, 400,
		                "ids: an array of one or more comment ids");
		return;
	}
	/* Checked before anything is read: the count a client sent is not
	 * trusted to size anything. */
	if (json_array_size(jids) > LIM_MODERATE_IDS) {
		json_decref(doc);
		resp_json_error(rs, 400,
		                arena_printf(a,
		                             "ids: at most %d comments at once",
		                             LIM_MODERATE_IDS));
		return;
	}
	raw = arena_alloc(a, (json_array_size(jids) + 1) * sizeof(*raw));
	json_array_foreach(jids, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			json_decref(doc);
			resp_json_error(rs, 400,
			                "ids: each a comment id (a positive "
			                "integer)");
			return;
		}
		raw[i] = arena_printf(a, "%lld",
		                      (long long)json_integer_value(v));
	}
	if (ids_parse(a, raw, json_array_size(jids), &ids, &nids, &e) == -1) {
		json_decref(doc);
		resp_json_error(rs, 400, arena_printf(a, "ids: %s", e.msg));
		return;
	}
	json_decref(doc);
	results = json_array();
	for (i = 0; i < nids; i++) {
		enum comment_status was;
		json_t *o = json_pack("{s:I}", "id", (json_int_t)ids[i]);

		if (decide_one(s, ids[i], (enum comment_decision)d, w->u.login,
		               &was, &e) == 0) {
			json_object_set_new(o, "ok", json_true());
			json_object_set_new(o, "was",
			                    json_string(
						    comment_status_names[was]));
			json_object_set_new(
				o, "status",
				json_string(
					comment_status_names[decision_to[d]]));
		} else {
			if (e.code != ERR_NOT_FOUND)
				log_error("moderation: comment %lld: %s",
				          (long long)ids[i], e.msg);
			json_object_set_new(o, "ok", json_false());
			json_object_set_new(o, "error", json_string(e.msg));
		}
		json_array_append_new(results, o);
	}
	if (queue_counts(s, counts, &e) == -1) {
		log_error("moderation: %s", e.msg);
		memset(counts, 0, sizeof(counts));
	}
	api_json(rs, 200,
	         json_pack("{s:s,s:o,s:o}", "action", comment_decision_names[d],
	                   "results", results, "counts", counts_json(counts)));
}
