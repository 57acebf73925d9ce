/*
 * comments/spam.h: the rate limiter (sliding windows at explicit times,
 * addresses apart, the bound on what it remembers), the normalised body
 * hash, duplicates within a window, and the classifier from untrained to
 * trained.  A store on ":memory:"; comments are added through the store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comments/spam.h"
#include "store/comments.h"
#include "store/posts.h"
#include "store/spam.h"
#include "util/error.h"
#include "util/limits.h"
#include "mem_store.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#define T0 INT64_C(1651017600) /* 2022-04-27T00:00:00Z */

struct fixture {
	struct store *st;
	struct spam *sp;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct error e;

	f->st = mem_store_open(&e);
	if (f->st == NULL) {
		print_error("store_open: %s\n", e.msg);
		free(f);
		return -1;
	}
	f->sp = spam_new(f->st);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	spam_free(f->sp);
	mem_store_close(f->st);
	free(f);
	return 0;
}

/* ---- rate limits ------------------------------------------------------ */

/* 0 when counted, else the retry_after it was refused with. */
static int
rate(struct spam *sp, const char *ip, int per_minute, int per_hour, int64_t now)
{
	struct error e;
	int retry = -1;

	if (spam_rate_check(sp, ip, per_minute, per_hour, now, &retry, &e) ==
	    0) {
		assert_int_equal(retry, 0);
		return 0;
	}
	assert_int_equal(e.code, ERR_RATE_LIMITED);
	assert_true(retry > 0);
	return retry;
}

static void
rate_per_minute_slides(void **state)
{
	struct fixture *f = *state;
	const char *ip = "192.0.2.1";

	assert_int_equal(rate(f->sp, ip, 3, 20, T0), 0);
	assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 10), 0);
	assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 20), 0);
	/* The fourth in a minute waits for the first to leave it. */
	assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 30), 30);
	assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 59), 1);
	/* A window slides: at T0 + 60 the first is out of (T0, T0 + 60]. */
	assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 60), 0);
	/* Refused ones were not counted; now T0+10, +20, +60 are in. */
	assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 69), 1);
	assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 70), 0);
	assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 71), 9);
}

static void
rate_per_hour(void **state)
{
	struct fixture *f = *state;
	const char *ip = "2001:db8::1";
	int64_t t;

	/* One every 30 s never crosses 3 a minute, but 20 fill the hour. */
	for (int i = 0; i < 20; i++)
		assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 30 * i), 0);
	t = T0 + 30 * 20;
	assert_int_equal(rate(f->sp, ip, 3, 20, t), 3600 - 600);
	assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 3599), 1);
	assert_int_equal(rate(f->sp, ip, 3, 20, T0 + 3600), 0);
	/* Only the hourly limit: the minute does not matter. */
	assert_int_equal(rate(f->sp, "198.51.100.7", 0, 2, T0), 0);
	assert_int_equal(rate(f->sp, "198.51.100.7", 0, 2, T0), 0);
	assert_int_equal(rate(f->sp, "198.51.100.7", 0, 2, T0 + 100), 3500);
}

static void
rate_both_full_waits_for_both(void **state)
{
	struct fixture *f = *state;
	const char *ip = "192.0.2.9";

	assert_int_equal(rate(f->sp, ip, 2, 2, T0), 0);
	assert_int_equal(rate(f->sp, ip, 2, 2, T0 + 5), 0);
	assert_int_equal(rate(f->sp, ip, 2, 2, T0 + 10), 3590);
}

static void
rate_zero_is_no_limit(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 3 * LIM_RATE_EVENTS; i++)
		assert_int_equal(rate(f->sp, "192.0.2.1", 0, 0, T0), 0);
	/* A limit above what is remembered is that much. */
	for (int i = 0; i < LIM_RATE_EVENTS; i++)
		assert_int_equal(rate(f->sp, "192.0.2.2", 1000, 0, T0), 0);
	assert_int_equal(rate(f->sp, "192.0.2.2", 1000, 0, T0), 60);
	/* A ring full of times with no hourly limit still counts the
	 * minute right. */
	for (int i = 0; i < LIM_RATE_EVENTS + 5; i++)
		assert_int_equal(rate(f->sp, "192.0.2.3", 1000, 0, T0 + 61 * i),
		                 0);
	assert_int_equal(rate(f->sp, "192.0.2.3", 1, 0, T0 + 61 * 200), 0);
	assert_int_equal(rate(f->sp, "192.0.2.3", 1, 0, T0 + 61 * 200 + 1), 59);
}

