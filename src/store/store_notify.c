/*
 * notify.h through the store's driver (db.h): reply notifications.  What
 * notify/ needs to decide whether a reply is worth a message (the reply, its
 * parent and the post in one row), and the outbox the sender thread works
 * through.
 */
#include <string.h>

#include "internal.h"
#include "notify.h"
#include "../util/banned.h"

static const char SQL_REPLY_NOTICE[] =
	"SELECT r.id, coalesce(r.parent_id, 0), r.status, r.author_name, "
	"r.author_email, r.body_src, coalesce(p.status, ''), "
	"coalesce(p.notify, 0), coalesce(p.author_email, ''), "
	"po.id, po.type, po.status, po.slug, po.title, po.published_at "
	"FROM comments r JOIN posts po ON po.id = r.post_id "
	"LEFT JOIN comments p ON p.id = r.parent_id WHERE r.id = ?1";

/* The unique index on reply_id makes a second approval a no-op. */
static const char SQL_OUTBOX_ADD[] =
	"INSERT INTO outbox(reply_id, to_addr, subject, body, "
	"unsubscribe_url, next_attempt_at, created_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) "
	"ON CONFLICT(reply_id) DO NOTHING";

static const char SQL_OUTBOX_DUE[] =
	"SELECT id, to_addr, subject, body, unsubscribe_url, attempts, "
	"created_at FROM outbox WHERE sent_at IS NULL "
	"AND next_attempt_at <= ?1 AND attempts < ?2 "
	"ORDER BY next_attempt_at, id LIMIT ?3";

static const char SQL_OUTBOX_SENT[] =
	"UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, "
	"last_error = '' WHERE id = ?1";

static const char SQL_OUTBOX_FAILED[] =
	"UPDATE outbox SET attempts = ?2, last_error = ?3, "
	"next_attempt_at = ?4 WHERE id = ?1";

static const char SQL_OUTBOX_WAITING[] =
	"SELECT count(*) FROM outbox WHERE sent_at IS NULL AND attempts < ?1";
static const char SQL_OUTBOX_GIVEN_UP[] =
	"SELECT count(*) FROM outbox WHERE sent_at IS NULL AND attempts >= ?1";

static const char SQL_NOTIFY_OFF[] =
	"UPDATE comments SET notify = 0 WHERE id = ?1 AND notify <> 0";

static int
status_of(const char *const *names, int n, struct db_stmt *st, int i)
{
	const char *v = db_column_text(st, i, NULL);

	return v == NULL ? -1 : enum_lookup(names, n, v);
}

int
store_reply_notice(struct store *s, struct arena *a, int64_t reply_id,
                   struct reply_notice *out, struct error *e)
{
	int locked, rc = -1, step, k;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	memset(out, 0, sizeof(*out));
	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_REPLY_NOTICE, e);
	if (st == NULL)
		goto out;
	db_bind_int64(st, 1, reply_id);
	step = db_step(st, "reply notice", e);
	if (step == 1) {
		out->reply_id = db_column_int64(st, 0);
		out->parent_id = db_column_int64(st, 1);
		k = status_of(comment_status_names, COMMENT_STATUS__MAX, st, 2);
		out->status = k < 0 ? COMMENT_PENDING : (enum comment_status)k;
		out->author_name = col_text(a, st, 3);
		out->author_email = col_text(a, st, 4);
		out->body_src = col_text(a, st, 5);
		k = status_of(comment_status_names, COMMENT_STATUS__MAX, st, 6);
		out->parent_status =
			k < 0 ? COMMENT_PENDING : (enum comment_status)k;
		out->parent_notify = (int)db_column_int64(st, 7);
		out->parent_email = col_text(a, st, 8);
		out->post.id = db_column_int64(st, 9);
		k = status_of(post_type_names, POST_TYPE__MAX, st, 10);
		out->post.type = k < 0 ? POST_POST : (enum post_type)k;
		k = status_of(post_status_names, POST_STATUS__MAX, st, 11);
		out->post.status = k < 0 ? POST_DRAFT : (enum post_status)k;
		out->post.slug = col_text(a, st, 12);
		out->post.title = col_text(a, st, 13);
		out->post.published_at = db_column_int64(st, 14);
		rc = 0;
	} else if (step == 0)
		error_set(e, ERR_NOT_FOUND, "no comment %lld",
		          (long long)reply_id);
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_outbox_add(struct store *s, int64_t reply_id, const struct outbox_msg *m,
                 int64_t now, int *added, struct error *e)
{
	int64_t changes = 0;
	long long mark;
	int rc;

	*added = 0;
	mark = scope_open(s);
	rc = write_count(s, SQL_OUTBOX_ADD, "queueing mail", &changes, e,
	                 "nssssl", reply_id, m->to_addr, m->subject, m->body,
	                 m->unsubscribe_url, now);
	if (rc == 0)
		*added = changes > 0;
	scope_close(s, mark, 0);
	return rc;
}

int
store_outbox_due(struct store *s, struct arena *a, int64_t now,
                 int max_attempts, int limit, struct outbox_msg **out,
                 size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (limit <= 0)
		return 0; /* SQLite reads LIMIT -1 as "no limit" */
	st = rd_prep(&q, s, SQL_OUTBOX_DUE, e);
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, max_attempts);
	db_bind_int64(st, 3, limit);
	*out = arena_zalloc(a, (size_t)limit * sizeof(**out));
	while (*n < (size_t)limit && (rc = rd_step(&q, "outbox", e)) == 1) {
		struct outbox_msg *m = &(*out)[*n];

		m->id = db_column_int64(st, 0);
		m->to_addr = col_text(a, st, 1);
		m->subject = col_text(a, st, 2);
		m->body = col_text(a, st, 3);
		m->unsubscribe_url = col_text(a, st, 4);
		m->attempts = (int)db_column_int64(st, 5);
		m->created_at = db_column_int64(st, 6);
		(*n)++;
	}
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}

int
store_outbox_sent(struct store *s, int64_t id, int64_t now, struct error *e)
{
	return write_private(s, SQL_OUTBOX_SENT, "marking mail sent", e, "ll",
	                     id, now);
}

int
store_outbox_failed(struct store *s, int64_t id, int attempts,
                    const char *error, int64_t next_attempt_at, struct error *e)
{
	return write_private(s, SQL_OUTBOX_FAILED, "recording a mail failure",
	                     e, "lisl", id, attempts, error, next_attempt_at);
}

int
store_notify_off(struct store *s, int64_t comment_id, struct error *e)
{
	return write_private(s, SQL_NOTIFY_OFF, "unsubscribing", e, "l",
	                     comment_id);
}

int
store_outbox_counts(struct store *s, int max_attempts, int64_t *waiting,
                    int64_t *given_up, struct error *e)
{
	if (count_one(s, SQL_OUTBOX_WAITING, NULL, max_attempts, waiting, e) ==
	    -1)
		return -1;
	return count_one(s, SQL_OUTBOX_GIVEN_UP, NULL, max_attempts, given_up,
	                 e);
}
