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
	int64_t activity_at; /* newest of published, updated, last comment */
	int comments_open, sticky;
	/* Has a password (WordPress's post_password): its body is behind it
	 * (store_post_protected), and so are its comments. */
	int protected_;
	const char **tags; /* names, ntags of them */
	size_t ntags;
	/* A guest submission's sender (both "" for everything else). */
	const char *submitter_name, *submitter_email;
};

#define COMMENT_HASH_BYTES 32

struct comment {
	int64_t id, post_id, parent_id; /* parent_id 0: top level */
	int64_t thread_id;              /* the top-level comment; 0: itself */
	int depth;                      /* 0 for a top-level comment */
	const char *author_name, *author_email, *author_url;
	const char *body_src, *body_html;
	enum comment_status status;
	int64_t created_at, edited_at, activity_at;
	int64_t reply_count; /* replies of any status but trash */
	int notify;          /* mail the author about replies */
	double spam_score;
	/* Filled by the caller on add; has_* 0 stores NULL. */
	int has_token, has_body_hash;
	unsigned char token_hash[COMMENT_HASH_BYTES];
	unsigned char body_hash[COMMENT_HASH_BYTES];
	unsigned char ip_hash[16];
	int has_ip_hash;
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

struct recent_comment {
	int64_t id;
	const char *author_name;
	int64_t created_at;
	struct post post; /* id, type, slug, title, published_at filled */
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

/*
 * Every statement on a reader's path, by name (issue 12: no page read
 * grows with the site).  tests/unit/test_plans.c runs EXPLAIN QUERY PLAN
 * on each over a seeded database and refuses a full scan of posts or
 * comments, a temporary b-tree in a statement that reads them, an ordered
 * index walk without a LIMIT, and a count over them, unless the entry says
 * in bounded why its count or walk stays small whatever the site's size.
 * A statement added to a table here is checked without more.
 */
struct store_stmt {
	const char *name;
	const char *sql;
	const char *bounded; /* NULL, or why what the test refuses is bounded */
};
/* The store files' tables, each ending with a NULL name; NULL ends it. */
extern const struct store_stmt *const store_reader_stmts[];
/* The detail lines of EXPLAIN QUERY PLAN sql, on the calling thread's read
 * connection (which has the store's SQL functions), in a. */
int store_explain(struct store *s, struct arena *a, const char *sql,
                  const char ***lines, size_t *n, struct error *e);

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
 * where there is none. */
int store_post_neighbors(struct store *s, struct arena *a, const struct post *p,
                         int64_t now, struct post *prev, int *has_prev,
                         struct post *next, int *has_next, struct error *e);
/* Months with published posts, newest first, with their counts. */
int store_archive_months(struct store *s, struct arena *a, int64_t now,
                         struct archive_month **out, size_t *n,
                         struct error *e);
/* Published books, newest first, with their order link and files. */
int store_books_list(struct store *s, struct arena *a, int64_t now,
                     struct book **out, size_t *n, struct error *e);
/* An episode's audio; *url "" when it has none. */
int store_episode_audio(struct store *s, struct arena *a, int64_t post_id,
                        const char **url, int64_t *duration_s, struct error *e);
/* The newest approved comments on published items. */
int store_comments_recent(struct store *s, struct arena *a, int64_t now,
                          int limit, struct recent_comment **out, size_t *n,
                          struct error *e);
/* Publish every scheduled item whose time has come; *n of them. */
int store_publish_due(struct store *s, int64_t now, int64_t *n,
                      struct error *e);
/* A tag's name by its slug; ERR_NOT_FOUND when none. */
int store_tag_name(struct store *s, struct arena *a, const char *slug,
                   const char **name, struct error *e);

/* ---- comments (store_comments.c) ---- */

/*
 * Add a comment in one transaction: its thread (the parent's, or its own
 * id), the parent's reply count, and when approved the post's comment
 * count and activity and the thread's activity.
 */
int store_comment_add(struct store *s, const struct comment *in, int64_t *id,
                      struct error *e);
int store_comment_get(struct store *s, struct arena *a, int64_t id,
                      struct comment *out, struct error *e);
/*
 * Move a comment to status, keeping the post's approved count exact and
 * the parent's reply count (trash leaves it); *old is the status before.
 */
int store_comment_set_status(struct store *s, int64_t id,
                             enum comment_status status,
                             enum comment_status *old, struct error *e);
int store_comment_edit(struct store *s, int64_t id, const char *body_src,
                       const char *body_html,
                       const unsigned char body_hash[COMMENT_HASH_BYTES],
                       int64_t now, struct error *e);
int store_comment_decision_add(struct store *s, int64_t id,
                               const char *decision, const char *actor,
                               int64_t now, struct error *e);
/* Approved comments with this email (case-insensitive). */
int store_comment_approved_by(struct store *s, const char *email, int64_t *n,
                              struct error *e);
/*
 * A page of a post's approved threads: the top-level comments (oldest
 * first, or by latest activity when by_activity) offset..offset+limit and
 * every approved reply in them, roots first then replies by time; *roots
 * is how many top-level comments the post has in all.
 */
int store_comment_threads(struct store *s, struct arena *a, int64_t post_id,
                          int by_activity, int limit, int offset,
                          struct comment **out, size_t *n, int64_t *roots,
                          struct error *e);
/* Comments of one status, newest first (moderation). */
int store_comment_list(struct store *s, struct arena *a,
                       enum comment_status status, int limit,
                       struct comment **out, size_t *n, struct error *e);

/* Add n views to the post's bucket for day (days since the epoch) and to
 * its all-time total. */
int store_views_add(struct store *s, int64_t post_id, int64_t day, int64_t n,
                    struct error *e);

struct block {
	int64_t id;
	const char *area, *kind, *config; /* config: a JSON object */
	int position;
};
/* The blocks of area by position. */
int store_block_list(struct store *s, struct arena *a, const char *area,
                     struct block **out, size_t *n, struct error *e);
int store_block_add(struct store *s, const char *area, int position,
                    const char *kind, const char *config_json, struct error *e);
int store_book_set(struct store *s, int64_t post_id, const char *order_url,
                   struct error *e);
/* A file in SITE/media (path relative to it); *id of its row. */
int store_media_add(struct store *s, const char *path, const char *mime,
                    int64_t bytes, const char *title, int64_t *id,
                    struct error *e);
/* A book's free downloads and cover (0: none). */
int store_book_files(struct store *s, int64_t post_id, int64_t epub_id,
                     int64_t pdf_id, int64_t cover_id, struct error *e);
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
/*
 * Finer than the generation, for changes that touch one post only (a
 * comment added, moderated or edited), which do not move the generation:
 * store_post_clock() grows with each such change, and
 * store_post_version(id) is the clock's value after the last change to
 * post id (posts may share a slot: a change to one then counts for the
 * other too).  STORE_ANY_POST names every post's slot at once: it moves
 * with every such change.  A cache entry made after reading clock0 =
 * store_post_clock() shows post id as it is while
 * store_post_version(id) <= clock0.  View counts move neither number.
 */
#define STORE_ANY_POST (-1)
uint64_t store_post_clock(struct store *s);
uint64_t store_post_version(struct store *s, int64_t id);
/*
 * Reads of the calling thread from here to store_read_end() see one
 * snapshot of the database (one read transaction: a page's statements
 * take the WAL's read lock once, not each).  Reads inside the thread's
 * own write transaction still see that transaction.  Not nested.
 */
void store_read_begin(struct store *s);
void store_read_end(struct store *s);
/* Is the calling thread between store_read_begin() and _end()? */
int store_reading(struct store *s);

/* ---- accounts (store_users.c) ---- */

struct user {
	int64_t id;
	const char *login, *name, *email;
	enum user_role role;
	int has_password;    /* 0: imported or invited, cannot sign in yet */
	const char *pw_hash; /* "" when none */
	int disabled;
	int64_t created_at, last_login_at;
};
/* By id or by login (exact); ERR_NOT_FOUND when none. */
int store_user_get(struct store *s, struct arena *a, int64_t id,
                   struct user *out, struct error *e);
int store_user_by_login(struct store *s, struct arena *a, const char *login,
                        struct user *out, struct error *e);
/* Every user by login. */
int store_user_list(struct store *s, struct arena *a, struct user **out,
                    size_t *n, struct error *e);
/* Each ERR_NOT_FOUND when there is no user id. */
int store_user_set_password(struct store *s, int64_t id, const char *pw_hash,
                            struct error *e);
int store_user_set_role(struct store *s, int64_t id, enum user_role role,
                        struct error *e);
/* Disabling also ends every session and API token of the user. */
int store_user_set_disabled(struct store *s, int64_t id, int disabled,
                            struct error *e);
int store_user_set_profile(struct store *s, int64_t id, const char *name,
                           const char *email, struct error *e);
int store_user_logged_in(struct store *s, int64_t id, int64_t now,
                         struct error *e);
/* Admins that are not disabled (the last one may not be demoted). */
int store_user_admins(struct store *s, int64_t *n, struct error *e);

/* A signed-in browser.  token_hash: hex of the hash of the cookie's token. */
struct session {
	const char *token_hash, *csrf, *ip;
	int64_t user_id, created_at, seen_at, expires_at;
};
int store_session_add(struct store *s, const struct session *in,
                      struct error *e);
/* A live session (not expired at now, its user not disabled) and its
 * user; ERR_NOT_FOUND otherwise. */
int store_session_get(struct store *s, struct arena *a, const char *token_hash,
                      int64_t now, struct session *out, struct user *u,
                      struct error *e);
/* Extend a session to expires_at, seen at now. */
int store_session_touch(struct store *s, const char *token_hash, int64_t now,
                        int64_t expires_at, struct error *e);
int store_session_delete(struct store *s, const char *token_hash,
                         struct error *e);
/* End every session of a user; *n of them. */
int store_session_revoke(struct store *s, int64_t user_id, int64_t *n,
                         struct error *e);
/* A user's live sessions, newest first. */
int store_session_list(struct store *s, struct arena *a, int64_t user_id,
                       int64_t now, struct session **out, size_t *n,
                       struct error *e);
/* Forget sessions and invitations that expired before now. */
int store_session_purge(struct store *s, int64_t now, struct error *e);

/* A per-user token for scripts (Authorization: Bearer). */
struct api_token {
	int64_t id, user_id;
	const char *name;
	int64_t created_at, used_at;
};
int store_token_add(struct store *s, int64_t user_id, const char *token_hash,
                    const char *name, int64_t now, int64_t *id,
                    struct error *e);
/* The token and its user (not disabled); ERR_NOT_FOUND otherwise.  Marks
 * it used at now. */
int store_token_get(struct store *s, struct arena *a, const char *token_hash,
                    int64_t now, struct api_token *out, struct user *u,
                    struct error *e);
int store_token_list(struct store *s, struct arena *a, int64_t user_id,
                     struct api_token **out, size_t *n, struct error *e);
/* Delete token id of user_id; ERR_NOT_FOUND when the user has no such. */
int store_token_delete(struct store *s, int64_t user_id, int64_t id,
                       struct error *e);

/* A one-time link that lets user_id set a password and sign in. */
int store_invite_add(struct store *s, const char *token_hash, int64_t user_id,
                     int64_t created_by, int64_t expires_at, struct error *e);
/* The user an unexpired invitation is for; ERR_NOT_FOUND otherwise. */
int store_invite_get(struct store *s, const char *token_hash, int64_t now,
                     int64_t *user_id, struct error *e);
/* Use it: set the user's password and delete the invitation, at once. */
int store_invite_accept(struct store *s, const char *token_hash,
                        int64_t user_id, const char *pw_hash, struct error *e);

/* The admin's users screen (admin_users.c). */
/* A new user with no password yet (in->login, name, email, role) and an
 * invitation for them, in one transaction; ERR_CONFLICT when the login is
 * taken, and then nothing is written. */
int store_user_invite(struct store *s, const struct user *in,
                      const char *token_hash, int64_t created_by,
                      int64_t expires_at, int64_t *id, struct error *e);
/* A new invitation for user_id, replacing any earlier one. */
int store_invite_renew(struct store *s, const char *token_hash, int64_t user_id,
                       int64_t created_by, int64_t expires_at, struct error *e);
/* The users with an unexpired invitation at now, by id. */
int store_invite_pending(struct store *s, struct arena *a, int64_t now,
                         int64_t **user_ids, size_t *n, struct error *e);
/* Live sessions at now per user: user_ids[i] has counts[i] of them. */
int store_session_counts(struct store *s, struct arena *a, int64_t now,
                         int64_t **user_ids, int64_t **counts, size_t *n,
                         struct error *e);
/* End every session of a user except keep_hash's (NULL: none kept). */
int store_session_revoke_others(struct store *s, int64_t user_id,
                                const char *keep_hash, int64_t *n,
                                struct error *e);

/* ---- admin: posts, revisions (store_posts.c, store_revisions.c) ---- */

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

/* ---- admin: moderation (store_comments.c) ---- */

/* Comments of status; the dashboard's "pending comments" is
 * store_comment_count(s, COMMENT_PENDING, &n, e). */
int store_comment_count(struct store *s, enum comment_status status, int64_t *n,
                        struct error *e);
/* Guest submissions (posts with a submitter) of status; the dashboard's
 * "pending submissions" is store_submission_count(s, POST_PENDING, ...). */
int store_submission_count(struct store *s, enum post_status status, int64_t *n,
                           struct error *e);

/* A comment as the moderation queue shows it. */
struct comment_queued {
	struct comment c;
	struct post post; /* id, type, status, slug, title, published_at */
	/* A reply's parent: its author and the start of its Markdown (both
	 * "" for a top-level comment); parent_cut when there is more. */
	const char *parent_author, *parent_excerpt;
	int parent_cut;
	/* The commenter's other comments (same email, ASCII case folded)
	 * that were approved and that were spam; 0 without an email. */
	int64_t history_approved, history_spam;
};
/*
 * A page of the queue of one status: pending oldest first (the order
 * they came in), every other status newest first; rows offset..
 * offset+limit, the parent's excerpt at most excerpt_chars characters.
 */
int store_comment_queue(struct store *s, struct arena *a,
                        enum comment_status status, int limit, int offset,
                        int excerpt_chars, struct comment_queued **out,
                        size_t *n, struct error *e);
/* A page of guest submissions of status, oldest first; submitter_*
 * filled, tags not. */
int store_submission_queue(struct store *s, struct arena *a,
                           enum post_status status, int limit, int offset,
                           struct post **out, size_t *n, struct error *e);
/* One guest submission (submitter_* filled); ERR_NOT_FOUND when id is
 * not a post with a submitter. */
int store_submission_get(struct store *s, struct arena *a, int64_t id,
                         struct post *out, struct error *e);

/* ---- admin: sections, blocks (store_sqlite.c, store_site.c) ---- */

/*
 * What the admin shows of a section: the section (newest_at 0), its
 * description, its parent (0: none) and how many items it holds, any
 * status.
 */
struct section_info {
	struct section sec;
	const char *description;
	int64_t parent_id, items;
};
/* Every section in navigation order (position, then id). */
int store_section_infos(struct store *s, struct arena *a,
                        struct section_info **out, size_t *n, struct error *e);
/* ERR_NOT_FOUND when there is no section id. */
int store_section_info(struct store *s, struct arena *a, int64_t id,
                       struct section_info *out, struct error *e);
/* Add a section after the last one (in->position ignored); ERR_CONFLICT
 * when the slug is taken. */
int store_section_create(struct store *s, const struct section *in,
                         const char *description, int64_t *id, struct error *e);
/* Change in->id's slug, name, kind, show_newest and description
 * (position kept); ERR_CONFLICT, ERR_NOT_FOUND. */
int store_section_update(struct store *s, const struct section *in,
                         const char *description, struct error *e);
/* Delete a section; its posts stay, with no section (and lose it from
 * their other categories); subsections lose their parent. */
int store_section_delete(struct store *s, int64_t id, struct error *e);
/* Positions 0..n-1 in the order of ids[0..n), in one transaction. */
int store_section_order(struct store *s, const int64_t *ids, size_t n,
                        struct error *e);

/* One block by id; ERR_NOT_FOUND when there is none. */
int store_block_get(struct store *s, struct arena *a, int64_t id,
                    struct block *out, struct error *e);
/* Add a block after the last of its area. */
int store_block_create(struct store *s, const char *area, const char *kind,
                       const char *config_json, int64_t *id, struct error *e);
int store_block_set_config(struct store *s, int64_t id, const char *config_json,
                           struct error *e);
int store_block_delete(struct store *s, int64_t id, struct error *e);
/* Positions 0..n-1 in the order of ids[0..n), in one transaction. */
int store_block_order(struct store *s, const int64_t *ids, size_t n,
                      struct error *e);

/* Forget a setting (its default applies again); 0 also when unset. */
int store_setting_delete(struct store *s, const char *key, struct error *e);

/* ---- admin: numbers (store_views.c) ---- */

/*
 * Views per day on days first_day..last_day (days since the epoch, UTC):
 * of post post_id, or of the whole site when post_id is 0.  counts[i] is
 * day first_day + i, 0 for a day without views, so the caller gets a
 * continuous axis; counts has last_day - first_day + 1 entries.  *total
 * is their sum.
 */
int store_stats_days(struct store *s, int64_t post_id, int64_t first_day,
                     int64_t last_day, int64_t *counts, int64_t *total,
                     struct error *e);
/*
 * Posts of any type written by author_id, trash left out, newest first
 * (by publication, else last update), at most limit; views[i] is posts[i]'s
 * sum on days first_day..last_day.  The posts have every field but the
 * body ("") and the tags.  Both arrays in a.
 */
int store_stats_author_posts(struct store *s, struct arena *a,
                             int64_t author_id, int64_t first_day,
                             int64_t last_day, int limit, struct post **posts,
                             int64_t **views, size_t *n, struct error *e);

/* ---- feeds (store_feeds.c) ---- */

/* Which posts a feed follows: the whole site, a section or a tag. */
enum post_scope { SCOPE_SITE, SCOPE_SECTION, SCOPE_TAG, SCOPE__MAX };

/*
 * A section or a tag by its exact slug (never by name, unlike
 * store_section_find): *id and *name; ERR_NOT_FOUND when there is none.
 */
int store_section_by_slug(struct store *s, struct arena *a, const char *slug,
                          int64_t *id, const char **name, struct error *e);
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

/* An approved comment and the post it is on (post: id, type, slug,
 * title and published_at only). */
struct comment_on_post {
	struct comment c;
	struct post post;
};
/* The newest approved comments on published posts (on post_id alone
 * when it is not 0), newest first. */
int store_newest_comments(struct store *s, struct arena *a, int64_t now,
                          int64_t post_id, int limit,
                          struct comment_on_post **out, size_t *n,
                          struct error *e);

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
 * A site secret of n bytes named name (settings "secret_<name>", hex),
 * made from the system's random source the first time it is asked for.
 * For keyed hashes and signed tokens that must survive a restart.
 */
int store_secret(struct store *s, const char *name, unsigned char *out,
                 size_t n, struct error *e);

/* ---- views (store_views.c) ---- */

/* One post's views of one day (days since the epoch, UTC). */
struct views_row {
	int64_t post_id, day, n;
};
/*
 * Add each row to its post's bucket in post_views and to the post's
 * views_total, all in one transaction (nothing is written if any part
 * fails).  Rows of posts that no longer exist are dropped.
 */
int store_views_flush(struct store *s, const struct views_row *rows, size_t n,
                      struct error *e);
/*
 * A post readers may count a view of: published (any type), with its
 * publication time (the caller compares it with the clock) and stored
 * all-time total.  ERR_NOT_FOUND when there is no such published post.
 */
int store_views_post(struct store *s, int64_t post_id, int64_t *published_at,
                     int64_t *views_total, struct error *e);
/*
 * Published posts of type post (published_at <= now) by the sum of their
 * buckets on days first_day..last_day, most viewed first (ties: newest
 * first), at most limit; posts[i] has views[i].  The posts have every
 * field but the body (body_src and body_html are "") and the tags.  Both
 * arrays in a.
 */
int store_views_popular(struct store *s, struct arena *a, int64_t first_day,
                        int64_t last_day, int64_t now, int limit,
                        struct post **posts, int64_t **views, size_t *n,
                        struct error *e);

/* ---- notify (store_notify.c) ---- */

/* A reply, its parent and its post: what a reply notification needs. */
struct reply_notice {
	int64_t reply_id, parent_id; /* parent_id 0: a top-level comment */
	enum comment_status status;  /* the reply's */
	const char *author_name, *author_email, *body_src; /* the reply's */
	enum comment_status parent_status;
	int parent_notify;        /* 0 when there is no parent */
	const char *parent_email; /* "" when there is no parent */
	struct post post; /* id, type, status, slug, title, published_at */
};
/* ERR_NOT_FOUND when there is no comment reply_id. */
int store_reply_notice(struct store *s, struct arena *a, int64_t reply_id,
                       struct reply_notice *out, struct error *e);

/* A message in the outbox (subject and body as plain UTF-8 text). */
struct outbox_msg {
	int64_t id;
	const char *to_addr, *subject, *body, *unsubscribe_url;
	int attempts; /* failed ones so far */
	int64_t created_at;
};
/*
 * Queue m (id, attempts and created_at ignored), due at now.  One message
 * per reply: *added is 0 when reply_id has one queued already.
 */
int store_outbox_add(struct store *s, int64_t reply_id,
                     const struct outbox_msg *m, int64_t now, int *added,
                     struct error *e);
/* Unsent messages due at now with fewer than max_attempts attempts,
 * longest due first, at most limit. */
int store_outbox_due(struct store *s, struct arena *a, int64_t now,
                     int max_attempts, int limit, struct outbox_msg **out,
                     size_t *n, struct error *e);
int store_outbox_sent(struct store *s, int64_t id, int64_t now,
                      struct error *e);
/* A failed attempt: the attempts so far, why, and when to try again. */
int store_outbox_failed(struct store *s, int64_t id, int attempts,
                        const char *error, int64_t next_attempt_at,
                        struct error *e);
/* Clear a comment's notify flag (0 also when there is no such comment). */
int store_notify_off(struct store *s, int64_t comment_id, struct error *e);

/* ---- spam (store_spam.c) ---- */

/* The documents the classifier has learnt as spam and as ham. */
int store_spam_totals(struct store *s, int64_t *spam_docs, int64_t *ham_docs,
                      struct error *e);
/*
 * For each of tokens[0..n), the spam and ham documents it was in:
 * spam[i] and ham[i] (0 for a token never learnt).
 */
int store_spam_tokens(struct store *s, const char *const *tokens, size_t n,
                      int64_t *spam, int64_t *ham, struct error *e);
/*
 * Learn one document, its tokens[0..n) distinct: each token's spam (is_spam)
 * or ham count and the document total of that kind go up by one, all in one
 * transaction.
 */
int store_spam_learn(struct store *s, const char *const *tokens, size_t n,
                     int is_spam, struct error *e);
/*
 * *found 1 when a comment not in the trash, created after since, has
 * body_hash hash and is on post_id or (when email is not "") by email
 * (case-insensitive ASCII); 0 when none.
 */
int store_spam_duplicate(struct store *s, int64_t post_id, const char *email,
                         const unsigned char hash[COMMENT_HASH_BYTES],
                         int64_t since, int *found, struct error *e);

/* ---- search (store_search.c) ---- */

/*
 * A search: the reader's words in the language of search_query.h, and
 * filters.  Public searches (admin 0) see published items whose time has
 * come; the admin search (admin 1) sees every status, or only status
 * when it is not -1.  Every type of item is searched.
 */
struct search_query {
	const char *text;
	int64_t now;
	int admin;
	int status;               /* admin only: an enum post_status, or -1 */
	const char *section_slug; /* NULL: any */
	const char *tag_slug;     /* NULL: any */
	const char *author_login; /* NULL: any */
	int64_t from, to;         /* published_at in [from, to); to 0: no end */
	int limit, offset;        /* a page of the ranked results */
};

/* In title_marked and snippet, a match runs from SEARCH_MARK_START to
 * SEARCH_MARK_END; the text is as stored, not escaped. */
#define SEARCH_MARK_START '\x01'
#define SEARCH_MARK_END   '\x02'

struct search_hit {
	struct post post;         /* tags not filled */
	const char *title_marked; /* the title with its matches marked */
	const char *snippet;      /* body text around the matches, marked */
	double score;             /* bm25, lower is better; with one
	                           * positive term, over that term's IDF */
};

struct search_result {
	struct search_hit *hits; /* this page */
	size_t n;
	int64_t total; /* matches, counted up to LIM_SEARCH_RESULTS */
	int more;      /* more matched: only the newest of them were ranked */
	int empty;     /* the query has nothing to look for (no search ran) */
	int cut;       /* the query was longer than LIM_SEARCH_QUERY_BYTES */
	int terms_dropped; /* terms past LIM_SEARCH_TERMS, ignored */
};

/*
 * Search, best first (bm25, title above tags, excerpt, author and body;
 * ties newest first).  When more than LIM_SEARCH_RESULTS items match,
 * only the newest LIM_SEARCH_RESULTS are ranked, and pages end there.
 * Never an error for what a reader types.
 */
int store_search(struct store *s, struct arena *a, const struct search_query *q,
                 struct search_result *out, struct error *e);
/*
 * The text search indexes for a post body: tags dropped (block tags as
 * spaces, inline ones as nothing), character references decoded, control
 * characters and runs of white space as one space.  In a.
 */
const char *store_html_text(struct arena *a, const char *html, size_t n);
/* Index post id's body as the text of body_html (store_post_add calls it;
 * so must anything else that changes a body: until then the index holds
 * its source).  An empty body_html changes nothing. */
int store_search_body_set(struct store *s, int64_t id, const char *body_html,
                          struct error *e);
/* Rebuild the whole index from posts, tags and users; *n posts. */
int store_search_reindex(struct store *s, int64_t *n, struct error *e);

/* ---- import (store_import.c) ---- */

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
 * term's row id. */
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
/*
 * The password of post id ("" for none) and the body it protects
 * (posts.protected_html, migration 012), in a.  Only the handler that
 * checks the password may show html.
 */
int store_post_protected(struct store *s, struct arena *a, int64_t id,
                         const char **password, const char **html,
                         struct error *e);
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
 * Bulk mode, on around an import and off after it, both inside the same
 * store_begin() transaction as the import: the writer keeps
 * LIM_IMPORT_CACHE_KIB of pages instead of SQLite's default 2 MB (a big
 * site's comment indexes outgrow the default at once, and then every
 * insert at a random place in them costs a read and a spill), and the
 * search index is written once per new post at the end instead of by
 * triggers on every insert.  Off also puts the cache back.
 */
int store_import_bulk(struct store *s, int on, struct error *e);
/*
 * In bulk mode, index post id for search now that its tags are attached
 * (else at the end, with the rest); text is store_html_text() of its
 * body_html when the caller has it already, else NULL.  Outside bulk mode
 * the triggers have indexed it: nothing to do.  a is reset.
 */
int store_import_index(struct store *s, struct arena *a, int64_t id,
                       const char *text, struct error *e);
/*
 * Before an import (on, outside any transaction): a rollback journal
 * instead of WAL when nothing else has the database open (*alone 1), so
 * the import's pages are written once instead of twice; *alone 0 when it
 * is open elsewhere (a running server) and the import shares it in WAL.
 * After (on 0): WAL again.
 */
int store_import_alone(struct store *s, int on, int *alone, struct error *e);

/* ---- export (store_export.c) ---- */

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

/* ---- legacy links (store_import.c), for the site ---- */

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
