/*
 * Reply notifications: which approved replies are worth a message
 * (notify_reply), the sender thread that delivers the outbox over SMTP with
 * libcurl, the message format, and the unsubscribe token.
 *
 * The outbox table is the queue.  A message survives a restart, and a
 * process that runs no sender (the CLI approving a comment beside the
 * server) can still queue one for the server's thread to deliver.
 */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "notify.h"
#include "../util/addr.h"
#include "../util/alloc.h"
#include "../util/buf.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../store/comments.h"
#include "../store/notify.h"
#include "../store/posts.h"
#include "../util/metrics.h"
#include "../util/banned.h"

/* How often the sender looks at the outbox when nobody wakes it. */
#define NOTIFY_TICK_SECONDS 1
/* Messages read from the outbox at once, and batches per tick. */
#define NOTIFY_BATCH   16
#define NOTIFY_BATCHES 8
/*
 * Back-off after a failed delivery: NOTIFY_RETRY_SECONDS (or the setting
 * smtp_retry_seconds), doubled after every further failure, at most
 * NOTIFY_RETRY_MAX_SECONDS; LIM_MAIL_ATTEMPTS failures in all (about 8.5
 * hours at the default) and the message stays in the outbox unsent, with
 * its last error.
 */
#define NOTIFY_RETRY_SECONDS     30
#define NOTIFY_RETRY_MAX_SECONDS (6 * 3600)
/* Text in one RFC 2047 encoded-word: 36 bytes are 48 of base64, so a
 * word is 60 characters, under the 75 of section 2, and "Subject: " and
 * a word fit in 78 (RFC 5322 section 2.1.1). */
#define WORD_BYTES 36
/* Quoted-printable lines: at most 76 characters with the soft break's
 * '=' (RFC 2045 section 6.7, rule 5). */
#define QP_LINE 76
/* Plain ASCII that fits on the header's line goes as it is (78 less
 * "Subject: "), a longer display name as encoded-words. */
#define SUBJECT_PLAIN   69
#define FROM_NAME_PLAIN 64

struct notify {
	struct store *st;
	char *site_url;
	unsigned char key[crypto_auth_KEYBYTES];
	pthread_mutex_t lock; /* stop, kick */
	pthread_cond_t cond;
	int stop, kick, running;
	atomic_int stopping; /* read by curl's progress callback */
	pthread_t thread;
	int failing; /* the outbox could not be read: logged once */
};

/* What the settings say about SMTP; configured when url and from are set. */
struct smtp_conf {
	int configured;
	const char *url, *from, *user, *password, *site_title;
	const char *from_name, *from_addr; /* from, taken apart */
	int64_t retry_seconds;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

/*
 * curl_global_init is not thread-safe and must run once per process; the
 * server's main() is not ours to change, so the first notify_start() does
 * it.  curl_global_cleanup is never called: the process ends instead.
 */
static void
curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- text ------------------------------------------------------------- */

/*
 * s as valid UTF-8 without control characters: bad bytes become U+FFFD,
 * CR LF and lone CR become LF, and other C0 controls and DEL are dropped;
 * when oneline is set, line ends and tabs become spaces as well.
 */
static char *
clean_text(struct arena *a, const char *s, int oneline)
{
	size_t n = strlen(s), i = 0, len = 0;
	char *out = arena_alloc(a, 3 * n + 1);

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t ok;

		if (c >= 0x80) {
			/* A window of one character's most bytes keeps
			 * this linear. */
			ok = utf8_valid_len(s + i, n - i < 4 ? n - i : 4);
			if (ok == 0) {
				memcpy(out + len, "\xEF\xBF\xBD", 3);
				len += 3;
				i++;
				continue;
			}
			/* Copy the valid run up to the next ASCII byte. */
			while (ok > 0 && (unsigned char)s[i] >= 0x80) {
				out[len++] = s[i++];
				ok--;
			}
			continue;
		}
		i++;
		if (c == '\r') {
			if (i < n && s[i] == '\n')
				i++;
			c = '\n';
		}
		if (c == '\n' || c == '\t') {
			out[len++] = oneline ? ' ' : (char)c;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		out[len++] = (char)c;
	}
	out[len] = '\0';
	return out;
}

/* smtp_from is "addr" or "Name <addr>" (the name may be quoted). */
static int
from_parse(struct arena *a, const char *from, const char **name,
           const char **addr)
{
	const char *lt = strrchr(from, '<'), *gt, *end;

	*name = "";
	while (*from == ' ' || *from == '\t')
		from++;
	if (lt == NULL) {
		end = from + strlen(from);
		while (end > from && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		*addr = arena_strndup(a, from, (size_t)(end - from));
		return email_valid(*addr, strlen(*addr)) ? 0 : -1;
	}
	gt = strchr(lt, '>');
	if (gt == NULL || gt[strspn(gt + 1, " \t") + 1] != '\0')
		return -1;
	*addr = arena_strndup(a, lt + 1, (size_t)(gt - lt - 1));
	end = lt;
	while (end > from && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - from >= 2 && from[0] == '"' && end[-1] == '"') {
		from++;
		end--;
	}
	*name = clean_text(a, arena_strndup(a, from, (size_t)(end - from)), 1);
	return email_valid(*addr, strlen(*addr)) ? 0 : -1;
}

/* 1 when s can go into a header field as it is (room characters left on
 * its line): printable ASCII, and no "=?" a reader would decode. */
static int
header_plain(const char *s, size_t room)
{
	if (strlen(s) > room || strstr(s, "=?") != NULL)
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	return 1;
}

/* s (valid UTF-8) as RFC 2047 "B" encoded-words, each on its own folded
 * line after the first, split on character boundaries. */
static int
put_words(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	char b64[sodium_base64_ENCODED_LEN(WORD_BYTES,
	                                   sodium_base64_VARIANT_ORIGINAL)];
	int first = 1;

	while (n > 0) {
		size_t k = utf8_cut(s, n, WORD_BYTES);

		if (k == 0)
			k = n < WORD_BYTES ? n : WORD_BYTES;
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)s, k,
		                  sodium_base64_VARIANT_ORIGINAL);
		if (buf_printf(b, "%s=?UTF-8?B?%s?=", first ? " " : "\r\n ",
		               b64) == -1)
			return -1;
		first = 0;
		s += k;
		n -= k;
	}
	return 0;
}

