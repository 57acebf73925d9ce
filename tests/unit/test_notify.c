/*
 * notify/notify.h: which replies queue a message (exactly one, and only
 * for an approved reply to an approved comment whose author asked, from
 * another address, with SMTP configured), what the message says, the
 * unsubscribe token, a failed delivery being recorded for a retry, and
 * the limits: LIM_MAIL_ATTEMPTS, LIM_MAIL_SECONDS against a server that
 * hangs, LIM_MAIL_BYTES.  A store on ":memory:"; the outbox is read
 * through the store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "notify/notify.h"
#include "store/comments.h"
#include "store/notify.h"
#include "store/posts.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/error.h"
#include "util/limits.h"
#include "set_clock.h"
#include "mem_store.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define SITE_URL "https://news.example.org"
#define T0       INT64_C(1651017600) /* 2022-04-27T00:00:00Z */

struct fixture {
	struct store *st;
	struct notify *n;
	int64_t post_id;
};

static void
setting(struct store *st, const char *key, const char *value)
{
	struct error e;

	if (store_setting_set(st, key, value, &e) != 0)
		fail_msg("store_setting_set(%s): %s", key, e.msg);
}

/* A published post open to comments. */
static int
add_post(struct store *st, const char *slug, const char *title, int64_t *id,
         struct error *e)
{
	struct post p;

	memset(&p, 0, sizeof(p));
	p.type = POST_POST;
	p.status = POST_PUBLISHED;
	p.slug = slug;
	p.title = title;
	p.body_src = "body";
	p.body_html = "<p>body</p>\n";
	p.published_at = T0;
	p.comments_open = 1;
	return store_post_add(st, &p, id, e);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct error e;

	if (sodium_init() < 0)
		return -1;
	f->st = mem_store_open(&e);
	if (f->st == NULL) {
		print_error("store_open: %s\n", e.msg);
		free(f);
		return -1;
	}
	/* A trailing slash is dropped from the base URL. */
	f->n = notify_new(f->st, SITE_URL "/", &e);
	if (f->n == NULL) {
		print_error("notify_new: %s\n", e.msg);
		return -1;
	}
	if (add_post(f->st, "hello-world", "Hello, world", &f->post_id, &e) !=
	    0) {
		print_error("store_post_add: %s\n", e.msg);
		return -1;
	}
	setting(f->st, "title", "The Gazette");
	setting(f->st, "smtp_url", "smtp://127.0.0.1:2525");
	setting(f->st, "smtp_from", "news@example.org");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	notify_free(f->n);
	mem_store_close(f->st);
	free(f);
	real_clock();
	return 0;
}

static int64_t
comment(struct fixture *f, int64_t parent, const char *name, const char *email,
        enum comment_status status, int notify, const char *body)
{
	struct comment c;
	struct error e;
	int64_t id = 0;

	memset(&c, 0, sizeof(c));
	c.post_id = f->post_id;
	c.parent_id = parent;
	c.thread_id = parent; /* the tests' threads are one level deep */
	c.depth = parent ? 1 : 0;
	c.author_name = name;
	c.author_email = email;
	c.body_src = body;
	c.body_html = "<p>x</p>\n";
	c.status = status;
	c.notify = notify;
	c.created_at = T0 + 60;
	if (store_comment_add(f->st, &c, &id, &e) != 0)
		fail_msg("store_comment_add: %s", e.msg);
	assert_true(id > 0);
	return id;
}

/* Ann's approved comment, asking to hear of replies (its id in *parent),
 * and Bob's approved reply to it: the reply's id. */
static int64_t
ann_and_bob(struct fixture *f, int64_t *parent)
{
	*parent = comment(f, 0, "Ann", "ann@example.org", COMMENT_APPROVED, 1,
	                  "First!");
	return comment(f, *parent, "Bob", "bob@example.org", COMMENT_APPROVED,
	               0, "Welcome.");
}

/* Every queued message, sent or not, due or not; *out in a. */
static size_t
queued(struct fixture *f, struct arena *a, struct outbox_msg **out)
{
	struct outbox_msg *m;
	struct error e;
	size_t n;

	if (store_outbox_due(f->st, a, INT64_MAX, LIM_MAIL_ATTEMPTS + 1, 100,
	                     &m, &n, &e) != 0)
		fail_msg("store_outbox_due: %s", e.msg);
	if (out != NULL)
		*out = m;
	return n;
}

