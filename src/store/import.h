#ifndef GAZETTE_STORE_IMPORT_H
#define GAZETTE_STORE_IMPORT_H
/*
 * A site in and out as WordPress sees it: what an import writes
 * (store_import.c), a whole site read back for an export and gazette's
 * own export restored (store_export.c).
 */
#include "comments.h"
#include "posts.h"

/*
 * What a WordPress import writes, one call per thing, all inside the
 * caller's store_begin() transaction.  Each "put" matches on the legacy
 * (WordPress) id first and sets *existed (and *id) instead of adding a
 * second copy, so importing the same file twice adds nothing.
 */
struct import_user {
	int64_t legacy_id; /* 0: none (an author known only by login) */
	const char *login, *name, *email;
};
/* Matched by legacy id, then by login (an existing user is reused). */
int store_import_user(struct store *s, const struct import_user *u, int64_t *id,
                      int *existed, struct error *e);
/* A user's id by login; 0 when there is none. */
int store_import_user_by_login(struct store *s, const char *login, int64_t *id,
                               struct error *e);
/* A user's id by WordPress id; 0 when there is none. */
int store_import_user_by_legacy(struct store *s, int64_t legacy_id, int64_t *id,
                                struct error *e);

/* A term: a category (section), a tag, or one of another taxonomy. */
struct import_term {
	int64_t legacy_id;    /* 0: none */
	const char *taxonomy; /* "category", "post_tag" or another */
	const char *slug, *name, *description;
	const char *parent_slug; /* "" for none; categories and terms */
};
/* Matched by legacy id, then by slug.  *id is the section's, tag's or
 * term's row id.  A section found by slug that no import made and no post
 * is in yet (a new site's default section) takes the term's name,
 * description and legacy id, and counts as added (*existed 0). */
int store_import_term(struct store *s, const struct import_term *t, int64_t *id,
                      int *existed, struct error *e);
int store_import_term_meta(struct store *s, const char *taxonomy,
                           const char *slug, const char *key, const char *value,
                           struct error *e);

struct import_post {
	int64_t legacy_id; /* the WordPress post id (never 0 here) */
	const char *legacy_guid;
	enum post_type type;
	enum post_status status;
	int private_, sticky, comments_open;
	const char *slug; /* wanted; -2, -3 ... appended on a clash */
	const char *title, *excerpt, *body_src, *body_html, *password;
	const char *protected_html; /* the body behind the password */
	int64_t author_id;          /* 0: none */
	int64_t published_at, updated_at;
	int64_t legacy_parent; /* 0: none */
	/* its approved comments, counted by the importer before they go in,
	 * and the newest one's time (0: none) */
	int64_t comment_count, comment_activity;
};
/*
 * Add a post (or page).  It keeps its WordPress id as its own id when that
 * id is free, so /?p=ID and #comment-ID mean the same thing as before.
 * *slug_out (in a) is the slug it got.
 */
int store_import_post(struct store *s, struct arena *a,
                      const struct import_post *p, int64_t *id,
                      const char **slug_out, int *existed, struct error *e);
/* Attach a term (by taxonomy and slug, created with name when missing). */
int store_import_post_term(struct store *s, int64_t post_id,
                           const char *taxonomy, const char *slug,
                           const char *name, struct error *e);
int store_import_post_meta(struct store *s, int64_t post_id, const char *key,
                           const char *value, struct error *e);
int store_import_views(struct store *s, int64_t post_id, int64_t views,
                       struct error *e);

enum import_comment_type { IMPORT_COMMENT, IMPORT_PINGBACK, IMPORT_TRACKBACK };
struct import_comment {
	int64_t legacy_id, legacy_parent; /* legacy_parent 0: top level */
	int64_t post_id, user_id;         /* user_id 0: a guest */
	enum import_comment_type type;
	enum comment_status status;
	const char *author_name, *author_email, *author_url;
	const char *body_src, *body_html;
	int64_t created_at;
	/*
	 * threaded: the importer joined the thread up itself and these are
	 * final (parent_id 0: top level; thread_id 0: the comment's own id).
	 * Otherwise the parent is looked up by legacy_parent now and the rest
	 * is left to store_import_finish(s, 1, ...).
	 */
	int threaded;
	int64_t parent_id, thread_id, activity_at;
	int depth, reply_count;
};
/* Comments keep their WordPress id when free; pingbacks and trackbacks go
 * to their own table. */