/*
 * The body (LF line ends) as quoted-printable with CRLF line ends (RFC
 * 2045 section 6.7): long lines get soft breaks, so no line passes SMTP's
 * 998 (RFC 5321 section 4.5.3.1.6), and a '.' that starts a line is
 * encoded, so dot-stuffing never touches the text.
 */
static int
put_qp(struct buf *b, const char *s)
{
	size_t col = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		int lit;

		if (c == '\n') {
			if (buf_puts(b, "\r\n") == -1)
				return -1;
			col = 0;
			continue;
		}
		/* Rule 3: a space or tab that ends a line is encoded. */
		lit = (c >= 33 && c <= 126 && c != '=') ||
		      ((c == ' ' || c == '\t') && s[1] != '\n' && s[1] != '\0');
		if (col + (lit ? 1 : 3) > QP_LINE - 1) {
			if (buf_puts(b, "=\r\n") == -1)
				return -1;
			col = 0;
		}
		if (c == '.' && col == 0)
			lit = 0;
		if ((lit ? buf_putc(b, (char)c) : buf_printf(b, "=%02X", c)) ==
		    -1)
			return -1;
		col += lit ? 1 : 3;
	}
	return 0;
}

/* ---- settings --------------------------------------------------------- */

static int
smtp_conf_read(struct store *st, struct arena *a, struct smtp_conf *c,
               struct error *e)
{
	const char *retry;

	memset(c, 0, sizeof(*c));
	if (store_setting_get(st, a, "smtp_url", &c->url, e) == -1 ||
	    store_setting_get(st, a, "smtp_from", &c->from, e) == -1 ||
	    store_setting_get(st, a, "smtp_user", &c->user, e) == -1 ||
	    store_setting_get(st, a, "smtp_password", &c->password, e) == -1 ||
	    store_setting_get(st, a, "title", &c->site_title, e) == -1 ||
	    store_setting_get(st, a, "smtp_retry_seconds", &retry, e) == -1)
		return -1;
	if (c->site_title == NULL || *c->site_title == '\0')
		c->site_title = "gazette"; /* as site_new() says */
	c->site_title = clean_text(a, c->site_title, 1);
	c->retry_seconds = NOTIFY_RETRY_SECONDS;
	if (retry != NULL && num_parse(retry, 1, NOTIFY_RETRY_MAX_SECONDS,
	                               &c->retry_seconds) == -1) {
		log_error("notify: smtp_retry_seconds '%s' is not 1 to %d; "
		          "using %d",
		          retry, NOTIFY_RETRY_MAX_SECONDS,
		          NOTIFY_RETRY_SECONDS);
		c->retry_seconds = NOTIFY_RETRY_SECONDS;
	}
	c->configured = c->url != NULL && *c->url != '\0' && c->from != NULL &&
	                *c->from != '\0';
	if (c->user != NULL && *c->user == '\0')
		c->user = NULL;
	if (c->password != NULL && *c->password == '\0')
		c->password = NULL;
	return 0;
}

