/*
 * spam.h through the store's driver (db.h): what spam control keeps in the
 * database.  The classifier's counts are per document, not per occurrence (a
 * token counts once in a comment however often it appears), in spam_tokens,
 * with the document totals in the one row of spam_totals.
 */
#include "internal.h"
#include "spam.h"
#include "../util/banned.h"

static const char SQL_SPAM_TOTALS[] =
	"SELECT spam_docs, ham_docs FROM spam_totals WHERE id = 0";

static const char SQL_SPAM_TOKEN[] =
	"SELECT spam, ham FROM spam_tokens WHERE token = ?1";

static const char SQL_SPAM_TOKEN_ADD[] =
	"INSERT INTO spam_tokens(token, spam, ham) VALUES (?1, ?2, ?3) "
	"ON CONFLICT(token) DO UPDATE SET spam = spam_tokens.spam + "
	"excluded.spam, ham = spam_tokens.ham + excluded.ham";

/* The row exists from migration 003; the upsert keeps a database whose
 * row was deleted by hand learning all the same. */
static const char SQL_SPAM_DOCS_ADD[] =
	"INSERT INTO spam_totals(id, spam_docs, ham_docs) VALUES (0, ?1, ?2) "
	"ON CONFLICT(id) DO UPDATE SET "
	"spam_docs = spam_totals.spam_docs + excluded.spam_docs, "
	"ham_docs = spam_totals.ham_docs + excluded.ham_docs";

/*
 * comments_body_hash finds the candidates; the rest of the condition is
 * checked on those few rows, so the e-mail's case is folded by lower()
 * rather than COLLATE NOCASE, which PostgreSQL lacks: the same ASCII
 * folding on SQLite (PostgreSQL's lower() also folds the rest of
 * Unicode).
 */
static const char SQL_SPAM_DUPLICATE[] =
	"SELECT EXISTS (SELECT 1 FROM comments WHERE body_hash = ?1 "
	"AND created_at > ?2 AND status != 'trash' AND (post_id = ?3 "
	"OR (?4 != '' AND lower(author_email) = lower(?4))))";

int
store_spam_totals(struct store *s, int64_t *spam_docs, int64_t *ham_docs,
                  struct error *e)
{
	int locked, rc = -1, step;
	struct conn *c = reader_get(s, &locked, e);
	struct db_stmt *st;

	*spam_docs = 0;
	*ham_docs = 0;
	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_SPAM_TOTALS, e);
	if (st == NULL)
		goto out;
	step = db_step(st, "spam totals", e);
	if (step == 1) {
		*spam_docs = db_column_int64(st, 0);
		*ham_docs = db_column_int64(st, 1);
	}
	if (step != -1)
		rc = 0;
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
	struct db_stmt *st;

	if (n == 0)
		return 0;
	c = reader_get(s, &locked, e);
	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_SPAM_TOKEN, e);
	if (st == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		bind_text(st, 1, tokens[i]);
		step = db_step(st, "spam tokens", e);
		spam[i] = 0;
		ham[i] = 0;
		if (step == 1) {
			spam[i] = db_column_int64(st, 0);
			ham[i] = db_column_int64(st, 1);
		} else if (step == -1) {
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
	struct db_stmt *st;
	int64_t sp = is_spam ? 1 : 0, hm = is_spam ? 0 : 1;
	int rc;
	long long mark = scope_open(s);

	if (store_begin(s, e) == -1) {
		scope_close(s, mark, 0);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		st = conn_prep(&s->w, SQL_SPAM_TOKEN_ADD, e);
		if (st == NULL)
			goto fail;
		bind_text(st, 1, tokens[i]);
		db_bind_int64(st, 2, sp);
		db_bind_int64(st, 3, hm);
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
	struct db_stmt *st;
	int step;

	*found = 0;
	if (c == NULL)
		return -1;
	st = conn_prep(c, SQL_SPAM_DUPLICATE, e);
	if (st == NULL)
		goto out;
	db_bind_blob(st, 1, hash, COMMENT_HASH_BYTES);
	db_bind_int64(st, 2, since);
	db_bind_int64(st, 3, post_id);
	bind_text(st, 4, email != NULL ? email : "");
	step = db_step(st, "duplicate comments", e);
	if (step == 1) {
		*found = (int)db_column_int64(st, 0);
		rc = 0;
	} else if (step == 0)
		error_set(e, ERR_IO, "duplicate comments: no row");
	stmt_done(st);
out:
	reader_put(s, locked);
	return rc;
}
