/*
 * What every parser does with an entry once its fields are read: HTML
 * through the allow-list sanitizer, a plain-text reduction for the
 * river, cuts at the named limits; and the choice of a body's encoding.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/encoding.h>
#include <libxml/uri.h>

#include "internal.h"
#include "../render/sanitize.h"
#include "../util/html_text.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

char *
feed_html_escape(struct arena *a, const char *s)
{
	struct buf b;
	char *r;

	buf_init(&b, (size_t)-1);
	for (; *s != '\0'; s++) {
		int rc = *s == '&'   ? buf_puts(&b, "&amp;")
		         : *s == '<' ? buf_puts(&b, "&lt;")
		         : *s == '>' ? buf_puts(&b, "&gt;")
		         : *s == '"' ? buf_puts(&b, "&quot;")
		                     : buf_putc(&b, *s);

		(void)rc; /* no cap */
	}
	r = arena_strdup(a, buf_str(&b));
	buf_release(&b);
	return r;
}

const char *
feed_html_to_text(struct arena *a, const char *html)
{
	return html_to_text(a, html, strlen(html));
}

const char *
feed_text_cut(struct arena *a, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return s;
	return arena_strndup(a, s, utf8_cut(s, n, max));
}

int64_t
feed_length(const char *s)
{
	int64_t v = 0;

	if (s == NULL)
		return 0;
	while (*s == ' ')
		s++;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (v > INT64_MAX / 10 - 10)
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* The HTML-escaped attribute value v[0..n) decoded, in a. */
static char *
attr_decode(struct arena *a, const char *v, size_t n)
{
	static const char *const refs[][2] = {
		{"&amp;", "&"}, {"&quot;", "\""}, {"&lt;", "<"},
		{"&gt;", ">"},  {"&#39;", "'"},
	};
	char *out = arena_alloc(a, n + 1);
	size_t o = 0, i = 0, k;

	while (i < n) {
		for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++)
			if (strncmp(v + i, refs[k][0], strlen(refs[k][0])) == 0)
				break;
		if (k < sizeof(refs) / sizeof(refs[0])) {
			out[o++] = refs[k][1][0];
			i += strlen(refs[k][0]);
		} else {
			out[o++] = v[i++];
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * Relative href and src values of the sanitizer's output resolved
 * against base: the river shows an entry far from its feed.  The
 * sanitizer writes every attribute double-quoted and text with '<'
 * escaped, so a tag is '<' to the '>' outside quotes.
 */
static const char *
absolutize(struct arena *a, const char *html, const char *base)
{
	struct buf b;
	const char *p = html, *r;
	int rc = 0;

	buf_init(&b, (size_t)-1);
	while (*p != '\0') {
		const char *v, *end;
		xmlChar *abs;
		char *val;

		if (*p != ' ' || (strncmp(p, " href=\"", 7) != 0 &&
		                  strncmp(p, " src=\"", 6) != 0)) {
			rc |= buf_putc(&b, *p++);
			continue;
		}
		v = strchr(p, '"') + 1;
		end = strchr(v, '"');
		if (end == NULL)
			break;
		rc |= buf_add(&b, p, (size_t)(v - p));
		val = attr_decode(a, v, (size_t)(end - v));
		while (*val == ' ' || *val == '\t' || *val == '\n')
			val++;
		for (size_t k = strlen(val);
		     k > 0 && (val[k - 1] == ' ' || val[k - 1] == '\t' ||
		               val[k - 1] == '\n');
		     k--)
			val[k - 1] = '\0';
		abs = xmlBuildURI((const xmlChar *)val, (const xmlChar *)base);
		if (abs != NULL && url_is_http((const char *)abs))
			rc |= buf_puts(&b,
			               feed_html_escape(a, (const char *)abs));
		else
			rc |= buf_add(&b, v, (size_t)(end - v));
		xmlFree(abs);
		p = end;
	}
	rc |= buf_puts(&b, p);
	(void)rc; /* no cap */
	r = arena_strdup(a, buf_str(&b));
	buf_release(&b);
	return r;
}

const char *
feed_html_clean(struct arena *a, const char *html, const char *base)
{
	struct buf b;
	size_t n;
	const char *r;

	if (html == NULL || *html == '\0')
		return "";
	n = strlen(html);
	if (n > LIM_FEED_HTML_BYTES)
		n = utf8_cut(html, n, LIM_FEED_HTML_BYTES);
	/* the sanitizer adds attributes: room for that, then the cap */
	buf_init(&b, 2 * (size_t)LIM_FEED_HTML_BYTES);
	r = sanitize_html(&b, html, n, SANITIZE_FEED) == 0
	            ? arena_strdup(a, buf_str(&b))
	            : "";
	/* white space around the markup is no part of it */
	while (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\r')
		r++;
	n = strlen(r);
	while (n > 0 && (r[n - 1] == ' ' || r[n - 1] == '\n' ||
	                 r[n - 1] == '\t' || r[n - 1] == '\r'))
		n--;
	r = arena_strndup(a, r, n);
	buf_release(&b);
	if (base != NULL && (strstr(r, " href=\"") || strstr(r, " src=\"")))
		r = absolutize(a, r, base);
	return r;
}

void
feed_entry_finish(struct arena *a, struct feed_entry *en, const char *content,
                  const char *summary, const char *base)
{
	const char *text;

	en->summary_html = feed_html_clean(a, summary, base);
	en->content_html = content != NULL && *content != '\0'
	                           ? feed_html_clean(a, content, base)
	                           : en->summary_html;
	text = html_to_text(a, en->content_html, strlen(en->content_html));
	en->text = feed_text_cut(a, text, LIM_FEED_TEXT_BYTES);
	if (strlen(en->guid) > LIM_FEED_URL_BYTES)
		en->guid = feed_text_cut(a, en->guid, LIM_FEED_URL_BYTES);
}

/* charset=... of a Content-Type value, in a; NULL when absent. */
static const char *
charset_of(struct arena *a, const char *ct)
{
	const char *p = ct != NULL ? strcasestr(ct, "charset") : NULL;
	size_t n = 0;

	if (p == NULL)
		return NULL;
	p += 7;
	while (*p == ' ')
		p++;
	if (*p++ != '=')
		return NULL;
	while (*p == ' ' || *p == '"' || *p == '\'')
		p++;
	while (p[n] != '\0' && p[n] != ';' && p[n] != '"' && p[n] != '\'' &&
	       p[n] != ' ')
		n++;
	return n > 0 && n < 40 ? arena_strndup(a, p, n) : NULL;
}

/* The encoding="..." of an XML declaration at the start of body. */
static const char *
declared(struct arena *a, const char *body, size_t n)
{
	size_t lim = n < 200 ? n : 200, i, k;
	const char *s;
	char *head = arena_strndup(a, body, lim);

	if (strncmp(head, "<?xml", 5) != 0 &&
	    strncmp(head, "\xef\xbb\xbf<?xml", 8) != 0)
		return NULL;
	s = strstr(head, "?>");
	if (s != NULL)
		head[s - head] = '\0';
	s = strstr(head, "encoding");
	if (s == NULL)
		return "";
	for (i = 8; s[i] == ' ' || s[i] == '='; i++)
		;
	if (s[i] != '"' && s[i] != '\'')
		return "";
	for (k = i + 1; s[k] != '\0' && s[k] != s[i]; k++)
		;
	return arena_strndup(a, s + i + 1, k - i - 1);
}

static int
is_latin(const char *enc)
{
	static const char *const latin[] = {
		"iso-8859-1",   "iso8859-1", "latin1",   "latin-1",
		"windows-1252", "cp1252",    "us-ascii", "ascii",
	};

	for (size_t i = 0; i < sizeof(latin) / sizeof(latin[0]); i++)
		if (strcasecmp(enc, latin[i]) == 0)
			return 1;
	return 0;
}

static int
known(const char *enc)
{
	xmlCharEncodingHandlerPtr h = xmlFindCharEncodingHandler(enc);

	if (h == NULL)
		return 0;
	xmlCharEncCloseFunc(h);
	return 1;
}

/* body[0..n) with each invalid UTF-8 sequence as U+FFFD, in a. */
static const char *
utf8_repair(struct arena *a, const char *body, size_t *n)
{
	struct buf b;
	size_t i = 0;
	const char *r;

	buf_init(&b, (size_t)-1);
	while (i < *n) {
		size_t ok = utf8_valid_len(body + i, *n - i);

		if (buf_add(&b, body + i, ok) == -1)
			abort();
		i += ok;
		if (i < *n) {
			if (buf_puts(&b, "\xef\xbf\xbd") == -1)
				abort();
			i++;
		}
	}
	*n = b.len;
	r = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return r;
}

/*
 * C1 controls (U+0080 to U+009F) in text are windows-1252 bytes decoded
 * as ISO-8859-1 upstream ("demoronizing", as feedparser calls it): the
 * curly quotes and dashes they stood for, in place (each is 2 bytes and
 * its replacement 3, so into a copy).
 */
static char *
demoronize(struct arena *a, char *s)
{
	static const unsigned short cp1252[32] = {
		0x20ac, 0,      0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017d, 0,
		0,      0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0,      0x017e, 0x0178,
	};
	struct buf b;
	char *r;
	const unsigned char *p = (const unsigned char *)s;

	if (strstr(s, "\xc2") == NULL)
		return s;
	buf_init(&b, (size_t)-1);
	for (; *p != '\0'; p++) {
		unsigned c;
		int rc;

		if (p[0] != 0xc2 || p[1] < 0x80 || p[1] > 0x9f ||
		    cp1252[p[1] - 0x80] == 0) {
			rc = buf_putc(&b, (char)*p);
		} else {
			c = cp1252[p[1] - 0x80];
			rc = c < 0x800 ? buf_printf(&b, "%c%c",
			                            (char)(0xc0 | (c >> 6)),
			                            (char)(0x80 | (c & 0x3f)))
			               : buf_printf(&b, "%c%c%c",
			                            (char)(0xe0 | (c >> 12)),
			                            (char)(0x80 |
			                                   ((c >> 6) & 0x3f)),
			                            (char)(0x80 | (c & 0x3f)));
			p++;
		}
		if (rc == -1)
			abort(); /* no cap */
	}
	r = arena_strdup(a, buf_str(&b));
	buf_release(&b);
	return r;
}

char *
feed_utf8(struct arena *a, char *s)
{
	size_t n = strlen(s);

	if (!utf8_valid(s, n))
		s = (char *)(uintptr_t)utf8_repair(a, s, &n);
	return demoronize(a, s);
}

const char *
feed_encoding(struct arena *a, const char **bodyp, size_t *np,
              const char *content_type)
{
	const char *http = charset_of(a, content_type), *decl, *body = *bodyp;
	const unsigned char *u = (const unsigned char *)body;
	size_t n = *np;
	int utf8, ascii = 1;

	/* UTF-32 by its BOM, which libxml2 does not detect */
	if (n >= 4 && (memcmp(body, "\0\0\xfe\xff", 4) == 0 ||
	               memcmp(body, "\xff\xfe\0\0", 4) == 0)) {
		*bodyp = body + 4;
		*np = n - 4;
		return body[0] == 0 ? "UTF-32BE" : "UTF-32LE";
	}
	/* UTF-16, with or without a BOM: libxml2 sees it */
	if (n >= 2 &&
	    (u[0] == 0 || u[1] == 0 || (u[0] == 0xfe && u[1] == 0xff) ||
	     (u[0] == 0xff && u[1] == 0xfe)))
		return NULL;
	for (size_t i = 0; i < n && ascii; i++)
		ascii = u[i] < 0x80;
	utf8 = !ascii && utf8_valid(body, n);
	decl = declared(a, body, n);
	/* a label iconv does not know is no label */
	if (http != NULL && !known(http))
		http = NULL;
	if (decl != NULL && *decl != '\0' && !known(decl)) {
		char *copy = arena_strndup(a, body, n), *at, *end;

		/* encoding="name" as spaces: declared() found it whole */
		at = strstr(copy, "encoding");
		end = strstr(at, decl) + strlen(decl) + 1;
		memset(at, ' ', (size_t)(end - at));
		*bodyp = body = copy;
		decl = "";
	}
	/* WHATWG reads GB2312 as its superset GB18030, as feedparser does */
	if (http != NULL && strcasecmp(http, "gb2312") == 0)
		return "GB18030";
	if (http == NULL && decl != NULL && strcasecmp(decl, "gb2312") == 0)
		return "GB18030";
	if (http != NULL && is_latin(http))
		return utf8 ? "UTF-8" : ascii ? http : "windows-1252";
	if (http != NULL)
		return http;
	if (decl != NULL && *decl != '\0' && is_latin(decl))
		return utf8 ? "UTF-8" : ascii ? decl : "windows-1252";
	if (decl != NULL && *decl != '\0' && strcasecmp(decl, "utf-8") != 0)
		return NULL;
	if (ascii || utf8)
		return NULL;
	/* no label, or UTF-8's: mostly UTF-8 with a few bad bytes is
	 * repaired, anything else is the web's default, windows-1252 */
	if (utf8_valid_len(body, n) > n / 2 || decl != NULL) {
		*bodyp = utf8_repair(a, body, np);
		return "UTF-8";
	}
	return "windows-1252";
}