/* ---- queueing --------------------------------------------------------- */

/*
 * A reply is worth a message when it is approved, answers an approved
 * comment on a published item whose author asked for replies and left an
 * address, and that address is not the reply's own (ASCII case aside: one
 * never hears about answering oneself).
 */
static int
wanted(const struct reply_notice *r)
{
	return r->status == COMMENT_APPROVED && r->parent_id != 0 &&
	       r->parent_status == COMMENT_APPROVED && r->parent_notify &&
	       *r->parent_email != '\0' &&
	       strcasecmp(r->parent_email, r->author_email) != 0 &&
	       r->post.status == POST_PUBLISHED;
}

static void
wake(struct notify *n)
{
	pthread_mutex_lock(&n->lock);
	n->kick = 1;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
}

/* The message about reply r, in m (strings in a). */
static int
compose(struct notify *n, struct arena *a, const struct smtp_conf *c,
        const struct reply_notice *r, struct outbox_msg *m, struct error *e)
{
	const char *title = clean_text(a, r->post.title, 1);
	const char *author = clean_text(a, r->author_name, 1);
	const char *text = clean_text(a, r->body_src, 0);
	size_t len = strlen(text), cut;
	struct buf b;

	if (*author == '\0')
		author = "Someone";
	cut = utf8_cut(text, len, LIM_MAIL_EXCERPT_BYTES);
	while (cut > 0 && text[cut - 1] == '\n')
		cut--;
	memset(m, 0, sizeof(*m));
	m->to_addr = r->parent_email;
	m->subject =
		arena_printf(a, "New reply to your comment on %s \u2013 %s",
	                     title, c->site_title);
	m->unsubscribe_url =
		arena_printf(a, "%s%s", n->site_url,
	                     notify_unsubscribe_path(n, a, r->parent_id));
	buf_init(&b, LIM_MAIL_BYTES);
	if (buf_printf(&b, "%s replied to your comment on \"%s\":\n\n", author,
	               title) == -1 ||
	    buf_add(&b, text, cut) == -1 ||
	    buf_puts(&b, cut < len ? "\n[\u2026]\n\n" : "\n\n") == -1 ||
	    buf_printf(&b, "Read the reply:\n%s%s#comment-%lld\n\n",
	               n->site_url, post_path(a, &r->post),
	               (long long)r->reply_id) == -1 ||
	    buf_printf(&b,
	               "-- \nYou get this email because you asked %s to tell "
	               "you about replies to your comment.\nTo get no more "
	               "of them, open this link:\n%s\n",
	               c->site_title, m->unsubscribe_url) == -1) {
		buf_release(&b);
		return error_set(e, ERR_TOO_BIG,
		                 "mail about reply %lld is over %d bytes",
		                 (long long)r->reply_id, LIM_MAIL_BYTES);
	}
	m->body = arena_strndup(a, buf_str(&b), b.len);
	buf_release(&b);
	return 0;
}

int
notify_reply(struct notify *n, int64_t reply_id, struct error *e)
{
	struct arena *a = arena_new();
	struct reply_notice r;
	struct smtp_conf c;
	struct outbox_msg m;
	int added, rc = -1;

	if (store_reply_notice(n->st, a, reply_id, &r, e) == -1 ||
	    smtp_conf_read(n->st, a, &c, e) == -1)
		goto out;
	rc = 0;
	if (!wanted(&r) || !c.configured)
		goto out;
	if (!email_valid(r.parent_email, strlen(r.parent_email))) {
		log_info("notify: comment %lld has an address mail cannot go "
		         "to; no message about reply %lld",
		         (long long)r.parent_id, (long long)reply_id);
		goto out;
	}
	if (compose(n, a, &c, &r, &m, e) == -1 ||
	    store_outbox_add(n->st, reply_id, &m, clock_now(), &added, e) == -1)
		rc = -1;
	else if (added)
		wake(n);
out:
	arena_free(a);
	return rc;
}

/* ---- sending ---------------------------------------------------------- */

