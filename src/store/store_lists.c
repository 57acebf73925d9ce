/*
 * posts.h through the store's driver (db.h): the lists a reader pages through
 * (the front page, sections, tags, date archives, podcasts), their totals, the
 * archives' months, and a post's previous and next.  Nothing here reads more
 * rows as the site grows (issue 12; tests/unit/test_plans.c holds the plans to
 * it):
 *
 *  - a list is walked newest first in a partial index of listed posts
 *    (migrations 014 and 015), from a known point and for one page;
 *  - totals and the point to start from come from post_counts (015):
 *    listed posts per list and UTC month and day, kept by triggers.  Page
 *    N is found by walking the list's months, then one month's days, and
 *    then skipping at most one day's posts;
 *  - what the counts hold but a reader must not see yet, or sees
 *    elsewhere, is "held": published posts whose date is still to come
 *    (an index range after now, normally empty) and, on the front page,
 *    sticky posts, which open it.  Held posts are taken off the counts of
 *    their month and day, and the walks leave them out.
 */
#include <assert.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "posts.h"
#include "../util/clock.h"
#include "../util/banned.h"

/* Password-protected posts are never listed (WordPress shows them in
 * lists; we keep them out of lists, feeds, search and sitemaps). */
#define LISTED_EVER                                                            \
	"WHERE p.type = ?1 AND p.status = 'published' AND p.password = '' "
#define LISTED LISTED_EVER "AND p.published_at <= ?2 "

/*
 * Each statement names its parameters ?1 to ?N without a gap (PostgreSQL
 * cannot type a parameter a statement never names), so each says beside
 * it what they are, one letter each in order (bind_args): t the type, n
 * now, k the section or tag, f and e the first date listed and the end
 * of the walk, l and s the rows to read and to skip, a and i the time and
 * id of the post whose neighbours are looked for.
 *
 * Where SQLite is told which index to take (INDEXED BY, which PostgreSQL
 * does not read), the statement is made from one macro twice, SQL_X and
 * SQL_X_PG without the hint, chosen by the store's engine.
 */
#define BY_STICKY_SQLITE "INDEXED BY posts_sticky "
#define BY_STICKY_PG     ""

/*
 * A post's neighbours, "newest first, ties by id", in two probes each:
 * the same second with a smaller (larger) id, then strictly older
 * (newer).  Each is one seek in posts_listed (migration 014).  The row
 * value (p.published_at, p.id) < (a, i) that this replaced bounded the
 * walk by published_at <= now instead, and sorted every older post in a
 * temporary b-tree.  The probes name published_at <= now only where it
 * is the walk's one upper bound: given two bounds on the column, SQLite
 * seeks by either (even by "<= now" over "= a"), and by now it walks
 * every newer post.  a is at most now + 1 (store_post_neighbors), which
 * bounds the older probes.
 */
/* Neighbours are links: their bodies are never read. */
static const char SQL_POST_PREV_SAME[] = /* tai */
	"SELECT " POST_FIELDS_NO_BODY POST_FROM LISTED_EVER
	"AND p.published_at = ?2 AND p.id < ?3 "
	"ORDER BY p.published_at DESC, p.id DESC LIMIT 1";
static const char SQL_POST_PREV[] = /* ta */
	"SELECT " POST_FIELDS_NO_BODY POST_FROM LISTED_EVER
	"AND p.published_at < ?2 "
	"ORDER BY p.published_at DESC, p.id DESC LIMIT 1";
static const char SQL_POST_NEXT_SAME[] = /* tnai */
	"SELECT " POST_FIELDS_NO_BODY POST_FROM LISTED_EVER
	"AND p.published_at = ?3 AND ?3 <= ?2 "
	"AND p.id > ?4 "
	"ORDER BY p.published_at, p.id LIMIT 1";
static const char SQL_POST_NEXT[] = /* tna */
	"SELECT " POST_FIELDS_NO_BODY POST_FROM LISTED
	"AND p.published_at > ?3 "
	"ORDER BY p.published_at, p.id LIMIT 1";

/* One neighbour the in-memory order named (store_order.c), by id: what
 * a link to it shows (store_post_neighbors). */
/* Both neighbours the in-memory order named, in one statement (an id
 * of 0 is none). */
static const char SQL_POST_LISTED_IDS[] =
	"SELECT slug, title, published_at, id FROM posts "
	"WHERE id IN (?1, ?2) AND type = 'post' AND status = 'published' "
	"AND password = ''";

/*
 * A list's rows per month or day (?4), newest first, within [?5, ?6):
 * start and n.  A bucket's end and its year and month are worked out
 * from its start (bucket_of), not by SQLite's strftime, which PostgreSQL
 * does not have.
 */
