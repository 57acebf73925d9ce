#ifndef GAZETTE_STORE_NOTIFY_H
#define GAZETTE_STORE_NOTIFY_H
/*
 * Reply notifications: what a notice needs to know of a reply, and the
 * outbox of mail waiting to go (store_notify.c).
 */
#include "comments.h"
#include "posts.h"

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
/* Unsent messages still to be tried (fewer than max_attempts attempts),
 * and those given up on (/metrics). */
int store_outbox_counts(struct store *s, int max_attempts, int64_t *waiting,
                        int64_t *given_up, struct error *e);
/* Clear a comment's notify flag (0 also when there is no such comment). */
int store_notify_off(struct store *s, int64_t comment_id, struct error *e);
#endif
