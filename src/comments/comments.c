/*
 * The comment pipeline: fields, the post and the parent, refusals
 * (blocked, rate, duplicate), then what holds a comment (honeypot and form
 * timing make it spam; links, held words, the classifier and the hold
 * rule make it pending), then Markdown at save time and one transaction.
 */
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "comments.h"
#include "../core/settings.h"
#include "../util/addr.h"
#include "../auth/auth.h"
#include "spam.h"
#include "../notify/notify.h"
#include "../render/md.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

#define TOKEN_BYTES      16
#define STAMP_MAX_AGE    (7 * 86400) /* a form older than this is spam */
#define DUPLICATE_WINDOW 86400       /* the same body again within a day */
/* Rendered HTML of one comment: reference links can multiply a body many
 * times over, so the cap is generous; past it the comment is refused. */
#define COMMENT_HTML_MAX (64 * (size_t)LIM_COMMENT_BYTES)

const char *const comment_decision_names[DECIDE__MAX] = {"approve", "spam",
                                                         "not-spam", "trash"};

struct comments {
	struct store *st;
	struct spam *spam;
	struct notify *notify;
	struct throttle *guesses; /* wrong post passwords (auth.h) */
	unsigned char form_key[crypto_auth_KEYBYTES];
	unsigned char ip_key[crypto_generichash_KEYBYTES];
};

enum hold { HOLD_NONE, HOLD_FIRST, HOLD_ALL };

struct rules {
	enum hold hold;
	int max_links, rate_minute, rate_hour, min_seconds, max_depth;
	int edit_minutes;
	double threshold;
	const char *held_words, *blocked_words, *blocked_emails, *blocked_ips;
};

struct comments *
comments_new(struct store *st, struct spam *sp, struct notify *n,
             struct error *e)
{
	struct comments *c = xcalloc(1, sizeof(*c));

	c->st = st;
	c->spam = sp;
	c->notify = n;
	c->guesses = throttle_new();
	if (store_secret(st, "form", c->form_key, sizeof(c->form_key), e) ==
	            -1 ||
	    store_secret(st, "ip", c->ip_key, sizeof(c->ip_key), e) == -1) {
		comments_free(c);
		return NULL;
	}
	return c;
}

void
comments_free(struct comments *c)
{
	if (c == NULL)
		return;
	throttle_free(c->guesses);
	sodium_memzero(c, sizeof(*c));
	free(c);
}

/* The rules as the settings hold them now; defaults and ranges are the
 * settings table's (core/settings.c). */
static void
rules_load(struct store *st, struct arena *a, struct rules *r)
{
	const char *hold = settings_str(st, a, "comments_hold");

	r->hold = strcmp(hold, "all") == 0    ? HOLD_ALL
	          : strcmp(hold, "none") == 0 ? HOLD_NONE
	                                      : HOLD_FIRST;
	r->max_links = (int)settings_int(st, a, "comments_max_links");
	r->rate_minute = (int)settings_int(st, a, "comments_rate_minute");
	r->rate_hour = (int)settings_int(st, a, "comments_rate_hour");
	r->min_seconds = (int)settings_int(st, a, "comments_min_seconds");
	r->max_depth = (int)settings_int(st, a, "comments_max_depth");
	r->edit_minutes = (int)settings_int(st, a, "comments_edit_minutes");
	r->threshold = settings_ratio(st, a, "comments_spam_threshold");
	r->held_words = settings_str(st, a, "comments_held_words");
	r->blocked_words = settings_str(st, a, "comments_blocked_words");
	r->blocked_emails = settings_str(st, a, "comments_blocked_emails");
	r->blocked_ips = settings_str(st, a, "comments_blocked_ips");
}

