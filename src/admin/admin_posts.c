/*
 * The admin: posts, pages and books.  One list (/admin/posts/?type=...)
 * with filters, search and bulk actions; one editor for every type; live
 * preview; autosave; revisions with a line diff; and the same things as
 * JSON under /api/v1/admin/posts.
 *
 * Who may do what (auth/auth.h): a contributor writes own drafts and
 * submits them for review (pending), and cannot touch a post once it is
 * published or scheduled; an author also publishes and schedules own
 * posts; editors and admins (CAP_POSTS_ALL) change anyone's, and only
 * they (CAP_PAGES) touch pages, books and episodes.  The screens and the
 * API ask the same two functions, admin_post_edit_refusal() and
 * admin_post_status_refusal().
 *
 * Stale edits: every save names the version of the post it started from
 * (posts.version, migration 007); the store refuses a save against an
 * older one, and the editor shows what the other save changed beside the
 * user's own text, which is never lost.
 *
 * Slugs: an empty slug field takes the slug of the title, and when that is
 * taken the next free one (title-2, title-3 ...), saying so; a slug the
 * user typed that is taken is an error next to the field that names the
 * next free one, since the user chose that address on purpose.
 */
#include <jansson.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "../auth/auth.h"
#include "../core/posts.h"
#include "../import/wp.h"
#include "../import/wxr.h"
#include "../render/html.h"
#include "../render/md.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../store/search.h"
#include "../util/banned.h"

const char *const admin_post_status_labels[POST_STATUS__MAX] =
	{"Draft", "Pending review", "Scheduled", "Published", "Trash"};
const char *const admin_post_type_plural[POST_TYPE__MAX] = {"Posts", "Pages",
                                                            "Books",
                                                            "Episodes"};

/* ---- who may ---- */

/* Pages, books and episodes need CAP_PAGES; posts only what the guard
 * checked (CAP_POSTS_OWN). */
int
admin_post_type_ok(const struct who *w, enum post_type t)
{
	return t == POST_POST || auth_can(&w->u, CAP_PAGES);
}

/* NULL when w may read p in the admin, else why not. */
const char *
admin_post_view_refusal(const struct who *w, const struct post *p)
{
	if (!admin_post_type_ok(w, p->type))
		return "Pages, books and episodes are for editors and "
		       "admins.";
	if (p->type == POST_POST && !auth_can(&w->u, CAP_POSTS_ALL) &&
	    p->author_id != w->u.id)
		return "This is another author's post: only its author or an "
		       "editor may change it.";
	return NULL;
}

/* NULL when w may change p as it stands, else why not. */
const char *
admin_post_edit_refusal(const struct who *w, const struct post *p)
{
	const char *why = admin_post_view_refusal(w, p);

	if (why != NULL)
		return why;
	if (!auth_can(&w->u, CAP_POSTS_PUBLISH) &&
	    (p->status == POST_PUBLISHED || p->status == POST_SCHEDULED))
		return "This post is published (or scheduled): a contributor "
		       "can no longer change it; ask an editor.";
	return NULL;
}

/* NULL when w may move an item it may edit to status. */
const char *
admin_post_status_refusal(const struct who *w, enum post_status status)
{
	if ((status == POST_PUBLISHED || status == POST_SCHEDULED) &&
	    !auth_can(&w->u, CAP_POSTS_PUBLISH))
		return "Your role (contributor) may save drafts and submit "
		       "them for review; an editor publishes them.";
	return NULL;
}

int
admin_blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

const char *
admin_post_tags(struct arena *a, const struct post *p)
{
	struct buf b;
	const char *out;

	buf_init(&b, (size_t)LIM_TAGS * (LIM_TAG_BYTES + 2) + 1);
	for (size_t i = 0; i < p->ntags; i++)
		if ((i > 0 && buf_puts(&b, ", ") == -1) ||
		    buf_puts(&b, p->tags[i]) == -1)
			break;
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_release(&b);
	return out;
}

/* The editor's date field: the site's time zone (setting timezone, as
 * WordPress's), minutes. */
