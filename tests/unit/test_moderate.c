/*
 * The moderation queue's reads in store/store_comments.c: the order of
 * each status, paging, the parent's excerpt (cut in characters), the
 * commenter's history by email (ASCII case folded, the comment itself
 * left out), the counts the dashboard shows, and guest submissions told
 * apart from other pending posts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "store/comments.h"
#include "store/posts.h"
#include "util/arena.h"
#include "util/error.h"
#include "mem_store.h"
#include "util/banned.h"

#define T0 INT64_C(1651017600) /* 2022-04-27T00:00:00Z */

static int
setup(void **state)
{
	struct error e;
	struct store *s = mem_store_open(&e);

	if (s == NULL) {
		print_error("store_open: %s\n", e.msg);
		return -1;
	}
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	mem_store_close(*state);
	return 0;
}

static int64_t
add_post(struct store *s, const char *slug, enum post_status status,
         const char *submitter_email)
{
	struct post p;
	struct error e;
	int64_t id = 0;

	memset(&p, 0, sizeof(p));
	p.type = POST_POST;
	p.status = status;
	p.slug = slug;
	p.title = slug;
	p.body_src = "body";
	p.body_html = "<p>A <em>body</em> &amp; more</p>\n";
	p.body_format = "markdown";
	p.published_at = T0;
	p.comments_open = 1;
	p.submitter_name = *submitter_email ? "Guest" : "";
	p.submitter_email = submitter_email;
	if (store_post_add(s, &p, &id, &e) != 0)
		fail_msg("store_post_add(\"%s\"): %s", slug, e.msg);
	return id;
}

static int64_t
add_comment(struct store *s, int64_t post, int64_t parent, const char *email,
            const char *body, enum comment_status status, int64_t at)
{
	struct comment c;
	struct error e;
	int64_t id = 0;

	memset(&c, 0, sizeof(c));
	c.post_id = post;
	c.parent_id = parent;
	c.depth = parent ? 1 : 0;
	c.author_name = "Reader";
	c.author_email = email;
	c.body_src = body;
	c.body_html = "<p>x</p>\n";
	c.status = status;
	c.created_at = at;
	c.spam_score = 0.25;
	if (store_comment_add(s, &c, &id, &e) != 0)
		fail_msg("store_comment_add: %s", e.msg);
	return id;
}

static int64_t
count(struct store *s, enum comment_status st)
{
	struct error e;
	int64_t n = -1;

	assert_int_equal(store_comment_count(s, st, &n, &e), 0);
	return n;
}

static void
queue_order_history_and_parent(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct comment_queued *q;
	struct error e;
	size_t n;
	int64_t post = add_post(s, "p", POST_PUBLISHED, "");
	/* A parent of 12 characters, 2 of them two bytes each. */
	int64_t root = add_comment(s, post, 0, "ann@example.org",
	                           "Éé and more!", COMMENT_APPROVED, T0);
	int64_t old = add_comment(s, post, 0, "ANN@example.org", "second",
	                          COMMENT_APPROVED, T0 + 1);
	int64_t sp = add_comment(s, post, 0, "Ann@Example.org", "spam",
	                         COMMENT_SPAM, T0 + 2);
	int64_t late = add_comment(s, post, 0, "", "no email", COMMENT_PENDING,
	                           T0 + 20);
	int64_t reply = add_comment(s, post, root, "ann@EXAMPLE.org", "reply",
	                            COMMENT_PENDING, T0 + 10);

	assert_int_equal(count(s, COMMENT_PENDING), 2);
	assert_int_equal(count(s, COMMENT_APPROVED), 2);
	assert_int_equal(count(s, COMMENT_SPAM), 1);
	assert_int_equal(count(s, COMMENT_TRASH), 0);

	/* Pending: oldest first. */
	assert_int_equal(store_comment_queue(s, a, COMMENT_PENDING, 10, 0, 4,
	                                     &q, &n, &e),
	                 0);
	assert_int_equal(n, 2);
	assert_int_equal(q[0].c.id, reply);
	assert_int_equal(q[1].c.id, late);
	assert_string_equal(q[0].post.title, "p");
	assert_int_equal(q[0].post.id, post);
	assert_int_equal(q[0].post.status, POST_PUBLISHED);
	assert_string_equal(q[0].parent_author, "Reader");
	assert_string_equal(q[0].parent_excerpt, "Éé a");
	assert_true(q[0].parent_cut);
	assert_int_equal(q[0].history_approved, 2);
	assert_int_equal(q[0].history_spam, 1);
	assert_true(q[0].c.spam_score == 0.25);
	assert_string_equal(q[1].parent_author, "");
	assert_false(q[1].parent_cut);
	assert_int_equal(q[1].history_approved, 0);
	assert_int_equal(q[1].history_spam, 0);

	/* Approved: newest first; a comment is not its own history. */
	assert_int_equal(store_comment_queue(s, a, COMMENT_APPROVED, 10, 0, 40,
	                                     &q, &n, &e),
	                 0);
	assert_int_equal(n, 2);
	assert_int_equal(q[0].c.id, old);
	assert_int_equal(q[1].c.id, root);
	assert_int_equal(q[1].history_approved, 1);
	assert_int_equal(q[1].history_spam, 1);

	/* Paging. */
	assert_int_equal(store_comment_queue(s, a, COMMENT_APPROVED, 1, 1, 40,
	                                     &q, &n, &e),
	                 0);
	assert_int_equal(n, 1);
	assert_int_equal(q[0].c.id, root);
	assert_int_equal(store_comment_queue(s, a, COMMENT_SPAM, 0, 0, 40, &q,
	                                     &n, &e),
	                 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_comment_queue(s, a, COMMENT_SPAM, 5, 0, 40, &q,
	                                     &n, &e),
	                 0);
	assert_int_equal(n, 1);
	assert_int_equal(q[0].c.id, sp);
	arena_free(a);
}

static void
submissions_only(void **state)
{
	struct store *s = *state;
	struct arena *a = arena_new();
	struct post *p, one;
	struct error e;
	size_t n;
	int64_t k = -1;
	int64_t first = add_post(s, "first", POST_PENDING, "g@example.org");
	int64_t review = add_post(s, "review", POST_PENDING, "");
	int64_t second = add_post(s, "second", POST_PENDING, "h@example.org");

	add_post(s, "done", POST_DRAFT, "d@example.org");
	assert_int_equal(store_submission_count(s, POST_PENDING, &k, &e), 0);
	assert_int_equal(k, 2);
	assert_int_equal(store_submission_count(s, POST_DRAFT, &k, &e), 0);
	assert_int_equal(k, 1);
	assert_int_equal(store_submission_queue(s, a, POST_PENDING, 10, 0, &p,
	                                        &n, &e),
	                 0);
	assert_int_equal(n, 2);
	assert_int_equal(p[0].id, first);
	assert_int_equal(p[1].id, second);
	assert_string_equal(p[0].submitter_email, "g@example.org");
	assert_string_equal(p[0].submitter_name, "Guest");
	assert_int_equal(store_submission_queue(s, a, POST_PENDING, 1, 1, &p,
	                                        &n, &e),
	                 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].id, second);
	assert_int_equal(store_submission_get(s, a, second, &one, &e), 0);
	assert_string_equal(one.submitter_email, "h@example.org");
	error_clear(&e);
	assert_int_equal(store_submission_get(s, a, review, &one, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	assert_int_equal(store_submission_get(s, a, 9999, &one, &e), -1);
	assert_int_equal(e.code, ERR_NOT_FOUND);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(queue_order_history_and_parent,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(submissions_only, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
