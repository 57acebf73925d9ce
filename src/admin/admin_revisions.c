/*
 * The admin: an item's revisions, compared line by line, and restoring
 * one; the line diff also shows a stale save what changed.
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
const char *
admin_diff_html(struct arena *a, const char *old, const char *new, int *coarse)
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
	const char *qa, *qb;
	int64_t ra = 0, rb = 0;
	int can_edit;

	if (w == NULL)
		return;
	cur = admin_post_of_route(s, r, rs, w, 0);
	if (cur == NULL)
		return;
	can_edit = admin_post_edit_refusal(w, &cur->post) == NULL;
	if (store_revision_list(s->store, a, cur->post.id, LIM_REVISIONS_LISTED,
	                        &revs, &n, &e) == -1) {
		admin_fail(s, r, rs, w, "admin posts", &e);
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
			admin_fail(s, r, rs, w, "admin posts", &e);
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
		             admin_diff_html(a, x.body_src, y.body_src,
		                             &coarse));
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
int
admin_revision_restore(struct site *s, struct arena *a, struct who *w,
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
	int64_t rev, base, version;
	int stale;
	struct error e;

	if (w == NULL)
		return;
	cur = admin_post_of_route(s, r, rs, w, 1);
	if (cur == NULL)
		return;
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
	if (admin_revision_restore(s, r->arena, w, cur, rev, base, &version,
	                           &stale, &e) == -1) {
		if (stale) {
			admin_message(
				s, r, rs, w, 409, "Saved in between",
				"Someone saved this post after you opened "
				"its revisions; nothing was restored. Look "
				"at the revisions again, then restore.");
			return;
		}
		admin_fail(s, r, rs, w, "admin posts", &e);
		return;
	}
	admin_redirect(rs,
	               arena_printf(r->arena,
	                            "/admin/posts/%lld/?restored=%lld",
	                            (long long)cur->post.id, (long long)rev));
}