/*
 * A loopback port for smtp_url: bound and, with listening, listening but
 * never answering (a server that accepts and then hangs), else not
 * listening (connecting is refused at once).  Its socket.
 */
static int
smtp_port(struct fixture *f, int listening)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	char url[64];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	if (listening)
		assert_int_equal(listen(fd, 8), 0);
	snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", ntohs(sin.sin_port));
	setting(f->st, "smtp_url", url);
	return fd;
}

static double
seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Wait (up to limit seconds) until the one queued message of reply has
 * had at least want attempts; the attempts it had. */
static int
attempts_reach(struct fixture *f, int64_t reply, int want, double limit)
{
	struct arena *a = arena_new();
	double end = seconds() + limit;
	int got = -1;

	for (;;) {
		struct outbox_msg *m;
		size_t n = queued(f, a, &m);

		got = -1;
		for (size_t i = 0; i < n; i++)
			if (strstr(m[i].body, arena_printf(a, "#comment-%lld",
			                                   (long long)reply)) !=
			    NULL)
				got = m[i].attempts;
		if (got >= want || seconds() > end)
			break;
		arena_reset(a);
		usleep(50 * 1000);
	}
	arena_free(a);
	return got;
}

static void
reply_ok(struct fixture *f, int64_t id)
{
	struct error e;

	if (notify_reply(f->n, id, &e) != 0)
		fail_msg("notify_reply(%lld): %s", (long long)id, e.msg);
}

/* The cases that queue nothing, each on a fresh site. */
struct no_mail {
	const char *what;
	const char *unset; /* a setting to clear first */
	int parent_notify; /* the parent asked for replies */
	const char *parent_email, *reply_email;
	enum comment_status parent_status, reply_status;
	int top_level; /* notify about the parent itself */
};

static const struct no_mail no_mail[] = {
	{"no smtp_url", "smtp_url", 1, "ann@example.org", "bob@example.org",
         COMMENT_APPROVED, COMMENT_APPROVED, 0},
	{"no smtp_from", "smtp_from", 1, "ann@example.org", "bob@example.org",
         COMMENT_APPROVED, COMMENT_APPROVED, 0},
	{"parent did not ask", NULL, 0, "ann@example.org", "bob@example.org",
         COMMENT_APPROVED, COMMENT_APPROVED, 0},
	{"parent left no email", NULL, 1, "", "bob@example.org",
         COMMENT_APPROVED, COMMENT_APPROVED, 0},
	{"same email, other case", NULL, 1, "Ann@Example.ORG",
         "ann@example.org", COMMENT_APPROVED, COMMENT_APPROVED, 0},
	{"reply pending", NULL, 1, "ann@example.org", "bob@example.org",
         COMMENT_APPROVED, COMMENT_PENDING, 0},
	{"reply spam", NULL, 1, "ann@example.org", "bob@example.org",
         COMMENT_APPROVED, COMMENT_SPAM, 0},
	{"parent trashed", NULL, 1, "ann@example.org", "bob@example.org",
         COMMENT_TRASH, COMMENT_APPROVED, 0},
	{"a top-level comment", NULL, 1, "ann@example.org", "bob@example.org",
         COMMENT_APPROVED, COMMENT_APPROVED, 1},
	{"an address mail cannot go to", NULL, 1, "ann@example.org\r\nBcc: x",
         "bob@example.org", COMMENT_APPROVED, COMMENT_APPROVED, 0},
};

static void
reply_queues_nothing(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(no_mail); i++) {
		const struct no_mail *c = &no_mail[i];
		void *fs;
		struct fixture *f;
		struct arena *a = arena_new();
		int64_t parent, reply;

		assert_int_equal(setup(&fs), 0);
		f = fs;
		if (c->unset != NULL)
			setting(f->st, c->unset, "");
		parent = comment(f, 0, "Ann", c->parent_email, c->parent_status,
		                 c->parent_notify, "First!");
		reply = comment(f, parent, "Bob", c->reply_email,
		                c->reply_status, 0, "Welcome.");
		reply_ok(f, c->top_level ? parent : reply);
		if (queued(f, a, NULL) != 0)
			fail_msg("case \"%s\" queued a message", c->what);
		arena_free(a);
		teardown(&fs);
	}
}