const char *
admin_post_date_field(struct arena *a, int64_t t)
{
	char out[32];

	time_format_local(t, "%Y-%m-%d %H:%M", out, sizeof(out));
	return arena_strdup(a, out);
}

/*
 * The HTML of a body, with the code the site uses: Markdown through
 * render/md.c (as `gazette post add` does); an item imported as HTML
 * stays HTML and goes through the importer's WordPress renderer and
 * sanitizer (import/wp.c), so an edit does not turn WordPress markup into
 * Markdown that drops it.  A [gallery] finds the attachments the import
 * recorded for post id (0: a new post, which has none).
 *//* ---- the list ---- */

/* The filters of ?type=&status=&section=&author=&q=&page=; NULL when
 * fine, else what is wrong (a 400). */
const char *
admin_list_args_read(struct req *r, struct admin_list_args *la)
{
	const char *v;
	int k;

	memset(la, 0, sizeof(*la));
	la->status = -1;
	la->page = 1;
	la->section = la->author = la->q = "";
	v = req_query(r, "type");
	if (v != NULL && *v != '\0') {
		k = enum_lookup(post_type_names, POST_TYPE__MAX, v);
		if (k < 0)
			return "type is post, page, book or episode";
		la->type = (enum post_type)k;
	}
	v = req_query(r, "status");
	if (v != NULL && *v != '\0' && strcmp(v, "all") != 0) {
		k = enum_lookup(post_status_names, POST_STATUS__MAX, v);
		if (k < 0)
			return "status is draft, pending, scheduled, published "
			       "or trash";
		la->status = k;
	}
	v = req_query(r, "page");
	if (v != NULL && *v != '\0' &&
	    num_parse(v, 1, LIM_PAGE_MAX, &la->page) == -1)
		return "page is a number from 1";
	if ((v = req_query(r, "section")) != NULL)
		la->section = v;
	if ((v = req_query(r, "author")) != NULL)
		la->author = v;
	if ((v = req_query(r, "q")) != NULL)
		la->q = v;
	return NULL;
}

/*
 * One page of the list for w: w's own posts unless w may see everyone's;
 * with q, the admin search (every status), best match first, else newest
 * change first.  *total counts every match (searches: up to
 * LIM_SEARCH_RESULTS).
 */
int
admin_list_load(struct site *s, struct arena *a, struct who *w,
                const struct admin_list_args *la, struct post **out, size_t *n,
                int64_t *total, struct error *e)
{
	int own = la->type == POST_POST && !auth_can(&w->u, CAP_POSTS_ALL);
	int64_t offset = (la->page - 1) * POSTS_PAGE;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (!admin_blank(la->q)) {
		struct search_query sq = {0};
		struct search_result res;

		sq.text = la->q;
		sq.now = clock_now();
		sq.admin = 1;
		sq.status = la->status;
		sq.section_slug = *la->section ? la->section : NULL;
		sq.author_login = own           ? w->u.login
		                  : *la->author ? la->author
		                                : NULL;
		sq.limit = LIM_SEARCH_RESULTS;
		if (store_search(s->store, a, &sq, &res, e) == -1)
			return -1;
		*out = arena_alloc(a, POSTS_PAGE * sizeof(**out));
		for (size_t i = 0; i < res.n; i++) {
			const struct post *p = &res.hits[i].post;

			if (p->type != la->type ||
			    (la->status < 0 && p->status == POST_TRASH) ||
			    (own && p->author_id != w->u.id))
				continue;
			if (*total >= offset && *n < POSTS_PAGE)
				(*out)[(*n)++] = *p;
			(*total)++;
		}
		return 0;
	} else {
		struct admin_post_query q = {0};
		struct error e2;

		q.type = la->type;
		q.status = la->status;
		q.limit = POSTS_PAGE;
		q.offset = (int)offset;
		if (*la->section != '\0') {
			const char *name;

			if (store_section_by_slug(s->store, a, la->section,
			                          &q.section_id, &name,
			                          &e2) == -1)
				return 0; /* no such section: nothing */
		}
		if (own)
			q.author_id = w->u.id;
		else if (*la->author != '\0') {
			struct user u;

			if (store_user_by_login(s->store, a, la->author, &u,
			                        &e2) == -1)
				return 0;
			q.author_id = u.id;
		}
		return store_admin_posts(s->store, a, &q, out, n, total, e);
	}
}

