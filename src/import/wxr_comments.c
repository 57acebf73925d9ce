/*
 * WXR import: the wp:comment elements of an item, read and rendered
 * before any is stored, their threads joined up (thread_plan()), then
 * stored with their comment meta.
 */
#include <stdlib.h>
#include <string.h>

#include "wxr_internal.h"
#include "wp.h"
#include "../util/arena.h"
#include "../util/banned.h"

/* One wp:comment of the item being imported, read before any is stored. */
struct wcomment {
	struct import_comment c;
	const xmlNode *n; /* for its commentmeta */
	int parent;       /* index in the item; -1: top level */
	int root;         /* index of its thread's top-level comment */
	int dup;          /* its comment_id came earlier in the item */
	int child, next;  /* first reply, next sibling (-1: none) */
	int64_t id;       /* once stored */
	int existed;
};

/*
 * Read a wp:comment into *out: 0 when it is to be stored, 1 when it was
 * skipped (and counted), -1 on error.
 */
static int
comment_read(struct wxr *w, const xmlNode *n, struct wcomment *out,
             struct error *e)
{
	struct import_comment *c = &out->c;
	const char *approved = "", *type = "", *date = "", *date_gmt = "";
	const xmlNode *content = NULL;
	const struct pre *pre;
	enum wxr_kind k;

	memset(out, 0, sizeof(*out));
	out->n = n;
	c->author_name = c->author_email = c->author_url = c->body_src = "";
	for (const xmlNode *f = n->children; f; f = f->next) {
		if (wxr_is_wp(f, "comment_id"))
			c->legacy_id = wxr_id_of(wxr_text_of(w, f, 1));
		else if (wxr_is_wp(f, "comment_author"))
			c->author_name = wxr_text_of(w, f, 1);
		else if (wxr_is_wp(f, "comment_author_email"))
			c->author_email = wxr_text_of(w, f, 1);
		else if (wxr_is_wp(f, "comment_author_url"))
			c->author_url = wxr_text_of(w, f, 1);
		else if (wxr_is_wp(f, "comment_date"))
			date = wxr_text_of(w, f, 1);
		else if (wxr_is_wp(f, "comment_date_gmt"))
			date_gmt = wxr_text_of(w, f, 1);
		else if (wxr_is_wp(f, "comment_content")) {
			c->body_src = wxr_text_of(w, f, 0);
			content = f;
		} else if (wxr_is_wp(f, "comment_approved"))
			approved = wxr_text_of(w, f, 1);
		else if (wxr_is_wp(f, "comment_type"))
			type = wxr_text_of(w, f, 1);
		else if (wxr_is_wp(f, "comment_parent"))
			c->legacy_parent = wxr_id_of(wxr_text_of(w, f, 1));
		else if (wxr_is_wp(f, "comment_user_id") &&
		         store_import_user_by_legacy(w->s,
		                                     wxr_id_of(wxr_text_of(w, f,
		                                                           1)),
		                                     &c->user_id, e) == -1)
			return -1;
	}
	c->type = strcmp(type, "pingback") == 0    ? IMPORT_PINGBACK
	          : strcmp(type, "trackback") == 0 ? IMPORT_TRACKBACK
	                                           : IMPORT_COMMENT;
	k = c->type == IMPORT_COMMENT ? WXR_COMMENT : WXR_PINGBACK;
	if (c->legacy_id == 0 || w->too_big) {
		wxr_skip(w, k,
		         c->legacy_id ? "a field too big" : "no comment_id");
		return 1;
	}
	/* wp_comments.comment_approved: "1", "0", "spam", "trash" */
	c->status = strcmp(approved, "1") == 0      ? COMMENT_APPROVED
	            : strcmp(approved, "spam") == 0 ? COMMENT_SPAM
	            : strcmp(approved, "trash") == 0 ||
	                            strcmp(approved, "post-trashed") == 0
	                    ? COMMENT_TRASH
	                    : COMMENT_PENDING;
	c->created_at = wxr_time_of(date_gmt, date);
	/* WordPress shows comments through wpautop, without shortcodes */
	pre = wxr_pre_of(w, content);
	c->body_html = pre ? pre->html : NULL;
	if (c->body_html == NULL)
		c->body_html = wxr_render(w, c->body_src, 0, WP_COMMENT);
	if (c->body_html == NULL) {
		wxr_skip(w, k, "content too big to render");
		return 1;
	}
	return 0;
}

