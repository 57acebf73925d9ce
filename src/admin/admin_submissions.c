/*
 * The admin: the guest submissions queue (/admin/submissions/), as a
 * screen and as JSON; every decision goes through submissions_decide(),
 * which the CLI calls too.  Pieces shared with the comment queue are in
 * admin_moderate.c.
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
#include "../util/num.h"
#include "../util/text.h"
#include "../util/html_text.h"
#include "../util/banned.h"

#define PREVIEW_CHARS 400 /* of a submission's text, shown in the queue */
/* ---- the submissions queue ---- */

static const char *
submission_preview(struct arena *a, const struct post *p)
{
	const char *text = html_to_text(a, p->body_html, strlen(p->body_html));

	return admin_cut_chars(a, text, PREVIEW_CHARS, 0);
}

struct subs_view {
	int64_t page;
	int http_status;
	const char *notice, *notice_class;
	int64_t edit_id; /* an accepted submission to open in the editor */
	const char *error;
};

static void
subs_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
            struct subs_view *v)
{
	struct arena *a = r->arena;
	struct tval *m = admin_model(s, r, w, "Submissions"), *rows;
	struct post *p;
	int64_t total, pages;
	size_t n;
	struct error e;

	if (store_submission_count(s->store, POST_PENDING, &total, &e) == -1)
		goto fail;
	pages = admin_page_count(total);
	if (v->page > pages)
		v->page = pages;
	if (store_submission_queue(s->store, a, POST_PENDING, LIM_MODERATE_PAGE,
	                           (int)((v->page - 1) * LIM_MODERATE_PAGE), &p,
	                           &n, &e) == -1)
		goto fail;
	tval_set_int(a, m, "total", total);
	rows = tval_set(a, m, "rows", tval_list(a));
	for (size_t i = 0; i < n; i++) {
		struct tval *it = tval_push(a, rows, tval_map(a));

		tval_set_int(a, it, "id", p[i].id);
		tval_set_str(a, it, "post_title",
		             *p[i].title ? p[i].title : "(untitled)");
		tval_set_str(a, it, "name", p[i].submitter_name);
		tval_set_str(a, it, "email", p[i].submitter_email);
		tval_set_str(a, it, "date",
		             admin_date_time(a, p[i].published_at));
		tval_set_str(a, it, "date_iso", date_iso(a, p[i].published_at));
		tval_set_str(a, it, "preview", submission_preview(a, &p[i]));
		if (url_is_http(p[i].source_url))
			tval_set_str(a, it, "source_url", p[i].source_url);
	}
	if (n > 0)
		tval_set_bool(a, m, "has_rows", 1);
	if (v->notice != NULL) {
		tval_set_str(a, m, "notice", v->notice);
		tval_set_str(a, m, "notice_class", v->notice_class);
	}
	if (v->edit_id > 0)
		tval_set_str(a, m, "edit_url",
		             arena_printf(a, "/admin/posts/%lld/",
		                          (long long)v->edit_id));
	if (v->error != NULL)
		tval_set_str(a, m, "error", v->error);
	admin_pager_model(a, m, "/admin/submissions/?", v->page, pages);
	rs->status = v->http_status;
	admin_render(s, r, rs, "admin_submissions.html", m);
	return;
fail:
	log_error("submissions: %s", e.msg);
	admin_message(s, r, rs, w, 500, "Submissions",
	              "The queue could not be read; please try again.");
}

void
admin_submissions_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SUBMISSIONS);
	struct arena *a = r->arena;
	struct subs_view v = {0};
	const char *acc = req_query(r, "accepted");
	const char *rej = req_query(r, "rejected");
	struct post p;
	struct error e;
	int64_t id;

	if (w == NULL)
		return;
	v.page = admin_page_param(req_query(r, "page"));
	if (v.page < 0) {
		admin_message(s, r, rs, w, 400, "Submissions",
		              "The page is a number from 1.");
		return;
	}
	v.http_status = 200;
	if (acc != NULL && num_parse(acc, 1, INT64_MAX, &id) == 0 &&
	    store_submission_get(s->store, a, id, &p, &e) == 0) {
		v.notice = arena_printf(a,
		                        "Accepted: “%s” is now a draft post, "
		                        "ready to edit and publish.",
		                        p.title);
		v.notice_class = "ok";
		v.edit_id = id;
	} else if (rej != NULL && num_parse(rej, 1, INT64_MAX, &id) == 0 &&
	           store_submission_get(s->store, a, id, &p, &e) == 0) {
		v.notice = arena_printf(a,
		                        "Rejected: “%s” was moved to the "
		                        "trash.",
		                        p.title);
		v.notice_class = "ok";
	}
	subs_render(s, r, rs, w, &v);
}

/*
 * Accept or reject a pending guest submission in one transaction (its
 * status is checked and changed together).  ERR_NOT_FOUND when id is not
 * a submission, ERR_CONFLICT when it is no longer pending.
 */
static int
submission_decide(struct site *s, int64_t id, int accept, struct error *e)
{
	struct arena *a = arena_new();
	struct post p;
	int rc = -1;

	if (store_begin(s->store, e) == -1)
		goto out;
	if (store_submission_get(s->store, a, id, &p, e) == -1 ||
	    submissions_decide(s->comments, id, accept, e) == -1) {
		store_rollback(s->store);
		goto out;
	}
	rc = store_commit(s->store, e);
out:
	arena_free(a);
	return rc;
}

/* "accept" 1, "reject" 0, else -1. */
static int
accept_param(const char *v)
{
	if (v == NULL)
		return -1;
	if (strcmp(v, "accept") == 0)
		return 1;
	return strcmp(v, "reject") == 0 ? 0 : -1;
}

