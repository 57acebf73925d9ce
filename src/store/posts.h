#ifndef GAZETTE_STORE_POSTS_H
#define GAZETTE_STORE_POSTS_H
/*
 * Posts, pages, books and episodes: what one is, the lists a reader pages
 * through, the editor's saves and their revisions, guest submissions,
 * feeds' and sitemaps' reads, and where old (imported) links lead
 * (store_posts.c, store_lists.c, store_feeds.c, store_revisions.c,
 * store_submissions.c, store_legacy.c; the row itself, store_post_row.c).
 */
#include "store.h"

enum post_type {
	POST_POST,
	POST_PAGE,
	POST_BOOK,
	POST_EPISODE,
	POST_TYPE__MAX
};
enum post_status {
	POST_DRAFT,
	POST_PENDING,
	POST_SCHEDULED,
	POST_PUBLISHED,
	POST_TRASH,
	POST_STATUS__MAX
};

extern const char *const post_type_names[POST_TYPE__MAX];
extern const char *const post_status_names[POST_STATUS__MAX];

struct post {
	int64_t id;
	enum post_type type;
	enum post_status status;
	int64_t section_id;                      /* 0: none */
	const char *section_slug, *section_name; /* "" when none */
	const char *slug, *title, *excerpt, *body_src, *body_html, *source_url;
	const char *body_format; /* "markdown" or "html" */
	int64_t author_id;       /* 0: none */
	const char *author_name;
	int64_t published_at, updated_at;
	int64_t views_total, comment_count;
	int64_t activity_at; /* newest of published, updated, last comment */
	int comments_open, sticky;
	/* Has a password (WordPress's post_password): its body is behind it
	 * (store_post_protected), and so are its comments. */
	int protected_;
	int64_t featured_id; /* its featured image (media, migration 018); 0 */
	const char **tags;   /* names, ntags of them */
	/* their slugs as stored, when read from the database (NULL when
	 * the tags are only names to save) */
	const char **tag_slugs;
	size_t ntags;
	/* A guest submission's sender (both "" for everything else). */
	const char *submitter_name, *submitter_email;
};

/*
 * Published items of one type without a password, newest first (ties by
 * id).  At most one filter applies, in this order: tag_slug (a tag lists
 * posts of type POST_POST only), a time range [from, to) of whole UTC
 * days (the archives'), section_id.  The front page's list (no filter)
 * puts sticky posts first; by_activity orders a section by its latest
 * activity instead (discussion sections).  A page costs about the same
 * at any offset (store_lists.c).
 */
struct post_query {
	enum post_type type;
	int64_t section_id; /* 0: any */
	int64_t now;        /* published, with published_at <= now */
	int limit, offset;
	const char *tag_slug; /* NULL: any */
	int64_t from, to;     /* to == 0: no range; both midnights UTC */
	int by_activity;
};

struct archive_month {
	int year, month;
	int64_t count;
};

struct book {
	struct post post;
	const char *order_url;
	const char *epub_path, *pdf_path, *cover_path; /* "" when none */
};

/*
 * Add a post and its tags (by name, created as needed) in one transaction,
 * and index it for search.  in->body_html must already be rendered.
 * ERR_CONFLICT when another post of the type has the slug.  id may be NULL.
 */
int store_post_add(struct store *s, const struct post *in, int64_t *id,
                   struct error *e);
/* Any status; tags filled. */
int store_post_get(struct store *s, struct arena *a, int64_t id,
                   struct post *out, struct error *e);
/* The same without its bodies (body_src, body_html: "") and tags: what
 * taking a comment on it needs, a fifth of the database's time for a
 * comment on PostgreSQL when the bodies were read too. */
int store_post_head(struct store *s, struct arena *a, int64_t id,
                    struct post *out, struct error *e);
/* A published post of type post at /YYYY/MM/DD/slug/, the date in the
 * site's time zone; one dated up to two days off is found too (a link
 * made before the zone changed), and its post_path() tells. */
