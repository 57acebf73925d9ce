/*
 * posts.h through the store's driver (db.h): guest submissions, posts with a
 * submitter, as the admin's queue and dashboard read them.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "posts.h"
#include "../util/banned.h"

static const char SQL_SUBMISSIONS[] =
	"SELECT " POST_FIELDS ", p.submitter_name, p.submitter_email " POST_FROM
	"WHERE p.submitter_email != '' AND p.status = ?1 "
	"ORDER BY p.id DESC LIMIT ?2";
static const char SQL_SUBMISSION_COUNT[] =
	"SELECT count(*) FROM posts WHERE submitter_email != '' "
	"AND status = ?1";

#define SUBMISSION_COLS                                                        \
	"SELECT " POST_FIELDS ", p.submitter_name, p.submitter_email " POST_FROM

static const char SQL_SUBMISSION_QUEUE[] =
	SUBMISSION_COLS "WHERE p.submitter_email != '' AND p.status = ?1 "
			"ORDER BY p.id LIMIT ?2 OFFSET ?3";

static const char SQL_SUBMISSION_GET[] =
	SUBMISSION_COLS "WHERE p.submitter_email != '' AND p.id = ?1";

int
store_submissions(struct store *s, struct arena *a, enum post_status status,
                  int limit, struct post **out, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_SUBMISSIONS, e);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, post_status_names[status]);
	db_bind_int64(st, 2, limit > 0 ? limit : 0);
	while ((rc = rd_step(&q, "submissions", e)) == 1) {
		struct post *p;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		p = &(*out)[(*n)++];
		post_row(a, st, p);
		p->submitter_name = col_text(a, st, POST_NCOLS);
		p->submitter_email = col_text(a, st, POST_NCOLS + 1);
	}
	rd_close(&q);
	return rc;
}

int
store_submission_count(struct store *s, enum post_status status, int64_t *n,
                       struct error *e)
{
	return count_one(s, SQL_SUBMISSION_COUNT, post_status_names[status], 0,
	                 n, e);
}

static void
submission_row(struct arena *a, struct db_stmt *st, struct post *p)
{
	post_row(a, st, p);
	p->submitter_name = col_text(a, st, POST_NCOLS);
	p->submitter_email = col_text(a, st, POST_NCOLS + 1);
}

int
store_submission_queue(struct store *s, struct arena *a,
                       enum post_status status, int limit, int offset,
                       struct post **out, size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (limit <= 0 || offset < 0)
		return 0;
	st = rd_prep(&q, s, SQL_SUBMISSION_QUEUE, e);
	if (st == NULL)
		return -1;
	bind_text(st, 1, post_status_names[status]);
	db_bind_int64(st, 2, limit);
	db_bind_int64(st, 3, offset);
	while ((rc = rd_step(&q, "submissions", e)) == 1) {
		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		submission_row(a, st, &(*out)[(*n)++]);
	}
	rd_close(&q);
	return rc;
}

int
store_submission_get(struct store *s, struct arena *a, int64_t id,
                     struct post *out, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_SUBMISSION_GET, e);
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, id);
	rc = rd_step(&q, "submission", e);
	if (rc == 1)
		submission_row(a, st, out);
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "no submission %lld",
		                 (long long)id);
	return rc == 1 ? 0 : -1;
}