static const char SQL_COUNTS[] =
	"SELECT start, n FROM post_counts WHERE listing = ?1 AND type = ?2 "
	"AND key = ?3 AND span = ?4 AND start >= ?5 AND start < ?6 "
	"ORDER BY start DESC";

/*
 * Held posts (see the top): the time they sort by, 1 for a sticky post,
 * and their published_at.  On the front page, every sticky post and the
 * others still to come; elsewhere, those still to come.  The sticky ones
 * are named by their index: with no range on published_at, SQLite would
 * rather walk posts_listing's every published post.
 */
#define HELD_ALL(BY_STICKY) /* tn */                                           \
	"SELECT p.published_at, 0, p.published_at FROM posts p " LISTED_EVER   \
	"AND p.published_at > ?2 AND p.sticky = 0 "                            \
	"UNION ALL SELECT p.published_at, 1, p.published_at "                  \
	"FROM posts p " BY_STICKY LISTED_EVER "AND p.sticky != 0"
static const char SQL_HELD_ALL[] = HELD_ALL(BY_STICKY_SQLITE);
static const char SQL_HELD_ALL_PG[] = HELD_ALL(BY_STICKY_PG);
static const char SQL_HELD_RANGE[] = /* tn */
	"SELECT p.published_at, 0, p.published_at FROM posts p " LISTED_EVER
	"AND p.published_at > ?2";
static const char SQL_HELD_SECTION[] = /* tnk */
	"SELECT p.published_at, 0, p.published_at FROM posts p " LISTED_EVER
	"AND p.section_id = ?3 AND p.published_at > ?2";
static const char SQL_HELD_ACTIVITY[] = /* tnk */
	"SELECT p.activity_at, 0, p.published_at FROM posts p " LISTED_EVER
	"AND p.section_id = ?3 AND p.published_at > ?2";
static const char SQL_HELD_TAG[] = /* kn */
	"SELECT listed_at, 0, listed_at FROM post_tags "
	"WHERE tag_id = ?1 AND listed_at IS NOT NULL AND listed_at > ?2";

/*
 * The walks: l rows from the s-th of those before e (and from f on, for
 * a date range), in a list's order.  e is at most now + 1 where the walk
 * is by published_at (list_walk), the one upper bound on it.
 */
#define WALK_ORDER(L, S)                                                       \
	"ORDER BY p.published_at DESC, p.id DESC LIMIT ?" L " OFFSET ?" S
static const char SQL_WALK_ALL[] = /* tels */
	"SELECT " POST_COLS LISTED_EVER
	"AND p.sticky = 0 AND p.published_at < ?2 " WALK_ORDER("3", "4");
static const char SQL_WALK_RANGE[] = /* tfels */
	"SELECT " POST_COLS LISTED_EVER
	"AND p.published_at >= ?2 AND p.published_at < ?3 " WALK_ORDER("4",
                                                                       "5");
static const char SQL_WALK_SECTION[] = /* tkels */
	"SELECT " POST_COLS LISTED_EVER
	"AND p.section_id = ?2 AND p.published_at < ?3 " WALK_ORDER("4", "5");
static const char SQL_WALK_ACTIVITY[] = /* tnkels */
	"SELECT " POST_COLS LISTED
	"AND p.section_id = ?3 AND p.activity_at < ?4 "
	"ORDER BY p.activity_at DESC, p.id DESC LIMIT ?5 OFFSET ?6";
/* post_tags first: its listed_at holds only listed posts' dates. */
static const char SQL_WALK_TAG[] = /* kels */
	"SELECT " POST_FIELDS "FROM post_tags pt CROSS JOIN posts p "
	"LEFT JOIN sections s ON s.id = p.section_id "
	"LEFT JOIN users u ON u.id = p.author_id "
	"WHERE pt.tag_id = ?1 AND pt.listed_at IS NOT NULL "
	"AND pt.listed_at < ?2 AND p.id = pt.post_id "
	"ORDER BY pt.listed_at DESC, pt.post_id DESC LIMIT ?3 OFFSET ?4";
/* The front page opens with its sticky posts, newest first. */
#define STICKY(BY_STICKY) /* tnls */                                           \
	"SELECT " POST_FIELDS "FROM posts p " BY_STICKY                        \
	"LEFT JOIN sections s ON s.id = p.section_id "                         \
	"LEFT JOIN users u ON u.id = p.author_id " LISTED                      \
	"AND p.sticky != 0 " WALK_ORDER("3", "4")