/*
 * The message as RFC 5322 text.  The Message-ID is the outbox row's, so a
 * retry after a delivery that did arrive (the reply to DATA lost) carries
 * the same one and receivers can drop the copy.
 */
static int
message_text(struct buf *b, const struct smtp_conf *c,
             const struct outbox_msg *m, int64_t now)
{
	char date[64];
	const char *name = *c->from_name ? c->from_name : c->site_title;
	const char *domain = strchr(c->from_addr, '@') + 1;

	/* RFC 5322 section 3.3; strftime's names are the C locale's. */
	time_format(now, "%a, %d %b %Y %H:%M:%S +0000", date, sizeof(date));
	if (buf_printf(b, "Date: %s\r\nFrom:", date) == -1)
		return -1;
	if (header_plain(name, FROM_NAME_PLAIN)) {
		if (buf_puts(b, " \"") == -1)
			return -1;
		for (const char *p = name; *p != '\0'; p++) {
			if ((*p == '"' || *p == '\\') &&
			    buf_putc(b, '\\') == -1)
				return -1;
			if (buf_putc(b, *p) == -1)
				return -1;
		}
		if (buf_putc(b, '"') == -1)
			return -1;
	} else if (put_words(b, name) == -1)
		return -1;
	if (buf_printf(b, " <%s>\r\nTo: <%s>\r\nSubject:", c->from_addr,
	               m->to_addr) == -1)
		return -1;
	if (header_plain(m->subject, SUBJECT_PLAIN)) {
		if (buf_printf(b, " %s", m->subject) == -1)
			return -1;
	} else if (put_words(b, m->subject) == -1)
		return -1;
	if (buf_printf(b,
	               "\r\nMessage-ID: <gazette.%lld.%lld@%s>\r\n"
	               "MIME-Version: 1.0\r\n"
	               "Content-Type: text/plain; charset=utf-8\r\n"
	               "Content-Transfer-Encoding: quoted-printable\r\n"
	               "Auto-Submitted: auto-generated\r\n",
	               (long long)m->id, (long long)m->created_at,
	               domain) == -1)
		return -1;
	/* RFC 2369 and RFC 8058 one-click unsubscribing. */
	if (*m->unsubscribe_url != '\0' &&
	    buf_printf(b,
	               "List-Unsubscribe: <%s>\r\n"
	               "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
	               m->unsubscribe_url) == -1)
		return -1;
	if (buf_puts(b, "\r\n") == -1 || put_qp(b, m->body) == -1)
		return -1;
	return 0;
}

struct upload {
	const char *p;
	size_t left;
};

static size_t
upload_read(char *out, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nmemb;

	if (n > u->left)
		n = u->left;
	memcpy(out, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* Ends a delivery in flight when the server shuts down. */
static int
upload_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow,
                curl_off_t ultotal, curl_off_t ulnow)
{
	struct notify *n = arg;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return atomic_load(&n->stopping) ? 1 : 0;
}

enum delivery { SENT, FAILED, REFUSED, STOPPED };

/*
 * One message over h (kept between messages, so they share a
 * connection).  REFUSED: the server answered 5xx, a permanent failure
 * (RFC 5321 section 4.2.1) not worth retrying; why in e.
 */
static enum delivery
deliver(struct notify *n, CURL *h, const struct smtp_conf *c,
        const struct outbox_msg *m, struct error *e)
{
	struct buf text;
	struct upload up;
	struct curl_slist *rcpt = NULL;
	char errbuf[CURL_ERROR_SIZE], path[LIM_EMAIL_BYTES + 3];
	enum delivery rc = FAILED;
	CURLcode cc;
	long code = 0;

	buf_init(&text, LIM_MAIL_BYTES);
	if (!email_valid(m->to_addr, strlen(m->to_addr))) {
		error_set(e, ERR_INVALID, "bad recipient address");
		rc = REFUSED;
		goto out;
	}
	if (message_text(&text, c, m, clock_now()) == -1) {
		error_set(e, ERR_TOO_BIG, "message over %d bytes",
		          LIM_MAIL_BYTES);
		rc = REFUSED;
		goto out;
	}
	snprintf(path, sizeof(path), "<%s>", m->to_addr);
	rcpt = curl_slist_append(NULL, path);
	if (rcpt == NULL) {
		error_set(e, ERR_IO, "out of memory");
		goto out;
	}
	up.p = buf_str(&text);
	up.left = text.len;
	errbuf[0] = '\0';
	snprintf(path, sizeof(path), "<%s>", c->from_addr);
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, path);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)text.len);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)LIM_MAIL_SECONDS);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, upload_progress);
	curl_easy_setopt(h, CURLOPT_XFERINFODATA, n);
	/*
	 * STARTTLS when the server offers it; with a password, only over
	 * TLS (smtps:// or STARTTLS), so it never crosses the network in
	 * the clear.
	 */
	curl_easy_setopt(h, CURLOPT_USE_SSL,
	                 c->user != NULL ? (long)CURLUSESSL_ALL
	                                 : (long)CURLUSESSL_TRY);
	if (c->user != NULL)
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
	if (c->password != NULL)
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
	cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL); /* errbuf ends here */
	if (cc == CURLE_OK)
		rc = SENT;
	else if (cc == CURLE_ABORTED_BY_CALLBACK)
		rc = STOPPED;
	else {
		rc = code >= 500 && code < 600 ? REFUSED : FAILED;
		error_set(e, ERR_IO, "%s",
		          *errbuf ? errbuf : curl_easy_strerror(cc));
	}
