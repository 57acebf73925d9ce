#ifndef GAZETTE_STORE_H
#define GAZETTE_STORE_H
/*
 * The one storage API.  store_sqlite.c implements it on SQLite (the default);
 * a PostgreSQL implementation will sit beside it for scale-out.  Callers
 * never see SQL or a database handle.
 *
 * Threads: any thread may call any function.  Writes go through one writer
 * connection, one at a time; reads use a connection of the calling thread's
 * own, opened on first use (WAL lets them run beside the writer).  Strings
 * returned in structs live in the arena the caller passes.
 *
 * Errors: ERR_NOT_FOUND (no such row), ERR_CONFLICT (a unique key taken),
 * ERR_INVALID (a value the schema refuses), ERR_IO (everything else).
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/error.h"

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
enum section_kind {
	SECTION_POSTS,
	SECTION_VIDEO,
	SECTION_DISCUSSION,
	SECTION_PODCAST,
	SECTION_AGGREGATOR,
	SECTION_DASHBOARD,
	SECTION_KIND__MAX
};
enum user_role {
	ROLE_ADMIN,
	ROLE_EDITOR,
	ROLE_AUTHOR,
	ROLE_MODERATOR,
	ROLE_CONTRIBUTOR,
	ROLE__MAX
};
enum comment_status {
	COMMENT_PENDING,
	COMMENT_APPROVED,
	COMMENT_SPAM,
	COMMENT_TRASH,
	COMMENT_STATUS__MAX
};

extern const char *const post_type_names[POST_TYPE__MAX];
extern const char *const post_status_names[POST_STATUS__MAX];
extern const char *const section_kind_names[SECTION_KIND__MAX];
extern const char *const user_role_names[ROLE__MAX];
extern const char *const comment_status_names[COMMENT_STATUS__MAX];
/* Index of name in names[0..n), or -1. */
int enum_lookup(const char *const *names, int n, const char *name);

struct section {
	int64_t id;
	const char *slug, *name;
	enum section_kind kind;
	int position, show_newest;
	int64_t newest_at; /* newest published item; 0 if none */
};

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
	int comments_open, sticky;
	const char **tags; /* names, ntags of them */
	size_t ntags;
};

struct comment {
	int64_t id, post_id, parent_id; /* parent_id 0: top level */
	int depth;
	const char *author_name, *author_email, *author_url;
	const char *body_src, *body_html;
	enum comment_status status;
	int64_t created_at;
};

struct post_query {
	enum post_type type;
	int64_t section_id; /* 0: any */
	int64_t now;        /* published, with published_at <= now */
	int limit, offset;
};

struct store;

/*
 * Open the database at path (":memory:" for tests), creating it when create
 * is set and refusing when it is not there otherwise, then apply pending
 * migrations.  A database that records a migration newer than this binary
 * knows is refused (ERR_IO: the process cannot run on it) before anything
 * is written.
 */
struct store *store_open(const char *path, int create, struct error *e);
void store_close(struct store *s);
/* The highest migration this binary knows, and the one the database has. */
int store_schema_version(struct store *s, int64_t *db_version, int64_t *known,
                         struct error *e);

/* A write transaction around several calls (for bulk work: demo, import). */
int store_begin(struct store *s, struct error *e);
int store_commit(struct store *s, struct error *e);
void store_rollback(struct store *s);

/* settings(key, value) */
int store_setting_set(struct store *s, const char *key, const char *value,
                      struct error *e);
/* *value is NULL when unset (not an error). */
int store_setting_get(struct store *s, struct arena *a, const char *key,
                      const char **value, struct error *e);

int store_user_add(struct store *s, const char *login, const char *name,
                   enum user_role role, const char *pw_hash, int64_t *id,
                   struct error *e);

int store_section_add(struct store *s, const struct section *in, int64_t *id,
                      struct error *e);
/* By slug, or failing that by name (case-insensitive ASCII). */
int store_section_find(struct store *s, struct arena *a, const char *key,
                       struct section *out, struct error *e);
/* All sections by position, each with newest_at. */
int store_section_list(struct store *s, struct arena *a, int64_t now,
                       struct section **out, size_t *n, struct error *e);

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
/* A published post of type post at /YYYY/MM/DD/slug/ (UTC date). */
int store_post_get_permalink(struct store *s, struct arena *a, int y, int m,
                             int d, const char *slug, int64_t now,
                             struct post *out, struct error *e);
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

int store_comment_add(struct store *s, const struct comment *in, int64_t *id,
                      struct error *e);

/* Add n views to the post's bucket for day (days since the epoch) and to
 * its all-time total. */
int store_views_add(struct store *s, int64_t post_id, int64_t day, int64_t n,
                    struct error *e);

int store_block_add(struct store *s, const char *area, int position,
                    const char *kind, const char *config_json, struct error *e);
int store_book_set(struct store *s, int64_t post_id, const char *order_url,
                   struct error *e);
int store_episode_set(struct store *s, int64_t post_id, const char *audio_url,
                      int64_t duration_s, struct error *e);

/*
 * A number that grows whenever the database may have changed: at once for
 * writes made through this store, and within STORE_WATCH_MS for commits of
 * other processes (such as the CLI beside a running server) once
 * store_watch() has started the watcher thread.  Reading it costs one
 * atomic load, so caches can check it on every request.
 */
uint64_t store_generation(struct store *s);
int store_watch(struct store *s, struct error *e);

#endif