static const char SQL_STICKY[] = STICKY(BY_STICKY_SQLITE);
static const char SQL_STICKY_PG[] = STICKY(BY_STICKY_PG);
static const char SQL_TAG_KEY[] = "SELECT id FROM tags WHERE slug = ?1";

/* A date archive's posts in [?2, ?3), part of a UTC day (the ends of a
 * local day, month or year, util/tz.h): at most a day's posts, by
 * posts_listed. */
static const char SQL_COUNT_RANGE[] =
	"SELECT count(*) FROM posts p " LISTED_EVER
	"AND p.published_at >= ?2 AND p.published_at < ?3";

const struct store_stmt lists_reader_stmts[] = {
	{"post_prev_same", SQL_POST_PREV_SAME, NULL, NULL},
	{"post_prev", SQL_POST_PREV, NULL, NULL},
	{"post_next_same", SQL_POST_NEXT_SAME, NULL, NULL},
	{"post_next", SQL_POST_NEXT, NULL, NULL},
	{"post_listed_ids", SQL_POST_LISTED_IDS, NULL, NULL},
	{"list_counts", SQL_COUNTS, NULL, NULL},
	{"list_held_all", SQL_HELD_ALL, NULL, SQL_HELD_ALL_PG},
	{"list_held_range", SQL_HELD_RANGE, NULL, NULL},
	{"list_held_section", SQL_HELD_SECTION, NULL, NULL},
	{"list_held_activity", SQL_HELD_ACTIVITY, NULL, NULL},
	{"list_held_tag", SQL_HELD_TAG, NULL, NULL},
	{"list_walk_all", SQL_WALK_ALL, NULL, NULL},
	{"list_walk_range", SQL_WALK_RANGE, NULL, NULL},
	{"list_walk_section", SQL_WALK_SECTION, NULL, NULL},
	{"list_walk_activity", SQL_WALK_ACTIVITY, NULL, NULL},
	{"list_walk_tag", SQL_WALK_TAG, NULL, NULL},
	{"list_sticky", SQL_STICKY, NULL, SQL_STICKY_PG},
	{"tag_key", SQL_TAG_KEY, NULL, NULL},
	{"list_count_range", SQL_COUNT_RANGE,
         "a part of one day: the posts of [?2, ?3) by posts_listed, at most a "
         "day's (range_buckets, month_edge)",
         NULL},
	{NULL, NULL, NULL, NULL},
};

/* The values bound to a statement's parameters, by their letters. */
struct args {
	const char *type;
	int64_t now, key, from, end, limit, skip, at, id;
};

/* Bind st's parameters ?1.. from v, one letter of roles each (its SQL's
 * comment): as many as the statement has. */
static void
bind_args(struct db_stmt *st, const char *roles, const struct args *v)
{
	int i;

	for (i = 0; roles[i] != '\0'; i++) {
		int64_t x;

		switch (roles[i]) {
		case 't':
			bind_text(st, i + 1, v->type);
			continue;
		case 'n':
			x = v->now;
			break;
		case 'k':
			x = v->key;
			break;
		case 'f':
			x = v->from;
			break;
		case 'e':
			x = v->end;
			break;
		case 'l':
			x = v->limit;
			break;
		case 's':
			x = v->skip;
			break;
		case 'a':
			x = v->at;
			break;
		default:
			assert(roles[i] == 'i');
			x = v->id;
		}
		db_bind_int64(st, i + 1, x);
	}
	assert(i == db_param_count(st));
}

/* ---- a post's neighbours ------------------------------------------------ */

/* Step st to its first row into *out; *found 0 when there is none. */
static int
maybe_post(struct db_stmt *st, struct arena *a, struct post *out, int *found,
           struct error *e)
{
	int step = db_step(st, "post", e);

	*found = step == 1;
	if (*found)
		post_row(a, st, out);
	stmt_done(st);
	return step == -1 ? -1 : 0;
}

/* Where p sorts among the listed posts.  A post not yet due (a preview)
 * sorts after every listed one: as (now + 1, 0), whose previous is the
 * newest listed post. */
static void
neighbor_place(const struct post *p, int64_t now, int64_t *at, int64_t *id)
{
	*at = p->published_at > now ? now + 1 : p->published_at;
	*id = p->published_at > now ? 0 : p->id;
}

int
neighbors_stmt(struct store *s, struct conn *c, int locked,
               const struct post *p, int64_t now, int64_t ids[2],
               struct db_stmt **st, struct error *e)
{
	int64_t at, id;

	*st = NULL;
	neighbor_place(p, now, &at, &id);
	if (order_neighbors(s, c, locked, at, id, now, &ids[0], &ids[1]) == -1)
		return 0;
	if (ids[0] == 0 && ids[1] == 0)
		return 1;
	*st = conn_prep(c, SQL_POST_LISTED_IDS, e);
	if (*st == NULL)
		return -1;
	db_bind_int64(*st, 1, ids[0]);
	db_bind_int64(*st, 2, ids[1]);
	return 1;
}