static void
approved_reply_queues_one(void **state)
{
	struct fixture *f = *state;
	struct arena *a = arena_new();
	struct outbox_msg *m;
	struct error e;
	enum comment_status old;
	int64_t parent, reply, other;
	const char *want;

	parent = comment(f, 0, "Ann", "ann@example.org", COMMENT_APPROVED, 1,
	                 "First!");
	reply = comment(f, parent, "Bob", "bob@example.org", COMMENT_PENDING, 0,
	                "Welcome, *Ann*.\r\nSecond line.");
	reply_ok(f, reply);
	assert_int_equal(queued(f, a, NULL), 0);

	/* Approved: one message; approved again (or told twice): still one. */
	assert_int_equal(store_comment_set_status(f->st, reply,
	                                          COMMENT_APPROVED, &old, &e),
	                 0);
	reply_ok(f, reply);
	reply_ok(f, reply);
	assert_int_equal(queued(f, a, &m), 1);
	assert_string_equal(m[0].to_addr, "ann@example.org");
	assert_string_equal(m[0].subject, "New reply to your comment on "
	                                  "Hello, world \u2013 The Gazette");
	assert_int_equal(m[0].attempts, 0);
	want = arena_printf(a, "%s%s", SITE_URL,
	                    notify_unsubscribe_path(f->n, a, parent));
	assert_string_equal(m[0].unsubscribe_url, want);
	assert_non_null(strstr(m[0].body, want));
	assert_non_null(strstr(m[0].body, "Bob replied to your comment on "
	                                  "\"Hello, world\""));
	/* The source as written, line ends made LF. */
	assert_non_null(strstr(m[0].body, "Welcome, *Ann*.\nSecond line."));
	assert_null(strchr(m[0].body, '\r'));
	want = arena_printf(a, SITE_URL "/2022/04/27/hello-world/#comment-%lld",
	                    (long long)reply);
	assert_non_null(strstr(m[0].body, want));

	/* Another reply from a third address is its own message. */
	other = comment(f, parent, "Cy", "cy@example.org", COMMENT_APPROVED, 0,
	                "Me too.");
	reply_ok(f, other);
	assert_int_equal(queued(f, a, NULL), 2);
	arena_free(a);
}

static void
long_reply_is_cut(void **state)
{
	struct fixture *f = *state;
	struct arena *a = arena_new();
	struct outbox_msg *m;
	char *body = arena_alloc(a, 3 * LIM_MAIL_EXCERPT_BYTES + 1);
	int64_t parent, reply;

	/* "é" is two bytes: a cut must not split one. */
	for (size_t i = 0; i < 3 * LIM_MAIL_EXCERPT_BYTES; i += 3)
		memcpy(body + i, "a\xC3\xA9", 3);
	body[3 * LIM_MAIL_EXCERPT_BYTES] = '\0';
	parent = comment(f, 0, "Ann", "ann@example.org", COMMENT_APPROVED, 1,
	                 "First!");
	reply = comment(f, parent, "Bob", "bob@example.org", COMMENT_APPROVED,
	                0, body);
	reply_ok(f, reply);
	assert_int_equal(queued(f, a, &m), 1);
	assert_true(strlen(m[0].body) < LIM_MAIL_EXCERPT_BYTES + 1024);
	assert_non_null(strstr(m[0].body, "\n[\u2026]\n"));
	assert_null(strstr(m[0].body, "\xEF\xBF\xBD")); /* no U+FFFD */
	arena_free(a);
}

static const char *
token_of(const char *path)
{
	const char *t = strstr(path, "&t=");

	assert_non_null(t);
	return t + 3;
}