int store_post_get_permalink(struct store *s, struct arena *a, int y, int m,
                             int d, const char *slug, int64_t now,
                             struct post *out, struct error *e);
/*
 * The path of an item, slug percent-encoded: "/YYYY/MM/DD/slug/" for a
 * post (its UTC publication date), "/books/slug/" for a book,
 * "/podcast/slug/" for an episode and "/slug/" for a page.  The one rule
 * for URLs of content, used by the site, feeds and mail alike.
 */
const char *post_path(struct arena *a, const struct post *p);

/* A published item of type by its slug (pages: /slug/, books). */
int store_post_get_slug(struct store *s, struct arena *a, enum post_type type,
                        const char *slug, int64_t now, struct post *out,
                        struct error *e);
/* Published posts newest first, sticky ones first; tags not filled.  A
 * limit of 0 or less lists nothing. */
int store_post_list(struct store *s, struct arena *a,
                    const struct post_query *q, struct post **out, size_t *n,
                    struct error *e);
int store_post_count(struct store *s, const struct post_query *q,
                     int64_t *count, struct error *e);
/* Both at once, from one snapshot: a page of the list and its total. */
int store_post_page(struct store *s, struct arena *a,
                    const struct post_query *q, struct post **out, size_t *n,
                    int64_t *total, struct error *e);

/* Guest submissions (posts with a submitter) of one status, newest
 * first; submitter_* filled. */
int store_submissions(struct store *s, struct arena *a, enum post_status status,
                      int limit, struct post **out, size_t *n, struct error *e);
/* Move a post to status (and its updated time to now). */
int store_post_set_status(struct store *s, int64_t id, enum post_status status,
                          int64_t now, struct error *e);

/* The published posts just before and after p (by date); has_* is 0
 * where there is none.  They are links: of each, id, type, status, slug,
 * title and published_at (as updated_at too) are read, nothing else. */
int store_post_neighbors(struct store *s, struct arena *a, const struct post *p,
                         int64_t now, struct post *prev, int *has_prev,
                         struct post *next, int *has_next, struct error *e);
/*
 * What a post's page reads after its row, sent ahead together (decision
 * 101): on PostgreSQL the answers come in one round trip instead of one
 * each.  The page then reads them as ever, inside the same
 * store_read_begin: its video (store_video_get), its neighbours
 * (store_post_neighbors with now) and, threads > 0, a page of its
 * threads (store_comment_threads with by_activity, threads and offset);
 * a read made with other values than these runs on its own.  Nothing on
 * SQLite (a read there costs no round trip) or outside a page's read.
 */
struct post_reads {
	int video, neighbors;
	int64_t now;
	int by_activity, threads, offset;
};
void store_post_reads_send(struct store *s, const struct post *p,
                           const struct post_reads *r);
/* Months with published posts, newest first, with their counts. */
int store_archive_months(struct store *s, struct arena *a, int64_t now,
                         struct archive_month **out, size_t *n,
                         struct error *e);
/* Published books, newest first, with their order link and files. */
int store_books_list(struct store *s, struct arena *a, int64_t now,
                     struct book **out, size_t *n, struct error *e);
/* Publish every scheduled item whose time has come; *n of them. */
int store_publish_due(struct store *s, int64_t now, int64_t *n,
                      struct error *e);
/* A tag's name by its slug; ERR_NOT_FOUND when none. */
int store_tag_name(struct store *s, struct arena *a, const char *slug,
                   const char **name, struct error *e);
/* A book's files: out's epub_path, pdf_path and cover_path, relative to
 * SITE/media ("" when none, or when post_id is no book). */
int store_book_files_get(struct store *s, struct arena *a, int64_t post_id,
                         struct book *out, struct error *e);
int store_book_set(struct store *s, int64_t post_id, const char *order_url,
                   struct error *e);
/* A file in SITE/media (path relative to it); *id of its row. */
int store_media_add(struct store *s, const char *path, const char *mime,
                    int64_t bytes, const char *title, int64_t *id,
                    struct error *e);