/*
 * The neighbours the in-memory order names (store_order.c), read by id:
 * 1 when read (or there are none), 0 when the order is not at hand or
 * names a post gone since (then the probes read them), -1 on an error.
 */
static int
neighbors_by_order(struct store *s, struct conn *c, int locked, struct arena *a,
                   const struct post *p, int64_t now, struct post *outs[2],
                   int *found[2], struct error *e)
{
	int64_t ids[2];
	struct db_stmt *st;
	int step = neighbors_stmt(s, c, locked, p, now, ids, &st, e);

	if (st == NULL)
		return step;
	while ((step = db_step(st, "post", e)) == 1) {
		int i = db_column_int64(st, 3) == ids[0] ? 0 : 1;
		struct post *q = outs[i];

		memset(q, 0, sizeof(*q));
		q->id = ids[i];
		q->type = POST_POST;
		q->status = POST_PUBLISHED;
		q->slug = col_text(a, st, 0);
		q->title = col_text(a, st, 1);
		q->published_at = db_column_int64(st, 2);
		q->updated_at = q->published_at;
		*found[i] = 1;
	}
	stmt_done(st);
	if (step == -1)
		return -1;
	if ((ids[0] != 0 && !*found[0]) || (ids[1] != 0 && !*found[1])) {
		*found[0] = *found[1] = 0;
		return 0;
	}
	return 1;
}

int
store_post_neighbors(struct store *s, struct arena *a, const struct post *p,
                     int64_t now, struct post *prev, int *has_prev,
                     struct post *next, int *has_next, struct error *e)
{
	/* Per side: the same-second probe, then the one beyond it. */
	static const struct {
		const char *sql, *args;
	} probe[2][2] = {{{SQL_POST_PREV_SAME, "tai"}, {SQL_POST_PREV, "ta"}},
	                 {{SQL_POST_NEXT_SAME, "tnai"},
	                  {SQL_POST_NEXT, "tna"}}};
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);
	struct post *outs[2] = {prev, next};
	int *found[2] = {has_prev, has_next};
	struct args v = {
		.type = post_type_names[p->type],
		.now = now,
	};
	int by_order;

	neighbor_place(p, now, &v.at, &v.id);
	*has_prev = *has_next = 0;
	if (c == NULL)
		return -1;
	by_order = p->type == POST_POST
	                   ? neighbors_by_order(s, c, locked, a, p, now, outs,
	                                        found, e)
	                   : 0;
	if (by_order != 0) {
		rc = by_order == 1 ? 0 : -1;
		goto out;
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2 && !*found[i]; j++) {
			struct db_stmt *st = conn_prep(c, probe[i][j].sql, e);

			if (st == NULL)
				goto out;
			bind_args(st, probe[i][j].args, &v);
			if (maybe_post(st, a, outs[i], found[i], e) == -1)
				goto out;
		}
	rc = 0;
out:
	reader_put(s, locked);
	return rc;
}

/* ---- pages of a list ---------------------------------------------------- */

enum list_kind { LIST_ALL, LIST_RANGE, LIST_SECTION, LIST_ACTIVITY, LIST_TAG };

/* What each kind of list reads: its counts' listing, held posts (on
 * SQLite and on PostgreSQL) and walk, and their parameters' letters. */
static const struct {
	const char *listing, *held, *held_pg, *held_args, *walk, *walk_args;
} kinds[] = {
	[LIST_ALL] = {"all", SQL_HELD_ALL, SQL_HELD_ALL_PG, "tn", SQL_WALK_ALL,
                      "tels"},
	[LIST_RANGE] = {"all", SQL_HELD_RANGE, SQL_HELD_RANGE, "tn",
                        SQL_WALK_RANGE, "tfels"},
	[LIST_SECTION] = {"section", SQL_HELD_SECTION, SQL_HELD_SECTION, "tnk",
                          SQL_WALK_SECTION, "tkels"},
	[LIST_ACTIVITY] = {"activity", SQL_HELD_ACTIVITY, SQL_HELD_ACTIVITY,
                           "tnk", SQL_WALK_ACTIVITY, "tnkels"},
	[LIST_TAG] = {"tag", SQL_HELD_TAG, SQL_HELD_TAG, "kn", SQL_WALK_TAG,
                      "kels"},
};

struct held {
	int64_t at; /* the time the list sorts it by */
	int sticky;
};

