#ifndef GAZETTE_CORE_POSTS_H
#define GAZETTE_CORE_POSTS_H
/*
 * What a valid post (page, book, episode) is: the rules the admin's
 * editor, its JSON API and `gazette post add` all apply, field by field,
 * so an item refused by one is refused by the others.  Who may do what
 * (auth/) stays with the caller: it asks after posts_check() whether the
 * user may give the item its status.
 */
#include <stdint.h>

#include "../store/posts.h"
#include "../util/arena.h"
#include "../util/error.h"

enum post_field {
	POST_F_TITLE,
	POST_F_SLUG,
	POST_F_SECTION,
	POST_F_TAGS,
	POST_F_SOURCE,
	POST_F_EXCERPT,
	POST_F_BODY,
	POST_F_STATUS,
	POST_F_DATE,
	POST_F_ORDER,
	POST_F__MAX
};
/* The form's and the API's names: "title", "slug", ... "order_url". */
extern const char *const post_field_names[POST_F__MAX];
/* "post", "page", "book", "episode": how a message names an item. */
extern const char *const post_type_one[POST_TYPE__MAX];

/* What was sent. */
struct post_input {
	enum post_type type;        /* a new item's */
	int64_t author_id;          /* a new item's */
	const char *v[POST_F__MAX]; /* NULL: not sent (kept) */
	int sticky, comments_open;  /* -1: not sent */
	int date_as_shown;          /* v[DATE] is the time shown, to the
	                             * minute: keep it to the second */
	int date_local;             /* v[DATE] without an offset is in the
	                             * site's time zone (the admin's), not
	                             * UTC (front matter's) */
};

/* What is wrong with it: a message per field, written for the person
 * at the editor. */
struct post_problems {
	const char *err[POST_F__MAX];
	int bad;
	const char *slug_was; /* the slug of the title, taken: p->slug is
	                       * the next free one */
	int status_decided;   /* p->status is the one asked for: ask now
	                       * whether the user may give it */
};
/* Note msg for f unless f already has one. */
void posts_problem(struct post_problems *pr, enum post_field f,
                   const char *msg);

/*
 * Check what was sent and build the item to save in *p: cur's columns
 * (NULL: a new item's defaults) with every sent field over them, the
 * body rendered when it changed, updated_at now.  A published item dated
 * later is scheduled; a scheduled one needs a later time.  Problems go to
 * pr; -1 only when the store fails.
 */
int posts_check(struct store *st, struct arena *a, const struct post_input *in,
                const struct post *cur, int64_t now, struct post *p,
                struct post_problems *pr, struct error *e);

/* A body's HTML: Markdown by cmark, "html" (imported from WordPress) as
 * WordPress renders it, with the options of the item id (0: new). */
const char *posts_render_body(struct store *st, struct arena *a, int64_t id,
                              const char *format, const char *src,
                              struct error *e);

#endif