static void
rate_addresses_apart(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *first, *second;
		int same;
	} cases[] = {
		{"192.0.2.1", "192.0.2.2", 0},
		{"192.0.2.1", "::ffff:192.0.2.1", 1},
		{"::ffff:192.0.2.1", "::ffff:192.0.2.2", 0},
		/* IPv6 counts per /64. */
		{"2001:db8:1:2::1", "2001:db8:1:2:ffff::9", 1},
		{"2001:db8:1:2::1", "2001:db8:1:3::1", 0},
		{"unix", "unix", 1},
		{"unix", "", 0},
	};

	for (size_t i = 0; i < NELEM(cases); i++) {
		int64_t t = T0 + 7200 * (int64_t)i; /* a fresh hour each */

		assert_int_equal(rate(f->sp, cases[i].first, 1, 0, t), 0);
		if (cases[i].same)
			assert_int_equal(rate(f->sp, cases[i].second, 1, 0, t),
			                 60);
		else
			assert_int_equal(rate(f->sp, cases[i].second, 1, 0, t),
			                 0);
	}
}

static void
rate_memory_is_bounded(void **state)
{
	struct fixture *f = *state;
	char ip[64];

	/* a and b each used their one comment; a is then heard from again
	 * (and refused), so b is the stalest. */
	assert_int_equal(rate(f->sp, "10.255.0.1", 1, 0, T0), 0);
	assert_int_equal(rate(f->sp, "10.255.0.2", 1, 0, T0), 0);
	assert_int_equal(rate(f->sp, "10.255.0.1", 1, 0, T0), 60);
	for (int i = 0; i < LIM_RATE_CLIENTS - 2; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", (i >> 8) & 255, i & 255);
		assert_int_equal(rate(f->sp, ip, 1, 0, T0), 0);
	}
	/* The table is full; one more forgets b, the stalest, only. */
	assert_int_equal(rate(f->sp, "10.255.0.3", 1, 0, T0), 0);
	assert_int_equal(rate(f->sp, "10.255.0.1", 1, 0, T0), 60);
	assert_int_equal(rate(f->sp, "10.255.0.2", 1, 0, T0), 0);
	/* b came back in place of the next stalest, the loop's first. */
	assert_int_equal(rate(f->sp, "10.0.0.0", 1, 0, T0), 0);
	for (int i = 10; i < 20; i++) {
		snprintf(ip, sizeof(ip), "10.0.%d.%d", (i >> 8) & 255, i & 255);
		assert_int_equal(rate(f->sp, ip, 1, 0, T0), 60);
	}
	/* Many more than fit: the newest are remembered (each still found
	 * after the shifts evictions make in the index), the oldest not. */
	for (int i = 0; i < 3 * LIM_RATE_CLIENTS; i++) {
		snprintf(ip, sizeof(ip), "172.16.%d.%d", (i >> 8) & 255,
		         i & 255);
		assert_int_equal(rate(f->sp, ip, 1, 0, T0 + 1), 0);
	}
	for (int i = 3 * LIM_RATE_CLIENTS - 200; i < 3 * LIM_RATE_CLIENTS;
	     i++) {
		snprintf(ip, sizeof(ip), "172.16.%d.%d", (i >> 8) & 255,
		         i & 255);
		assert_int_equal(rate(f->sp, ip, 1, 0, T0 + 1), 60);
	}
	assert_int_equal(rate(f->sp, "172.16.0.0", 1, 0, T0 + 1), 0);
	assert_int_equal(rate(f->sp, "10.255.0.1", 1, 0, T0 + 1), 0);
}

/* ---- body hash and duplicates ----------------------------------------- */