/* One list, as post_page() reads it. */
struct list {
	struct store *s; /* for its engine's SQL */
	enum list_kind kind;
	const char *type;
	int64_t key;      /* section or tag id; 0 for the others */
	int64_t now;      /* due: published_at <= now */
	int64_t from, to; /* the dates listed, [from, to) */
	struct held *held;
	size_t nheld;
	int64_t sticky; /* sticky posts due (LIST_ALL) */
};

/* Where a page of the list starts: a bucket (month or day) and the
 * number of the list's posts in it to skip. */
struct spot {
	int found;
	int64_t start, end, skip;
};

static int
list_held(struct conn *c, struct arena *a, struct list *l, struct error *e)
{
	struct db_stmt *st =
		conn_prep(c,
	                  store_engine(l->s) == DB_PG ? kinds[l->kind].held_pg
	                                              : kinds[l->kind].held,
	                  e);
	struct args v = {.type = l->type, .now = l->now, .key = l->key};
	size_t cap = 0;
	int step;

	l->held = NULL;
	l->nheld = 0;
	l->sticky = 0;
	if (st == NULL)
		return -1;
	bind_args(st, kinds[l->kind].held_args, &v);
	while ((step = db_step(st, "held posts", e)) == 1) {
		struct held *h;

		l->held = arena_grow(a, l->held, &cap, l->nheld,
		                     sizeof(*l->held));
		h = &l->held[l->nheld++];
		h->at = db_column_int64(st, 0);
		h->sticky = db_column_int64(st, 1) != 0;
		if (h->sticky && db_column_int64(st, 2) <= l->now)
			l->sticky++;
	}
	stmt_done(st);
	return step;
}

/* A month or a day of a list, and how many of its posts a reader sees
 * there (held ones taken off). */
struct bucket {
	int64_t start, end, n;
	int year, month;
};

/*
 * b's end (the next bucket's start), year and month from its start, the
 * first second of a UTC month or day (post_counts, migration 015): what
 * SQLite's strftime('%s', start, 'unixepoch', '+1 month') gave, and
 * PostgreSQL would spell otherwise.  A start outside the years 0 to 9999
 * is taken as a day of no month.
 */
static void
bucket_span(struct bucket *b, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30,
	                             31, 31, 30, 31, 30, 31};
	int y, m, d, n;

	b->end = b->start + 86400;
	b->year = b->month = 0;
	if (time_ymd(b->start, &y, &m, &d) == -1)
		return;
	b->year = y;
	b->month = m;
	if (!month)
		return;
	n = days[m - 1] +
	    (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
	b->end = b->start + (int64_t)n * 86400;
}

/* The list's buckets of span within [from, to), newest first, in a. */
static int
list_buckets(struct conn *c, struct arena *a, const struct list *l,
             const char *span, int64_t from, int64_t to, struct bucket **out,
             size_t *nout, struct error *e)
{
	struct db_stmt *st = conn_prep(c, SQL_COUNTS, e);
	int month = strcmp(span, "month") == 0;
	size_t cap = 0;
	int step;

	*out = NULL;
	*nout = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, kinds[l->kind].listing);
	bind_text(st, 2, l->type);
	db_bind_int64(st, 3, l->key);
	bind_text(st, 4, span);
	db_bind_int64(st, 5, from);
	db_bind_int64(st, 6, to);
	while ((step = db_step(st, "list counts", e)) == 1) {
		struct bucket *b;

		*out = arena_grow(a, *out, &cap, *nout, sizeof(**out));
		b = &(*out)[(*nout)++];
		b->start = db_column_int64(st, 0);
		b->n = db_column_int64(st, 1);
		bucket_span(b, month);
		for (size_t i = 0; i < l->nheld; i++)
			if (l->held[i].at >= b->start && l->held[i].at < b->end)
				b->n--;
	}
	stmt_done(st);
	return step;
}

/* A UTC day's first second at or before t. */
static int64_t
day_floor(int64_t t)
{
	return t - ((t % 86400) + 86400) % 86400;
}

/* [from, to), inside one UTC day, as one bucket counted by rows. */
static int
part_bucket(struct conn *c, const struct list *l, int64_t from, int64_t to,
            struct bucket *b, struct error *e)
{
	struct db_stmt *st = conn_prep(c, SQL_COUNT_RANGE, e);
	int step;

	memset(b, 0, sizeof(*b));
	if (st == NULL)
		return -1;
	bind_text(st, 1, l->type);
	db_bind_int64(st, 2, from);
	db_bind_int64(st, 3, to);
	step = db_step(st, "range count", e);
	if (step == 1)
		b->n = db_column_int64(st, 0);
	stmt_done(st);
	if (step == 0)
		error_set(e, ERR_IO, "range count: no row");
	if (step != 1)
		return -1;
	b->start = from;
	b->end = to;
	for (size_t i = 0; i < l->nheld; i++)
		if (l->held[i].at >= from && l->held[i].at < to)
			b->n--;
	return 0;
}

