/*
 * WXR import: links to the old site in content, rewritten to the new
 * site's URL (host names compared as Unicode and as punycode, libidn2), and the
 * old paths of imported posts and attachments recorded so they redirect.
 */
#include <idn2.h>
#include <string.h>

#include "wxr_internal.h"
#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

/* ---- content ----------------------------------------------------------- */

/*
 * Links to the old site in content: the base URL over http or https,
 * followed by the end of the URL or a path, becomes the new site's URL.
 * The base may be spelt as WordPress's own exporter and editors spell it
 * (wxr-base-url-rewriting.xml): character references (&#104;ttps),
 * percent-encoded path bytes (%73cience), JSON escapes in block-comment
 * attributes (\/ and \uXXXX, surrogate pairs included), and the host as
 * Unicode or as punycode (xn--...), compared case-blind.  A look-alike
 * ("/path-not-taken" against "/path", "oldsite.com.evil.com" or
 * "oldsite.company" against "oldsite.com") is not a match, and uploads
 * (/wp-content/) stay where they are until the files are downloaded (a
 * later issue).  CSS url() needs nothing of its own: its URL is matched
 * like any other, and the sanitizer drops style attributes anyway.
 */
static int
url_continues(unsigned c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~' || c == '%' || c == '@' || c == ':' || c >= 0x80;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* The hex number of n digits at p, or -1. */
static long
hexn(const char *p, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		int h = hexval(p[i]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

/*
 * One logical character of content at p as a code point in *cp: a
 * literal UTF-8 sequence, a numeric character reference, a JSON escape
 * (\/, \uXXXX with its pair) or, with pct, a %XX byte.  The bytes used;
 * *json set when a JSON escape was.
 */
static size_t
next_char(const char *p, int pct, unsigned *cp, int *json)
{
	const unsigned char *u = (const unsigned char *)p;
	long v, lo;
	size_t n;

	if (p[0] == '&' && p[1] == '#') {
		const char *q = p + 2;
		int hex = *q == 'x' || *q == 'X';

		q += hex;
		v = 0;
		for (n = 0; n < 8 && (hex ? hexval(q[n]) >= 0
		                          : (q[n] >= '0' && q[n] <= '9'));
		     n++)
			v = v * (hex ? 16 : 10) + hexval(q[n]);
		if (n > 0 && q[n] == ';' && v > 0 && v <= 0x10ffff) {
			*cp = (unsigned)v;
			return (size_t)(q + n + 1 - p);
		}
	}
	if (p[0] == '\\' && p[1] == '/') {
		*json = 1;
		*cp = '/';
		return 2;
	}
	if (p[0] == '\\' && p[1] == 'u' && (v = hexn(p + 2, 4)) >= 0) {
		*json = 1;
		if (v >= 0xd800 && v < 0xdc00 && p[6] == '\\' && p[7] == 'u' &&
		    (lo = hexn(p + 8, 4)) >= 0xdc00 && lo < 0xe000) {
			*cp = 0x10000 + (unsigned)((v - 0xd800) << 10) +
			      (unsigned)(lo - 0xdc00);
			return 12;
		}
		*cp = (unsigned)v;
		return 6;
	}
	if (pct && p[0] == '%' && (v = hexn(p + 1, 2)) >= 0 && v < 0x80) {
		*cp = (unsigned)v;
		return 3;
	}
	if (u[0] < 0x80) {
		*cp = u[0];
		return u[0] ? 1 : 0;
	}
	n = u[0] >= 0xf0 ? 4 : u[0] >= 0xe0 ? 3 : u[0] >= 0xc0 ? 2 : 1;
	*cp = n == 1   ? u[0]
	      : n == 2 ? u[0] & 0x1f
	      : n == 3 ? u[0] & 0x0f
	               : u[0] & 0x07;
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 1;
		*cp = (*cp << 6) | (u[i] & 0x3f);
	}
	return n;
}

/*
 * The other spelling of a host: its A-labels (xn--...) when it has
 * Unicode, its Unicode when it has A-labels, by libidn2 (IDNA2008 with
 * UTS #46's mapping, non-transitional as browsers resolve names, else
 * transitional); NULL
 * when there is none or the name is not a valid IDN.  A port stays as
 * it was.
 */
static const char *
host_other(struct wxr *w, const char *host, size_t n)
{
	const char *colon = memchr(host, ':', n);
	size_t hn = colon ? (size_t)(colon - host) : n;
	char *name = arena_strndup(w->a, host, hn), *conv = NULL;
	const char *out = NULL;
	int ascii = 1, rc;

	for (size_t i = 0; i < hn; i++)
		ascii &= (unsigned char)host[i] < 0x80;
	if (!ascii) {
		rc = idn2_to_ascii_8z(name, &conv,
		                      IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
		/* UTS #46's transitional processing takes what IDNA2008
		 * disallows but sites registered before it and browsers
		 * still reach (WordPress's own test data has an emoji
		 * host: xn---science-7f85g) */
		if (rc != IDN2_OK)
			rc = idn2_to_ascii_8z(name, &conv,
			                      IDN2_NFC_INPUT |
			                              IDN2_TRANSITIONAL);
	} else if (strstr(name, "xn--") != NULL || strstr(name, "XN--") != NULL)
		rc = idn2_to_unicode_8z8z(name, &conv, 0);
	else
		return NULL;
	if (rc == IDN2_OK && conv != NULL && strcmp(conv, name) != 0)
		out = arena_printf(w->a, "%s%.*s", conv, (int)(n - hn),
		                   host + hn);
	idn2_free(conv);
	return out;
}

static unsigned
lower(unsigned c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/*
 * Does content at p spell the URL scheme "://" host path (host and path
 * as UTF-8 text)?  The bytes it takes, or 0; *json when JSON escapes
 * were among them.
 */
static size_t
match_base(const char *p, const char *host, size_t hn, const char *path,
           int *json)
{
	const char *q = p;
	unsigned cp, want;
	size_t k;
	int in_path = 0;
	const char *parts[2] = {host, path};
	size_t lens[2] = {hn, strlen(path)};

	*json = 0;
	/* http or https */
	for (const char *s = "http"; *s; s++) {
		k = next_char(q, 0, &cp, json);
		if (k == 0 || lower(cp) != (unsigned)*s)
			return 0;
		q += k;
	}
	k = next_char(q, 0, &cp, json);
	if (k > 0 && lower(cp) == 's') {
		q += k;
		k = next_char(q, 0, &cp, json);
	}
	if (k == 0 || cp != ':')
		return 0;
	q += k;
	for (int i = 0; i < 2; i++) {
		k = next_char(q, 0, &cp, json);
		if (k == 0 || cp != '/')
			return 0;
		q += k;
	}
	for (int part = 0; part < 2; part++) {
		const char *t = parts[part], *tend = parts[part] + lens[part];

		in_path = part == 1;
		while (t < tend) {
			size_t tk = next_char(t, 0, &want, json);

			k = next_char(q, in_path, &cp, json);
			if (tk == 0 || k == 0 || lower(cp) != lower(want))
				return 0;
			t += tk;
			q += k;
		}
	}
	/* the end of the URL, or a path: not a longer host or name */
	k = next_char(q, 1, &cp, json);
	if (k > 0 && url_continues(cp))
		return 0;
	return (size_t)(q - p);
}

/* Is content at p "/wp-content/", however spelt? */
static int
uploads_at(const char *p)
{
	const char *lit = "/wp-content/";
	unsigned cp;
	int json;

	for (; *lit; lit++) {
		size_t k = next_char(p, 1, &cp, &json);

		if (k == 0 || lower(cp) != (unsigned)*lit)
			return 0;
		p += k;
	}
	return 1;
}

const char *
wxr_rewrite_links(struct wxr *w, const char *body)
{
	const char *site = w->o ? w->o->site_url : NULL;
	const char *bases[2] = {w->base_blog, w->base_site};
	struct {
		const char *host, *path;
		size_t hn;
	} forms[4];
	size_t nforms = 0;
	struct buf b;
	const char *p = body, *out = body;
	int changed = 0;

	if (site == NULL || *site == '\0' || *w->base_blog == '\0')
		return body;
	for (int k = 0; k < 2; k++) {
		const char *hp = strstr(bases[k], "://"), *slash, *ascii;
		size_t hn;

		if (hp == NULL || (k == 1 && strcmp(bases[0], bases[1]) == 0))
			continue;
		hp += 3;
		slash = strchr(hp, '/');
		hn = slash ? (size_t)(slash - hp) : strlen(hp);
		while (slash && slash[1] == '\0' && slash > hp)
			slash = NULL; /* "https://host/": no path */
		forms[nforms].host = hp;
		forms[nforms].hn = hn;
		forms[nforms++].path = slash ? slash : "";
		ascii = host_other(w, hp, hn);
		if (ascii != NULL) {
			forms[nforms].host = ascii;
			forms[nforms].hn = strlen(ascii);
			forms[nforms++].path = slash ? slash : "";
		}
	}
	buf_init(&b, (size_t)LIM_WXR_FIELD_BYTES * 2);
	while (*p) {
		size_t used = 0;
		int json = 0;

		if (*p == 'h' || *p == 'H' || *p == '&' || *p == '\\')
			for (size_t f = 0; f < nforms && used == 0; f++) {
				used = match_base(p, forms[f].host, forms[f].hn,
				                  forms[f].path, &json);
				if (used > 0 && uploads_at(p + used))
					used = 0;
			}
		if (used == 0) {
			p++;
			continue;
		}
		if (buf_add(&b, out, (size_t)(p - out)) == -1)
			goto fail;
		if (json) {
			for (const char *c = site; *c; c++)
				if ((*c == '/' ? buf_puts(&b, "\\/")
				               : buf_putc(&b, *c)) == -1)
					goto fail;
		} else if (buf_puts(&b, site) == -1)
			goto fail;
		p += used;
		out = p;
		changed = 1;
	}
	if (!changed) {
		buf_release(&b);
		return body;
	}
	if (buf_puts(&b, out) == -1)
		goto fail;
	out = arena_strndup(w->a, buf_str(&b), b.len);
	buf_release(&b);
	return out;
fail:
	buf_release(&b);
	return body;
}

/*
 * The path of an old link on the new site: the base URL's path taken off
 * when the link is under it, percent-decoded.  NULL for links that are
 * not paths of their own ("/", "/?p=1": the shortlinks answer those).
 */
static const char *
old_path(struct wxr *w, const char *link)
{
	const char *p, *lh = strstr(link, "://"),
		       *bh = strstr(w->base_blog, "://");
	const char *end;
	size_t n;

	if (lh == NULL)
		return NULL;
	lh += 3;
	n = bh != NULL ? strlen(bh + 3) : 0;
	if (n > 0 && strncmp(lh, bh + 3, n) == 0 &&
	    (lh[n] == '/' || lh[n] == '?' || lh[n] == '#' || lh[n] == '\0'))
		p = lh + n; /* the old site lived under the base's path */
	else {
		p = strchr(lh, '/');
		if (p == NULL)
			return NULL;
	}
	if (*p != '/' || strchr(p, '?') != NULL)
		return NULL;
	end = strchr(p, '#');
	n = end ? (size_t)(end - p) : strlen(p);
	if (n <= 1 || n > LIM_URL_BYTES)
		return NULL;
	p = url_decode(w->a, p, n, 0);
	if (p == NULL || !utf8_valid(p, strlen(p)))
		return NULL;
	return p;
}

void
wxr_link_add(struct wxr *w, const char *link, int64_t post_id, int64_t media_id,
             struct error *e, int *rc)
{
	const char *path = old_path(w, link);

	if (path == NULL || *rc == -1)
		return;
	if (store_import_legacy_path(w->s, path, post_id, media_id, "", e) ==
	    -1) {
		*rc = -1;
		return;
	}
	w->r->added[WXR_LINK]++;
}