static void
body_hash_normalises(void **state)
{
	static const struct {
		const char *a, *b;
		int same;
	} cases[] = {
		{"Buy NOW!!!  cheap", "buy now cheap", 1},
		{"  buy\tnow\r\n\r\ncheap. ", "buy now cheap", 1},
		{"buy now cheap", "buy now cheaper", 0},
		{"buy now cheap", "buynow cheap", 0},
		{"Café  au lait", "café au lait!", 1},
		{"", "?!...", 1},
		{"", " ", 1},
		{"a", "", 0},
	};
	unsigned char h1[SPAM_HASH_BYTES], h2[SPAM_HASH_BYTES];

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		spam_body_hash(cases[i].a, h1);
		spam_body_hash(cases[i].b, h2);
		if ((memcmp(h1, h2, sizeof(h1)) == 0) != cases[i].same)
			fail_msg("\"%s\" and \"%s\": expected %s", cases[i].a,
			         cases[i].b, cases[i].same ? "same" : "apart");
	}
	/* It is BLAKE2b-256 of the normalised text. */
	crypto_generichash(h2, sizeof(h2), (const unsigned char *)"buy now", 7,
	                   NULL, 0);
	spam_body_hash(" BUY, now? ", h1);
	assert_memory_equal(h1, h2, sizeof(h1));
}

static int64_t
add_post(struct store *s, const char *slug)
{
	struct post p;
	struct error e;
	int64_t id = 0;

	memset(&p, 0, sizeof(p));
	p.type = POST_POST;
	p.status = POST_PUBLISHED;
	p.slug = slug;
	p.title = slug;
	p.body_src = "body";
	p.body_html = "<p>body</p>\n";
	p.published_at = T0;
	p.comments_open = 1;
	if (store_post_add(s, &p, &id, &e) != 0)
		fail_msg("store_post_add(\"%s\"): %s", slug, e.msg);
	return id;
}

static int64_t
add_comment(struct store *s, int64_t post_id, const char *email,
            const char *body, enum comment_status status, int64_t at)
{
	struct comment c;
	struct error e;
	int64_t id = 0;

	memset(&c, 0, sizeof(c));
	c.post_id = post_id;
	c.author_name = "someone";
	c.author_email = email;
	c.body_src = body;
	c.body_html = body;
	c.status = status;
	c.created_at = at;
	spam_body_hash(body, c.body_hash);
	c.has_body_hash = 1;
	if (store_comment_add(s, &c, &id, &e) != 0)
		fail_msg("store_comment_add: %s", e.msg);
	return id;
}

static int
is_dup(struct spam *sp, int64_t post_id, const char *email, const char *body,
       int64_t now, int64_t window)
{
	unsigned char h[SPAM_HASH_BYTES];
	struct error e;
	int rc;

	spam_body_hash(body, h);
	rc = spam_is_duplicate(sp, post_id, email, h, now, window, &e);
	if (rc == -1)
		fail_msg("spam_is_duplicate: %s", e.msg);
	return rc;
}

static void
duplicates_in_window(void **state)
{
	struct fixture *f = *state;
	int64_t p1 = add_post(f->st, "one"), p2 = add_post(f->st, "two");
	int64_t c, now = T0 + 1000, hour = 3600;
	enum comment_status old;
	struct error e;

	c = add_comment(f->st, p1, "ann@example.org", "Nice post!",
	                COMMENT_PENDING, now - 100);
	/* The same body, normalised, on the same post. */
	assert_int_equal(is_dup(f->sp, p1, "", "nice post", now, hour), 1);
	assert_int_equal(is_dup(f->sp, p1, "bob@example.org", "NICE  POST", now,
	                        hour),
	                 1);
	assert_int_equal(is_dup(f->sp, p1, "", "nice posts", now, hour), 0);
	/* Another post: only by the same email (any case). */
	assert_int_equal(is_dup(f->sp, p2, "ann@example.org", "nice post", now,
	                        hour),
	                 1);
	assert_int_equal(is_dup(f->sp, p2, "ANN@Example.org", "nice post", now,
	                        hour),
	                 1);
	assert_int_equal(is_dup(f->sp, p2, "bob@example.org", "nice post", now,
	                        hour),
	                 0);
	assert_int_equal(is_dup(f->sp, p2, "", "nice post", now, hour), 0);
	assert_int_equal(is_dup(f->sp, p2, NULL, "nice post", now, hour), 0);
	/* The window: created in the last `window` seconds. */
	assert_int_equal(is_dup(f->sp, p1, "", "nice post", now, 101), 1);
	assert_int_equal(is_dup(f->sp, p1, "", "nice post", now, 100), 0);
	assert_int_equal(is_dup(f->sp, p1, "", "nice post", now + hour, hour),
	                 0);
	/* Spam still counts; trash does not. */
	assert_int_equal(store_comment_set_status(f->st, c, COMMENT_SPAM, &old,
	                                          &e),
	                 0);
	assert_int_equal(is_dup(f->sp, p1, "", "nice post", now, hour), 1);
	assert_int_equal(store_comment_set_status(f->st, c, COMMENT_TRASH, &old,
	                                          &e),
	                 0);
	assert_int_equal(is_dup(f->sp, p1, "", "nice post", now, hour), 0);
	/* An empty email never matches another comment's empty email. */
	add_comment(f->st, p1, "", "first!", COMMENT_APPROVED, now - 10);
	assert_int_equal(is_dup(f->sp, p2, "", "first!", now, hour), 0);
	assert_int_equal(is_dup(f->sp, p1, "", "first!", now, hour), 1);
}