out:
	curl_slist_free_all(rcpt);
	buf_release(&text);
	return rc;
}

static int64_t
backoff(const struct smtp_conf *c, int failures)
{
	int64_t d = c->retry_seconds;

	for (int i = 1; i < failures && d < NOTIFY_RETRY_MAX_SECONDS; i++)
		d *= 2;
	return d < NOTIFY_RETRY_MAX_SECONDS ? d : NOTIFY_RETRY_MAX_SECONDS;
}

/* Record how m's delivery went; -1 when the outbox could not be told. */
static int
record(struct notify *n, const struct smtp_conf *c, const struct outbox_msg *m,
       enum delivery d, const char *why)
{
	struct error e;
	int tries = m->attempts + 1;
	int64_t now = clock_now();

	metrics_add(d == SENT ? METRIC_MAIL_SENT : METRIC_MAIL_FAILED, 1);
	if (d == SENT) {
		if (store_outbox_sent(n->st, m->id, now, &e) == 0)
			return 0;
	} else {
		if (d == REFUSED)
			tries = LIM_MAIL_ATTEMPTS;
		if (tries >= LIM_MAIL_ATTEMPTS)
			log_error("notify: giving up on mail %lld after %d "
			          "attempts: %s",
			          (long long)m->id, tries, why);
		else
			log_error("notify: mail %lld failed (attempt %d of "
			          "%d, next in %llds): %s",
			          (long long)m->id, tries, LIM_MAIL_ATTEMPTS,
			          (long long)backoff(c, tries), why);
		if (store_outbox_failed(n->st, m->id, tries, why,
		                        now + backoff(c, tries), &e) == 0)
			return 0;
	}
	log_error("notify: mail %lld: %s", (long long)m->id, e.msg);
	return -1;
}

/* Deliver what is due; messages wait while SMTP is not configured. */
static void
send_due(struct notify *n)
{
	struct arena *a = arena_new();
	struct smtp_conf c;
	struct outbox_msg *msgs;
	struct error e;
	CURL *h = NULL;
	size_t k;

	for (int batch = 0; batch < NOTIFY_BATCHES; batch++) {
		arena_reset(a);
		if (store_outbox_due(n->st, a, clock_now(), LIM_MAIL_ATTEMPTS,
		                     NOTIFY_BATCH, &msgs, &k, &e) == -1 ||
		    (k > 0 && smtp_conf_read(n->st, a, &c, &e) == -1)) {
			if (!n->failing)
				log_error("notify: cannot read the outbox: %s",
				          e.msg);
			n->failing = 1;
			break;
		}
		n->failing = 0;
		if (k == 0 || !c.configured)
			break;
		if (from_parse(a, c.from, &c.from_name, &c.from_addr) == -1) {
			/* Retried like a failed delivery: the setting may be
			 * fixed before the message runs out of attempts. */
			for (size_t i = 0; i < k; i++)
				if (record(n, &c, &msgs[i], FAILED,
				           "smtp_from is not an address") == -1)
					break;
			break;
		}
		if (h == NULL)
			h = curl_easy_init();
		if (h == NULL) {
			log_error("notify: cannot start libcurl");
			break;
		}
		for (size_t i = 0; i < k; i++) {
			enum delivery d;

			error_clear(&e);
			if (atomic_load(&n->stopping))
				goto out;
			d = deliver(n, h, &c, &msgs[i], &e);
			if (d == STOPPED)
				goto out;
			if (record(n, &c, &msgs[i], d, e.msg) == -1)
				goto out; /* or the same rows come back */
		}
		if (k < NOTIFY_BATCH)
			break;
	}
out:
	if (h != NULL)
		curl_easy_cleanup(h);
	arena_free(a);
}