int store_import_comment(struct store *s, const struct import_comment *c,
                         int64_t *id, int *existed, struct error *e);
int store_import_comment_meta(struct store *s, int64_t comment_id,
                              const char *key, const char *value,
                              struct error *e);

struct import_media {
	int64_t legacy_id, legacy_parent;
	const char *url, *mime, *title;
	int64_t created_at;
};
int store_import_media(struct store *s, const struct import_media *m,
                       int64_t *id, int *existed, struct error *e);
/*
 * URL (the original one until files are downloaded) and title of the
 * attachment with WordPress id legacy_id, or with legacy_id 0 of up to
 * max image attachments of the WordPress post legacy_parent; *n found.
 */
int store_import_media_list(struct store *s, struct arena *a, int64_t legacy_id,
                            int64_t legacy_parent, const char **urls,
                            const char **titles, size_t max, size_t *n,
                            struct error *e);
/* What a second rendering of post id needs ([gallery] once attachments
 * are in). */
int store_import_post_source(struct store *s, struct arena *a, int64_t id,
                             int64_t *legacy_id, const char **body_src,
                             const char **password, struct error *e);
/* Set body_html (and the search text), or protected_html. */
int store_import_post_html(struct store *s, int64_t id, const char *html,
                           int protected_, struct error *e);

/* An old path (percent-decoded) leading to post_id, or an attachment
 * (media_id), or url; 0 and "" for none.  A path already known keeps its
 * first target. */
int store_import_legacy_path(struct store *s, const char *path, int64_t post_id,
                             int64_t media_id, const char *url,
                             struct error *e);
/*
 * After the last item: page parents and attachment posts from legacy ids;
 * with rethread, also every imported comment's thread (parent, thread,
 * depth, reply counts, activity) and posts' approved comment counts and
 * activity, for an import that added comments it could not join up itself.
 */
int store_import_finish(struct store *s, int rethread, struct error *e);
/*
 * In bulk mode, index post id for search now that its tags are attached
 * (else at the end, with the rest); text is html_to_text() of its
 * body_html when the caller has it already, else NULL.  Outside bulk mode
 * the triggers have indexed it: nothing to do.  a is reset.
 */
int store_import_index(struct store *s, struct arena *a, int64_t id,
                       const char *text, struct error *e);

/*
 * A whole site read back for a WordPress (WXR) export, one row at a time
 * through a callback, so memory stays the same whatever the site's size.
 * Strings in the structs are borrowed for the callback only.  A callback
 * returning -1 (with e filled) stops the walk, which returns -1 too.
 * Every walk between store_export_begin() and store_export_end() reads
 * the same snapshot of the database, on the calling thread's connection.
 *
 * Ids are WordPress ids ("wp ids"): a row's legacy id when it was
 * imported, else its own id; an id that another row's legacy id already
 * holds is moved past every id of its table (id + offset), so no two
 * items of an export share one.  Media and pingbacks, which WordPress
 * numbers with posts and comments, always get id + 2 * offset unless
 * imported; sections, tags and other terms (one id space in WordPress)
 * get id + 1, 2 and 3 * offset.
 */
struct export_ids {
	int64_t post, comment, user, term; /* the offsets */
};
int store_export_begin(struct store *s, struct export_ids *ids,
                       struct error *e);
void store_export_end(struct store *s);

struct export_user {
	int64_t wp_id;
	const char *login, *name, *email;
};
int store_export_users(struct store *s, const struct export_ids *ids,
                       int (*fn)(void *ctx, const struct export_user *u,
                                 struct error *e),
                       void *ctx, struct error *e);

struct export_term {
	int64_t wp_id;
	const char *taxonomy; /* "category" (a section), "post_tag" or other */
	const char *slug, *name, *description;
	const char *parent_slug; /* "" for none */
	/* sections only */
	const char *kind;
	int64_t position;
	int show_newest;
};
/* Sections (parents before their children), then tags, then terms. */
int store_export_terms(struct store *s, const struct export_ids *ids,
                       int (*fn)(void *ctx, const struct export_term *t,
                                 struct error *e),
                       void *ctx, struct error *e);