/* strcasestr for a needle of n bytes. */
static int
memmem_case(const char *hay, const char *needle, size_t n)
{
	for (const char *p = hay; *p != '\0'; p++)
		if (strncasecmp(p, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * Does one entry of list (comma or newline separated, trimmed) match s?
 * Words match anywhere in s, case-insensitively; whole entries (emails,
 * addresses) must equal s.
 */
static int
list_match(const char *list, const char *s, int whole)
{
	const char *p = list;

	while (*p != '\0') {
		size_t len = strcspn(p, ",\n");
		const char *w = p;
		size_t wl = len;

		while (wl > 0 && isspace((unsigned char)*w)) {
			w++;
			wl--;
		}
		while (wl > 0 && isspace((unsigned char)w[wl - 1]))
			wl--;
		if (wl > 0) {
			if (whole ? strlen(s) == wl &&
			                    strncasecmp(s, w, wl) == 0
			          : memmem_case(s, w, wl))
				return 1;
		}
		p += len;
		if (*p != '\0')
			p++;
	}
	return 0;
}

static int
count_links(const char *s)
{
	int n = 0;

	for (const char *p = s; *p != '\0'; p++)
		if (strncasecmp(p, "http://", 7) == 0 ||
		    strncasecmp(p, "https://", 8) == 0 ||
		    (strncasecmp(p, "www.", 4) == 0 &&
		     (p == s || !isalnum((unsigned char)p[-1]))))
			n++;
	return n;
}

static int
field(struct error *e, const char *name, const char *v, size_t max,
      int required)
{
	size_t n = v ? strlen(v) : 0;

	if (required && n == 0)
		return error_set(e, ERR_INVALID, "%s: required", name);
	if (n > max)
		return error_set(e, ERR_INVALID, "%s: longer than %zu bytes",
		                 name, max);
	if (n > 0 && !utf8_valid(v, n))
		return error_set(e, ERR_INVALID, "%s: not valid UTF-8", name);
	return 0;
}

static int
check_fields(const struct comment_input *in, struct error *e)
{
	if (field(e, "author", in->author, LIM_AUTHOR_BYTES, 1) == -1 ||
	    field(e, "email", in->email, LIM_EMAIL_BYTES, 0) == -1 ||
	    field(e, "url", in->url, LIM_AUTHOR_URL_BYTES, 0) == -1 ||
	    field(e, "body", in->body, LIM_COMMENT_BYTES, 1) == -1)
		return -1;
	if (in->email != NULL && *in->email != '\0' &&
	    !email_valid(in->email, strlen(in->email)))
		return error_set(e, ERR_INVALID, "email: not an email address");
	if (in->url != NULL && *in->url != '\0' && !url_is_http(in->url))
		return error_set(e, ERR_INVALID,
		                 "url: must start with http:// or https://");
	for (const char *p = in->author; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			return error_set(e, ERR_INVALID,
			                 "author: control characters");
	return 0;
}

/* "TS.MAC": the render time and its MAC, so a form's age can be trusted. */
const char *
comments_form_stamp(struct comments *c, struct arena *a, int64_t now)
{
	/* One HMAC per thread and second, not one per page rendered: the
	 * stamp only says when the form was made, to the second. */
	static _Thread_local struct {
		const struct comments *c;
		int64_t t;
		char stamp[64];
	} last;

	if (last.c != c || last.t != now) {
		const char *st = auth_stamp(a, c->form_key, now);

		if (strlen(st) >= sizeof(last.stamp))
			return st;
		memcpy(last.stamp, st, strlen(st) + 1);
		last.c = c;
		last.t = now;
	}
	return arena_strdup(a, last.stamp);
}

/* The render time of a stamp, or -1 when it is not one of ours. */
static int64_t
stamp_time(struct comments *c, struct arena *a, const char *stamp)
{
	return auth_stamp_time(a, c->form_key, stamp);
}

static void
token_hash(const char *token, unsigned char out[COMMENT_HASH_BYTES])
{
	crypto_generichash(out, COMMENT_HASH_BYTES,
	                   (const unsigned char *)token, strlen(token), NULL,
	                   0);
}

/* The parent a reply attaches to: deeper than max_depth allows, the
 * deepest allowed ancestor instead. */
static int
find_parent(struct comments *c, struct arena *a, const struct rules *r,
            const struct comment_input *in, struct comment *parent,
            struct error *e)
{
	if (store_comment_get(c->st, a, in->parent_id, parent, e) == -1 ||
	    parent->status != COMMENT_APPROVED) {
		if (e->code != ERR_IO)
			error_set(e, ERR_INVALID,
			          "parent_id: no comment %lld to reply to",
			          (long long)in->parent_id);
		return -1;
	}
	if (parent->post_id != in->post_id)
		return error_set(e, ERR_INVALID,
		                 "parent_id: comment %lld is on another post",
		                 (long long)in->parent_id);
	while (parent->depth + 1 >= r->max_depth && parent->parent_id != 0)
		if (store_comment_get(c->st, a, parent->parent_id, parent, e) ==
		    -1)
			return -1;
	return 0;
}

/*
 * The login throttle (auth.h), keyed by post and address and by post
 * alone: guessing from many addresses meets the second.  Its price is the
 * login throttle's: someone who keeps guessing wrong keeps a post's
 * readers waiting too, for at most LIM_LOGIN_MAX_DELAY at a time.
 */
static const char NEEDS_PASSWORD[] = "this post is password protected: enter "
				     "its password on the post's page to "
				     "comment";

int
comments_post_password(struct comments *c, int64_t post_id,
                       const char *password, const char *guess, const char *ip,
                       int *retry_after, struct error *e)
{
	char kp[32], ki[96];
	int64_t now = clock_now(), wait;

	*retry_after = 0;
	if (guess == NULL || *guess == '\0')
		return error_set(e, ERR_FORBIDDEN, "%s", NEEDS_PASSWORD);
	snprintf(kp, sizeof(kp), "post:%lld", (long long)post_id);
	snprintf(ki, sizeof(ki), "post:%lld:%s", (long long)post_id,
	         ip ? ip : "");
	wait = throttle_wait(c->guesses, ki, now);
	if (wait == 0)
		wait = throttle_wait(c->guesses, kp, now);
	if (wait > 0) {
		*retry_after = (int)wait;
		return error_set(e, ERR_RATE_LIMITED,
		                 "too many wrong passwords for this post; try "
		                 "again in %d seconds",
		                 *retry_after);
	}
	if (!auth_post_password_match(password, guess)) {
		throttle_fail(c->guesses, ki, LIM_POST_PASSWORD_FREE, now);
		throttle_fail(c->guesses, kp, LIM_POST_PASSWORD_FREE_POST, now);
		return error_set(e, ERR_FORBIDDEN, "%s", NEEDS_PASSWORD);
	}
	throttle_forget(c->guesses, ki);
	throttle_forget(c->guesses, kp);
	return 0;
}

/*
 * A password-protected post takes comments only from a reader who gives
 * its password, as WordPress refuses them while post_password_required()
 * ("comment_on_password_protected"): its comments are as hidden as its
 * body, and a comment on it would be a reply to what one cannot read.
 */
static int
check_post_password(struct comments *c, struct arena *a,
                    const struct comment_input *in, int *retry_after,
                    struct error *e)
{
	const char *password, *html;

	if (store_post_protected(c->st, a, in->post_id, &password, &html, e) ==
	    -1)
		return -1;
	if (*password == '\0')
		return 0;
	return comments_post_password(c, in->post_id, password,
	                              in->post_password, in->ip, retry_after,
	                              e);
}

int
comments_submit(struct comments *c, struct arena *a,
                const struct comment_input *in, struct comment_result *out,
                struct error *e)
{
	struct rules r;
	struct comment cm, parent;
	struct buf html;
	unsigned char raw[TOKEN_BYTES];
	char token[2 * TOKEN_BYTES + 1];
	int64_t now = clock_now(), n;
	const char *email = in->email ? in->email : "";
	const char *ip = in->ip ? in->ip : "";
	int dup;

	memset(out, 0, sizeof(*out));
	out->reason = "";
	memset(&cm, 0, sizeof(cm));
	rules_load(c->st, a, &r);
	if (check_fields(in, e) == -1)
		return -1;
	if (store_post_head(c->st, a, in->post_id, &out->post, e) == -1 ||
	    out->post.status != POST_PUBLISHED || out->post.published_at > now)
		return error_set(e, ERR_NOT_FOUND, "post_id: no post %lld",
		                 (long long)in->post_id);
	if (!out->post.comments_open)
		return error_set(e, ERR_FORBIDDEN,
		                 "comments are closed on this post");
	/* The rate limit before the password: a comment with a wrong one
	 * counts, so the form and the API are no faster a way to guess it
	 * than the post's page. */
	if (spam_rate_check(c->spam, ip, r.rate_minute, r.rate_hour, now,
	                    &out->retry_after, e) == -1)
		return -1;
	if (out->post.protected_ &&
	    check_post_password(c, a, in, &out->retry_after, e) == -1)
		return -1;
	if (in->parent_id != 0 && find_parent(c, a, &r, in, &parent, e) == -1)
		return -1;
	if (list_match(r.blocked_ips, ip, 1) ||
	    (*email && list_match(r.blocked_emails, email, 1)) ||
	    list_match(r.blocked_words, in->body, 0) ||
	    list_match(r.blocked_words, in->author, 0))
		return error_set(e, ERR_FORBIDDEN,
		                 "this comment cannot be accepted");
	spam_body_hash(in->body, cm.body_hash);
	cm.has_body_hash = 1;
	dup = spam_is_duplicate(c->spam, in->post_id, email, cm.body_hash, now,
	                        DUPLICATE_WINDOW, e);
	if (dup == -1)
		return -1;
	if (dup)
		return error_set(
			e, ERR_CONFLICT,
			"duplicate comment: it looks as though you have "
			"already said that");

	/* What holds it: the first reason found is the one recorded. */
	cm.status = COMMENT_APPROVED;
	cm.spam_score = spam_score(c->spam, in->body);
	if (in->honeypot != NULL && *in->honeypot != '\0') {
		cm.status = COMMENT_SPAM;
		out->reason = "honeypot";
	} else if (in->form_stamp != NULL) {
		int64_t t = stamp_time(c, a, in->form_stamp);

		if (t < 0 || now - t > STAMP_MAX_AGE) {
			cm.status = COMMENT_SPAM;
			out->reason = "form stamp";
		} else if (now - t < r.min_seconds) {
			cm.status = COMMENT_SPAM;
			out->reason = "sent too fast";
		}
	}
	if (cm.status == COMMENT_APPROVED) {
		if (count_links(in->body) > r.max_links)
			out->reason = "too many links";
		else if (list_match(r.held_words, in->body, 0) ||
		         list_match(r.held_words, in->author, 0))
			out->reason = "held word";
		else if (cm.spam_score >= r.threshold)
			out->reason = "likely spam";
		else if (r.hold == HOLD_ALL)
			out->reason = "every comment is held";
		else if (r.hold == HOLD_FIRST) {
			if (*email == '\0' ||
			    store_comment_approved_by(c->st, email, &n, e) ==
			            -1 ||
			    n == 0)
				out->reason = "first comment";
		}
		if (*out->reason != '\0')
			cm.status = COMMENT_PENDING;
	}

	buf_init(&html, COMMENT_HTML_MAX);
	if (md_render(in->body, strlen(in->body), MD_UGC, &html, e) == -1) {
		buf_release(&html);
		return -1;
	}
	cm.body_html = arena_strndup(a, buf_str(&html), html.len);
	buf_release(&html);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, sizeof(token), raw, sizeof(raw));
	token_hash(token, cm.token_hash);
	cm.has_token = 1;
	crypto_generichash(cm.ip_hash, sizeof(cm.ip_hash),
	                   (const unsigned char *)ip, strlen(ip), c->ip_key,
	                   sizeof(c->ip_key));
	cm.has_ip_hash = 1;
	cm.post_id = in->post_id;
	if (in->parent_id != 0) {
		cm.parent_id = parent.id;
		cm.thread_id = parent.thread_id;
		cm.depth = parent.depth + 1;
	}
	cm.author_name = in->author;
	cm.author_email = email;
	cm.author_url = in->url ? in->url : "";
	cm.body_src = in->body;
	cm.created_at = now;
	cm.notify = in->notify && *email != '\0';
	if (store_comment_add(c->st, &cm, &out->id, e) == -1)
		return -1;
	out->status = cm.status;
	out->token = arena_strdup(a, token);
	if (cm.status == COMMENT_APPROVED && cm.parent_id != 0 &&
	    c->notify != NULL && notify_reply(c->notify, out->id, e) == -1)
		log_error("notify: comment %lld: %s", (long long)out->id,
		          e->msg);
	return 0;
}

int
comments_decide(struct comments *c, int64_t id, enum comment_decision d,
                const char *actor, struct error *e)
{
	static const enum comment_status to[DECIDE__MAX] = {COMMENT_APPROVED,
	                                                    COMMENT_SPAM,
	                                                    COMMENT_APPROVED,
	                                                    COMMENT_TRASH};
	struct arena *a = arena_new();
	struct comment cm;
	enum comment_status old;
	int rc = -1;

	if (store_comment_get(c->st, a, id, &cm, e) == -1 ||
	    store_comment_set_status(c->st, id, to[d], &old, e) == -1 ||
	    store_comment_decision_add(c->st, id, comment_decision_names[d],
	                               actor, clock_now(), e) == -1)
		goto out;
	/*
	 * The classifier learns from a change only (a decision repeated
	 * teaches nothing twice): spam as spam, and a held or spam comment
	 * approved (or "not spam") as ham, so a site whose moderators only
	 * ever approve still trains it.
	 */
	if (old != to[d] &&
	    (d == DECIDE_SPAM ||
	     (to[d] == COMMENT_APPROVED && old != COMMENT_TRASH)) &&
	    spam_learn(c->spam, cm.body_src, d == DECIDE_SPAM, e) == -1)
		log_error("classifier: comment %lld: %s", (long long)id,
		          e->msg);
	if (to[d] == COMMENT_APPROVED && old != COMMENT_APPROVED &&
	    cm.parent_id != 0 && c->notify != NULL &&
	    notify_reply(c->notify, id, e) == -1)
		log_error("notify: comment %lld: %s", (long long)id, e->msg);
	rc = 0;
out:
	arena_free(a);
	return rc;
}

int
comments_get_own(struct comments *c, struct arena *a, int64_t id,
                 const char *token, struct comment *out, struct error *e)
{
	unsigned char h[COMMENT_HASH_BYTES];

	if (token == NULL || strlen(token) != 2 * TOKEN_BYTES)
		return error_set(e, ERR_NOT_FOUND, "no such comment");
	token_hash(token, h);
	if (store_comment_get(c->st, a, id, out, e) == -1 || !out->has_token ||
	    sodium_memcmp(h, out->token_hash, sizeof(h)) != 0 ||
	    out->status == COMMENT_TRASH)
		return error_set(e, ERR_NOT_FOUND, "no such comment");
	return 0;
}

int
comments_change_own(struct comments *c, struct arena *a, int64_t id,
                    const char *token, const char *body, struct error *e)
{
	struct rules r;
	struct comment cm;
	struct buf html;
	unsigned char hash[COMMENT_HASH_BYTES];
	enum comment_status old;
	int rc;

	rules_load(c->st, a, &r);
	if (comments_get_own(c, a, id, token, &cm, e) == -1)
		return -1;
	if (clock_now() - cm.created_at > (int64_t)r.edit_minutes * 60)
		return error_set(
			e, ERR_FORBIDDEN,
			"the %d minutes to change this comment are over",
			r.edit_minutes);
	if (cm.reply_count > 0)
		return error_set(e, ERR_FORBIDDEN,
		                 "someone has replied: this comment can no "
		                 "longer be changed");
	if (body == NULL)
		return store_comment_set_status(c->st, id, COMMENT_TRASH, &old,
		                                e);
	if (field(e, "body", body, LIM_COMMENT_BYTES, 1) == -1)
		return -1;
	buf_init(&html, COMMENT_HTML_MAX);
	rc = md_render(body, strlen(body), MD_UGC, &html, e);
	spam_body_hash(body, hash);
	if (rc == 0)
		rc = store_comment_edit(c->st, id, body, buf_str(&html), hash,
		                        clock_now(), e);
	buf_release(&html);
	return rc;
}

int
comments_max_depth(struct comments *c, struct arena *a)
{
	return (int)settings_int(c->st, a, "comments_max_depth");
}

int
submissions_submit(struct comments *c, struct arena *a,
                   const struct submission_input *in, int64_t *id,
                   struct error *e)
{
	struct rules r;
	struct post p = {0};
	struct buf html;
	int64_t now = clock_now(), t;
	const char *ip = in->ip ? in->ip : "";
	int retry, spam = 0;
	const char *src = in->source ? in->source : "";

	rules_load(c->st, a, &r);
	if (field(e, "name", in->name, LIM_AUTHOR_BYTES, 1) == -1 ||
	    field(e, "email", in->email, LIM_EMAIL_BYTES, 1) == -1 ||
	    field(e, "title", in->title, LIM_TITLE_BYTES, 1) == -1 ||
	    field(e, "body", in->body, LIM_POST_SRC_BYTES, 1) == -1 ||
	    field(e, "source", src, LIM_URL_FIELD_BYTES, 0) == -1)
		return -1;
	if (!email_valid(in->email, strlen(in->email)))
		return error_set(e, ERR_INVALID, "email: not an email address");
	if (*src != '\0' && !url_is_http(src))
		return error_set(e, ERR_INVALID,
		                 "source: must start with http:// or https://");
	if (list_match(r.blocked_ips, ip, 1) ||
	    list_match(r.blocked_emails, in->email, 1) ||
	    list_match(r.blocked_words, in->body, 0) ||
	    list_match(r.blocked_words, in->title, 0))
		return error_set(e, ERR_FORBIDDEN,
		                 "this submission cannot be accepted");
	if (spam_rate_check(c->spam, ip, r.rate_minute, r.rate_hour, now,
	                    &retry, e) == -1)
		return -1;
	if (in->honeypot != NULL && *in->honeypot != '\0')
		spam = 1;
	else if (in->form_stamp != NULL) {
		t = stamp_time(c, a, in->form_stamp);
		spam = t < 0 || now - t > STAMP_MAX_AGE ||
		       now - t < r.min_seconds;
	}
	buf_init(&html, 4 * (size_t)LIM_POST_SRC_BYTES);
	if (md_render(in->body, strlen(in->body), 0, &html, e) == -1) {
		buf_release(&html);
		return -1;
	}
	p.type = POST_POST;
	p.status = spam ? POST_TRASH : POST_PENDING;
	p.title = in->title;
	p.body_src = in->body;
	p.body_html = arena_strndup(a, buf_str(&html), html.len);
	buf_release(&html);
	p.body_format = "markdown";
	p.source_url = src;
	p.published_at = now;
	p.updated_at = now;
	p.comments_open = 1;
	p.submitter_name = in->name;
	p.submitter_email = in->email;
	/* Slugs are unique per type: a pending title may repeat one. */
	p.slug = slug_from_title(a, in->title);
	if (*p.slug == '\0')
		p.slug = "submission";
	for (int i = 2;; i++) {
		if (store_post_add(c->st, &p, id, e) == 0)
			return 0;
		if (e->code != ERR_CONFLICT || i > 100)
			return -1;
		p.slug = arena_printf(a, "%s-%d", slug_from_title(a, in->title),
		                      i);
	}
}

int
submissions_decide(struct comments *c, int64_t id, int accept, struct error *e)
{
	struct arena *a = arena_new();
	struct post p;
	int rc = -1;

	if (store_post_get(c->st, a, id, &p, e) == -1)
		goto out;
	if (p.status != POST_PENDING) {
		error_set(e, ERR_CONFLICT,
		          "post %lld is not waiting for review", (long long)id);
		goto out;
	}
	rc = store_post_set_status(c->st, id, accept ? POST_DRAFT : POST_TRASH,
	                           clock_now(), e);
out:
	arena_free(a);
	return rc;
}
