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
 * API ask the same two functions, edit_refusal() and status_refusal().
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
#include "../util/banned.h"

#define POSTS_PAGE 20 /* rows on one page of the list */

static const char *const status_labels[POST_STATUS__MAX] = {"Draft",
                                                            "Pending review",
                                                            "Scheduled",
                                                            "Published",
                                                            "Trash"};
static const char *const type_plural[POST_TYPE__MAX] = {"Posts", "Pages",
                                                        "Books", "Episodes"};

/* ---- who may ---- */

static int
is_api(const struct req *r)
{
	return strncmp(r->path, "/api/", 5) == 0;
}

/* Pages, books and episodes need CAP_PAGES; posts only what the guard
 * checked (CAP_POSTS_OWN). */
static int
type_ok(const struct who *w, enum post_type t)
{
	return t == POST_POST || auth_can(&w->u, CAP_PAGES);
}

/* NULL when w may read p in the admin, else why not. */
static const char *
view_refusal(const struct who *w, const struct post *p)
{
	if (!type_ok(w, p->type))
		return "Pages, books and episodes are for editors and "
		       "admins.";
	if (p->type == POST_POST && !auth_can(&w->u, CAP_POSTS_ALL) &&
	    p->author_id != w->u.id)
		return "This is another author's post: only its author or an "
		       "editor may change it.";
	return NULL;
}

/* NULL when w may change p as it stands, else why not. */
static const char *
edit_refusal(const struct who *w, const struct post *p)
{
	const char *why = view_refusal(w, p);

	if (why != NULL)
		return why;
	if (!auth_can(&w->u, CAP_POSTS_PUBLISH) &&
	    (p->status == POST_PUBLISHED || p->status == POST_SCHEDULED))
		return "This post is published (or scheduled): a contributor "
		       "can no longer change it; ask an editor.";
	return NULL;
}

/* NULL when w may move an item it may edit to status. */
static const char *
status_refusal(const struct who *w, enum post_status status)
{
	if ((status == POST_PUBLISHED || status == POST_SCHEDULED) &&
	    !auth_can(&w->u, CAP_POSTS_PUBLISH))
		return "Your role (contributor) may save drafts and submit "
		       "them for review; an editor publishes them.";
	return NULL;
}

static void
forbid(struct site *s, struct req *r, struct resp *rs, struct who *w,
       const char *why)
{
	if (is_api(r))
		resp_json_error(rs, 403, why);
	else
		admin_message(s, r, rs, w, 403, "Not allowed", why);
}

static void
fail(struct site *s, struct req *r, struct resp *rs, struct who *w,
     const struct error *e)
{
	int status = resp_status_for(e->code);

	if (status >= 500)
		log_error("admin posts: %s", e->msg);
	if (is_api(r))
		resp_json_error(rs, status, e->msg);
	else
		admin_message(s, r, rs, w, status,
		              status == 404 ? "Not found" : "Something failed",
		              e->msg);
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

static const char *
tags_joined(struct arena *a, const struct post *p)
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

/* The editor's date field: UTC, minutes. */
static const char *
date_field(struct arena *a, int64_t t)
{
	char out[32];

	time_format(t, "%Y-%m-%d %H:%M", out, sizeof(out));
	return arena_strdup(a, out);
}

/*
 * The HTML of a body, with the code the site uses: Markdown through
 * render/md.c (as `gazette post add` does); an item imported as HTML
 * stays HTML and goes through the importer's WordPress renderer and
 * sanitizer (import/wp.c), so an edit does not turn WordPress markup into
 * Markdown that drops it.  A [gallery] finds the attachments the import
 * recorded for post id (0: a new post, which has none).
 */
/* ---- a line diff, for revisions and stale edits ---- */

struct lines {
	const char **p;
	size_t *n;
	size_t count;
};

static void
lines_split(struct arena *a, const char *s, struct lines *l)
{
	size_t cap = 1;

	for (const char *c = s; *c; c++)
		cap += *c == '\n';
	l->p = arena_alloc(a, cap * sizeof(*l->p));
	l->n = arena_alloc(a, cap * sizeof(*l->n));
	l->count = 0;
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		l->p[l->count] = s;
		l->n[l->count] = n > 0 && s[n - 1] == '\r' ? n - 1 : n;
		l->count++;
		if (nl == NULL)
			break;
		s = nl + 1;
	}
}

static int
line_eq(const struct lines *x, size_t i, const struct lines *y, size_t j)
{
	return x->n[i] == y->n[j] && memcmp(x->p[i], y->p[j], x->n[i]) == 0;
}

static int
diff_line(struct buf *b, const char *tag, const char *mark, const char *p,
          size_t n)
{
	if (*tag && buf_printf(b, "<%s>", tag) == -1)
		return -1;
	if (buf_puts(b, mark) == -1 || html_escape(b, p, n) == -1)
		return -1;
	if (*tag && buf_printf(b, "</%s>", tag) == -1)
		return -1;
	return buf_putc(b, '\n');
}

/*
 * The lines of old and new as HTML: unchanged lines as they are, removed
 * ones in <del>, added ones in <ins> (the longest common subsequence of
 * lines, after the common head and tail are set aside).  When the
 * changed middle is bigger than LIM_DIFF_CELLS lines by lines, it is
 * shown as all removed then all added, and *coarse says so.
 */
static const char *
diff_html(struct arena *a, const char *old, const char *new, int *coarse)
{
	struct lines x, y;
	size_t head = 0, tail = 0, m, n;
	struct buf b;
	const char *out;
	uint16_t *t = NULL;
	int rc = 0;

	*coarse = 0;
	lines_split(a, old, &x);
	lines_split(a, new, &y);
	while (head < x.count && head < y.count && line_eq(&x, head, &y, head))
		head++;
	while (tail < x.count - head && tail < y.count - head &&
	       line_eq(&x, x.count - 1 - tail, &y, y.count - 1 - tail))
		tail++;
	m = x.count - head - tail;
	n = y.count - head - tail;
	buf_init(&b, LIM_RESPONSE_BYTES / 2);
	for (size_t i = 0; i < head && rc == 0; i++)
		rc = diff_line(&b, "", "  ", x.p[i], x.n[i]);
	if (m > 0 && n > 0 && m <= LIM_DIFF_CELLS / n) {
		/* t[i][j]: the LCS of x[head+i..] and y[head+j..] (at most
		 * min(m, n) <= 1000 when m * n <= LIM_DIFF_CELLS). */
		size_t w = n + 1, i = 0, j = 0;

		t = arena_zalloc(a, (m + 1) * w * sizeof(*t));
		for (size_t ii = m; ii-- > 0;)
			for (size_t jj = n; jj-- > 0;)
				t[ii * w + jj] =
					line_eq(&x, head + ii, &y, head + jj)
						? (uint16_t)(t[(ii + 1) * w +
				                               jj + 1] +
				                             1)
					: t[(ii + 1) * w + jj] >=
							t[ii * w + jj + 1]
						? t[(ii + 1) * w + jj]
						: t[ii * w + jj + 1];
		while ((i < m || j < n) && rc == 0) {
			if (i < m && j < n &&
			    line_eq(&x, head + i, &y, head + j)) {
				rc = diff_line(&b, "", "  ", x.p[head + i],
				               x.n[head + i]);
				i++;
				j++;
			} else if (j < n &&
			           (i == m ||
			            t[i * w + j + 1] > t[(i + 1) * w + j])) {
				rc = diff_line(&b, "ins", "+ ", y.p[head + j],
				               y.n[head + j]);
				j++;
			} else {
				rc = diff_line(&b, "del", "- ", x.p[head + i],
				               x.n[head + i]);
				i++;
			}
		}
	} else {
		*coarse = m > 0 && n > 0;
		for (size_t i = 0; i < m && rc == 0; i++)
			rc = diff_line(&b, "del", "- ", x.p[head + i],
			               x.n[head + i]);
		for (size_t j = 0; j < n && rc == 0; j++)
			rc = diff_line(&b, "ins", "+ ", y.p[head + j],
			               y.n[head + j]);
	}
	for (size_t i = x.count - tail; i < x.count && rc == 0; i++)
		rc = diff_line(&b, "", "  ", x.p[i], x.n[i]);
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_release(&b);
	return out;
}

