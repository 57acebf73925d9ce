#ifndef GAZETTE_STORE_COMMENTS_H
#define GAZETTE_STORE_COMMENTS_H
/*
 * Comments: adding one to its thread, moderation, the threads a post's
 * page shows, and the newest ones for feeds and the sidebar
 * (store_comments.c).
 */
#include "posts.h"

enum comment_status {
	COMMENT_PENDING,
	COMMENT_APPROVED,
	COMMENT_SPAM,
	COMMENT_TRASH,
	COMMENT_STATUS__MAX
};
extern const char *const comment_status_names[COMMENT_STATUS__MAX];

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

struct recent_comment {
	int64_t id;
	const char *author_name;
	int64_t created_at;
	struct post post; /* id, type, slug, title, published_at filled */
};
/* The newest approved comments on published items. */
int store_comments_recent(struct store *s, struct arena *a, int64_t now,
                          int limit, struct recent_comment **out, size_t *n,
                          struct error *e);

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

/* Comments of status; the dashboard's "pending comments" is
 * store_comment_count(s, COMMENT_PENDING, &n, e). */
int store_comment_count(struct store *s, enum comment_status status, int64_t *n,
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
#endif