/* ---- the classifier --------------------------------------------------- */

static const char *const spam_texts[] = {
	"Cheap pills casino bonus! Click http://spam.example/buy now for free "
	"money",
	"CASINO bonus and cheap pills, click here: http://spam.example/win "
	"free spins",
	"Free money! Cheap pills, best casino bonus, click "
	"http://deals.spam.example/",
	"click now: cheap viagra pills and casino bonus at "
	"http://spam.example/pills",
	"Win free money at our casino, bonus for everyone, click "
	"http://spam.example/x cheap",
};

static const char *const ham_texts[] = {
	"Thanks for posting the transcript of the interview, it was easier to "
	"follow than the audio.",
	"The transcript has a typo in the second paragraph: the speaker said "
	"Tuesday, not Thursday.",
	"I read the whole transcript last night. Great interview, the part "
	"about local schools was fascinating.",
	"Could you also publish the transcript for last week's episode? The "
	"audio quality was poor.",
	"Really enjoyed reading this transcript; the interview questions were "
	"thoughtful.",
};

static void
learn(struct spam *sp, const char *text, int is_spam)
{
	struct error e;

	if (spam_learn(sp, text, is_spam, &e) != 0)
		fail_msg("spam_learn: %s", e.msg);
}

static void
totals(struct store *st, int64_t want_spam, int64_t want_ham)
{
	int64_t s, h;
	struct error e;

	assert_int_equal(store_spam_totals(st, &s, &h, &e), 0);
	assert_int_equal(s, want_spam);
	assert_int_equal(h, want_ham);
}

static void
classifier_untrained_says_nothing(void **state)
{
	struct fixture *f = *state;

	assert_true(spam_score(f->sp, spam_texts[0]) == 0.5);
	/* Fewer than SPAM_MIN_DOCS of one kind: still nothing. */
	for (size_t i = 0; i < NELEM(spam_texts); i++)
		learn(f->sp, spam_texts[i], 1);
	for (int i = 0; i < SPAM_MIN_DOCS - 1; i++)
		learn(f->sp, ham_texts[i], 0);
	totals(f->st, NELEM(spam_texts), SPAM_MIN_DOCS - 1);
	assert_true(spam_score(f->sp, spam_texts[0]) == 0.5);
	learn(f->sp, ham_texts[SPAM_MIN_DOCS - 1], 0);
	assert_true(spam_score(f->sp, spam_texts[0]) > 0.9);
}

static void
classifier_learns(void **state)
{
	struct fixture *f = *state;
	static const char *const spammy[] = {
		"Cheap casino bonus pills! Click http://spam.example/offer for "
		"free money today",
		"click for a bonus: http://new.spam.example/ cheap",
		"FREE SPINS casino bonus money click now",
	};
	static const char *const hammy[] = {
		"Is there a transcript of the interview with the mayor? I "
		"missed the audio.",
		"Great interview. The transcript was a fascinating read.",
		"Thanks, the second paragraph of the transcript is fixed now.",
	};
	double s;

	for (size_t i = 0; i < NELEM(spam_texts); i++) {
		learn(f->sp, spam_texts[i], 1);
		learn(f->sp, ham_texts[i], 0);
	}
	totals(f->st, NELEM(spam_texts), NELEM(ham_texts));
	for (size_t i = 0; i < NELEM(spammy); i++) {
		s = spam_score(f->sp, spammy[i]);
		if (!(s > 0.9))
			fail_msg("\"%s\" scored %f", spammy[i], s);
	}
	for (size_t i = 0; i < NELEM(hammy); i++) {
		s = spam_score(f->sp, hammy[i]);
		if (!(s < 0.1))
			fail_msg("\"%s\" scored %f", hammy[i], s);
	}
	/* Nothing it knows: no opinion. */
	assert_true(spam_score(f->sp, "zebra quokka platypus") == 0.5);
	/* Scores stay in [0, 1] for a text of only the strongest tokens. */
	s = spam_score(f->sp, "cheap casino bonus click pills free money http "
	                      "spam example http://spam.example/ now");
	assert_true(s > 0.99 && s <= 1.0);
	s = spam_score(f->sp, "the transcript interview audio the was");
	assert_true(s < 0.01 && s >= 0.0);
}

