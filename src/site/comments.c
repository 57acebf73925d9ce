/*
 * Comments on the site: the threads under a post (a page of top-level
 * threads with their replies, flattened in reading order with their
 * depth), the form that works without JavaScript (POST /comments, then 303
 * to the comment), and the JSON API the page's script and other clients
 * use.  Every rule is in comments/comments.c; this file only speaks HTTP.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/banned.h"

/* Reading order: each comment followed by its replies, oldest first. */
struct node {
	const struct comment *c;
	size_t first_child, next_sibling; /* indexes + 1; 0: none */
	size_t last_child;
};

static void
emit(struct arena *a, const struct i18n *cat, struct tval *list,
     struct node *nodes, size_t i, int max_depth)
{
	const struct comment *c = nodes[i].c;
	struct tval *m = tval_push(a, list, tval_map(a));

	tval_set_int(a, m, "id", c->id);
	tval_set_int(a, m, "depth", c->depth);
	tval_set_str(a, m, "author", c->author_name);
	if (*c->author_url != '\0')
		tval_set_str(a, m, "author_url", c->author_url);
	tval_set_str(a, m, "date", site_date(a, cat, c->created_at));
	tval_set_str(a, m, "date_iso", date_iso(a, c->created_at));
	tval_set_str(a, m, "body_html", c->body_html);
	tval_set_bool(a, m, "edited", c->edited_at != 0);
	tval_set_bool(a, m, "can_reply", c->depth + 1 < max_depth);
}

/* Iterative pre-order walk (threads may be deep; no recursion). */
static void
walk(struct arena *a, const struct i18n *cat, struct tval *list,
     struct node *nodes, size_t root, int max_depth)
{
	size_t *stack =
		arena_alloc(a, (LIM_COMMENT_DEPTH + 2) * sizeof(*stack));
	size_t top = 0, i = root;

	for (;;) {
		emit(a, cat, list, nodes, i, max_depth);
		if (nodes[i].first_child && top < LIM_COMMENT_DEPTH + 1) {
			stack[top++] = i;
			i = nodes[i].first_child - 1;
			continue;
		}
		while (!nodes[i].next_sibling && top > 0)
			i = stack[--top];
		if (!nodes[i].next_sibling)
			break;
		i = nodes[i].next_sibling - 1;
	}
}

/* id -> index, open addressing over an arena table. */
static size_t
find(const int64_t *keys, const size_t *vals, size_t cap, int64_t id)
{
	for (size_t h = (size_t)id % cap;; h = (h + 1) % cap) {
		if (keys[h] == 0)
			return (size_t)-1;
		if (keys[h] == id)
			return vals[h];
	}
}