static int
by_legacy_id(const void *a, const void *b, void *ctx)
{
	const struct wcomment *cm = ctx;
	int i = *(const int *)a, j = *(const int *)b;
	int64_t x = cm[i].c.legacy_id, y = cm[j].c.legacy_id;

	return x < y ? -1 : x > y ? 1 : (i > j) - (i < j);
}

/*
 * Join up the threads of one new post's comments before any goes in, by
 * the rules store_import_finish()'s SQL applies after the fact (which
 * stays the reference, and still runs when a reply attaches to a comment
 * imported before): a reply's parent is the item's first comment with
 * its comment_parent as id, never itself, never a pingback; a comment
 * whose ancestors never reach a top-level one (a loop) is made
 * top-level, without a parent; reply counts leave out the trash; a
 * thread's activity is the newest of its top-level comment and its
 * approved comments.  Fills order[] (n, in a) parents first.  Rewriting
 * half a million rows after the fact was an eighth of a big import.
 */
static int *
thread_plan(struct arena *a, struct wcomment *cm, int n)
{
	int *sorted = arena_alloc(a, (size_t)n * sizeof(int));
	int *order = arena_alloc(a, (size_t)n * sizeof(int));
	int head = 0, tail = 0;

	for (int i = 0; i < n; i++) {
		sorted[i] = i;
		cm[i].parent = -1;
		cm[i].root = -1;
		cm[i].child = cm[i].next = -1;
	}
	qsort_r(sorted, (size_t)n, sizeof(int), by_legacy_id, cm);
	for (int i = 1; i < n; i++)
		if (cm[sorted[i]].c.legacy_id == cm[sorted[i - 1]].c.legacy_id)
			cm[sorted[i]].dup = 1;
	for (int i = 0; i < n; i++) {
		struct wcomment *c = &cm[i];
		int lo = 0, hi = n;

		if (c->dup || c->c.type != IMPORT_COMMENT ||
		    c->c.legacy_parent == 0)
			continue;
		while (lo < hi) { /* the first with that id */
			int mid = lo + (hi - lo) / 2;

			if (cm[sorted[mid]].c.legacy_id < c->c.legacy_parent)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n &&
		    cm[sorted[lo]].c.legacy_id == c->c.legacy_parent &&
		    sorted[lo] != i && cm[sorted[lo]].c.type == IMPORT_COMMENT)
			c->parent = sorted[lo];
	}
	/* replies in file order under each parent: built backwards */
	for (int i = n - 1; i >= 0; i--)
		if (cm[i].parent >= 0) {
			cm[i].next = cm[cm[i].parent].child;
			cm[cm[i].parent].child = i;
		}
	for (int i = 0; i < n; i++)
		if (cm[i].parent < 0 && !cm[i].dup &&
		    cm[i].c.type == IMPORT_COMMENT) {
			cm[i].root = i;
			order[tail++] = i;
		}
	while (head < tail) {
		int p = order[head++];

		for (int r = cm[p].child; r >= 0; r = cm[r].next) {
			cm[r].root = cm[p].root;
			cm[r].c.depth = cm[p].c.depth + 1;
			order[tail++] = r;
		}
	}
	/* loops: never reached from a top-level comment */
	for (int i = 0; i < n; i++)
		if (cm[i].root < 0 && !cm[i].dup &&
		    cm[i].c.type == IMPORT_COMMENT) {
			cm[i].parent = -1;
			cm[i].root = i;
			order[tail++] = i;
		}
	for (int i = 0; i < n; i++)
		cm[i].c.activity_at = cm[i].c.created_at;
	for (int k = 0; k < tail; k++) {
		struct wcomment *c = &cm[order[k]];
		struct wcomment *top = &cm[c->root];

		if (c->parent >= 0 && c->c.status != COMMENT_TRASH)
			cm[c->parent].c.reply_count++;
		if (c->c.status == COMMENT_APPROVED &&
		    c->c.created_at > top->c.activity_at)
			top->c.activity_at = c->c.created_at;
	}
	/* pingbacks and repeated ids go last, in file order */
	for (int i = 0; i < n; i++)
		if (cm[i].dup || cm[i].c.type != IMPORT_COMMENT)
			order[tail++] = i;
	return order;
}

