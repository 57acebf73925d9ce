/*
 * Spam control (spam.h): a rate limiter in memory, the normalised body
 * hash, and a naive Bayes classifier whose counts live in the store.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <unistr.h>
#include <uniwbrk.h>

#include "spam.h"
#include "../util/alloc.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/netaddr.h"
#include "../util/text.h"
#include "../store/comments.h"
#include "../store/spam.h"
#include "../util/banned.h"

/* ---- rate limits ------------------------------------------------------ */

#define RATE_MINUTE 60
#define RATE_HOUR   3600

/* The address index: open addressing, never more than half full. */
#define RATE_SLOTS (2 * LIM_RATE_CLIENTS)
_Static_assert((RATE_SLOTS & (RATE_SLOTS - 1)) == 0,
               "LIM_RATE_CLIENTS must be a power of two");

#define RATE_KEY_BYTES 16

/*
 * One address: the times of its counted comments of the last hour, oldest
 * first, in a ring.  Clients are kept in a list from the most to the least
 * recently heard from, so the one to forget is at its tail.
 */
struct rate_client {
	unsigned char key[RATE_KEY_BYTES];
	uint32_t home; /* its first slot in the index */
	int32_t prev, next;
	uint32_t head, n;
	int64_t t[LIM_RATE_EVENTS];
};

struct spam {
	struct store *st;
	pthread_mutex_t lock; /* the rate limiter's; the classifier has none */
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	struct rate_client *clients; /* grown up to LIM_RATE_CLIENTS */
	int32_t nclients, cap;
	int32_t newest, oldest; /* the list's ends; -1 when empty */
	int32_t *index;         /* RATE_SLOTS of client + 1; 0 is free */
};

struct spam *
spam_new(struct store *st)
{
	struct spam *sp = xcalloc(1, sizeof(*sp));

	sp->st = st;
	pthread_mutex_init(&sp->lock, NULL);
	crypto_shorthash_keygen(sp->hkey);
	sp->newest = sp->oldest = -1;
	sp->index = xcalloc(RATE_SLOTS, sizeof(*sp->index));
	return sp;
}

void
spam_free(struct spam *sp)
{
	if (sp == NULL)
		return;
	pthread_mutex_destroy(&sp->lock);
	free(sp->clients);
	free(sp->index);
	free(sp);
}

/*
 * The key of an address, as views.c counts readers: the address narrowed
 * to one client (netaddr_client: an IPv6 /64), so that stepping through
 * one's own prefix buys no more comments.  Anything else is hashed as the
 * text it is.
 */
static void
rate_key(const char *ip, unsigned char key[RATE_KEY_BYTES])
{
	struct netaddr a;

	memset(key, 0, RATE_KEY_BYTES);
	if (netaddr_parse(ip, strlen(ip), &a) == 0) {
		netaddr_client(&a);
		memcpy(key, a.b, sizeof(a.b));
	} else
		crypto_generichash(key, RATE_KEY_BYTES,
		                   (const unsigned char *)ip, strlen(ip), NULL,
		                   0);
}

static uint32_t
rate_home(const struct spam *sp, const unsigned char key[RATE_KEY_BYTES])
{
	unsigned char h[crypto_shorthash_BYTES];
	uint32_t v = 0;

	crypto_shorthash(h, key, RATE_KEY_BYTES, sp->hkey);
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)h[i] << (8 * i);
	return v & (RATE_SLOTS - 1);
}

/* The slot holding key, or the free slot where it would go. */
static uint32_t
rate_slot(const struct spam *sp, const unsigned char key[RATE_KEY_BYTES],
          uint32_t home)
{
	uint32_t i = home;

	while (sp->index[i] != 0 && memcmp(sp->clients[sp->index[i] - 1].key,
	                                   key, RATE_KEY_BYTES) != 0)
		i = (i + 1) & (RATE_SLOTS - 1);
	return i;
}

/*
 * Free slot i by shifting back the entries after it that would no longer
 * be found (linear probing's deletion without tombstones, Knuth 6.4
 * Algorithm R).
 */