/* The comment list of a page of threads, in reading order. */
static struct tval *
threads_model(struct arena *a, const struct i18n *cat, const struct comment *cs,
              size_t n, int max_depth)
{
	struct tval *list = tval_list(a);
	struct node *nodes = arena_zalloc(a, (n + 1) * sizeof(*nodes));
	size_t cap = 2 * n + 1;
	int64_t *keys = arena_zalloc(a, cap * sizeof(*keys));
	size_t *vals = arena_alloc(a, cap * sizeof(*vals));

	for (size_t i = 0; i < n; i++) {
		size_t h = (size_t)cs[i].id % cap;

		while (keys[h] != 0)
			h = (h + 1) % cap;
		keys[h] = cs[i].id;
		vals[h] = i;
		nodes[i].c = &cs[i];
	}
	/* Rows come roots first, then replies by time: children are
	 * appended in that order. */
	for (size_t i = 0; i < n; i++) {
		size_t p;

		if (cs[i].parent_id == 0)
			continue;
		p = find(keys, vals, cap, cs[i].parent_id);
		if (p == (size_t)-1)
			continue; /* parent not approved: shown nowhere */
		if (nodes[p].last_child)
			nodes[nodes[p].last_child - 1].next_sibling = i + 1;
		else
			nodes[p].first_child = i + 1;
		nodes[p].last_child = i + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (cs[i].parent_id == 0)
			walk(a, cat, list, nodes, i, max_depth);
	return list;
}

/* Discussion sections (the Cafe) order threads by latest activity. */
static int
by_activity(struct site *s, const struct post *p)
{
	return p->section_id != 0 && *p->section_slug != '\0' &&
	       site_section_kind(s, p->section_slug) == SECTION_DISCUSSION;
}

void
comments_reads(struct site *s, const struct post *p, int64_t page,
               struct post_reads *r)
{
	/* Most posts have no approved comment: the row read with the post
	 * (in the same read transaction) says so, and nothing is read. */
	if (p->comment_count == 0)
		return;
	r->by_activity = by_activity(s, p);
	r->threads = LIM_COMMENT_THREADS;
	r->offset = (int)((page - 1) * LIM_COMMENT_THREADS);
}

int
comments_model(struct site *s, struct req *r, struct tval *pm,
               const struct post *p, int64_t page)
{
	struct arena *a = r->arena;
	struct comment *cs;
	size_t n;
	int64_t roots, pages;
	struct error e;
	struct tval *f;
	const char *permalink = site_permalink(a, p);
	const char *reply = req_query(r, "replytocom");
	int64_t parent = 0;
	struct post_reads want = {0};

	comments_reads(s, p, page, &want);
	if (want.threads == 0) {
		cs = NULL;
		n = 0;
		roots = 0;
	} else if (store_comment_threads(s->store, a, p->id, want.by_activity,
	                                 want.threads, want.offset, &cs, &n,
	                                 &roots, &e) == -1) {
		log_error("comments of %lld: %s", (long long)p->id, e.msg);
		return -1;
	}
	pages = roots == 0 ? 1
	                   : (roots + LIM_COMMENT_THREADS - 1) /
	                             LIM_COMMENT_THREADS;
	if (page > pages)
		return -1;
	tval_set(a, pm, "comment_list",
	         threads_model(a, site_cat(s), cs, n,
	                       comments_max_depth(s->comments, a)));
	if (page < pages)
		tval_set_str(a, pm, "comments_more",
		             arena_printf(a, "%scomment-page-%lld/#comments",
		                          permalink, (long long)page + 1));
	if (page > 1) {
		tval_set_str(a, pm, "comments_first",
		             arena_printf(a, "%s#comments", permalink));
		tval_set_int(a, pm, "comments_page", page);
	}
	if (req_query(r, "moderation") != NULL)
		tval_set_bool(a, pm, "comment_held", 1);
	if (!p->comments_open) {
		tval_set_bool(a, pm, "comments_closed", 1);
		return 0;
	}
	f = tval_set(a, pm, "form", tval_map(a));
	tval_set_int(a, f, "post_id", p->id);
	tval_set_str(a, f, "stamp",
	             comments_form_stamp(s->comments, a, clock_now()));
	if (reply != NULL && num_parse(reply, 1, INT64_MAX, &parent) == 0)
		tval_set_int(a, f, "parent_id", parent);
	return 0;
}

/*
 * What the reader's form says for an error of comments/ or of the form
 * reader.  Those errors are the JSON API's, in English and naming the
 * field ("author: required"); the page says it in the site's language,
 * chosen here by the error's code and its start.  Anything not listed
 * gets the last, general message: a page in Russian never shows one of
 * the API's English errors.
 */
#define ORIGIN_MESSAGE                                                         \
	N_("This form must be sent from this site's own pages (the request "   \
	   "had no Origin or Referer of this site).")
static const struct {
	enum err_code code; /* ERR_OK: any */
	const char *start, *msgid;
} form_messages[] = {
	{ERR_OK, "author: required", N_("Please enter your name.")},
	{ERR_OK, "name: required", N_("Please enter your name.")},
	{ERR_OK, "body: required", N_("Please write something first.")},
	{ERR_OK, "email: required", N_("Please enter your email address.")},
	{ERR_OK, "title: required", N_("Please enter a title.")},
	{ERR_OK, "author: control",
         N_("Your name cannot hold control "
            "characters.")},
	{ERR_OK, "email: not an email",
         N_("That email address does not look right.")},
	{ERR_OK, "url: must start",
         N_("A website address must start with http:// or https://.")},
	{ERR_OK, "source: must start",
         N_("A source link must start with http:// or https://.")},
	{ERR_OK,
         "parent_id:", N_("The comment you replied to is not there any more.")},
	{ERR_OK, "post_id:", N_("There is no such post.")},
	{ERR_OK, "comments are closed",
         N_("Comments are closed on this post.")},
	{ERR_OK, "this post is password protected",
         N_("This post is password protected: enter its password on the "
            "post's page to comment.")},
	{ERR_OK, "too many wrong passwords",
         N_("Too many wrong passwords. Please wait a little, then try "
            "again.")},
	{ERR_RATE_LIMITED, "",
         N_("You are commenting too fast. Please wait a little, then try "
            "again.")},
	{ERR_CONFLICT, "duplicate",
         N_("Duplicate comment: it looks as though you have already said "
            "that.")},
	{ERR_FORBIDDEN, "this comment cannot",
         N_("This comment cannot be accepted.")},
	{ERR_FORBIDDEN, "this submission cannot",
         N_("This submission cannot be accepted.")},
	{ERR_FORBIDDEN, "form origin", ORIGIN_MESSAGE},
	{ERR_TOO_BIG, "", N_("Something you wrote is too long.")},
	{ERR_IO, "", N_("It could not be saved; please try again.")},
	{ERR_INVALID, "",
         N_("Something in the form is not right; please "
            "check it and try again.")},
	{ERR_OK, "", N_("The form could not be accepted; please try again.")},
};

const char *
site_form_message(struct site *s, const struct error *e, const char *io_en)
{
	size_t i;

	/* In English the API's own words say most (which field, which
	 * limit), as they did before there were languages. */
	if (strcmp(i18n_lang(site_cat(s)), "en") == 0)
		return e->code == ERR_IO ? io_en : e->msg;

	/* "FIELD: longer than N bytes" (ERR_INVALID, from any field). */
	if (strstr(e->msg, ": longer than ") != NULL)
		return i18n_text(site_cat(s),
		                 "Something you wrote is too long.");
	for (i = 0; i < sizeof(form_messages) / sizeof(form_messages[0]) - 1;
	     i++)
		if ((form_messages[i].code == ERR_OK ||
		     form_messages[i].code == e->code) &&
		    strncmp(e->msg, form_messages[i].start,
		            strlen(form_messages[i].start)) == 0)
			break;
	return i18n_text(site_cat(s), form_messages[i].msgid);
}

/* An error page for a form that came back wrong, with a way back. */
static void
form_error(struct site *s, struct req *r, struct resp *rs, int status,
           const char *msg, const char *back)
{
	struct tval *m = page_model(s, r,
	                            i18n_text(site_cat(s),
	                                      "Your comment was not posted"),
	                            "/");

	tval_set_str(r->arena, m, "message", msg);
	if (back != NULL)
		tval_set_str(r->arena, m, "back", back);
	rs->status = status;
	page_render(s, r, rs, "message.html", m);
}

void
comment_form_post(void *ctx, struct req *r, struct resp *rs)
{
	enum {
		F_POST,
		F_PARENT,
		F_AUTHOR,
		F_EMAIL,
		F_URL,
		F_BODY,
		F_HONEY,
		F_STAMP,
		F_NOTIFY,
		F_PASSWORD,
		F__MAX
	};
	struct form_field f[F__MAX] = {
		[F_POST] = {"post_id", 20, 1, NULL},
		[F_PARENT] = {"parent_id", 20, 0, NULL},
		[F_AUTHOR] = {"author", LIM_AUTHOR_BYTES, 1, NULL},
		[F_EMAIL] = {"email", LIM_EMAIL_BYTES, 0, NULL},
		[F_URL] = {"url", LIM_AUTHOR_URL_BYTES, 0, NULL},
		[F_BODY] = {"body", LIM_COMMENT_BYTES, 1, NULL},
		[F_HONEY] = {"website", 1000, 0, NULL},
		[F_STAMP] = {"stamp", 100, 0, NULL},
		[F_NOTIFY] = {"notify", 10, 0, NULL},
		[F_PASSWORD] = {"post_password", 255, 0, NULL},
	};
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct comment_input in = {0};
	struct comment_result out;
	struct error e;
	const char *back;

	if (!req_same_origin(r, s->url)) {
		form_error(s, r, rs, 403,
		           i18n_text(site_cat(s), ORIGIN_MESSAGE), NULL);
		return;
	}
	if (form_parse(r, f, F__MAX, &e) == -1 ||
	    num_parse(f[F_POST].value, 1, INT64_MAX, &in.post_id) == -1 ||
	    (f[F_PARENT].value != NULL && *f[F_PARENT].value != '\0' &&
	     num_parse(f[F_PARENT].value, 1, INT64_MAX, &in.parent_id) == -1)) {
		if (e.code == ERR_OK || e.msg[0] == '\0')
			error_set(&e, ERR_INVALID, "post_id: not a number");
		form_error(s, r, rs, 400, site_form_message(s, &e, e.msg),
		           NULL);
		return;
	}
	in.author = f[F_AUTHOR].value;
	in.email = f[F_EMAIL].value;
	in.url = f[F_URL].value;
	in.body = f[F_BODY].value;
	in.honeypot = f[F_HONEY].value;
	/* A form always carries its stamp; one without is not ours. */
	in.form_stamp = f[F_STAMP].value ? f[F_STAMP].value : "";
	in.notify = f[F_NOTIFY].value != NULL;
	in.post_password = f[F_PASSWORD].value;
	in.ip = req_client_ip(r);
	error_clear(&e);
	if (comments_submit(s->comments, a, &in, &out, &e) == -1) {
		back = out.post.id ? site_permalink(a, &out.post) : NULL;
		if (e.code == ERR_RATE_LIMITED)
			(void)resp_header(rs, "Retry-After",
			                  arena_printf(a, "%d",
			                               out.retry_after));
		if (e.code == ERR_IO)
			log_error("comment: %s", e.msg);
		form_error(s, r, rs, resp_status_for(e.code),
		           site_form_message(s, &e,
		                             "the comment could not be saved; "
		                             "please try again"),
		           back);
		return;
	}
	/* Committed: send the reader to it (held ones to a notice). */
	rs->status = 303;
	/* A path, not an absolute URL (RFC 9110 10.2.2 allows it): the
	 * reader stays on the host they posted to, behind any proxy. */
	back = out.status == COMMENT_APPROVED
	               ? arena_printf(a, "%s#comment-%lld",
	                              site_permalink(a, &out.post),
	                              (long long)out.id)
	               : arena_printf(a, "%s?moderation=1#respond",
	                              site_permalink(a, &out.post));
	if (resp_header(rs, "Location", back) == -1)
		return;
}

/* ---- JSON API ---------------------------------------------------------- */

static json_t *
comment_json(struct arena *a, const struct comment *c, int own)
{
	json_t *o = json_pack("{s:I,s:I,s:I,s:s,s:s,s:s,s:s}", "id",
	                      (json_int_t)c->id, "parent_id",
	                      (json_int_t)c->parent_id, "depth",
	                      (json_int_t)c->depth, "author", c->author_name,
	                      "author_url", c->author_url, "date",
	                      date_iso(a, c->created_at), "html", c->body_html);

	if (o != NULL && own)
		json_object_set_new(o, "status",
		                    json_string(
					    comment_status_names[c->status]));
	return o;
}

static const char *
jstr(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int64_t
jint(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

void
api_comment_post(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct comment_input in = {0};
	struct comment_result out;
	struct error e;
	json_t *doc;
	const char *origin = req_header(r, "Origin");

	/* A browser always says where a script runs; another site may not
	 * post here (no CORS is ever granted, and this checks anyway). */
	if (origin != NULL && !req_same_origin(r, s->url)) {
		resp_json_error(rs, 403, "cross-site requests are refused");
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	in.post_id = jint(doc, "post_id");
	in.parent_id = jint(doc, "parent_id");
	in.author = jstr(doc, "author");
	in.email = jstr(doc, "email");
	in.url = jstr(doc, "url");
	in.body = jstr(doc, "body");
	in.honeypot = jstr(doc, "website");
	in.form_stamp = jstr(doc, "stamp");
	in.post_password = jstr(doc, "post_password");
	in.notify = json_is_true(json_object_get(doc, "notify"));
	in.ip = req_client_ip(r);
	/* Copy the strings out of doc, which goes before the answer. */
	in.author = in.author ? arena_strdup(a, in.author) : "";
	in.email = in.email ? arena_strdup(a, in.email) : NULL;
	in.url = in.url ? arena_strdup(a, in.url) : NULL;
	in.body = in.body ? arena_strdup(a, in.body) : "";
	in.honeypot = in.honeypot ? arena_strdup(a, in.honeypot) : NULL;
	in.form_stamp = in.form_stamp ? arena_strdup(a, in.form_stamp) : NULL;
	in.post_password =
		in.post_password ? arena_strdup(a, in.post_password) : NULL;
	json_decref(doc);
	if (comments_submit(s->comments, a, &in, &out, &e) == -1) {
		if (e.code == ERR_RATE_LIMITED)
			(void)resp_header(rs, "Retry-After",
			                  arena_printf(a, "%d",
			                               out.retry_after));
		if (e.code == ERR_IO)
			log_error("comment: %s", e.msg);
		resp_json_error(rs, resp_status_for(e.code), e.msg);
		return;
	}
	/* Spam is reported as held: a bot learns nothing. */
	api_json(rs, 201,
	         json_pack("{s:I,s:s,s:s,s:s}", "id", (json_int_t)out.id,
	                   "status",
	                   out.status == COMMENT_APPROVED ? "approved"
	                                                  : "pending",
	                   "token", out.token, "url",
	                   arena_printf(a, "%s%s#comment-%lld", s->url,
	                                site_permalink(a, &out.post),
	                                (long long)out.id)));
}

void
api_post_comments_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct post p;
	struct comment *cs;
	size_t n;
	int64_t id, page = 1, roots;
	struct error e;
	const char *pg = req_query(r, "page");
	json_t *list;

	if (num_parse(r->params[0], 1, INT64_MAX, &id) == -1 ||
	    store_post_get(s->store, a, id, &p, &e) == -1 ||
	    p.status != POST_PUBLISHED || p.published_at > clock_now()) {
		resp_json_error(rs, 404, "no such post");
		return;
	}
	rs->cache_dep = p.id;
	/* Its comments are behind its password, as on its page; this API
	 * takes no password (it would sit in URLs and logs), so it refuses
	 * rather than pretend there are none (docs/api.md). */
	if (p.protected_) {
		resp_json_error(
			rs, 403,
			"this post is password protected: its comments "
			"are shown only on its page, after its password");
		return;
	}
	if (pg != NULL && num_parse(pg, 1, LIM_PAGE_MAX, &page) == -1) {
		resp_json_error(rs, 400, "page: not a page number");
		return;
	}
	if (store_comment_threads(s->store, a, id, by_activity(s, &p),
	                          LIM_COMMENT_THREADS,
	                          (int)((page - 1) * LIM_COMMENT_THREADS), &cs,
	                          &n, &roots, &e) == -1) {
		resp_json_error(rs, 500, "cannot read the comments");
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, comment_json(a, &cs[i], 0));
	api_json(rs, 200,
	         json_pack("{s:I,s:I,s:I,s:I,s:o}", "post_id", (json_int_t)id,
	                   "count", (json_int_t)p.comment_count, "threads",
	                   (json_int_t)roots, "page", (json_int_t)page,
	                   "comments", list));
}

/* GET, PUT (edit) and DELETE of one's own comment, with its token in
 * the X-Comment-Token header. */
void
api_comment_own(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct comment c;
	struct error e;
	int64_t id;
	const char *token = req_header(r, "X-Comment-Token");
	const char *body = NULL;
	json_t *doc;

	/* The answer depends on the token: never cached, here or on the way. */
	rs->cache_control = "private, no-store";
	if (num_parse(r->params[0], 1, INT64_MAX, &id) == -1) {
		resp_json_error(rs, 404, "no such comment");
		return;
	}
	if (r->method == HTTP_PUT || r->method == HTTP_DELETE) {
		if (req_header(r, "Origin") != NULL &&
		    !req_same_origin(r, s->url)) {
			resp_json_error(rs, 403,
			                "cross-site requests are refused");
			return;
		}
		if (r->method == HTTP_PUT) {
			doc = api_json_request(r, rs);
			if (doc == NULL)
				return;
			body = jstr(doc, "body");
			body = arena_strdup(a, body ? body : "");
			json_decref(doc);
		}
		if (comments_change_own(s->comments, a, id, token, body, &e) ==
		    -1) {
			resp_json_error(rs, resp_status_for(e.code), e.msg);
			return;
		}
		if (r->method == HTTP_DELETE) {
			rs->status = 204;
			rs->content_type = "application/json";
			return;
		}
	}
	if (comments_get_own(s->comments, a, id, token, &c, &e) == -1) {
		resp_json_error(rs, 404, "no such comment");
		return;
	}
	api_json(rs, 200, comment_json(a, &c, 1));
}