static void
unsubscribe_token(void **state)
{
	struct fixture *f = *state;
	struct arena *a = arena_new();
	struct comment c;
	struct error e;
	int64_t parent, other, reply;
	const char *path, *token;
	char bad[2 * 64 + 1];

	parent = comment(f, 0, "Ann", "ann@example.org", COMMENT_APPROVED, 1,
	                 "First!");
	other = comment(f, 0, "Dee", "dee@example.org", COMMENT_APPROVED, 1,
	                "Second!");
	path = notify_unsubscribe_path(f->n, a, parent);
	assert_string_equal(
		arena_strndup(a, path, strlen(path) - strlen(token_of(path))),
		arena_printf(a, "/unsubscribe?c=%lld&t=", (long long)parent));
	token = token_of(path);
	assert_int_equal(strlen(token), 64);

	/* Refused: another comment's token, one changed digit, a short
	 * one, not hex, empty, none, a bad id. */
	assert_int_equal(notify_unsubscribe(f->n, other, token, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	snprintf(bad, sizeof(bad), "%s", token);
	bad[10] = bad[10] == '0' ? '1' : '0';
	assert_int_equal(notify_unsubscribe(f->n, parent, bad, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	bad[10] = token[10];
	bad[63] = '\0';
	assert_int_equal(notify_unsubscribe(f->n, parent, bad, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	snprintf(bad, sizeof(bad), "%s", token);
	bad[0] = 'g';
	assert_int_equal(notify_unsubscribe(f->n, parent, bad, &e), -1);
	assert_int_equal(notify_unsubscribe(f->n, parent, "", &e), -1);
	assert_int_equal(notify_unsubscribe(f->n, parent, NULL, &e), -1);
	assert_int_equal(notify_unsubscribe(f->n, 0, token, &e), -1);
	assert_int_equal(store_comment_get(f->st, a, parent, &c, &e), 0);
	assert_int_equal(c.notify, 1);

	/* The token is stable (the key is the site's) and works, twice. */
	assert_string_equal(notify_unsubscribe_path(f->n, a, parent), path);
	assert_int_equal(notify_unsubscribe(f->n, parent, token, &e), 0);
	assert_int_equal(notify_unsubscribe(f->n, parent, token, &e), 0);
	assert_int_equal(store_comment_get(f->st, a, parent, &c, &e), 0);
	assert_int_equal(c.notify, 0);
	assert_int_equal(store_comment_get(f->st, a, other, &c, &e), 0);
	assert_int_equal(c.notify, 1);

	/* Unsubscribed: a new reply queues nothing. */
	reply = comment(f, parent, "Bob", "bob@example.org", COMMENT_APPROVED,
	                0, "Hello?");
	reply_ok(f, reply);
	assert_int_equal(queued(f, a, NULL), 0);
	arena_free(a);
}

/* A second notify on the same store signs with the same key. */
static void
token_survives_restart(void **state)
{
	struct fixture *f = *state;
	struct arena *a = arena_new();
	struct notify *again;
	struct error e;

	again = notify_new(f->st, SITE_URL, &e);
	assert_non_null(again);
	assert_string_equal(notify_unsubscribe_path(f->n, a, 42),
	                    notify_unsubscribe_path(again, a, 42));
	notify_free(again);
	arena_free(a);
}

/*
 * The sender against a port nobody listens on: the failure is recorded
 * (one attempt, due again after the back-off), and notify_free() joins
 * the thread.
 */
static void
failed_delivery_is_retried_later(void **state)
{
	struct fixture *f = *state;
	struct arena *a = arena_new();
	struct outbox_msg *m;
	struct error e;
	int64_t parent, reply;
	int fd;
	size_t due;

	fd = smtp_port(f, 0);
	setting(f->st, "smtp_retry_seconds", "600");

	reply = ann_and_bob(f, &parent);
	assert_int_equal(notify_start(f->n, &e), 0);
	reply_ok(f, reply);
	assert_int_equal(attempts_reach(f, reply, 1, 5), 1);
	assert_int_equal(queued(f, a, &m), 1);
	assert_int_equal(m[0].attempts, 1);
	/* Not due now; due after the back-off. */
	assert_int_equal(store_outbox_due(f->st, a, clock_now(),
	                                  LIM_MAIL_ATTEMPTS, 10, &m, &due, &e),
	                 0);
	assert_int_equal(due, 0);
	assert_int_equal(store_outbox_due(f->st, a, clock_now() + 601,
	                                  LIM_MAIL_ATTEMPTS, 10, &m, &due, &e),
	                 0);
	assert_int_equal(due, 1);
	close(fd);
	arena_free(a);
}

/*
 * A message whose delivery fails LIM_MAIL_ATTEMPTS times is given up: it
 * is tried again after each back-off until then, never after.  The clock
 * is moved past each back-off (six hours at most) rather than waited.
 */
static void
attempts_run_out(void **state)
{
	struct fixture *f = *state;
	struct error e;
	int64_t base = (int64_t)time(NULL), parent, reply, other;
	int fd;

	fd = smtp_port(f, 0);
	setting(f->st, "smtp_retry_seconds", "1");
	reply = ann_and_bob(f, &parent);
	set_clock(base);
	assert_int_equal(notify_start(f->n, &e), 0);
	reply_ok(f, reply);
	for (int k = 1; k <= LIM_MAIL_ATTEMPTS; k++) {
		if (k > 1)
			set_clock(base + (k - 1) * 7 * 3600);
		assert_int_equal(attempts_reach(f, reply, k, 10), k);
	}
	/* past one more back-off: a second message is tried, not the first */
	set_clock(base + LIM_MAIL_ATTEMPTS * 7 * 3600);
	other = comment(f, parent, "Cy", "cy@example.org", COMMENT_APPROVED, 0,
	                "Me too.");
	reply_ok(f, other);
	assert_int_equal(attempts_reach(f, other, 1, 10), 1);
	assert_int_equal(attempts_reach(f, reply, 0, 0), LIM_MAIL_ATTEMPTS);
	close(fd);
}

/*
 * An SMTP server that accepts the connection and then says nothing: the
 * delivery ends after LIM_MAIL_SECONDS as a failure to retry, and
 * stopping the sender during such a delivery does not wait it out.
 */
static void
hanging_server_times_out(void **state)
{
	struct fixture *f = *state;
	struct error e;
	int64_t base = (int64_t)time(NULL), parent, reply;
	double start, took;
	int fd, conn[2];

	fd = smtp_port(f, 1);
	setting(f->st, "smtp_retry_seconds", "600");
	reply = ann_and_bob(f, &parent);
	set_clock(base);
	start = seconds();
	assert_int_equal(notify_start(f->n, &e), 0);
	reply_ok(f, reply);
	conn[0] = accept(fd, NULL, NULL); /* and never a word */
	assert_true(conn[0] >= 0);
	assert_int_equal(attempts_reach(f, reply, 1, LIM_MAIL_SECONDS + 20), 1);
	took = seconds() - start;
	print_message("gave up after %.1f s\n", took);
	assert_true(took >= LIM_MAIL_SECONDS - 1);
	assert_true(took < LIM_MAIL_SECONDS + 10);
	/* past the back-off the next try hangs too; stopping ends it */
	set_clock(base + 3600);
	conn[1] = accept(fd, NULL, NULL);
	assert_true(conn[1] >= 0);
	start = seconds();
	notify_free(f->n);
	f->n = NULL;
	took = seconds() - start;
	assert_true(took < 5);
	close(conn[0]);
	close(conn[1]);
	close(fd);
}

/*
 * A message over LIM_MAIL_BYTES is never sent: a body past it is not
 * queued (a title of that size, as an import may bring), and a message
 * whose encoding passes it (quoted-printable triples non-ASCII text) is
 * given up at its first try.
 */
static void
oversized_mail_is_refused(void **state)
{
	struct fixture *f = *state;
	struct arena *a = arena_new();
	struct error e;
	struct buf title;
	int64_t parent, reply;
	int fd;

	fd = smtp_port(f, 0);
	buf_init(&title, 1 << 20);
	for (int i = 0; i < LIM_MAIL_BYTES; i++)
		assert_int_equal(buf_putc(&title, 'T'), 0);
	assert_int_equal(add_post(f->st, "long-title", buf_str(&title),
	                          &f->post_id, &e),
	                 0);
	reply = ann_and_bob(f, &parent);
	assert_int_equal(notify_reply(f->n, reply, &e), -1);
	assert_int_equal(e.code, ERR_TOO_BIG);
	assert_int_equal(queued(f, a, NULL), 0);

	/* half as many bytes of "é": the body fits, its encoding does not */
	buf_reset(&title);
	for (int i = 0; i < LIM_MAIL_BYTES / 4; i++)
		assert_int_equal(buf_puts(&title, "\xC3\xA9"), 0);
	assert_int_equal(add_post(f->st, "long-accented-title", buf_str(&title),
	                          &f->post_id, &e),
	                 0);
	reply = ann_and_bob(f, &parent);
	reply_ok(f, reply);
	assert_int_equal(queued(f, a, NULL), 1);
	assert_int_equal(notify_start(f->n, &e), 0);
	assert_int_equal(attempts_reach(f, reply, LIM_MAIL_ATTEMPTS, 10),
	                 LIM_MAIL_ATTEMPTS);
	buf_release(&title);
	close(fd);
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reply_queues_nothing),
		cmocka_unit_test_setup_teardown(approved_reply_queues_one,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(long_reply_is_cut, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(unsubscribe_token, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(token_survives_restart, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(
			failed_delivery_is_retried_later, setup, teardown),
		cmocka_unit_test_setup_teardown(attempts_run_out, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(hanging_server_times_out, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(oversized_mail_is_refused,
	                                        setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