static int
comment_meta(struct wxr *w, const xmlNode *n, int64_t id, struct error *e)
{
	for (const xmlNode *m = n->children; m; m = m->next) {
		const char *key = NULL, *value = "";

		if (!wxr_is_wp(m, "commentmeta"))
			continue;
		for (const xmlNode *f = m->children; f; f = f->next)
			if (wxr_is_wp(f, "meta_key"))
				key = wxr_text_of(w, f, 1);
			else if (wxr_is_wp(f, "meta_value"))
				value = wxr_text_of(w, f, 0);
		if (key == NULL) {
			wxr_skip(w, WXR_COMMENT_META, "no meta_key");
			continue;
		}
		if (store_import_comment_meta(w->s, id, key, value, e) == -1)
			return -1;
		w->r->added[WXR_COMMENT_META]++;
	}
	return 0;
}

/*
 * Store an item's comments (read and planned by wxr_comments_read()) on post
 * post_id; threaded: the post is new, so thread_plan()'s answer stands.
 */
int
wxr_comments_store(struct wxr *w, struct wcomment *cm, const int *order, int n,
                   int64_t post_id, int threaded, struct error *e)
{
	for (int k = 0; k < n; k++) {
		struct wcomment *c = &cm[order[k]];
		enum wxr_kind kind = c->c.type == IMPORT_COMMENT ? WXR_COMMENT
		                                                 : WXR_PINGBACK;

		if (c->dup) {
			w->r->existing[kind]++;
			continue;
		}
		c->c.post_id = post_id;
		c->c.threaded = threaded && c->c.type == IMPORT_COMMENT;
		if (c->c.threaded) {
			const struct wcomment *p =
				c->parent >= 0 ? &cm[c->parent] : NULL;

			/* a parent found already in the site belongs to
			 * another post: the reply is top-level, as
			 * SQL_FIX_COMMENT_PARENTS would have it */
			if (p != NULL && p->existed) {
				w->rethread = 1;
				p = NULL;
			}
			c->c.parent_id = p ? p->id : 0;
			c->c.thread_id = p ? cm[c->root].id : 0;
		}
		if (store_import_comment(w->s, &c->c, &c->id, &c->existed, e) ==
		    -1)
			return -1;
		w->r->added[kind] += !c->existed;
		w->r->existing[kind] += c->existed;
		if (c->existed && c->c.type == IMPORT_COMMENT && threaded)
			w->rethread = 1; /* its replies' plan is off */
		if (!c->existed && !c->c.threaded &&
		    c->c.type == IMPORT_COMMENT)
			w->rethread = 1;
		if (!c->existed && c->c.type == IMPORT_COMMENT &&
		    comment_meta(w, c->n, c->id, e) == -1)
			return -1;
	}
	return 0;
}

/*
 * Read every wp:comment of item n (in w->a) and plan their threads; *n_out
 * of them, stored in *order_out's order.  The post's approved count and
 * newest approved comment are set on p.
 */
int
wxr_comments_read(struct wxr *w, const xmlNode *n, struct import_post *p,
                  struct wcomment **cm_out, int **order_out, int *n_out,
                  struct error *e)
{
	struct wcomment *cm;
	int count = 0, kept = 0;

	for (const xmlNode *c = n->children; c; c = c->next)
		count += wxr_is_wp(c, "comment");
	cm = arena_alloc(w->a, (size_t)(count ? count : 1) * sizeof(*cm));
	for (const xmlNode *c = n->children; c; c = c->next) {
		int rc;

		if (!wxr_is_wp(c, "comment"))
			continue;
		rc = comment_read(w, c, &cm[kept], e);
		if (rc == -1)
			return -1;
		kept += rc == 0;
	}
	*order_out = thread_plan(w->a, cm, kept);
	for (int i = 0; i < kept; i++)
		if (!cm[i].dup && cm[i].c.type == IMPORT_COMMENT &&
		    cm[i].c.status == COMMENT_APPROVED) {
			p->comment_count++;
			if (cm[i].c.created_at > p->comment_activity)
				p->comment_activity = cm[i].c.created_at;
		}
	*cm_out = cm;
	*n_out = kept;
	return 0;
}