const char *
admin_list_url(struct arena *a, const struct admin_list_args *la,
               const char *status, int64_t page)
{
	struct buf b;
	const char *out = "/admin/posts/";
	const char *keys[] = {"section", "author", "q"};
	const char *vals[] = {la->section, la->author, la->q};

	buf_init(&b, LIM_URL_BYTES);
	if (buf_printf(&b, "/admin/posts/?type=%s",
	               post_type_names[la->type]) == -1)
		goto out;
	if (*status && buf_printf(&b, "&status=%s", status) == -1)
		goto out;
	for (size_t i = 0; i < 3; i++)
		if (*vals[i] != '\0' &&
		    (buf_printf(&b, "&%s=", keys[i]) == -1 ||
		     url_encode(&b, vals[i], strlen(vals[i])) == -1))
			goto out;
	if (page > 1 && buf_printf(&b, "&page=%lld", (long long)page) == -1)
		goto out;
	out = arena_strndup(a, buf_str(&b), b.len);
out:
	buf_release(&b);
	return out;
}

static void
list_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
            const struct admin_list_args *la, struct tval *summary)
{
	struct arena *a = r->arena;
	struct post *posts;
	size_t n;
	int64_t total, pages, counts[POST_STATUS__MAX], all = 0;
	struct error e;
	struct tval *m, *rows, *tabs, *list, *filter;
	struct section *secs;
	size_t nsecs;
	int own = la->type == POST_POST && !auth_can(&w->u, CAP_POSTS_ALL);
	const char *cur_status =
		la->status < 0 ? "" : post_status_names[la->status];

	if (admin_list_load(s, a, w, la, &posts, &n, &total, &e) == -1 ||
	    store_admin_post_counts(s->store, la->type, own ? w->u.id : 0,
	                            counts, &e) == -1 ||
	    store_section_list(s->store, a, clock_now(), &secs, &nsecs, &e) ==
	            -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	m = admin_model(s, r, w, admin_post_type_plural[la->type]);
	tval_set_str(a, m, "type", post_type_names[la->type]);
	tval_set_str(a, m, "type_name", post_type_one[la->type]);
	tval_set_bool(a, m, "own_only", own);
	if (summary != NULL)
		tval_set(a, m, "summary", summary);
	tabs = tval_set(a, m, "tabs", tval_list(a));
	for (int i = -1; i < POST_STATUS__MAX; i++) {
		struct tval *t = tval_push(a, tabs, tval_map(a));

		if (i >= 0 && i < POST_TRASH)
			all += counts[i];
		tval_set_str(a, t, "label",
		             i < 0 ? "All" : admin_post_status_labels[i]);
		tval_set_str(a, t, "url",
		             admin_list_url(a, la,
		                            i < 0 ? "" : post_status_names[i],
		                            1));
		tval_set_bool(a, t, "current", i == la->status);
		tval_set_int(a, t, "count", i < 0 ? 0 : counts[i]);
	}
	tval_set_int(a, tabs->u.list.v[0], "count", all);
	filter = tval_set(a, m, "filter", tval_map(a));
	tval_set_str(a, filter, "q", la->q);
	tval_set_str(a, filter, "author", la->author);
	tval_set_str(a, filter, "status", cur_status);
	list = tval_set(a, filter, "sections", tval_list(a));
	for (size_t i = 0; i < nsecs; i++) {
		struct tval *o = tval_push(a, list, tval_map(a));

		tval_set_str(a, o, "slug", secs[i].slug);
		tval_set_str(a, o, "name", secs[i].name);
		tval_set_bool(a, o, "selected",
		              strcmp(la->section, secs[i].slug) == 0);
	}
	list = tval_set(a, filter, "statuses", tval_list(a));
	for (int i = 0; i < POST_STATUS__MAX; i++) {
		struct tval *o = tval_push(a, list, tval_map(a));

		tval_set_str(a, o, "value", post_status_names[i]);
		tval_set_str(a, o, "label", admin_post_status_labels[i]);
		tval_set_bool(a, o, "selected", i == la->status);
	}
	rows = tval_set(a, m, "rows", tval_list(a));
	for (size_t i = 0; i < n; i++) {
		const struct post *p = &posts[i];
		struct tval *row = tval_push(a, rows, tval_map(a));
		int dated = p->status == POST_PUBLISHED ||
		            p->status == POST_SCHEDULED;

		tval_set_int(a, row, "id", p->id);
		tval_set_str(a, row, "title", p->title);
		tval_set_str(a, row, "edit_url",
		             arena_printf(a, "/admin/posts/%lld/",
		                          (long long)p->id));
		tval_set_str(a, row, "author", p->author_name);
		tval_set_str(a, row, "section", p->section_name);
		tval_set_str(a, row, "status", post_status_names[p->status]);
		tval_set_str(a, row, "status_label",
		             admin_post_status_labels[p->status]);
		tval_set_str(a, row, "date",
		             dated ? admin_post_date_field(a, p->published_at)
		                   : admin_post_date_field(a, p->updated_at));
		tval_set_str(a, row, "date_what",
		             p->status == POST_PUBLISHED   ? "Published"
		             : p->status == POST_SCHEDULED ? "Scheduled"
		                                           : "Last changed");
		if (p->status == POST_PUBLISHED)
			tval_set_str(a, row, "view_url", site_permalink(a, p));
		tval_set_bool(a, row, "sticky", p->sticky);
	}
	tval_set_int(a, m, "total", total);
	tval_set_bool(a, m, "empty", n == 0);
	tval_set_bool(a, m, "searching", !admin_blank(la->q));
	tval_set_bool(a, m, "can_publish", auth_can(&w->u, CAP_POSTS_PUBLISH));
	tval_set_bool(a, m, "in_trash", la->status == POST_TRASH);
	tval_set_str(a, m, "new_url",
	             arena_printf(a, "/admin/posts/new?type=%s",
	                          post_type_names[la->type]));
	pages = (total + POSTS_PAGE - 1) / POSTS_PAGE;
	if (pages > 1) {
		struct tval *pg = tval_set(a, m, "pager", tval_map(a));

		tval_set_int(a, pg, "page", la->page);
		tval_set_int(a, pg, "pages", pages);
		if (la->page > 1)
			tval_set_str(a, pg, "prev",
			             admin_list_url(a, la, cur_status,
			                            la->page - 1));
		if (la->page < pages)
			tval_set_str(a, pg, "next",
			             admin_list_url(a, la, cur_status,
			                            la->page + 1));
	}
	admin_render(s, r, rs, "admin_posts.html", m);
}

void
admin_posts_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct admin_list_args la;
	const char *why;

	if (w == NULL)
		return;
	why = admin_list_args_read(r, &la);
	if (why != NULL) {
		admin_message(s, r, rs, w, 400, "Bad filter", why);
		return;
	}
	if (!admin_post_type_ok(w, la.type)) {
		admin_forbid(
			s, r, rs, w,
			"Pages, books and episodes are for editors and admins.");
		return;
	}
	list_render(s, r, rs, w, &la, NULL);
}