/* A book's free downloads and cover (0: keep the one it has). */
int store_book_files(struct store *s, int64_t post_id, int64_t epub_id,
                     int64_t pdf_id, int64_t cover_id, struct error *e);
int store_episode_set(struct store *s, int64_t post_id, const char *audio_url,
                      int64_t duration_s, struct error *e);

/* A post as the editor sees it: tags filled, its version (migration 007)
 * and, for a book, its order link ("" otherwise). */
struct post_edit {
	struct post post;
	int64_t version;
	const char *order_url;
};
int store_post_edit_get(struct store *s, struct arena *a, int64_t id,
                        struct post_edit *out, struct error *e);

/* The admin's list: items of one type in any status, newest change first. */
struct admin_post_query {
	enum post_type type;
	int status;         /* an enum post_status, or -1: all but the trash */
	int64_t section_id; /* 0: any */
	int64_t author_id;  /* 0: anyone's */
	int limit, offset;
};
/* One page of them (bodies "", tags not filled) and *total matching. */
int store_admin_posts(struct store *s, struct arena *a,
                      const struct admin_post_query *q, struct post **out,
                      size_t *n, int64_t *total, struct error *e);
/* How many items of type each status has (counts[POST_STATUS__MAX]),
 * author_id's alone unless it is 0. */
int store_admin_post_counts(struct store *s, enum post_type type,
                            int64_t author_id, int64_t *counts,
                            struct error *e);

/* The check of a reserved page slug (core/slugs.h: slugs_reserved), set
 * once before any thread starts; without one no slug is reserved. */
void store_slug_reserved_set(int (*fn)(const char *slug));
/*
 * *owner: the id of the item of type other than except_id that has slug,
 * -1 when slug is a reserved page slug, 0 when it is free.
 */
int store_slug_owner(struct store *s, enum post_type type, const char *slug,
                     int64_t except_id, int64_t *owner, struct error *e);
/* The first of slug, slug-2, slug-3 ... free for type (except_id's own
 * slug counts as free), in a, cut to fit LIM_SLUG_BYTES. */
int store_slug_next(struct store *s, struct arena *a, enum post_type type,
                    const char *slug, int64_t except_id, const char **out,
                    struct error *e);

/*
 * A save from the editor or the API, in one transaction: the post (a new
 * one when post->id is 0; otherwise every column the editor has, its tags
 * replaced) only if its version is still base_version, a revision of its
 * title and body by editor_id, its search text, and a book's order link
 * (order_url NULL leaves it).  *version is the post's new version.
 * ERR_CONFLICT with *stale 1 when another save came in between (nothing
 * written), with *stale 0 when another item of the type has the slug.
 */
struct post_save {
	const struct post *post;
	int64_t base_version;
	int64_t editor_id;
	const char *order_url;
	int64_t now;
};
int store_post_save(struct store *s, const struct post_save *in, int64_t *id,
                    int64_t *version, int *stale, struct error *e);
/*
 * An autosave of title and body: when live, the post itself takes them
 * (a draft: nobody reads it yet) and its version moves on; otherwise
 * (a published post) only a revision marked autosave keeps them.  Either
 * way the editor's previous autosave revision of the post is replaced.
 * ERR_CONFLICT with *stale 1 when the version is no longer base_version.
 */
int store_post_autosave(struct store *s, int64_t id, int64_t base_version,
                        const char *title, const char *body_src,
                        const char *body_html, int live, int64_t editor_id,
                        int64_t now, int64_t *version, int *stale,
                        struct error *e);
/*
 * Move a post to status (the bulk actions), its version on; published_at
 * set when it is not 0.  ERR_NOT_FOUND when there is no post id.
 */
int store_post_set_state(struct store *s, int64_t id, enum post_status status,
                         int64_t published_at, int64_t now, struct error *e);

