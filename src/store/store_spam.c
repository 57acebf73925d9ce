/*
 * spam.h on SQLite: what spam control keeps in the database.  The
 * classifier's counts are per document, not per occurrence (a token counts
 * once in a comment however often it appears), in spam_tokens, with the
 * document totals in the one row of spam_totals.
 */
#include <sqlite3.h>

#include "internal.h"
#include "spam.h"
#include "../util/banned.h"

static const char SQL_SPAM_TOTALS[] =
	"SELECT spam_docs, ham_docs FROM spam_totals WHERE id = 0";

static const char SQL_SPAM_TOKEN[] =
	"SELECT spam, ham FROM spam_tokens WHERE token = ?1";

static const char SQL_SPAM_TOKEN_ADD[] =
	"INSERT INTO spam_tokens(token, spam, ham) VALUES (?1, ?2, ?3) "
	"ON CONFLICT(token) DO UPDATE SET spam = spam + excluded.spam, "
	"ham = ham + excluded.ham";

/* The row exists from migration 003; the upsert keeps a database whose
 * row was deleted by hand learning all the same. */
static const char SQL_SPAM_DOCS_ADD[] =
	"INSERT INTO spam_totals(id, spam_docs, ham_docs) VALUES (0, ?1, ?2) "
	"ON CONFLICT(id) DO UPDATE SET "
	"spam_docs = spam_docs + excluded.spam_docs, "
	"ham_docs = ham_docs + excluded.ham_docs";

/*
 * comments_body_hash finds the candidates; the rest of the condition is
 * checked on those few rows.
 */
static const char SQL_SPAM_DUPLICATE[] =
	"SELECT EXISTS (SELECT 1 FROM comments WHERE body_hash = ?1 "
	"AND created_at > ?2 AND status != 'trash' AND (post_id = ?3 "
	"OR (?4 != '' AND author_email = ?4 COLLATE NOCASE)))";

int
store_spam_totals(struct store *s, int64_t *spam_docs, int64_t *ham_docs,
                  struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	*spam_docs = 0;
	*ham_docs = 0;
	if (c == NULL)
		return -1;
	st = conn_stmt(c, SQL_SPAM_TOTALS, e);
	if (st == NULL)
		goto out;
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*spam_docs = sqlite3_column_int64(st, 0);
		*ham_docs = sqlite3_column_int64(st, 1);
	}
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		rc = 0;
	else
		db_error(e, c->db, "spam totals");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}

int
store_spam_tokens(struct store *s, const char *const *tokens, size_t n,
                  int64_t *spam, int64_t *ham, struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c;
	sqlite3_stmt *st;

	if (n == 0)
		return 0;
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = conn_stmt(c, SQL_SPAM_TOKEN, e);
	if (st == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		bind_text(st, 1, tokens[i]);
		step = sqlite3_step(st);
		spam[i] = 0;
		ham[i] = 0;
		if (step == SQLITE_ROW) {
			spam[i] = sqlite3_column_int64(st, 0);
			ham[i] = sqlite3_column_int64(st, 1);
		} else if (step != SQLITE_DONE) {
			db_error(e, c->db, "spam tokens");
			stmt_done(st);
			goto out;
		}
		stmt_done(st);
	}
	rc = 0;
out:
	reader_put(s, locked);
	return rc;
}

int
store_spam_learn(struct store *s, const char *const *tokens, size_t n,
                 int is_spam, struct error *e)
{
	sqlite3_stmt *st;
	int64_t sp = is_spam ? 1 : 0, hm = is_spam ? 0 : 1;
	int rc;
	long long mark = scope_open(s);

	if (store_begin(s, e) == -1) {
		scope_close(s, mark, 0);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		st = conn_stmt(&s->w, SQL_SPAM_TOKEN_ADD, e);
		if (st == NULL)
			goto fail;
		bind_text(st, 1, tokens[i]);
		sqlite3_bind_int64(st, 2, sp);
		sqlite3_bind_int64(st, 3, hm);
		if (write_step(s, st, "learning spam tokens", NULL, e) == -1)
			goto fail;
	}
	if (write_one(s, SQL_SPAM_DOCS_ADD, "learning spam totals", NULL, e,
	              "ll", sp, hm) == -1)
		goto fail;
	rc = store_commit(s, e);
	scope_close(s, mark, 0);
	return rc;
fail:
	store_rollback(s);
	scope_close(s, mark, 0);
	return -1;
}

int
store_spam_duplicate(struct store *s, int64_t post_id, const char *email,
                     const unsigned char hash[COMMENT_HASH_BYTES],
                     int64_t since, int *found, struct error *e)
{
	int locked, rc = -1;
	struct conn *c = reader_get(s, &locked, e);
	sqlite3_stmt *st;

	*found = 0;
	if (c == NULL)
		return -1;
	st = conn_stmt(c, SQL_SPAM_DUPLICATE, e);
	if (st == NULL)
		goto out;
	sqlite3_bind_blob(st, 1, hash, COMMENT_HASH_BYTES, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, post_id);
	bind_text(st, 4, email != NULL ? email : "");
	if (sqlite3_step(st) == SQLITE_ROW) {
		*found = sqlite3_column_int(st, 0);
		rc = 0;
	} else
		db_error(e, c->db, "duplicate comments");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}