/* ---- bulk actions ---- */

enum bulk { B_PUBLISH, B_DRAFT, B_PENDING, B_TRASH, B_RESTORE, B__MAX };
static const char *const bulk_names[B__MAX] = {"publish", "draft", "pending",
                                               "trash", "restore"};
static const char *const bulk_done[B__MAX] = {"published", "moved to drafts",
                                              "submitted for review",
                                              "moved to the trash",
                                              "restored as a draft"};

/* Do action to post id for w: NULL when done, else why not. */
static const char *
bulk_one(struct site *s, struct arena *a, struct who *w, enum bulk action,
         int64_t id, const char **title)
{
	struct post_edit pe;
	struct error e;
	const char *why;
	enum post_status to;
	int64_t now = clock_now(), at = 0;

	*title = arena_printf(a, "#%lld", (long long)id);
	if (store_post_edit_get(s->store, a, id, &pe, &e) == -1)
		return e.code == ERR_NOT_FOUND ? "there is no such item"
		                               : "it could not be read";
	*title = pe.post.title;
	why = admin_post_edit_refusal(w, &pe.post);
	if (why != NULL)
		return why;
	switch (action) {
	case B_PUBLISH:
		to = POST_PUBLISHED;
		if (pe.post.status == POST_PUBLISHED)
			return "it is published already";
		if (pe.post.status == POST_TRASH)
			return "it is in the trash (restore it first)";
		at = now; /* a scheduled one goes out now */
		break;
	case B_DRAFT:
		to = POST_DRAFT;
		break;
	case B_PENDING:
		to = POST_PENDING;
		break;
	case B_TRASH:
		to = POST_TRASH;
		if (pe.post.status == POST_TRASH)
			return "it is in the trash already";
		break;
	case B_RESTORE:
		to = POST_DRAFT;
		if (pe.post.status != POST_TRASH)
			return "it is not in the trash";
		break;
	default:
		return "unknown action";
	}
	why = admin_post_status_refusal(w, to);
	if (why != NULL)
		return why;
	if (store_post_set_state(s->store, id, to, at, now, &e) == -1) {
		log_error("bulk: %s", e.msg);
		return "it could not be saved";
	}
	return NULL;
}