/* store_revisions.c: what each save of a post's title and body was. */
struct revision {
	int64_t id, post_id, author_id, version, created_at;
	const char *title, *body_src; /* body_src "" in lists */
	const char *author_name;      /* "" when the user is gone */
	int autosave;
};
/* Inside or outside a transaction; an autosave replaces author_id's
 * previous autosave of the post. */
int store_revision_add(struct store *s, int64_t post_id, const char *title,
                       const char *body_src, int64_t author_id, int64_t version,
                       int autosave, int64_t now, struct error *e);
/* A post's revisions, newest first, at most limit; bodies not filled. */
int store_revision_list(struct store *s, struct arena *a, int64_t post_id,
                        int limit, struct revision **out, size_t *n,
                        struct error *e);
/* Revision id of post_id; ERR_NOT_FOUND when the post has no such. */
int store_revision_get(struct store *s, struct arena *a, int64_t post_id,
                       int64_t id, struct revision *out, struct error *e);
/* Guest submissions (posts with a submitter) of status; the dashboard's
 * "pending submissions" is store_submission_count(s, POST_PENDING, ...). */
int store_submission_count(struct store *s, enum post_status status, int64_t *n,
                           struct error *e);
/* A page of guest submissions of status, oldest first; submitter_*
 * filled, tags not. */
int store_submission_queue(struct store *s, struct arena *a,
                           enum post_status status, int limit, int offset,
                           struct post **out, size_t *n, struct error *e);
/* One guest submission (submitter_* filled); ERR_NOT_FOUND when id is
 * not a post with a submitter. */
int store_submission_get(struct store *s, struct arena *a, int64_t id,
                         struct post *out, struct error *e);

/* Which posts a feed follows: the whole site, a section or a tag. */
enum post_scope { SCOPE_SITE, SCOPE_SECTION, SCOPE_TAG, SCOPE__MAX };
int store_tag_by_slug(struct store *s, struct arena *a, const char *slug,
                      int64_t *id, const char **name, struct error *e);
/*
 * The newest published posts (type post, published_at <= now) of the
 * scope (scope_id: the section's or tag's id), newest first by publication
 * date and never sticky first, at most limit of them; tags not filled.
 */
int store_newest_posts(struct store *s, struct arena *a, enum post_scope scope,
                       int64_t scope_id, int64_t now, int limit,
                       struct post **out, size_t *n, struct error *e);

/*
 * Sitemap entries: published posts and pages (published_at <= now) in id
 * order.  An item's place in the sitemaps is its id, so a new item is
 * appended and none ever moves from one sitemap file to another.
 */
struct sitemap_item {
	enum post_type type;
	const char *slug;
	int64_t published_at, updated_at;
};
/* The highest id of one (0: none), and the newest updated_at of a post
 * (0: none). */
int store_sitemap_last(struct store *s, int64_t now, int64_t *last_id,
                       int64_t *newest_post, struct error *e);
/* The items with ids in [from_id, to_id). */
int store_sitemap_list(struct store *s, struct arena *a, int64_t now,
                       int64_t from_id, int64_t to_id,
                       struct sitemap_item **out, size_t *n, struct error *e);
/*
 * The password of post id ("" for none) and the body it protects
 * (posts.protected_html, migration 012), in a.  Only the handler that
 * checks the password may show html.
 */
int store_post_protected(struct store *s, struct arena *a, int64_t id,
                         const char **password, const char **html,
                         struct error *e);

/*
 * Where an old path leads: *post_id (0: none) or *url ("" when none).
 * ERR_NOT_FOUND when the path is not an old one.
 */
int store_legacy_path(struct store *s, struct arena *a, const char *path,
                      int64_t *post_id, const char **url, struct error *e);
/* The post imported with WordPress id legacy_id: its id, or an attachment
 * (media) with that id: its post or its URL.  ERR_NOT_FOUND otherwise. */
int store_legacy_id(struct store *s, struct arena *a, int64_t legacy_id,
                    int64_t *post_id, const char **url, struct error *e);
#endif