static void *
sender_main(void *arg)
{
	struct notify *n = arg;
	struct timespec until;

	pthread_mutex_lock(&n->lock);
	while (!n->stop) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += NOTIFY_TICK_SECONDS;
		while (!n->stop && !n->kick &&
		       pthread_cond_timedwait(&n->cond, &n->lock, &until) !=
		               ETIMEDOUT)
			;
		if (n->stop)
			break;
		n->kick = 0;
		pthread_mutex_unlock(&n->lock);
		/* One node sends (issue 18): a mail queued on another
		 * waits for this node's next tick, a second at most. */
		if (store_job_mine(n->st, STORE_JOB_OUTBOX))
			send_due(n);
		pthread_mutex_lock(&n->lock);
	}
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

/* ---- lifecycle -------------------------------------------------------- */

struct notify *
notify_new(struct store *st, const char *site_url, struct error *e)
{
	struct notify *n = xcalloc(1, sizeof(*n));
	size_t len = strlen(site_url);
	pthread_condattr_t ca;

	n->st = st;
	while (len > 0 && site_url[len - 1] == '/')
		len--;
	n->site_url = xstrdup(site_url);
	n->site_url[len] = '\0';
	pthread_mutex_init(&n->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&n->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (store_secret(st, "unsubscribe", n->key, sizeof(n->key), e) == -1) {
		notify_free(n);
		return NULL;
	}
	return n;
}

int
notify_start(struct notify *n, struct error *e)
{
	int err;

	if (n->running)
		return 0;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return error_set(e, ERR_IO, "cannot start libcurl: %s",
		                 curl_easy_strerror(curl_init_rc));
	err = pthread_create(&n->thread, NULL, sender_main, n);
	if (err != 0)
		return error_set(e, ERR_IO, "cannot start the mail sender: %s",
		                 strerror(err));
	n->running = 1;
	return 0;
}

void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	if (n->running) {
		atomic_store(&n->stopping, 1);
		pthread_mutex_lock(&n->lock);
		n->stop = 1;
		pthread_cond_signal(&n->cond);
		pthread_mutex_unlock(&n->lock);
		pthread_join(n->thread, NULL);
	}
	pthread_cond_destroy(&n->cond);
	pthread_mutex_destroy(&n->lock);
	sodium_memzero(n->key, sizeof(n->key));
	free(n->site_url);
	free(n);
}

/* ---- unsubscribing ---------------------------------------------------- */

/* HMAC-SHA-512-256 (crypto_auth) of the id, 8 bytes big-endian. */
static void
token_mac(const struct notify *n, int64_t comment_id,
          unsigned char mac[crypto_auth_BYTES])
{
	unsigned char msg[8];
	uint64_t v = (uint64_t)comment_id;

	for (int i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_auth(mac, msg, sizeof(msg), n->key);
}

const char *
notify_unsubscribe_path(struct notify *n, struct arena *a, int64_t comment_id)
{
	unsigned char mac[crypto_auth_BYTES];
	char hex[2 * crypto_auth_BYTES + 1];

	token_mac(n, comment_id, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	return arena_printf(a, "/unsubscribe?c=%lld&t=%s",
	                    (long long)comment_id, hex);
}

int
notify_unsubscribe(struct notify *n, int64_t comment_id, const char *token,
                   struct error *e)
{
	unsigned char mac[crypto_auth_BYTES], want[crypto_auth_BYTES];
	size_t len = 0;

	if (comment_id <= 0 || token == NULL ||
	    strlen(token) != 2 * crypto_auth_BYTES ||
	    sodium_hex2bin(mac, sizeof(mac), token, 2 * crypto_auth_BYTES, NULL,
	                   &len, NULL) != 0 ||
	    len != sizeof(mac))
		return error_set(e, ERR_INVALID,
		                 "unsubscribe link is not valid");
	token_mac(n, comment_id, want);
	/* Constant time: the comparison tells nothing about the MAC. */
	if (sodium_memcmp(mac, want, sizeof(mac)) != 0)
		return error_set(e, ERR_INVALID,
		                 "unsubscribe link is not valid");
	return store_notify_off(n->st, comment_id, e);
}