/*
 * A date range that does not start and end on UTC days (a local day,
 * month or year in a zone other than UTC): its whole UTC days from the
 * day counts, and the parts of a day at either end counted by rows (at
 * most a day's posts each), newest first.
 */
static int
range_buckets(struct conn *c, struct arena *a, const struct list *l,
              struct bucket **out, size_t *nout, struct error *e)
{
	int64_t dfrom = day_floor(l->from) == l->from
	                        ? l->from
	                        : day_floor(l->from) + 86400;
	int64_t dto = day_floor(l->to);
	struct bucket *days = NULL, *b;
	size_t ndays = 0;

	if (dfrom >= dto) { /* within one UTC day, or across one midnight */
		dfrom = dto =
			l->to > day_floor(l->to) && day_floor(l->to) > l->from
				? day_floor(l->to)
				: l->from;
	} else if (list_buckets(c, a, l, "day", dfrom, dto, &days, &ndays, e) ==
	           -1)
		return -1;
	b = arena_alloc(a, (ndays + 2) * sizeof(*b));
	*out = b;
	*nout = 0;
	if (dto < l->to) {
		if (part_bucket(c, l, dto, l->to, &b[(*nout)++], e) == -1)
			return -1;
	}
	for (size_t i = 0; i < ndays; i++)
		b[(*nout)++] = days[i];
	if (l->from < dfrom) {
		if (part_bucket(c, l, l->from, dfrom, &b[(*nout)++], e) == -1)
			return -1;
	}
	return 0;
}

/*
 * The bucket of span within [from, to) holding the list's post number
 * pos (0 the newest; held posts not counted) into *at, and the number of
 * posts in them all into *total.
 */
static int
list_locate(struct conn *c, struct arena *a, const struct list *l,
            const char *span, int64_t from, int64_t to, int64_t pos,
            struct spot *at, int64_t *total, struct error *e)
{
	struct bucket *b;
	size_t n;

	memset(at, 0, sizeof(*at));
	*total = 0;
	if (strcmp(span, "range") == 0
	            ? range_buckets(c, a, l, &b, &n, e) == -1
	            : list_buckets(c, a, l, span, from, to, &b, &n, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!at->found && pos < *total + b[i].n) {
			at->found = 1;
			at->start = b[i].start;
			at->end = b[i].end;
			at->skip = pos - *total;
		}
		*total += b[i].n;
	}
	return 0;
}

/* A time on the first second of a UTC month (or INT64_MIN / INT64_MAX,
 * the ends of time). */
static int
month_aligned(int64_t t)
{
	char d[16];

	if (t == INT64_MIN || t == INT64_MAX)
		return 1;
	time_format(t, "%d %H%M%S", d, sizeof(d));
	return strcmp(d, "01 000000") == 0;
}

/* A time on the first second of a UTC day (or an end of time). */
static int
day_aligned(int64_t t)
{
	return t == INT64_MIN || t == INT64_MAX || day_floor(t) == t;
}

/* Up to limit - *n rows of st, its parameters args bound from v (l and
 * s the rows left to read and skip), into out from *n. */
static int
list_rows(struct arena *a, struct db_stmt *st, const char *args, struct args *v,
          int64_t skip, int limit, struct post *out, size_t *n, struct error *e)
{
	int step = 0;

	v->limit = limit - (int64_t)*n;
	v->skip = skip;
	bind_args(st, args, v);
	while (*n < (size_t)limit && (step = db_step(st, "post list", e)) == 1)
		post_row(a, st, &out[(*n)++]);
	stmt_done(st);
	return step == -1 ? -1 : 0;
}

/* Up to limit - *n posts of the list from the skip-th of those before
 * end, in its order. */
static int
list_walk(struct conn *c, struct arena *a, const struct list *l, int64_t end,
          int64_t skip, int limit, struct post *out, size_t *n, struct error *e)
{
	struct db_stmt *st = conn_prep(c, kinds[l->kind].walk, e);
	struct args v = {
		.type = l->type,
		.now = l->now,
		.key = l->key,
		.from = l->from,
		.end = l->kind != LIST_ACTIVITY && end > l->now + 1 ? l->now + 1
	                                                            : end,
	};

	if (st == NULL)
		return -1;
	return list_rows(a, st, kinds[l->kind].walk_args, &v, skip, limit, out,
	                 n, e);
}