static void
rate_unindex(struct spam *sp, uint32_t i)
{
	uint32_t j = i, k;

	for (;;) {
		j = (j + 1) & (RATE_SLOTS - 1);
		if (sp->index[j] == 0)
			break;
		k = sp->clients[sp->index[j] - 1].home;
		/* The entry at j stays when its home lies cyclically in
		 * (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		sp->index[i] = sp->index[j];
		i = j;
	}
	sp->index[i] = 0;
}

static void
rate_unlink(struct spam *sp, int32_t c)
{
	struct rate_client *rc = &sp->clients[c];

	if (rc->prev >= 0)
		sp->clients[rc->prev].next = rc->next;
	else
		sp->newest = rc->next;
	if (rc->next >= 0)
		sp->clients[rc->next].prev = rc->prev;
	else
		sp->oldest = rc->prev;
}

static void
rate_push(struct spam *sp, int32_t c)
{
	struct rate_client *rc = &sp->clients[c];

	rc->prev = -1;
	rc->next = sp->newest;
	if (sp->newest >= 0)
		sp->clients[sp->newest].prev = c;
	sp->newest = c;
	if (sp->oldest < 0)
		sp->oldest = c;
}

/* The client of key, made (forgetting the stalest one if need be) when
 * there is none, and moved to the front of the list. */
static struct rate_client *
rate_client(struct spam *sp, const unsigned char key[RATE_KEY_BYTES])
{
	uint32_t home = rate_home(sp, key), slot = rate_slot(sp, key, home);
	int32_t c;

	if (sp->index[slot] != 0) {
		c = sp->index[slot] - 1;
		rate_unlink(sp, c);
		rate_push(sp, c);
		return &sp->clients[c];
	}
	if (sp->nclients < LIM_RATE_CLIENTS) {
		if (sp->nclients == sp->cap) {
			sp->cap = sp->cap == 0 ? 64 : 2 * sp->cap;
			if (sp->cap > LIM_RATE_CLIENTS)
				sp->cap = LIM_RATE_CLIENTS;
			sp->clients = xrealloc(sp->clients,
			                       (size_t)sp->cap *
			                               sizeof(*sp->clients));
		}
		c = sp->nclients++;
	} else {
		c = sp->oldest;
		rate_unindex(sp, rate_slot(sp, sp->clients[c].key,
		                           sp->clients[c].home));
		rate_unlink(sp, c);
		slot = rate_slot(sp, key, home);
	}
	memcpy(sp->clients[c].key, key, RATE_KEY_BYTES);
	sp->clients[c].home = home;
	sp->clients[c].head = 0;
	sp->clients[c].n = 0;
	sp->index[slot] = c + 1;
	rate_push(sp, c);
	return &sp->clients[c];
}

static int64_t
rate_at(const struct rate_client *rc, uint32_t i)
{
	return rc->t[(rc->head + i) % LIM_RATE_EVENTS];
}

/*
 * Seconds until enough of the times in the window of length w leave it
 * for one more to fit under limit; 0 when one fits now.  The ring is in
 * order, so the window's times are its last ones.
 */
static int64_t
rate_wait(const struct rate_client *rc, int limit, int64_t w, int64_t now)
{
	uint32_t first = rc->n, in;

	if (limit <= 0)
		return 0;
	while (first > 0 && rate_at(rc, first - 1) > now - w)
		first--;
	in = rc->n - first;
	if (in < (uint32_t)limit)
		return 0;
	return rate_at(rc, first + in - (uint32_t)limit) + w - now;
}

int
spam_rate_check(struct spam *sp, const char *ip, int per_minute, int per_hour,
                int64_t now, int *retry_after, struct error *e)
{
	unsigned char key[RATE_KEY_BYTES];
	struct rate_client *rc;
	int64_t wait, w;

	*retry_after = 0;
	if (per_minute > LIM_RATE_EVENTS)
		per_minute = LIM_RATE_EVENTS;
	if (per_hour > LIM_RATE_EVENTS)
		per_hour = LIM_RATE_EVENTS;
	if (per_minute <= 0 && per_hour <= 0)
		return 0;
	rate_key(ip != NULL ? ip : "", key);
	pthread_mutex_lock(&sp->lock);
	rc = rate_client(sp, key);
	while (rc->n > 0 && rate_at(rc, 0) <= now - RATE_HOUR) {
		rc->head = (rc->head + 1) % LIM_RATE_EVENTS;
		rc->n--;
	}
	wait = rate_wait(rc, per_minute, RATE_MINUTE, now);
	w = rate_wait(rc, per_hour, RATE_HOUR, now);
	if (w > wait)
		wait = w;
	if (wait > 0) {
		pthread_mutex_unlock(&sp->lock);
		*retry_after = (int)wait;
		return error_set(e, ERR_RATE_LIMITED,
		                 "too many comments from this address; try "
		                 "again in %d seconds",
		                 *retry_after);
	}
	/* With no hourly limit the ring may be full of times the minute
	 * window no longer needs: the oldest goes. */
	if (rc->n == LIM_RATE_EVENTS) {
		rc->head = (rc->head + 1) % LIM_RATE_EVENTS;
		rc->n--;
	}
	/* A clock stepped back stores the newest time again, keeping the
	 * ring in order. */
	if (rc->n > 0 && rate_at(rc, rc->n - 1) > now)
		now = rate_at(rc, rc->n - 1);
	rc->t[(rc->head + rc->n) % LIM_RATE_EVENTS] = now;
	rc->n++;
	pthread_mutex_unlock(&sp->lock);
	return 0;
}

/* ---- duplicates ------------------------------------------------------- */

_Static_assert(SPAM_HASH_BYTES == COMMENT_HASH_BYTES,
               "comments.body_hash holds a spam_body_hash");

static int
ascii_alnum(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9');
}

static unsigned char
ascii_lower(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch - 'A' + 'a') : ch;
}

/*
 * The hash of the body with ASCII letters lower-cased, every other ASCII
 * byte but white space dropped, and runs of white space made one space
 * (none at the ends): "Buy NOW!!!  cheap" and "buy now cheap" are one
 * body.  Bytes of other characters are kept as they are.
 */
void
spam_body_hash(const char *body, unsigned char out[SPAM_HASH_BYTES])
{
	crypto_generichash_state h;
	unsigned char chunk[256];
	size_t n = 0;
	int space = 0, any = 0;

	crypto_generichash_init(&h, NULL, 0, SPAM_HASH_BYTES);
	for (const unsigned char *p = (const unsigned char *)body; *p; p++) {
		if (*p == ' ' || (*p >= '\t' && *p <= '\r')) {
			space = any;
			continue;
		}
		if (*p < 0x80 && !ascii_alnum(*p))
			continue;
		if (n + 2 > sizeof(chunk)) {
			crypto_generichash_update(&h, chunk, n);
			n = 0;
		}
		if (space)
			chunk[n++] = ' ';
		chunk[n++] = ascii_lower(*p);
		space = 0;
		any = 1;
	}
	crypto_generichash_update(&h, chunk, n);
	crypto_generichash_final(&h, out, SPAM_HASH_BYTES);
}

int
spam_is_duplicate(struct spam *sp, int64_t post_id, const char *email,
                  const unsigned char hash[SPAM_HASH_BYTES], int64_t now,
                  int64_t window, struct error *e)
{
	int found;

	if (store_spam_duplicate(sp->st, post_id, email != NULL ? email : "",
	                         hash, now - window, &found, e) == -1)
		return -1;
	return found ? 1 : 0;
}

/* ---- the classifier --------------------------------------------------- */

/*
 * Tokens: words, and what the links say.  Words are found as Unicode
 * finds them (UAX #29 word boundaries, libunistring's u8_wordbreaks): a
 * segment holding a letter or a digit is a word, so Cyrillic, Greek or
 * Arabic words stand alone and Chinese or Japanese text, written without
 * spaces, gives a word per ideograph; two ideographs side by side also
 * give the pair as a token, since a single character says little.  Each
 * word is case-folded and NFKC-normalised (u8_casefold, language-neutral,
 * so the server's locale changes nothing): "ПРИВЕТ" is "привет" and
 * full-width "ＢＵＹ" is "buy".  Words of fewer than 2 or more than
 * LIM_SPAM_TOKEN_BYTES bytes once folded are skipped.  Each link
 * (http://, https://, www.) adds "host:HOST" and, for a host with more
 * than two labels, "host:" and its last two; more than two links add
 * "links:many".  A token counts once per comment, and at most
 * LIM_SPAM_TOKENS of them, hosts first, are read.
 */
#define TOKEN_MIN   2
#define TOKEN_BYTES 64 /* with its NUL: words, and host tokens cut to fit */
#define TOKEN_SLOTS 2048
_Static_assert(TOKEN_SLOTS >= 2 * LIM_SPAM_TOKENS, "TOKEN_SLOTS too small");
_Static_assert(LIM_SPAM_TOKEN_BYTES < TOKEN_BYTES, "TOKEN_BYTES too small");

#define MANY_LINKS 2 /* more links than this add "links:many" */

struct tokens {
	char (*t)[TOKEN_BYTES];
	const char **p; /* t[i], for the store */
	size_t n;
	uint16_t slot[TOKEN_SLOTS]; /* token + 1; 0 is free */
};

static struct tokens *
tokens_new(void)
{
	struct tokens *tk = xcalloc(1, sizeof(*tk));

	tk->t = xmalloc(LIM_SPAM_TOKENS * sizeof(*tk->t));
	tk->p = xmalloc(LIM_SPAM_TOKENS * sizeof(*tk->p));
	return tk;
}

static void
tokens_free(struct tokens *tk)
{
	if (tk == NULL)
		return;
	free(tk->t);
	free(tk->p);
	free(tk);
}

/* Add s[0..n) (lower-cased ASCII) after prefix, unless it is there; 0,
 * or -1 when the comment has all the tokens it may have. */
static int
tokens_add(struct tokens *tk, const char *prefix, const char *s, size_t n)
{
	size_t plen = strlen(prefix);
	uint32_t h = 2166136261u, i;
	char *t;

	if (tk->n == LIM_SPAM_TOKENS)
		return -1;
	t = tk->t[tk->n];
	memcpy(t, prefix, plen);
	for (size_t k = 0; k < n; k++)
		t[plen + k] = (char)ascii_lower((unsigned char)s[k]);
	t[plen + n] = '\0';
	for (const char *c = t; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u; /* FNV-1a */
	for (i = h & (TOKEN_SLOTS - 1); tk->slot[i] != 0;
	     i = (i + 1) & (TOKEN_SLOTS - 1))
		if (strcmp(tk->t[tk->slot[i] - 1], t) == 0)
			return 0;
	tk->slot[i] = (uint16_t)(tk->n + 1);
	tk->p[tk->n] = t;
	tk->n++;
	return 0;
}

/*
 * The length of the separator at p: an ASCII byte that is not a letter or
 * digit; NO-BREAK SPACE and the Latin-1 punctuation U+00A1..U+00BF; the
 * General Punctuation block U+2000..U+206F (typographic spaces, dashes,
 * quotes, ellipsis); CJK Symbols and Punctuation U+3000..U+303F.  0 for a
 * byte of a word.
 */
static size_t
sep_len(const unsigned char *p)
{
	if (*p < 0x80)
		return ascii_alnum(*p) ? 0 : 1;
	if (p[0] == 0xc2 && p[1] >= 0xa0 && p[1] <= 0xbf)
		return 2;
	if (p[0] == 0xe2 && (p[1] == 0x80 || p[1] == 0x81) && p[2] >= 0x80 &&
	    p[2] <= 0xbf)
		return 3;
	if (p[0] == 0xe3 && p[1] == 0x80 && p[2] >= 0x80 && p[2] <= 0xbf)
		return 3;
	return 0;
}

static int
host_byte(unsigned char ch)
{
	return ascii_alnum(ch) || ch == '-' || ch == '.' || ch == '_' ||
	       ch == '@' || ch == ':' || ch >= 0x80;
}

/* Add the host tokens of the authority s[0..n) ("user@host:port"). */
static void
add_host(struct tokens *tk, const char *s, size_t n)
{
	const char *at = NULL, *colon, *dot;
	size_t max = TOKEN_BYTES - 1 - strlen("host:");
	int dots = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;
	if (at != NULL) {
		n -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	colon = memchr(s, ':', n);
	if (colon != NULL)
		n = (size_t)(colon - s);
	while (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0)
		return;
	dot = NULL;
	for (size_t i = n; i > 0; i--)
		if (s[i - 1] == '.' && ++dots == 2) {
			dot = s + i;
			break;
		}
	(void)tokens_add(tk, "host:", s, utf8_cut(s, n, max));
	if (dot != NULL)
		(void)tokens_add(tk, "host:", dot,
		                 utf8_cut(dot, n - (size_t)(dot - s), max));
}

static int
prefix_ci(const char *s, const char *prefix)
{
	for (; *prefix != '\0'; s++, prefix++)
		if (ascii_lower((unsigned char)*s) != (unsigned char)*prefix)
			return 0;
	return 1;
}

/* Host tokens, and the links counted. */
static void
add_links(struct tokens *tk, const char *text)
{
	const char *p = text, *h;
	int links = 0;

	while (*p != '\0') {
		if (prefix_ci(p, "http://") || prefix_ci(p, "https://"))
			h = strchr(p, '/') + 2;
		else if (prefix_ci(p, "www.") &&
		         (p == text || sep_len((const unsigned char *)p - 1)))
			h = p;
		else {
			p++;
			continue;
		}
		p = h;
		while (host_byte((unsigned char)*p))
			p++;
		add_host(tk, h, (size_t)(p - h));
		links++;
	}
	if (links > MANY_LINKS)
		(void)tokens_add(tk, "links:many", "", 0);
}

/* Whether s[0..n) holds a letter or a digit; *ideo: it is one ideograph. */
static int
is_word(const uint8_t *s, size_t n, int *ideo)
{
	ucs4_t c;
	int len, any = 0, chars = 0;

	*ideo = 0;
	for (size_t i = 0; i < n; i += (size_t)len) {
		len = u8_mbtouc(&c, s + i, n - i);
		chars++;
		if (uc_is_alnum(c))
			any = 1;
		if (chars == 1 && (size_t)len == n)
			*ideo = uc_is_property_ideographic(c);
	}
	return any;
}

/* Add the word s[0..n) folded; -1 when the comment has all its tokens. */
static int
add_word(struct tokens *tk, const uint8_t *s, size_t n)
{
	uint8_t buf[4 * TOKEN_BYTES], *f;
	size_t len = sizeof(buf);
	int rc = 0;

	/* Folding grows a word by a few bytes at most (NFKC expands a
	 * ligature to three letters): longer ones are never tokens. */
	if (n > sizeof(buf) / 2)
		return 0;
	f = u8_casefold(s, n, NULL, UNINORM_NFKC, buf, &len);
	if (f == NULL)
		return 0;
	if (len >= TOKEN_MIN && len <= LIM_SPAM_TOKEN_BYTES)
		rc = tokens_add(tk, "", (const char *)f, len);
	if (f != buf)
		free(f);
	return rc;
}

/* The distinct tokens of text. */
static struct tokens *
tokenise(const char *text)
{
	struct tokens *tk = tokens_new();
	const uint8_t *s = (const uint8_t *)text;
	size_t n = strlen(text), start = 0, prev = SIZE_MAX;
	char *brk;

	add_links(tk, text);
	if (n == 0)
		return tk;
	brk = xmalloc(n);
	u8_wordbreaks(s, n, brk);
	/* The segments between the breaks; prev: where the ideograph just
	 * before the current segment starts, or SIZE_MAX. */
	for (size_t i = 1; i <= n; i++) {
		int ideo;

		if (i < n && !brk[i])
			continue;
		if (is_word(s + start, i - start, &ideo)) {
			if (add_word(tk, s + start, i - start) == -1)
				break;
			if (ideo && prev != SIZE_MAX &&
			    add_word(tk, s + prev, i - prev) == -1)
				break;
		}
		prev = ideo ? start : SIZE_MAX;
		start = i;
	}
	free(brk);
	return tk;
}

/*
 * Scoring, after Paul Graham's "A Plan for Spam" as refined by Gary
 * Robinson ("A Statistical Approach to the Spam Problem", 2003).  For a
 * token found in s of the S spam documents and h of the H ham ones,
 *
 *	p = (s/S) / (s/S + h/H)
 *	f = (ROBINSON_S * ROBINSON_X + n * p) / (ROBINSON_S + n), n = s + h
 *
 * so a token seen rarely stays near ROBINSON_X; f is kept within
 * [F_MIN, F_MAX] so no single token is certain.  The SPAM_CLUES tokens
 * with f furthest from 0.5 (and at least CLUE_MIN from it) are combined
 * by naive Bayes, that is by adding their log-odds ln(f / (1 - f)) and
 * mapping the sum back with the logistic function.  That is the same as
 * the product of the odds over one plus it, which is how it is computed
 * here: no logarithms, so no libm, and with at most 15 odds in
 * [1/99, 99] the product stays well within a double.
 */
#define ROBINSON_S 1.0
#define ROBINSON_X 0.5
#define F_MIN      0.01
#define F_MAX      0.99
#define CLUE_MIN   0.1
#define SPAM_CLUES 15

static double
distance(double f)
{
	return f > 0.5 ? f - 0.5 : 0.5 - f;
}

double
spam_score(struct spam *sp, const char *text)
{
	struct tokens *tk = NULL;
	struct error e;
	int64_t sdocs, hdocs, *s = NULL, *h = NULL;
	double clue[SPAM_CLUES], odds = 1.0, score = 0.5;
	size_t nclues = 0;

	if (store_spam_totals(sp->st, &sdocs, &hdocs, &e) == -1)
		goto fail;
	if (sdocs < SPAM_MIN_DOCS || hdocs < SPAM_MIN_DOCS)
		return 0.5;
	tk = tokenise(text);
	s = xcalloc(tk->n + 1, sizeof(*s));
	h = xcalloc(tk->n + 1, sizeof(*h));
	if (store_spam_tokens(sp->st, tk->p, tk->n, s, h, &e) == -1)
		goto fail;
	for (size_t i = 0; i < tk->n; i++) {
		double ps, ph, p, f, n = (double)(s[i] + h[i]);
		size_t k;

		if (n == 0)
			continue;
		ps = s[i] >= sdocs ? 1.0 : (double)s[i] / (double)sdocs;
		ph = h[i] >= hdocs ? 1.0 : (double)h[i] / (double)hdocs;
		p = ps / (ps + ph);
		f = (ROBINSON_S * ROBINSON_X + n * p) / (ROBINSON_S + n);
		f = f < F_MIN ? F_MIN : f > F_MAX ? F_MAX : f;
		if (distance(f) < CLUE_MIN)
			continue;
		/* Keep the clues sorted, most telling first. */
		if (nclues < SPAM_CLUES)
			k = nclues++;
		else if (distance(f) > distance(clue[SPAM_CLUES - 1]))
			k = SPAM_CLUES - 1;
		else
			continue;
		while (k > 0 && distance(f) > distance(clue[k - 1])) {
			clue[k] = clue[k - 1];
			k--;
		}
		clue[k] = f;
	}
	for (size_t i = 0; i < nclues; i++)
		odds *= clue[i] / (1.0 - clue[i]);
	score = odds / (1.0 + odds);
	goto out;
fail:
	log_error("spam score: %s", e.msg);
out:
	free(s);
	free(h);
	tokens_free(tk);
	return score;
}

int
spam_learn(struct spam *sp, const char *text, int is_spam, struct error *e)
{
	struct tokens *tk = tokenise(text);
	int rc = 0;

	/* Nothing to learn from an empty or all-punctuation text; counting
	 * it as a document would only dilute the counts. */
	if (tk->n > 0)
		rc = store_spam_learn(sp->st, tk->p, tk->n, is_spam, e);
	tokens_free(tk);
	return rc;
}