struct export_meta {
	const char *key, *value;
};
/* Meta kept from an import, in the order it came; gazette's own keys
 * ("_gazette_*", and "views", which the export writes from the total)
 * are left out. */
int store_export_term_meta(struct store *s, const char *taxonomy,
                           const char *slug,
                           int (*fn)(void *ctx, const struct export_meta *m,
                                     struct error *e),
                           void *ctx, struct error *e);
int store_export_post_meta(struct store *s, int64_t post_id,
                           int (*fn)(void *ctx, const struct export_meta *m,
                                     struct error *e),
                           void *ctx, struct error *e);
int store_export_comment_meta(struct store *s, int64_t comment_id,
                              int (*fn)(void *ctx, const struct export_meta *m,
                                        struct error *e),
                              void *ctx, struct error *e);

struct export_post {
	int64_t id, wp_id, wp_parent; /* wp_parent 0: none */
	enum post_type type;
	enum post_status status;
	int private_, sticky, comments_open;
	const char *slug, *title;
	/* The excerpt (a protected post's, kept aside by the import, too). */
	const char *excerpt;
	/* HTML for WordPress: body_src of an HTML post (imported), body_html
	 * of a Markdown one, whose source is body_src. */
	const char *content;
	const char *body_src, *body_format;
	const char *source_url, *password, *guid; /* guid "": none kept */
	const char *author_login;                 /* "": none */
	int64_t published_at, updated_at, views_total;
	/* books and episodes; media as wp ids, 0 for none */
	int is_book, is_episode;
	const char *order_url, *audio_url;
	int64_t cover_wp, epub_wp, pdf_wp, duration_s;
};
/* Every post, page, book and episode, whatever its status, by id. */
int store_export_posts(struct store *s, const struct export_ids *ids,
                       int (*fn)(void *ctx, const struct export_post *p,
                                 struct error *e),
                       void *ctx, struct error *e);

struct export_post_term {
	const char *taxonomy, *slug, *name;
};
/* The post's section first (WordPress's first category becomes it on
 * import), its other sections, tags, then other terms. */
int store_export_post_terms(struct store *s, int64_t post_id,
                            int (*fn)(void *ctx,
                                      const struct export_post_term *t,
                                      struct error *e),
                            void *ctx, struct error *e);

struct export_comment {
	int64_t id; /* 0 for a pingback or trackback */
	int64_t wp_id, wp_parent, user_wp_id;
	const char *type; /* "" (a comment), "pingback" or "trackback" */
	enum comment_status status;
	const char *author_name, *author_email, *author_url;
	const char *body_src, *body_html;
	int markdown; /* body_src is Markdown (written here, or restored) */
	int64_t created_at;
};
/* A post's comments, pingbacks and trackbacks, by wp id. */
int store_export_comments(struct store *s, const struct export_ids *ids,
                          int64_t post_id,
                          int (*fn)(void *ctx, const struct export_comment *c,
                                    struct error *e),
                          void *ctx, struct error *e);

struct export_media {
	int64_t wp_id, wp_parent;
	const char *path;       /* under SITE/media, or a URL when remote */
	const char *remote_url; /* "" unless imported */
	const char *title, *mime;
	int64_t created_at;
};
int store_export_media(struct store *s, const struct export_ids *ids,
                       int (*fn)(void *ctx, const struct export_media *m,
                                 struct error *e),
                       void *ctx, struct error *e);

/*
 * Reading gazette's own export back, inside the import's transaction
 * (import/wxr_export.c): each post or comment whose "_gazette_markdown"
 * meta holds its Markdown source, for the caller to render; the setters
 * make it a Markdown item again (and the meta goes).  store_restore_extras()
 * turns the other "_gazette_*" meta into what they stand for: section
 * kinds and order, source URLs, books and episodes.
 */
int store_restore_markdown(struct store *s, int comments,
                           int (*fn)(void *ctx, int64_t id, const char *src,
                                     struct error *e),
                           void *ctx, struct error *e);
int store_restore_post_markdown(struct store *s, int64_t id, const char *src,
                                const char *html, struct error *e);
int store_restore_comment_markdown(struct store *s, int64_t id, const char *src,
                                   const char *html, struct error *e);
int store_restore_extras(struct store *s, struct error *e);
#endif