void
admin_submissions_post(void *ctx, struct req *r, struct resp *rs)
{
	enum { F_ID, F_ACTION, F_CSRF, F_PAGE, F__MAX };
	struct form_field f[F__MAX] = {
		[F_ID] = {"id", ID_BYTES, 0, NULL},
		[F_ACTION] = {"action", 20, 0, NULL},
		[F_CSRF] = {"csrf", 200, 0, NULL},
		[F_PAGE] = {"page", 20, 0, NULL},
	};
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SUBMISSIONS);
	struct arena *a = r->arena;
	struct subs_view v = {0};
	struct error e;
	int64_t id = 0;
	int accept;

	if (w == NULL)
		return;
	v.http_status = 400;
	v.page = 1;
	if (form_parse(r, f, F__MAX, &e) == -1) {
		v.error = arena_strdup(a, e.msg);
		subs_render(s, r, rs, w, &v);
		return;
	}
	v.page = admin_page_param(f[F_PAGE].value);
	if (v.page < 0)
		v.page = 1;
	accept = accept_param(f[F_ACTION].value);
	if (f[F_ID].value == NULL ||
	    num_parse(f[F_ID].value, 1, INT64_MAX, &id) == -1)
		v.error = "Choose a submission (its id is missing or not a "
			  "number).";
	else if (accept < 0)
		v.error = "Choose accept or reject.";
	if (v.error != NULL) {
		subs_render(s, r, rs, w, &v);
		return;
	}
	if (submission_decide(s, id, accept, &e) == -1) {
		if (e.code == ERR_IO)
			log_error("submissions: %lld: %s", (long long)id,
			          e.msg);
		v.http_status = resp_status_for(e.code);
		v.error = e.code == ERR_CONFLICT
		                  ? "That submission was already accepted or "
		                    "rejected (by someone else, or in another "
		                    "tab)."
		          : e.code == ERR_NOT_FOUND
		                  ? "There is no such submission."
		                  : "The submission could not be changed; "
		                    "please try again.";
		subs_render(s, r, rs, w, &v);
		return;
	}
	admin_redirect(rs,
	               arena_printf(a, "/admin/submissions/?page=%lld&%s=%lld",
	                            (long long)v.page,
	                            accept ? "accepted" : "rejected",
	                            (long long)id));
}

static json_t *
submission_json(struct site *s, struct arena *a, const struct post *p)
{
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id",
	                      (json_int_t)p->id, "status",
	                      post_status_names[p->status], "title", p->title,
	                      "name", p->submitter_name, "email",
	                      p->submitter_email, "source_url", p->source_url,
	                      "created_at", date_iso(a, p->published_at),
	                      "preview", submission_preview(a, p));

	json_object_set_new(o, "edit_url",
	                    json_string(arena_printf(a, "%s/admin/posts/%lld/",
	                                             s->url,
	                                             (long long)p->id)));
	return o;
}

void
api_admin_submissions(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SUBMISSIONS);
	struct arena *a = r->arena;
	const char *sv = req_query(r, "status");
	struct post *p;
	int64_t total, limit, offset;
	json_t *list;
	size_t n;
	struct error e;
	int st = POST_PENDING;

	if (w == NULL)
		return;
	/* pending: the queue; draft: accepted; trash: rejected (and spam). */
	if (sv != NULL && *sv != '\0') {
		st = enum_lookup(post_status_names, POST_STATUS__MAX, sv);
		if (st != POST_PENDING && st != POST_DRAFT &&
		    st != POST_TRASH) {
			resp_json_error(rs, 400,
			                "status: pending, draft or trash");
			return;
		}
	}
	if (admin_query_num(r, rs, "limit", 1, LIM_MODERATE_LIMIT,
	                    LIM_MODERATE_PAGE, &limit) == -1 ||
	    admin_query_num(r, rs, "offset", 0, INT32_MAX, 0, &offset) == -1)
		return;
	if (store_submission_count(s->store, (enum post_status)st, &total,
	                           &e) == -1 ||
	    store_submission_queue(s->store, a, (enum post_status)st,
	                           (int)limit, (int)offset, &p, &n, &e) == -1) {
		log_error("submissions: %s", e.msg);
		resp_json_error(rs, 500, "cannot read the submissions");
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, submission_json(s, a, &p[i]));
	api_json(rs, 200,
	         json_pack("{s:s,s:I,s:I,s:I,s:o}", "status",
	                   post_status_names[st], "total", (json_int_t)total,
	                   "limit", (json_int_t)limit, "offset",
	                   (json_int_t)offset, "submissions", list));
}

void
api_admin_submission(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_SUBMISSIONS);
	struct arena *a = r->arena;
	json_t *doc, *v;
	struct post p;
	struct error e;
	int64_t id;
	int accept;

	if (w == NULL)
		return;
	if (!admin_id_param(r, 0, &id)) {
		resp_json_error(rs, 404, "no such submission");
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	v = json_object_get(doc, "action");
	accept = accept_param(json_is_string(v) ? json_string_value(v) : NULL);
	json_decref(doc);
	if (accept < 0) {
		resp_json_error(rs, 400, "action: accept or reject");
		return;
	}
	if (submission_decide(s, id, accept, &e) == -1) {
		if (e.code == ERR_IO)
			log_error("submissions: %lld: %s", (long long)id,
			          e.msg);
		resp_json_error(rs, resp_status_for(e.code),
		                e.code == ERR_IO
		                        ? "cannot change the submission"
		                        : e.msg);
		return;
	}
	if (store_submission_get(s->store, a, id, &p, &e) == -1) {
		resp_json_error(rs, 500, "cannot read the submission");
		return;
	}
	api_json(rs, 200, submission_json(s, a, &p));
}