/* ---- what an editor sends: the form or JSON ---- */

struct edit {
	struct post_input in;    /* what was sent */
	struct post_problems pr; /* what is wrong with it */
	int64_t version;         /* the version it started from; -1 */
	const char *forbidden;   /* a 403, nothing saved */
	int preview;             /* the form's Preview button */
};

static void
edit_init(struct edit *ed, enum post_type type)
{
	memset(ed, 0, sizeof(*ed));
	ed->in.type = type;
	ed->in.sticky = ed->in.comments_open = -1;
	ed->version = -1;
}

/* The editor's form.  Every text field may be as big as the request, so
 * a value over its limit comes back with a message next to it, not as a
 * refused form. */
static int
edit_from_form(struct req *r, struct edit *ed, struct error *e)
{
	enum {
		X_STICKY = POST_F__MAX,
		X_COMMENTS,
		X_VERSION,
		X_DO,
		X_TYPE,
		X__MAX
	};
	struct form_field f[X__MAX];
	int k;

	for (int i = 0; i < POST_F__MAX; i++)
		f[i] = (struct form_field){post_field_names[i], LIM_BODY_BYTES,
		                           0, NULL};
	f[X_STICKY] = (struct form_field){"sticky", 8, 0, NULL};
	f[X_COMMENTS] = (struct form_field){"comments_open", 8, 0, NULL};
	f[X_VERSION] = (struct form_field){"version", 24, 0, NULL};
	f[X_DO] = (struct form_field){"do", 16, 0, NULL};
	f[X_TYPE] = (struct form_field){"type", 16, 0, NULL};
	if (form_parse(r, f, X__MAX, e) == -1)
		return -1;
	for (int i = 0; i < POST_F__MAX; i++)
		ed->in.v[i] = f[i].value;
	ed->in.sticky = f[X_STICKY].value != NULL;
	ed->in.comments_open = f[X_COMMENTS].value != NULL;
	if (f[X_VERSION].value != NULL &&
	    num_parse(f[X_VERSION].value, 0, INT64_MAX, &ed->version) == -1)
		ed->version = -1;
	ed->preview = f[X_DO].value && strcmp(f[X_DO].value, "preview") == 0;
	if (f[X_TYPE].value != NULL) {
		k = enum_lookup(post_type_names, POST_TYPE__MAX,
		                f[X_TYPE].value);
		if (k < 0)
			return error_set(e, ERR_INVALID, "no type '%s'",
			                 f[X_TYPE].value);
		ed->in.type = (enum post_type)k;
	}
	return 0;
}

/* A JSON string member as a C string; NULL when absent or null; -1 when
 * it is not a string or holds a NUL. */