static void
classifier_garbage(void **state)
{
	struct fixture *f = *state;
	static const char *const junk[] = {"", "!!! ??? ...", " \t\n", "a b c",
	                                   "\xe2\x80\x9c\xe2\x80\x9d"};

	for (size_t i = 0; i < NELEM(junk); i++) {
		learn(f->sp, junk[i], 1);
		learn(f->sp, junk[i], 0);
		assert_true(spam_score(f->sp, junk[i]) == 0.5);
	}
	/* Nothing was learnt from texts without a token. */
	totals(f->st, 0, 0);
}

/* The spam and ham counts of one token. */
static void
token_counts(struct store *st, const char *token, int64_t want_spam,
             int64_t want_ham)
{
	const char *t[1] = {token};
	int64_t s = -1, h = -1;
	struct error e;

	assert_int_equal(store_spam_tokens(st, t, 1, &s, &h, &e), 0);
	if (s != want_spam || h != want_ham)
		fail_msg("\"%s\": spam %lld ham %lld, expected %lld %lld",
		         token, (long long)s, (long long)h,
		         (long long)want_spam, (long long)want_ham);
}

static void
tokeniser(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *token;
		int64_t spam, ham;
	} want[] = {
		{"host:shop.example.com", 1, 0},
		{"host:example.com", 1, 0},
		{"host:user@shop.example.com", 0, 0},
		{"host:www.other.example", 1, 0},
		{"host:other.example", 1, 0},
		{"host:a.b.c.example", 1, 0},
		{"host:c.example", 1, 0},
		{"host:one.example", 0, 1},
		{"host:two.example", 0, 1},
		/* Three links are many; two are not. */
		{"links:many", 1, 0},
		/* Words, lower-cased once each; typographic quotes split. */
		{"visit", 1, 0},
		{"now", 1, 0},
		{"caf\xc3\xa9", 1, 0},
		{"42", 1, 0},
		{"http", 1, 1},
		{"https", 1, 0},
		{"x", 0, 0},
		{"see", 0, 1},
	};
	char longword[64];

	learn(f->sp,
	      "Visit http://user@Shop.Example.COM:8080/x and www.Other.example, "
	      "or HTTPS://a.b.c.example/ \xe2\x80\x9cNow\xe2\x80\x9d "
	      "now NOW Caf\xc3\xa9 x 42",
	      1);
	learn(f->sp, "see http://one.example and http://two.example/", 0);
	for (size_t i = 0; i < NELEM(want); i++)
		token_counts(f->st, want[i].token, want[i].spam, want[i].ham);

	/* Words of up to LIM_SPAM_TOKEN_BYTES bytes, not one more. */
	memset(longword, 'w', sizeof(longword));
	longword[LIM_SPAM_TOKEN_BYTES + 1] = '\0';
	learn(f->sp, longword, 1);
	token_counts(f->st, longword, 0, 0);
	longword[LIM_SPAM_TOKEN_BYTES] = '\0';
	learn(f->sp, longword, 1);
	token_counts(f->st, longword, 1, 0);
}

/*
 * Words as Unicode finds them: Cyrillic case-folded (Ё too), Chinese
 * written without spaces giving each ideograph and each pair, full-width
 * Latin and ß folded; before libunistring, the Chinese run was one
 * "word" too long to count and the Cyrillic kept its case.
 */
static void
tokeniser_unicode(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *token;
		int64_t spam;
	} want[] = {
		{"купите", 1},  {"дёшево", 1},       {"казино", 1},
		{"бонус", 1},   {"КУПИТЕ", 0},       {"免", 1},
		{"费", 1},      {"免费", 1},         {"费领", 1},
		{"领取", 1},    {"红包", 1},         {"包，", 0},
		{"包注", 0}, /* a comma between: no pair */
		{"注册", 1},    {"免费领取红包", 0}, {"buy", 1},
		{"strasse", 1}, {"ελλάδα", 1},
	};

	learn(f->sp,
	      "КУПИТЕ Дёшево КАЗИНО бонус! 免费领取红包，注册 ＢＵＹ Straße "
	      "ΕΛΛΆΔΑ",
	      1);
	for (size_t i = 0; i < NELEM(want); i++)
		token_counts(f->st, want[i].token, want[i].spam, 0);
}