/*
 * The posts of q's page and the list's total (either may be NULL).  The
 * front page's sticky posts come first; then the walk from the day that
 * holds the page's first other post.
 */
static int
list_page(struct conn *c, struct arena *a, struct list *l,
          const struct post_query *q, struct post **out, size_t *n,
          int64_t *total, struct error *e)
{
	int64_t month_total, day_total;
	/* the page's first post after the sticky ones, among those */
	int64_t pos;
	const char *span =
		month_aligned(l->from) && month_aligned(l->to) ? "month"
		: day_aligned(l->from) && day_aligned(l->to)   ? "day"
							       : "range";
	struct spot at;
	struct db_stmt *st;
	struct args v = {.type = l->type, .now = l->now};

	if (list_held(c, a, l, e) == -1)
		return -1;
	pos = q->offset > l->sticky ? q->offset - l->sticky : 0;
	if (list_locate(c, a, l, span, l->from, l->to, pos, &at, &month_total,
	                e) == -1)
		return -1;
	*total = l->sticky + month_total;
	if (out == NULL || q->limit <= 0 || q->offset < 0)
		return 0;
	*out = arena_alloc(a, (size_t)q->limit * sizeof(**out));
	if (q->offset < l->sticky) {
		st = conn_prep(c, ENGINE_SQL(l->s, SQL_STICKY), e);
		if (st == NULL)
			return -1;
		if (list_rows(a, st, "tnls", &v, q->offset, q->limit, *out, n,
		              e) == -1)
			return -1;
	}
	if (*n == (size_t)q->limit || !at.found)
		return 0;
	if (strcmp(span, "month") == 0 &&
	    list_locate(c, a, l, "day", at.start, at.end, at.skip, &at,
	                &day_total, e) == -1)
		return -1;
	if (!at.found) /* the counts disagree: nothing rather than a guess */
		return 0;
	return list_walk(c, a, l, at.end, at.skip, q->limit, *out, n, e);
}

/* The list q names, its tag looked up; *none when it cannot have posts. */
static int
list_of(struct store *s, struct conn *c, const struct post_query *q,
        struct list *l, int *none, struct error *e)
{
	memset(l, 0, sizeof(*l));
	l->s = s;
	*none = 0;
	l->type = post_type_names[q->type];
	l->now = q->now;
	l->from = INT64_MIN;
	l->to = INT64_MAX;
	if (q->tag_slug != NULL) {
		struct db_stmt *st = conn_prep(c, SQL_TAG_KEY, e);
		int step;

		if (st == NULL)
			return -1;
		bind_text(st, 1, q->tag_slug);
		step = db_step(st, "tag", e);
		if (step == 1)
			l->key = db_column_int64(st, 0);
		stmt_done(st);
		if (step == -1)
			return -1;
		*none = step == 0;
		l->kind = LIST_TAG;
	} else if (q->to != 0) {
		l->kind = LIST_RANGE;
		l->from = q->from;
		l->to = q->to;
		*none = q->from >= q->to;
	} else if (q->section_id != 0) {
		l->kind = q->by_activity ? LIST_ACTIVITY : LIST_SECTION;
		l->key = q->section_id;
	} else
		l->kind = LIST_ALL;
	return 0;
}

/*
 * The calling thread's read connection in a read transaction, so that a
 * list's counts and its walk read one snapshot (a commit in between
 * would shift the page); page_end() ends both and returns rc.
 */
static struct conn *
page_begin(struct store *s, int *locked, struct error *e)
{
	struct conn *c = reader_get(s, locked, e);

	if (c != NULL && !*locked && reader_begin(c, e) == -1) {
		reader_put(s, *locked);
		return NULL;
	}
	return c;
}

static int
page_end(struct store *s, struct conn *c, int locked, int rc, struct error *e)
{
	if (!locked && reader_end(c, rc == 0 ? e : NULL) == -1)
		rc = -1;
	reader_put(s, locked);
	return rc;
}

static int
post_page(struct store *s, struct arena *a, const struct post_query *q,
          struct post **out, size_t *n, int64_t *total, struct error *e)
{
	int locked, rc, none;
	struct conn *c;
	struct list l;

	if (out != NULL) {
		*out = NULL;
		*n = 0;
	}
	*total = 0;
	c = page_begin(s, &locked, e);
	if (c == NULL)
		return -1;
	rc = list_of(s, c, q, &l, &none, e);
	if (rc == 0 && !none)
		rc = list_page(c, a, &l, q, out, n, total, e);
	return page_end(s, c, locked, rc, e);
}

int
store_post_list(struct store *s, struct arena *a, const struct post_query *q,
                struct post **out, size_t *n, struct error *e)
{
	int64_t total;