static int
json_text(struct arena *a, json_t *doc, const char *key, const char **out,
          struct error *e)
{
	json_t *v = json_object_get(doc, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return error_set(e, ERR_INVALID, "'%s' must be a string", key);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return error_set(e, ERR_INVALID, "'%s' holds a NUL byte", key);
	*out = arena_strdup(a, json_string_value(v));
	return 0;
}

static int
json_flag(json_t *doc, const char *key, int *out, struct error *e)
{
	json_t *v = json_object_get(doc, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		return error_set(e, ERR_INVALID, "'%s' must be true or false",
		                 key);
	*out = json_is_true(v);
	return 0;
}

/* The API's body: the form's fields by the same names; tags may also be
 * an array of names, sticky and comments_open are booleans. */
static int
edit_from_json(struct arena *a, json_t *doc, struct edit *ed, struct error *e)
{
	json_t *v;
	const char *type;

	for (int i = 0; i < POST_F__MAX; i++) {
		if (i == POST_F_TAGS &&
		    json_is_array(json_object_get(doc, "tags"))) {
			json_t *t;
			size_t k;
			struct buf b;

			buf_init(&b, LIM_BODY_BYTES);
			json_array_foreach(json_object_get(doc, "tags"), k, t)
			{
				if (!json_is_string(t) ||
				    strchr(json_string_value(t), ',') != NULL) {
					buf_release(&b);
					return error_set(e, ERR_INVALID,
					                 "'tags' must be names "
					                 "without commas");
				}
				if ((k > 0 && buf_puts(&b, ", ") == -1) ||
				    buf_puts(&b, json_string_value(t)) == -1)
					break;
			}
			ed->in.v[i] = arena_strndup(a, buf_str(&b), b.len);
			buf_release(&b);
			continue;
		}
		if (json_text(a, doc, post_field_names[i], &ed->in.v[i], e) ==
		    -1)
			return -1;
	}
	if (json_flag(doc, "sticky", &ed->in.sticky, e) == -1 ||
	    json_flag(doc, "comments_open", &ed->in.comments_open, e) == -1 ||
	    json_text(a, doc, "type", &type, e) == -1)
		return -1;
	if (type != NULL) {
		int k = enum_lookup(post_type_names, POST_TYPE__MAX, type);

		if (k < 0)
			return error_set(e, ERR_INVALID,
			                 "no type '%s' (post, page, book, "
			                 "episode)",
			                 type);
		ed->in.type = (enum post_type)k;
	}
	v = json_object_get(doc, "version");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return error_set(e, ERR_INVALID,
			                 "'version' must be a whole number");
		ed->version = (int64_t)json_integer_value(v);
	}
	return 0;
}

/*
 * Check what was sent and build the post to save in *p: cur's columns
 * (or a new item's defaults) with every sent field over them.  Problems
 * go to ed (err[] per field, forbidden for a 403); -1 only when the
 * store fails.
 */
static int
edit_check(struct site *s, struct arena *a, struct who *w, struct edit *ed,
           const struct post_edit *cur, struct post *p, struct error *e)
{
	const char *why;

	if (!type_ok(w, cur != NULL ? cur->post.type : ed->in.type)) {
		ed->forbidden = "Pages, books and episodes are for editors "
				"and admins.";
		return 0;
	}
	ed->in.author_id = w->u.id;
	ed->in.date_as_shown =
		cur != NULL && ed->in.v[POST_F_DATE] != NULL &&
		strcmp(ed->in.v[POST_F_DATE],
	               date_field(a, cur->post.published_at)) == 0;
	if (posts_check(s->store, a, &ed->in, cur ? &cur->post : NULL,
	                clock_now(), p, &ed->pr, e) == -1)
		return -1;
	why = ed->pr.status_decided ? status_refusal(w, p->status) : NULL;
	if (why != NULL)
		ed->forbidden = why;
	return 0;
}

/* ---- the editor screen ---- */

/* What another save changed, for a 409. */
struct conflict {
	const struct post_edit *theirs;
	const char *author; /* who saved last ("" unknown) */
	int64_t when;
	const char *diff_html; /* their body -> the user's */
	int coarse;
};

static struct tval *
notice(struct arena *a, struct tval *list, const char *kind, const char *text)
{
	struct tval *n = tval_push(a, list, tval_map(a));

	tval_set_str(a, n, "kind", kind);
	tval_set_str(a, n, "text", text);
	return n;
}

/*
 * The editor: cur's values (or a new item's), with ed's over them when
 * the user sent some (a 400, 409 or a preview: nothing typed is lost).
 * version is what the form's hidden field will say.
 */
static void
editor_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
              int status, const struct post_edit *cur, enum post_type type,
              const struct edit *ed, int64_t version, const char *preview,
              const struct conflict *cf, struct tval *notices)
{
	struct arena *a = r->arena;
	const struct post *p = cur ? &cur->post : NULL;
	const char *val[POST_F__MAX];
	int sticky = p ? p->sticky : 0, comments = p ? p->comments_open : 1;
	struct tval *m, *f, *errs, *list;
	struct section *secs;
	size_t nsecs = 0;
	struct error e;

	val[POST_F_TITLE] = p ? p->title : "";
	val[POST_F_SLUG] = p ? p->slug : "";
	val[POST_F_SECTION] = p ? p->section_slug : "";
	val[POST_F_TAGS] = p ? tags_joined(a, p) : "";
	val[POST_F_SOURCE] = p ? p->source_url : "";
	val[POST_F_EXCERPT] = p ? p->excerpt : "";
	val[POST_F_BODY] = p ? p->body_src : "";
	val[POST_F_STATUS] = p ? post_status_names[p->status] : "draft";
	val[POST_F_DATE] = p && (p->status == POST_PUBLISHED ||
	                         p->status == POST_SCHEDULED)
	                           ? date_field(a, p->published_at)
	                           : "";
	val[POST_F_ORDER] = cur ? cur->order_url : "";
	if (ed != NULL) {
		for (int i = 0; i < POST_F__MAX; i++)
			if (ed->in.v[i] != NULL)
				val[i] = ed->in.v[i];
		if (ed->in.sticky >= 0)
			sticky = ed->in.sticky;
		if (ed->in.comments_open >= 0)
			comments = ed->in.comments_open;
	}
	m = admin_model(s, r, w,
	                arena_printf(a, "%s %s", p ? "Edit" : "New",
	                             post_type_one[type]));
	if (notices == NULL)
		notices = tval_list(a);
	tval_set(a, m, "notices", notices);
	tval_set_bool(a, m, "is_new", p == NULL);
	tval_set_str(a, m, "type", post_type_names[type]);
	tval_set_str(a, m, "type_name", post_type_one[type]);
	tval_set_str(a, m, "list_url",
	             arena_printf(a, "/admin/posts/?type=%s",
	                          post_type_names[type]));
	tval_set_str(a, m, "list_label", type_plural[type]);
	tval_set_str(a, m, "action",
	             p ? arena_printf(a, "/admin/posts/%lld/", (long long)p->id)
	               : "/admin/posts/new");
	tval_set_int(a, m, "version", version);
	if (p != NULL) {
		tval_set_int(a, m, "id", p->id);
		tval_set_str(a, m, "status_label", status_labels[p->status]);
		tval_set_str(a, m, "status", post_status_names[p->status]);
		tval_set_bool(a, m, "live",
		              p->status == POST_DRAFT ||
		                      p->status == POST_PENDING);
		tval_set_str(a, m, "revisions_url",
		             arena_printf(a, "/admin/posts/%lld/revisions/",
		                          (long long)p->id));
		if (p->status == POST_PUBLISHED)
			tval_set_str(a, m, "view_url", site_permalink(a, p));
		tval_set_str(a, m, "author", p->author_name);
		tval_set_str(a, m, "updated", date_field(a, p->updated_at));
	}
	f = tval_set(a, m, "f", tval_map(a));
	errs = tval_set(a, m, "errors", tval_map(a));
	for (int i = 0; i < POST_F__MAX; i++) {
		tval_set_str(a, f, post_field_names[i], val[i]);
		if (ed != NULL && ed->pr.err[i] != NULL)
			tval_set_str(a, errs, post_field_names[i],
			             ed->pr.err[i]);
	}
	if (ed != NULL && ed->pr.bad > 0) {
		tval_set_bool(a, m, "has_errors", 1);
		tval_set_int(a, m, "nerrors", ed->pr.bad);
	}
	tval_set_bool(a, m, "sticky", sticky);
	tval_set_bool(a, m, "comments_open", comments);
	tval_set_bool(a, m, "is_book", type == POST_BOOK);
	tval_set_bool(a, m, "is_post", type == POST_POST);
	tval_set_str(a, m, "preview_html", preview ? preview : "");
	list = tval_set(a, m, "statuses", tval_list(a));
	for (int i = 0; i < POST_TRASH; i++) {
		struct tval *o;

		if (status_refusal(w, (enum post_status)i) != NULL)
			continue;
		o = tval_push(a, list, tval_map(a));
		tval_set_str(a, o, "value", post_status_names[i]);
		tval_set_str(a, o, "label", status_labels[i]);
		tval_set_bool(a, o, "selected",
		              strcmp(val[POST_F_STATUS],
		                     post_status_names[i]) == 0);
	}
	if (!auth_can(&w->u, CAP_POSTS_PUBLISH))
		tval_set_bool(a, m, "contributor", 1);
	list = tval_set(a, m, "sections", tval_list(a));
	if (store_section_list(s->store, a, clock_now(), &secs, &nsecs, &e) ==
	    -1)
		log_error("editor: %s", e.msg);
	for (size_t i = 0; i < nsecs; i++) {
		struct tval *o = tval_push(a, list, tval_map(a));

		tval_set_str(a, o, "slug", secs[i].slug);
		tval_set_str(a, o, "name", secs[i].name);
		tval_set_bool(a, o, "selected",
		              strcmp(val[POST_F_SECTION], secs[i].slug) == 0);
	}
	if (cf != NULL) {
		struct tval *c = tval_set(a, m, "conflict", tval_map(a));

		tval_set_str(a, c, "title", cf->theirs->post.title);
		tval_set_str(a, c, "body", cf->theirs->post.body_src);
		tval_set_int(a, c, "version", cf->theirs->version);
		tval_set_str(a, c, "author",
		             *cf->author ? cf->author : "Someone");
		tval_set_str(a, c, "when", date_field(a, cf->when));
		tval_set_str(a, c, "diff_html", cf->diff_html);
		tval_set_bool(a, c, "coarse", cf->coarse);
		tval_set_bool(a, c, "title_differs",
		              strcmp(cf->theirs->post.title,
		                     val[POST_F_TITLE]) != 0);
	}
	rs->status = status;
	admin_render(s, r, rs, "admin_edit.html", m);
}