/* Cyrillic and Chinese spam is learnt and caught like English. */
static void
classifier_learns_unicode(void **state)
{
	struct fixture *f = *state;
	static const char *const spam_ru[] = {
		"Лучшее онлайн казино! Бонус за регистрацию, бесплатные "
		"вращения",
		"Казино с бонусом: бесплатные деньги каждый день",
		"ВЫИГРАЙ в казино, бонус без депозита, регистрация сегодня",
	};
	static const char *const spam_zh[] = {
		"免费领取红包，注册即送现金",
		"现金红包免费送，点击注册",
		"注册送现金，红包免费拿",
	};
	static const char *const ham[] = {
		"Спасибо за статью, интервью с мэром очень интересное.",
		"谢谢这篇文章，市长的采访很有意思。",
		"Thanks for the interview with the mayor.",
		"В статье опечатка во втором абзаце.",
		"文章第二段有一个错字。",
		"The second paragraph has a typo.",
	};
	double s;

	for (size_t i = 0; i < NELEM(spam_ru); i++) {
		learn(f->sp, spam_ru[i], 1);
		learn(f->sp, spam_zh[i], 1);
	}
	for (size_t i = 0; i < NELEM(ham); i++)
		learn(f->sp, ham[i], 0);
	totals(f->st, 2 * NELEM(spam_ru), NELEM(ham));
	s = spam_score(f->sp, "КАЗИНО: бесплатный бонус при регистрации");
	if (!(s > 0.9))
		fail_msg("Cyrillic spam scored %f", s);
	s = spam_score(f->sp, "点击领取免费现金红包");
	if (!(s > 0.9))
		fail_msg("Chinese spam scored %f", s);
	s = spam_score(f->sp, "Интересное интервью, спасибо за статью");
	if (!(s < 0.1))
		fail_msg("Cyrillic ham scored %f", s);
	s = spam_score(f->sp, "采访很有意思，谢谢");
	if (!(s < 0.1))
		fail_msg("Chinese ham scored %f", s);
}

static void
tokens_are_capped(void **state)
{
	struct fixture *f = *state;
	size_t n = (LIM_SPAM_TOKENS + 100) * 8;
	char *text = malloc(n + 64), tok[16];
	int64_t s, h;
	struct error e;
	size_t len = 0;

	/* The links come first, so the cap never drops a host. */
	for (int i = 0; len + 16 < n; i++)
		len += (size_t)snprintf(text + len, n + 64 - len, "w%05d ", i);
	snprintf(text + len, n + 64 - len, " http://late.example/");
	learn(f->sp, text, 1);
	free(text);
	token_counts(f->st, "host:late.example", 1, 0);
	token_counts(f->st, "w00000", 1, 0);
	snprintf(tok, sizeof(tok), "w%05d", LIM_SPAM_TOKENS - 2);
	token_counts(f->st, tok, 1, 0);
	snprintf(tok, sizeof(tok), "w%05d", LIM_SPAM_TOKENS - 1);
	token_counts(f->st, tok, 0, 0);
	assert_int_equal(store_spam_totals(f->st, &s, &h, &e), 0);
	assert_int_equal(s, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rate_per_minute_slides, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(rate_per_hour, setup, teardown),
		cmocka_unit_test_setup_teardown(rate_both_full_waits_for_both,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(rate_zero_is_no_limit, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(rate_addresses_apart, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(rate_memory_is_bounded, setup,
	                                        teardown),
		cmocka_unit_test(body_hash_normalises),
		cmocka_unit_test_setup_teardown(duplicates_in_window, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(
			classifier_untrained_says_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(classifier_learns, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(classifier_garbage, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(tokeniser, setup, teardown),
		cmocka_unit_test_setup_teardown(tokeniser_unicode, setup,
	                                        teardown),
		cmocka_unit_test_setup_teardown(classifier_learns_unicode,
	                                        setup, teardown),
		cmocka_unit_test_setup_teardown(tokens_are_capped, setup,
	                                        teardown),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