void
admin_posts_bulk(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct arena *a = r->arena;
	const char **ids, **act, **type;
	size_t nids, nact, ntype;
	struct error e;
	struct admin_list_args la;
	struct tval *sum, *done, *refused;
	int k = -1;

	if (w == NULL)
		return;
	if (form_values(r, "id", 24, &ids, &nids, &e) == -1 ||
	    form_values(r, "action", 16, &act, &nact, &e) == -1 ||
	    form_values(r, "type", 16, &type, &ntype, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Bad form", e.msg);
		return;
	}
	if (nact == 1)
		k = enum_lookup(bulk_names, B__MAX, act[0]);
	memset(&la, 0, sizeof(la));
	la.status = -1;
	la.page = 1;
	la.section = la.author = la.q = "";
	if (ntype == 1) {
		int t = enum_lookup(post_type_names, POST_TYPE__MAX, type[0]);

		la.type = t < 0 ? POST_POST : (enum post_type)t;
	}
	if (!admin_post_type_ok(w, la.type))
		la.type = POST_POST;
	if (k < 0) {
		admin_message(s, r, rs, w, 400, "Bad form",
		              "Choose an action: publish, draft, pending, "
		              "trash or restore.");
		return;
	}
	sum = tval_map(a);
	tval_set_str(a, sum, "action", bulk_done[k]);
	done = tval_set(a, sum, "done", tval_list(a));
	refused = tval_set(a, sum, "refused", tval_list(a));
	for (size_t i = 0; i < nids; i++) {
		int64_t id;
		const char *title, *why;
		struct tval *it;

		if (num_parse(ids[i], 1, INT64_MAX, &id) == -1)
			continue;
		why = bulk_one(s, a, w, (enum bulk)k, id, &title);
		it = tval_push(a, why ? refused : done, tval_map(a));
		tval_set_int(a, it, "id", id);
		tval_set_str(a, it, "title", title);
		if (why != NULL)
			tval_set_str(a, it, "why", why);
	}
	tval_set_int(a, sum, "ndone", (int64_t)done->u.list.n);
	tval_set_int(a, sum, "nrefused", (int64_t)refused->u.list.n);
	tval_set_bool(a, sum, "nothing", nids == 0);
	list_render(s, r, rs, w, &la, sum);
}