/* The saved post changed under the user: show theirs beside the user's
 * text, and let the next save (with their version) replace it. */
static void
conflict_render(struct site *s, struct req *r, struct resp *rs, struct who *w,
                const struct post_edit *cur, struct edit *ed,
                const struct post *mine)
{
	struct arena *a = r->arena;
	struct post_edit theirs;
	struct conflict cf = {0};
	struct revision *revs;
	size_t n;
	struct error e;
	struct tval *notices = tval_list(a);

	if (store_post_edit_get(s->store, a, cur->post.id, &theirs, &e) == -1) {
		fail(s, r, rs, w, &e);
		return;
	}
	cf.theirs = &theirs;
	cf.author = "";
	cf.when = theirs.post.updated_at;
	if (store_revision_list(s->store, a, cur->post.id, 1, &revs, &n, &e) ==
	            0 &&
	    n == 1) {
		cf.author = revs[0].author_name;
		cf.when = revs[0].created_at;
	}
	cf.diff_html =
		diff_html(a, theirs.post.body_src, mine->body_src, &cf.coarse);
	notice(a, notices, "error",
	       "Not saved: someone else saved this while you were editing. "
	       "Your text is still in the form below.");
	editor_render(s, r, rs, w, 409, cur, cur->post.type, ed, theirs.version,
	              mine->body_html, &cf, notices);
}

/* The form's POST: check, then preview, refuse, or save and go back to
 * the editor (303). */