	return post_page(s, a, q, out, n, &total, e);
}

int
store_post_count(struct store *s, const struct post_query *q, int64_t *count,
                 struct error *e)
{
	struct arena *a = arena_new();
	int rc = post_page(s, a, q, NULL, NULL, count, e);

	arena_free(a);
	return rc;
}

int
store_post_page(struct store *s, struct arena *a, const struct post_query *q,
                struct post **out, size_t *n, int64_t *total, struct error *e)
{
	return post_page(s, a, q, out, n, total, e);
}

/*
 * The posts a local month gains at its start over the UTC month (its
 * local start is earlier, east of UTC) or loses (later, west): at most a
 * day's posts, counted by rows, held ones left out.
 */
static int
month_edge(struct conn *c, const struct list *l, int y, int m, int64_t *n,
           struct error *e)
{
	int64_t local = time_local_day(y, m, 1), utc;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1};
	struct bucket b;

	utc = (int64_t)timegm(&tm);
	*n = 0;
	if (local == utc)
		return 0;
	if (part_bucket(c, l, local < utc ? local : utc,
	                local < utc ? utc : local, &b, e) == -1)
		return -1;
	*n = local < utc ? b.n : -b.n;
	return 0;
}

/* The months of the UTC buckets b (newest first) as the site's local
 * months: each UTC month, and the one after and before it, which may
 * hold only posts moved across a month's end by the zone. */
static int
local_months(struct conn *c, struct arena *a, const struct list *l,
             const struct bucket *b, size_t nb, struct archive_month **out,
             size_t *n, struct error *e)
{
	size_t cap = 0;
	int last = INT32_MAX; /* year * 12 + month - 1 of the last one added */

	for (size_t i = 0; i < nb; i++) {
		int here = b[i].year * 12 + b[i].month - 1;

		for (int k = here + 1; k >= here - 1; k--) {
			int64_t utc = 0, in, out_of;
			int y = k / 12, m = k % 12 + 1;

			if (k >= last)
				continue;
			for (size_t j = 0; j < nb; j++)
				if (b[j].year * 12 + b[j].month - 1 == k)
					utc = b[j].n;
			if (month_edge(c, l, y, m, &in, e) == -1 ||
			    month_edge(c, l, (k + 1) / 12, (k + 1) % 12 + 1,
			               &out_of, e) == -1)
				return -1;
			last = k;
			if (utc + in - out_of <= 0)
				continue;
			*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
			(*out)[*n].year = y;
			(*out)[*n].month = m;
			(*out)[*n].count = utc + in - out_of;
			(*n)++;
		}
	}
	return 0;
}

int
store_archive_months(struct store *s, struct arena *a, int64_t now,
                     struct archive_month **out, size_t *n, struct error *e)
{
	struct list l = {.s = s,
	                 .kind = LIST_RANGE,
	                 .type = "post",
	                 .now = now};
	int locked, rc;
	struct conn *c;
	struct bucket *b;
	size_t nb = 0;

	*out = NULL;
	*n = 0;
	c = page_begin(s, &locked, e);
	if (c == NULL)
		return -1;
	rc = list_held(c, a, &l, e);
	if (rc == 0)
		rc = list_buckets(c, a, &l, "month", INT64_MIN, INT64_MAX, &b,
		                  &nb, e);
	if (rc == 0)
		rc = local_months(c, a, &l, b, nb, out, n, e);
	return page_end(s, c, locked, rc, e);
}

/*
 * A feed's posts: the newest of a list by date only (a sticky post is
 * pinned on the front page, not in a reader's feed), one walk back from
 * now; a feed never needs the counts.
 */
int
store_newest_posts(struct store *s, struct arena *a, enum post_scope scope,
                   int64_t scope_id, int64_t now, int limit, struct post **out,
                   size_t *n, struct error *e)
{
	static const enum list_kind kind[SCOPE__MAX] = {LIST_RANGE,
	                                                LIST_SECTION, LIST_TAG};
	struct list l = {.s = s,
	                 .type = "post",
	                 .key = scope_id,
	                 .now = now,
	                 .from = INT64_MIN,
	                 .to = INT64_MAX};
	int locked, rc;
	struct conn *c;

	*out = NULL;
	*n = 0;
	if (limit <= 0 || (unsigned)scope >= SCOPE__MAX)
		return 0;
	l.kind = kind[scope];
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	*out = arena_alloc(a, (size_t)limit * sizeof(**out));
	rc = list_walk(c, a, &l, INT64_MAX, 0, limit, *out, n, e);
	reader_put(s, locked);
	return rc;
}
