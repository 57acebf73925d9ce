/*
 * The JSON API (/api/v1/...), DESIGN.md section 3.  Answers are JSON,
 * errors {"error": "..."} with the status.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/banned.h"

/* Defaults of /api/v1/popular: the sidebar's "last 90 days". */
#define POPULAR_DAYS  90
#define POPULAR_LIMIT 10

void
api_json(struct resp *rs, int status, json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;

	json_decref(doc);
	rs->status = status;
	rs->content_type = "application/json";
	buf_reset(&rs->body);
	if (text == NULL || buf_puts(&rs->body, text) == -1)
		resp_json_error(rs, 500, "cannot write the answer");
	free(text);
}

json_t *
api_json_request(struct req *r, struct resp *rs)
{
	json_error_t je;
	json_t *doc;

	if (!req_is_json(req_header(r, "Content-Type"))) {
		resp_json_error(rs, 415,
		                "Content-Type must be application/json");
		return NULL;
	}
	doc = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(doc)) {
		json_decref(doc);
		resp_json_error(rs, 400,
		                arena_printf(r->arena, "bad JSON: %s",
		                             je.text));
		return NULL;
	}
	return doc;
}

/*
 * POST /api/v1/views/ID: a reader's view of a post, from views.js.  The
 * request must say Content-Type: application/json (415 otherwise): a
 * cross-site page cannot send that without a CORS preflight, which we
 * never grant, so other sites' forms and no-cors fetches cannot inflate
 * the counts.  The body is not read (the script sends "{}").
 */
void
api_views_post(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct error e;
	int64_t id, total;
	int counted;

	if (!req_is_json(req_header(r, "Content-Type"))) {
		resp_json_error(rs, 415,
		                "Content-Type must be application/json");
		return;
	}
	/* The page's script always sends Origin; a page on a name rebound
	 * to this server (req_same_origin) would count from every reader's
	 * own address. */
	if (req_header(r, "Origin") != NULL && !req_same_origin(r, s->url)) {
		resp_json_error(rs, 403, "cross-site requests are refused");
		return;
	}
	if (num_parse(r->params[0], 1, INT64_MAX, &id) == -1) {
		resp_json_error(rs, 404, "no such post");
		return;
	}
	if (s->views == NULL) {
		resp_json_error(rs, 503, "view counting is off");
		return;
	}
	if (views_hit(s->views, id, req_client_ip(r),
	              req_header(r, "User-Agent"), &total, &counted,
	              &e) == -1) {
		if (e.code != ERR_NOT_FOUND)
			log_error("views: %s", e.msg);
		resp_json_error(rs, resp_status_for(e.code),
		                e.code == ERR_NOT_FOUND
		                        ? "no such post"
		                        : "cannot count the view");
		return;
	}
	rs->content_type = "application/json";
	buf_reset(&rs->body);
	if (buf_printf(&rs->body, "{\"id\":%lld,\"views\":%lld,\"counted\":%s}",
	               (long long)id, (long long)total,
	               counted ? "true" : "false") == -1)
		resp_json_error(rs, 500, "cannot write the answer");
}

/* A query argument in [1, max], def when absent; -1 when bad. */
static int
query_int(const struct req *r, const char *name, int def, int max, int *out)
{
	const char *v = req_query(r, name);
	int64_t n;

	*out = def;
	if (v == NULL)
		return 0;
	if (num_parse(v, 1, max, &n) == -1)
		return -1;
	*out = (int)n;
	return 0;
}

/*
 * GET /api/v1/popular?days=N&limit=K: [{"id","title","url","date",
 * "views"}], views inside the window, most first; url absolute, date
 * ISO 8601.
 */
void
api_popular_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	struct popular *pop;
	struct error e;
	size_t n;
	int days, limit;
	json_t *list;

	if (query_int(r, "days", POPULAR_DAYS, LIM_POPULAR_DAYS, &days) == -1) {
		resp_json_error(rs, 400,
		                arena_printf(a, "days must be 1 to %d",
		                             LIM_POPULAR_DAYS));
		return;
	}
	if (query_int(r, "limit", POPULAR_LIMIT, LIM_POPULAR_LIMIT, &limit) ==
	    -1) {
		resp_json_error(rs, 400,
		                arena_printf(a, "limit must be 1 to %d",
		                             LIM_POPULAR_LIMIT));
		return;
	}
	if (s->views == NULL) {
		resp_json_error(rs, 503, "view counting is off");
		return;
	}
	if (views_popular(s->views, a, days, limit, &pop, &n, &e) == -1) {
		if (e.code != ERR_INVALID)
			log_error("popular: %s", e.msg);
		resp_json_error(rs, resp_status_for(e.code),
		                e.code == ERR_INVALID
		                        ? e.msg
		                        : "cannot list popular posts");
		return;
	}
	list = json_array();
	for (size_t i = 0; list != NULL && i < n; i++) {
		const struct post *p = &pop[i].post;
		json_t *title = json_string(p->title);

		/* Titles are UTF-8 when stored; should one not be, the entry
		 * still goes out, with an empty title. */
		if (json_array_append_new(
			    list,
			    json_pack("{s:I,s:o,s:s,s:s,s:I}", "id",
		                      (json_int_t)p->id, "title",
		                      title ? title : json_string(""), "url",
		                      arena_printf(a, "%s%s", s->url,
		                                   site_permalink(a, p)),
		                      "date", date_iso(a, p->published_at),
		                      "views", (json_int_t)pop[i].views)) ==
		    -1) {
			json_decref(list);
			list = NULL;
		}
	}
	api_json(rs, 200, list);
}