static void
editor_save(struct site *s, struct req *r, struct resp *rs, struct who *w,
            const struct post_edit *cur, enum post_type type)
{
	struct arena *a = r->arena;
	struct edit ed;
	struct post p;
	struct post_save ps;
	struct error e;
	int64_t id, version;
	int stale;

	edit_init(&ed, type);
	if (edit_from_form(r, &ed, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Bad form", e.msg);
		return;
	}
	if (cur != NULL)
		ed.in.type = cur->post.type;
	if (edit_check(s, a, w, &ed, cur, &p, &e) == -1) {
		fail(s, r, rs, w, &e);
		return;
	}
	if (ed.forbidden != NULL) {
		forbid(s, r, rs, w, ed.forbidden);
		return;
	}
	if (ed.preview) {
		const char *html =
			posts_render_body(s->store, a, cur ? cur->post.id : 0,
		                          p.body_format,
		                          ed.in.v[POST_F_BODY]
		                                  ? ed.in.v[POST_F_BODY]
		                                  : "",
		                          &e);
		struct tval *notices = tval_list(a);

		memset(ed.pr.err, 0, sizeof(ed.pr.err));
		ed.pr.bad = 0;
		notice(a, notices, "warn",
		       "This is a preview: nothing is saved yet.");
		editor_render(s, r, rs, w, 200, cur, ed.in.type, &ed,
		              ed.version < 0 ? 0 : ed.version, html ? html : "",
		              NULL, notices);
		return;
	}
	if (ed.pr.bad > 0) {
		editor_render(s, r, rs, w, 400, cur, ed.in.type, &ed,
		              ed.version < 0 ? 0 : ed.version, p.body_html,
		              NULL, NULL);
		return;
	}
	ps.post = &p;
	/* A form without a version is treated as stale: versions start at 1. */
	ps.base_version = ed.version < 0 ? 0 : ed.version;
	ps.editor_id = w->u.id;
	ps.order_url = p.type != POST_BOOK     ? NULL
	               : ed.in.v[POST_F_ORDER] ? ed.in.v[POST_F_ORDER]
	               : cur                   ? NULL
	                                       : "";
	ps.now = clock_now();
	if (store_post_save(s->store, &ps, &id, &version, &stale, &e) == -1) {
		if (stale) {
			conflict_render(s, r, rs, w, cur, &ed, &p);
			return;
		}
		if (e.code == ERR_CONFLICT) {
			posts_problem(&ed.pr, POST_F_SLUG,
			              arena_strdup(a, e.msg));
			editor_render(s, r, rs, w, 409, cur, ed.in.type, &ed,
			              ps.base_version, p.body_html, NULL, NULL);
			return;
		}
		fail(s, r, rs, w, &e);
		return;
	}
	if (ed.pr.slug_was != NULL) {
		struct buf b;

		buf_init(&b, LIM_URL_BYTES);
		if (buf_printf(&b, "/admin/posts/%lld/?saved=1&slug_was=",
		               (long long)id) == 0 &&
		    url_encode(&b, ed.pr.slug_was, strlen(ed.pr.slug_was)) == 0)
			admin_redirect(rs, arena_strdup(a, buf_str(&b)));
		else
			admin_redirect(rs, arena_printf(a,
			                                "/admin/posts/%lld/"
			                                "?saved=1",
			                                (long long)id));
		buf_release(&b);
		return;
	}
	admin_redirect(rs, arena_printf(a, "/admin/posts/%lld/?saved=1",
	                                (long long)id));
}

/* What the editor says after a redirect. */
static struct tval *
editor_notices(struct req *r, const struct post_edit *cur)
{
	struct arena *a = r->arena;
	struct tval *list = tval_list(a);
	const char *was = req_query(r, "slug_was");
	const char *rev = req_query(r, "restored");
	const struct post *p = &cur->post;

	if (req_query(r, "saved") != NULL) {
		switch (p->status) {
		case POST_PUBLISHED:
			notice(a, list, "ok", "Saved and published.");
			break;
		case POST_SCHEDULED:
			notice(a, list, "ok",
			       arena_printf(a,
			                    "Saved; it will be published on "
			                    "%s (UTC).",
			                    date_field(a, p->published_at)));
			break;
		case POST_PENDING:
			notice(a, list, "ok",
			       "Saved and submitted for review: an editor "
			       "will publish it.");
			break;
		default:
			notice(a, list, "ok", "Saved as a draft.");
		}
	}
	if (was != NULL)
		notice(a, list, "warn",
		       arena_printf(a,
		                    "The slug '%s' was already taken, so this "
		                    "%s got '%s'.",
		                    was, post_type_one[p->type], p->slug));
	if (rev != NULL)
		notice(a, list, "ok",
		       arena_printf(a,
		                    "Revision %s is restored (itself saved as "
		                    "a new revision).",
		                    rev));
	return list;
}

/* The post of route capture 0, for w; NULL with rs filled otherwise. */
static struct post_edit *
post_of_route(struct site *s, struct req *r, struct resp *rs, struct who *w)
{
	struct post_edit *pe = arena_alloc(r->arena, sizeof(*pe));
	struct error e;
	int64_t id;

	if (!admin_id_param(r, 0, &id)) {
		error_set(&e, ERR_NOT_FOUND, "no such post");
		fail(s, r, rs, w, &e);
		return NULL;
	}
	if (store_post_edit_get(s->store, r->arena, id, pe, &e) == -1) {
		fail(s, r, rs, w, &e);
		return NULL;
	}
	return pe;
}

void
admin_post_new(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	const char *t;
	int k = POST_POST;

	if (w == NULL)
		return;
	t = req_query(r, "type");
	if (t != NULL) {
		k = enum_lookup(post_type_names, POST_TYPE__MAX, t);
		if (k < 0) {
			admin_message(s, r, rs, w, 400, "No such type",
			              "Posts, pages, books or episodes.");
			return;
		}
	}
	if (!type_ok(w, (enum post_type)k)) {
		forbid(s, r, rs, w,
		       "Pages, books and episodes are for editors and admins.");
		return;
	}
	if (r->method == HTTP_POST) {
		editor_save(s, r, rs, w, NULL, (enum post_type)k);
		return;
	}
	editor_render(s, r, rs, w, 200, NULL, (enum post_type)k, NULL, 0, "",
	              NULL, NULL);
}

void
admin_post_edit(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct post_edit *cur;
	const char *why;

	if (w == NULL)
		return;
	cur = post_of_route(s, r, rs, w);
	if (cur == NULL)
		return;
	why = edit_refusal(w, &cur->post);
	if (why != NULL) {
		forbid(s, r, rs, w, why);
		return;
	}
	if (r->method == HTTP_POST) {
		editor_save(s, r, rs, w, cur, cur->post.type);
		return;
	}
	editor_render(s, r, rs, w, 200, cur, cur->post.type, NULL, cur->version,
	              cur->post.body_html, NULL, editor_notices(r, cur));
}

/* ---- the list ---- */

struct list_args {
	enum post_type type;
	int status;                       /* -1: all but the trash */
	const char *section, *author, *q; /* "" when not filtered */
	int64_t page;
};

/* The filters of ?type=&status=&section=&author=&q=&page=; NULL when
 * fine, else what is wrong (a 400). */
static const char *
list_args_read(struct req *r, struct list_args *la)
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
static int
list_load(struct site *s, struct arena *a, struct who *w,
          const struct list_args *la, struct post **out, size_t *n,
          int64_t *total, struct error *e)
{
	int own = la->type == POST_POST && !auth_can(&w->u, CAP_POSTS_ALL);
	int64_t offset = (la->page - 1) * POSTS_PAGE;

	*out = NULL;
	*n = 0;
	*total = 0;
	if (!blank(la->q)) {
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

static const char *
list_url(struct arena *a, const struct list_args *la, const char *status,
         int64_t page)
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
            const struct list_args *la, struct tval *summary)
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

	if (list_load(s, a, w, la, &posts, &n, &total, &e) == -1 ||
	    store_admin_post_counts(s->store, la->type, own ? w->u.id : 0,
	                            counts, &e) == -1 ||
	    store_section_list(s->store, a, clock_now(), &secs, &nsecs, &e) ==
	            -1) {
		fail(s, r, rs, w, &e);
		return;
	}
	m = admin_model(s, r, w, type_plural[la->type]);
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
		tval_set_str(a, t, "label", i < 0 ? "All" : status_labels[i]);
		tval_set_str(a, t, "url",
		             list_url(a, la, i < 0 ? "" : post_status_names[i],
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
		tval_set_str(a, o, "label", status_labels[i]);
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
		tval_set_str(a, row, "status_label", status_labels[p->status]);
		tval_set_str(a, row, "date",
		             dated ? date_field(a, p->published_at)
		                   : date_field(a, p->updated_at));
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
	tval_set_bool(a, m, "searching", !blank(la->q));
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
			             list_url(a, la, cur_status, la->page - 1));
		if (la->page < pages)
			tval_set_str(a, pg, "next",
			             list_url(a, la, cur_status, la->page + 1));
	}
	admin_render(s, r, rs, "admin_posts.html", m);
}

void
admin_posts_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct list_args la;
	const char *why;

	if (w == NULL)
		return;
	why = list_args_read(r, &la);
	if (why != NULL) {
		admin_message(s, r, rs, w, 400, "Bad filter", why);
		return;
	}
	if (!type_ok(w, la.type)) {
		forbid(s, r, rs, w,
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
	why = edit_refusal(w, &pe.post);
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
	why = status_refusal(w, to);
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
	struct list_args la;
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
	if (!type_ok(w, la.type))
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

/* ---- preview ---- */

void
admin_preview(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct form_field f[] = {{"body", LIM_BODY_BYTES, 0, NULL},
	                         {"csrf", 200, 0, NULL}};
	struct error e;
	const char *html;

	if (w == NULL)
		return;
	if (form_parse(r, f, 2, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Bad form", e.msg);
		return;
	}
	html = posts_render_body(s->store, r->arena, 0, "markdown",
	                         f[0].value ? f[0].value : "", &e);
	if (html == NULL) {
		admin_message(s, r, rs, w, resp_status_for(e.code), "Preview",
		              e.msg);
		return;
	}
	rs->status = 200;
	rs->content_type = "text/html; charset=utf-8";
	if (buf_puts(&rs->body, html) == -1)
		resp_json_error(rs, 500, "cannot write the answer");
}

void
api_admin_preview(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	json_t *doc;
	const char *body, *html;
	struct error e;

	if (w == NULL)
		return;
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	if (json_text(r->arena, doc, "body", &body, &e) == -1) {
		json_decref(doc);
		resp_json_error(rs, 400, e.msg);
		return;
	}
	json_decref(doc);
	html = posts_render_body(s->store, r->arena, 0, "markdown",
	                         body ? body : "", &e);
	if (html == NULL) {
		resp_json_error(rs, resp_status_for(e.code), e.msg);
		return;
	}
	api_json(rs, 200, json_pack("{s:s}", "html", html));
}

/* ---- revisions ---- */

static const char *
revision_when(struct arena *a, int64_t t)
{
	char out[32];

	time_format(t, "%Y-%m-%d %H:%M:%S", out, sizeof(out));
	return arena_strdup(a, out);
}

void
admin_post_revisions(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct arena *a = r->arena;
	struct post_edit *cur;
	struct revision *revs;
	size_t n;
	struct error e;
	struct tval *m, *list;
	const char *why, *qa, *qb;
	int64_t ra = 0, rb = 0;
	int can_edit;

	if (w == NULL)
		return;
	cur = post_of_route(s, r, rs, w);
	if (cur == NULL)
		return;
	why = view_refusal(w, &cur->post);
	if (why != NULL) {
		forbid(s, r, rs, w, why);
		return;
	}
	can_edit = edit_refusal(w, &cur->post) == NULL;
	if (store_revision_list(s->store, a, cur->post.id, LIM_REVISIONS_LISTED,
	                        &revs, &n, &e) == -1) {
		fail(s, r, rs, w, &e);
		return;
	}
	qa = req_query(r, "a");
	qb = req_query(r, "b");
	if (qa != NULL && num_parse(qa, 1, INT64_MAX, &ra) == -1)
		ra = 0;
	if (qb != NULL && num_parse(qb, 1, INT64_MAX, &rb) == -1)
		rb = 0;
	if (ra == 0 && rb == 0 && n >= 2) {
		ra = revs[1].id;
		rb = revs[0].id;
	}
	m = admin_model(s, r, w,
	                arena_printf(a, "Revisions of “%s”", cur->post.title));
	tval_set_int(a, m, "id", cur->post.id);
	tval_set_str(a, m, "post_title", cur->post.title);
	tval_set_int(a, m, "version", cur->version);
	tval_set_str(a, m, "edit_url",
	             arena_printf(a, "/admin/posts/%lld/",
	                          (long long)cur->post.id));
	list = tval_set(a, m, "revisions", tval_list(a));
	for (size_t i = 0; i < n; i++) {
		struct tval *it = tval_push(a, list, tval_map(a));

		tval_set_int(a, it, "id", revs[i].id);
		tval_set_str(a, it, "when",
		             revision_when(a, revs[i].created_at));
		tval_set_str(a, it, "author",
		             *revs[i].author_name ? revs[i].author_name : "—");
		tval_set_str(a, it, "title", revs[i].title);
		tval_set_int(a, it, "rev_version", revs[i].version);
		tval_set_bool(a, it, "autosave", revs[i].autosave);
		tval_set_bool(a, it, "is_a", revs[i].id == ra);
		tval_set_bool(a, it, "is_b", revs[i].id == rb);
		tval_set_bool(a, it, "can_restore", can_edit);
		tval_set_str(a, it, "restore_url",
		             arena_printf(a,
		                          "/admin/posts/%lld/revisions/%lld/"
		                          "restore",
		                          (long long)cur->post.id,
		                          (long long)revs[i].id));
	}
	tval_set_bool(a, m, "empty", n == 0);
	tval_set_bool(a, m, "can_compare", n >= 2);
	if (ra != 0 && rb != 0) {
		struct revision x, y;
		struct tval *cmp;
		int coarse;

		if (store_revision_get(s->store, a, cur->post.id, ra, &x, &e) ==
		            -1 ||
		    store_revision_get(s->store, a, cur->post.id, rb, &y, &e) ==
		            -1) {
			fail(s, r, rs, w, &e);
			return;
		}
		cmp = tval_set(a, m, "compare", tval_map(a));
		tval_set_int(a, cmp, "a", ra);
		tval_set_int(a, cmp, "b", rb);
		tval_set_str(a, cmp, "a_when", revision_when(a, x.created_at));
		tval_set_str(a, cmp, "b_when", revision_when(a, y.created_at));
		tval_set_str(a, cmp, "a_title", x.title);
		tval_set_str(a, cmp, "b_title", y.title);
		tval_set_bool(a, cmp, "title_changed",
		              strcmp(x.title, y.title) != 0);
		tval_set_str(a, cmp, "diff_html",
		             diff_html(a, x.body_src, y.body_src, &coarse));
		tval_set_bool(a, cmp, "coarse", coarse);
		tval_set_bool(a, cmp, "same",
		              strcmp(x.body_src, y.body_src) == 0);
	}
	admin_render(s, r, rs, "admin_revisions.html", m);
}

/*
 * Restore revision rev of cur: its title and body become the post's (the
 * rest stays), saved like any edit (a new revision) against base.
 */
static int
restore(struct site *s, struct arena *a, struct who *w,
        const struct post_edit *cur, int64_t rev, int64_t base,
        int64_t *version, int *stale, struct error *e)
{
	struct revision x;
	struct post p = cur->post;
	struct post_save ps = {0};
	int64_t id;

	*stale = 0;
	if (store_revision_get(s->store, a, cur->post.id, rev, &x, e) == -1)
		return -1;
	p.title = x.title;
	p.body_src = x.body_src;
	p.body_html = posts_render_body(s->store, a, cur->post.id,
	                                p.body_format, p.body_src, e);
	if (p.body_html == NULL)
		return -1;
	p.updated_at = clock_now();
	ps.post = &p;
	ps.base_version = base;
	ps.editor_id = w->u.id;
	ps.now = p.updated_at;
	return store_post_save(s->store, &ps, &id, version, stale, e);
}

void
admin_post_restore(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct post_edit *cur;
	struct form_field f[] = {{"version", 24, 0, NULL},
	                         {"csrf", 200, 0, NULL}};
	const char *why;
	int64_t rev, base, version;
	int stale;
	struct error e;

	if (w == NULL)
		return;
	cur = post_of_route(s, r, rs, w);
	if (cur == NULL)
		return;
	why = edit_refusal(w, &cur->post);
	if (why != NULL) {
		forbid(s, r, rs, w, why);
		return;
	}
	if (!admin_id_param(r, 1, &rev)) {
		admin_message(s, r, rs, w, 404, "Not found",
		              "No such revision.");
		return;
	}
	if (form_parse(r, f, 2, &e) == -1) {
		admin_message(s, r, rs, w, 400, "Bad form", e.msg);
		return;
	}
	base = cur->version;
	if (f[0].value != NULL &&
	    num_parse(f[0].value, 1, INT64_MAX, &base) == -1)
		base = 0;
	if (restore(s, r->arena, w, cur, rev, base, &version, &stale, &e) ==
	    -1) {
		if (stale) {
			admin_message(
				s, r, rs, w, 409, "Saved in between",
				"Someone saved this post after you opened "
				"its revisions; nothing was restored. Look "
				"at the revisions again, then restore.");
			return;
		}
		fail(s, r, rs, w, &e);
		return;
	}
	admin_redirect(rs,
	               arena_printf(r->arena,
	                            "/admin/posts/%lld/?restored=%lld",
	                            (long long)cur->post.id, (long long)rev));
}

/* ---- the JSON API ---- */

static json_t *
jstring(const char *s)
{
	json_t *v = json_string(s ? s : "");

	return v ? v : json_string("");
}

/* An item as the API shows it; full adds the body, tags and version. */
static json_t *
post_json(struct arena *a, const struct post *p, const struct post_edit *pe)
{
	json_t *o = json_object();
	json_t *author = json_object();

	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "type", jstring(post_type_names[p->type]));
	json_object_set_new(o, "status", jstring(post_status_names[p->status]));
	json_object_set_new(o, "title", jstring(p->title));
	json_object_set_new(o, "slug", jstring(p->slug));
	json_object_set_new(o, "section",
	                    p->section_id ? jstring(p->section_slug)
	                                  : json_null());
	json_object_set_new(author, "id", json_integer(p->author_id));
	json_object_set_new(author, "name", jstring(p->author_name));
	json_object_set_new(o, "author", author);
	json_object_set_new(o, "published_at",
	                    jstring(date_iso(a, p->published_at)));
	json_object_set_new(o, "updated_at",
	                    jstring(date_iso(a, p->updated_at)));
	json_object_set_new(o, "url", jstring(site_permalink(a, p)));
	json_object_set_new(o, "excerpt", jstring(p->excerpt));
	json_object_set_new(o, "source_url", jstring(p->source_url));
	json_object_set_new(o, "sticky", json_boolean(p->sticky));
	json_object_set_new(o, "comments_open", json_boolean(p->comments_open));
	if (pe != NULL) {
		json_t *tags = json_array();

		for (size_t i = 0; i < p->ntags; i++)
			json_array_append_new(tags, jstring(p->tags[i]));
		json_object_set_new(o, "tags", tags);
		json_object_set_new(o, "body", jstring(p->body_src));
		json_object_set_new(o, "body_format", jstring(p->body_format));
		json_object_set_new(o, "body_html", jstring(p->body_html));
		json_object_set_new(o, "version", json_integer(pe->version));
		if (p->type == POST_BOOK)
			json_object_set_new(o, "order_url",
			                    jstring(pe->order_url));
	}
	return o;
}

/* 400 with every field's message: {"error": first, "fields": {...}}. */
static void
api_invalid(struct resp *rs, const struct edit *ed)
{
	json_t *o = json_object(), *fields = json_object();
	const char *first = NULL;

	for (int i = 0; i < POST_F__MAX; i++)
		if (ed->pr.err[i] != NULL) {
			if (first == NULL)
				first = ed->pr.err[i];
			json_object_set_new(fields, post_field_names[i],
			                    jstring(ed->pr.err[i]));
		}
	json_object_set_new(o, "error", jstring(first ? first : "bad input"));
	json_object_set_new(o, "fields", fields);
	api_json(rs, 400, o);
}

/* Read item id again and send it with status. */
static void
api_post_send(struct site *s, struct req *r, struct resp *rs, int status,
              int64_t id)
{
	struct post_edit pe;
	struct error e;

	if (store_post_edit_get(s->store, r->arena, id, &pe, &e) == -1) {
		resp_json_error(rs, resp_status_for(e.code), e.msg);
		return;
	}
	api_json(rs, status, post_json(r->arena, &pe.post, &pe));
}

/* 409: the version now and the item as it is. */
static void
api_stale(struct site *s, struct req *r, struct resp *rs, int64_t id,
          const char *msg)
{
	struct post_edit pe;
	struct error e;
	json_t *o = json_object();

	json_object_set_new(o, "error", jstring(msg));
	if (store_post_edit_get(s->store, r->arena, id, &pe, &e) == 0) {
		json_object_set_new(o, "version", json_integer(pe.version));
		json_object_set_new(o, "post",
		                    post_json(r->arena, &pe.post, &pe));
	}
	api_json(rs, 409, o);
}

/* Create (cur NULL) or update from the JSON body. */
static void
api_save(struct site *s, struct req *r, struct resp *rs, struct who *w,
         const struct post_edit *cur)
{
	struct arena *a = r->arena;
	json_t *doc = api_json_request(r, rs);
	struct edit ed;
	struct post p;
	struct post_save ps;
	struct error e;
	int64_t id, version;
	int stale, rc;

	if (doc == NULL)
		return;
	edit_init(&ed, cur ? cur->post.type : POST_POST);
	rc = edit_from_json(a, doc, &ed, &e);
	json_decref(doc);
	if (rc == -1) {
		resp_json_error(rs, 400, e.msg);
		return;
	}
	if (cur != NULL) {
		ed.in.type = cur->post.type;
		if (ed.version < 0) {
			resp_json_error(
				rs, 400,
				"'version' is required: the version the "
				"change starts from (GET gives it)");
			return;
		}
	}
	if (edit_check(s, a, w, &ed, cur, &p, &e) == -1) {
		fail(s, r, rs, w, &e);
		return;
	}
	if (ed.forbidden != NULL) {
		resp_json_error(rs, 403, ed.forbidden);
		return;
	}
	if (ed.pr.bad > 0) {
		api_invalid(rs, &ed);
		return;
	}
	ps.post = &p;
	ps.base_version = cur ? ed.version : 0;
	ps.editor_id = w->u.id;
	ps.order_url = p.type != POST_BOOK     ? NULL
	               : ed.in.v[POST_F_ORDER] ? ed.in.v[POST_F_ORDER]
	               : cur                   ? NULL
	                                       : "";
	ps.now = clock_now();
	if (store_post_save(s->store, &ps, &id, &version, &stale, &e) == -1) {
		if (stale)
			api_stale(s, r, rs, cur->post.id, e.msg);
		else
			fail(s, r, rs, w, &e);
		return;
	}
	api_post_send(s, r, rs, cur ? 200 : 201, id);
}

void
api_admin_posts(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct list_args la;
	struct post *posts;
	size_t n;
	int64_t total;
	struct error e;
	const char *why;
	json_t *o, *list;

	if (w == NULL)
		return;
	if (r->method == HTTP_POST) {
		api_save(s, r, rs, w, NULL);
		return;
	}
	why = list_args_read(r, &la);
	if (why != NULL) {
		resp_json_error(rs, 400, why);
		return;
	}
	if (!type_ok(w, la.type)) {
		resp_json_error(rs, 403,
		                "Pages, books and episodes are for editors "
		                "and admins.");
		return;
	}
	if (list_load(s, r->arena, w, &la, &posts, &n, &total, &e) == -1) {
		fail(s, r, rs, w, &e);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list,
		                      post_json(r->arena, &posts[i], NULL));
	o = json_object();
	json_object_set_new(o, "posts", list);
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "page", json_integer(la.page));
	json_object_set_new(o, "pages",
	                    json_integer((total + POSTS_PAGE - 1) /
	                                 POSTS_PAGE));
	api_json(rs, 200, o);
}

void
api_admin_post(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct post_edit *cur;
	const char *why;
	struct error e;

	if (w == NULL)
		return;
	cur = post_of_route(s, r, rs, w);
	if (cur == NULL)
		return;
	if (r->method == HTTP_GET || r->method == HTTP_HEAD) {
		why = view_refusal(w, &cur->post);
		if (why != NULL) {
			resp_json_error(rs, 403, why);
			return;
		}
		api_json(rs, 200, post_json(r->arena, &cur->post, cur));
		return;
	}
	why = edit_refusal(w, &cur->post);
	if (why != NULL) {
		resp_json_error(rs, 403, why);
		return;
	}
	if (r->method == HTTP_PUT) {
		api_save(s, r, rs, w, cur);
		return;
	}
	/* DELETE: to the trash, from where "restore" brings it back. */
	if (store_post_set_state(s->store, cur->post.id, POST_TRASH, 0,
	                         clock_now(), &e) == -1) {
		fail(s, r, rs, w, &e);
		return;
	}
	api_post_send(s, r, rs, 200, cur->post.id);
}

void
api_admin_post_autosave(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct arena *a = r->arena;
	struct post_edit *cur;
	const char *why, *title = NULL, *body = NULL, *html;
	json_t *doc, *v;
	int64_t base, version, now = clock_now();
	int stale, live, rc;
	struct error e;

	if (w == NULL)
		return;
	cur = post_of_route(s, r, rs, w);
	if (cur == NULL)
		return;
	why = edit_refusal(w, &cur->post);
	if (why != NULL) {
		resp_json_error(rs, 403, why);
		return;
	}
	doc = api_json_request(r, rs);
	if (doc == NULL)
		return;
	v = json_object_get(doc, "version");
	base = json_is_integer(v) ? (int64_t)json_integer_value(v) : -1;
	rc = json_text(a, doc, "title", &title, &e) == -1 ||
	     json_text(a, doc, "body", &body, &e) == -1;
	json_decref(doc);
	if (rc) {
		resp_json_error(rs, 400, e.msg);
		return;
	}
	if (base < 0) {
		resp_json_error(rs, 400, "'version' is required");
		return;
	}
	if (blank(title))
		title = cur->post.title; /* an autosave never blanks a title */
	if (strlen(title) > LIM_TITLE_BYTES) {
		resp_json_error(rs, 400,
		                arena_printf(a, "the title is over %d bytes",
		                             LIM_TITLE_BYTES));
		return;
	}
	if (body == NULL)
		body = cur->post.body_src;
	if (strlen(body) > LIM_POST_SRC_BYTES) {
		resp_json_error(rs, 413, "the text is too long");
		return;
	}
	html = posts_render_body(s->store, a, cur->post.id,
	                         cur->post.body_format, body, &e);
	if (html == NULL) {
		resp_json_error(rs, resp_status_for(e.code), e.msg);
		return;
	}
	/* A draft or a pending post is nobody's reading yet: it takes the
	 * text.  A published or scheduled one keeps what readers see. */
	live = cur->post.status == POST_DRAFT ||
	       cur->post.status == POST_PENDING;
	if (store_post_autosave(s->store, cur->post.id, base, title, body, html,
	                        live, w->u.id, now, &version, &stale,
	                        &e) == -1) {
		if (stale)
			api_stale(s, r, rs, cur->post.id, e.msg);
		else
			fail(s, r, rs, w, &e);
		return;
	}
	api_json(rs, 200,
	         json_pack("{s:I,s:s,s:b}", "version", (json_int_t)version,
	                   "saved_at", date_iso(a, now), "live", live));
}

static json_t *
revision_json(struct arena *a, const struct revision *x, int body)
{
	json_t *o = json_object(), *author = json_object();

	json_object_set_new(o, "id", json_integer(x->id));
	json_object_set_new(o, "version", json_integer(x->version));
	json_object_set_new(o, "created_at",
	                    jstring(date_iso(a, x->created_at)));
	json_object_set_new(author, "id", json_integer(x->author_id));
	json_object_set_new(author, "name", jstring(x->author_name));
	json_object_set_new(o, "author", author);
	json_object_set_new(o, "title", jstring(x->title));
	json_object_set_new(o, "autosave", json_boolean(x->autosave));
	if (body)
		json_object_set_new(o, "body", jstring(x->body_src));
	return o;
}

void
api_admin_post_revisions(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct post_edit *cur;
	struct revision *revs;
	size_t n;
	const char *why;
	struct error e;
	json_t *list;

	if (w == NULL)
		return;
	cur = post_of_route(s, r, rs, w);
	if (cur == NULL)
		return;
	why = view_refusal(w, &cur->post);
	if (why != NULL) {
		resp_json_error(rs, 403, why);
		return;
	}
	if (store_revision_list(s->store, r->arena, cur->post.id,
	                        LIM_REVISIONS_LISTED, &revs, &n, &e) == -1) {
		fail(s, r, rs, w, &e);
		return;
	}
	list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list,
		                      revision_json(r->arena, &revs[i], 0));
	api_json(rs, 200,
	         json_pack("{s:o,s:I}", "revisions", list, "version",
	                   (json_int_t)cur->version));
}

void
api_admin_post_restore(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct who *w = admin_guard(s, r, rs, CAP_POSTS_OWN);
	struct post_edit *cur;
	const char *why;
	int64_t rev, base, version;
	int stale;
	struct error e;
	json_t *doc, *v;

	if (w == NULL)
		return;
	cur = post_of_route(s, r, rs, w);
	if (cur == NULL)
		return;
	why = edit_refusal(w, &cur->post);
	if (why != NULL) {
		resp_json_error(rs, 403, why);
		return;
	}
	if (!admin_id_param(r, 1, &rev)) {
		resp_json_error(rs, 404, "no such revision");
		return;
	}
	base = cur->version;
	if (r->body_len > 0) {
		doc = api_json_request(r, rs);
		if (doc == NULL)
			return;
		v = json_object_get(doc, "version");
		if (json_is_integer(v))
			base = (int64_t)json_integer_value(v);
		json_decref(doc);
	}
	if (restore(s, r->arena, w, cur, rev, base, &version, &stale, &e) ==
	    -1) {
		if (stale)
			api_stale(s, r, rs, cur->post.id, e.msg);
		else
			fail(s, r, rs, w, &e);
		return;
	}
	api_post_send(s, r, rs, 200, cur->post.id);
}
