/*
 * What every parser does with an entry once its fields are read: HTML
 * through the allow-list sanitizer, a plain-text reduction for the
 * river, cuts at the named limits; and the choice of a body's encoding.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <libxml/encoding.h>

#include "internal.h"
#include "../render/sanitize.h"
#include "../store/store.h"
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
	return store_html_text(a, html, strlen(html));
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

static const char *
clean(struct arena *a, const char *html)
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
	            ? feed_text_cut(a, arena_strdup(a, buf_str(&b)),
	                            2 * (size_t)LIM_FEED_HTML_BYTES)
	            : "";
	buf_release(&b);
	return r;
}

void
feed_entry_finish(struct arena *a, struct feed_entry *en, const char *content,
                  const char *summary)
{
	const char *text;

	en->summary_html = clean(a, summary);
	en->content_html =
		content != NULL && *content != '\0' ? clean(a, content)
		                                    : en->summary_html;
	text = feed_html_to_text(a, en->content_html);
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
		"iso-8859-1", "iso8859-1", "latin1",  "latin-1",
		"windows-1252", "cp1252",  "us-ascii", "ascii",
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

const char *
feed_encoding(struct arena *a, const char *body, size_t n,
              const char *content_type)
{
	const char *http = charset_of(a, content_type), *decl;
	const unsigned char *u = (const unsigned char *)body;
	int utf8, ascii = 1;

	/* UTF-16 and UTF-32, with or without a BOM: libxml2 sees them */
	if (n >= 2 && (u[0] == 0 || u[1] == 0 || (u[0] == 0xfe && u[1] == 0xff) ||
	               (u[0] == 0xff && u[1] == 0xfe)))
		return NULL;
	for (size_t i = 0; i < n && ascii; i++)
		ascii = u[i] < 0x80;
	utf8 = !ascii && utf8_valid(body, n);
	decl = declared(a, body, n);
	/* a label iconv does not know is no label */
	if (http != NULL && !known(http))
		http = NULL;
	if (decl != NULL && *decl != '\0' && !known(decl))
		return !ascii && !utf8 ? "windows-1252" : "UTF-8";
	if (http != NULL && utf8 && is_latin(http))
		return "UTF-8";
	if (http != NULL)
		return http;
	if (decl != NULL && *decl != '\0')
		return utf8 && is_latin(decl) ? "UTF-8" : NULL;
	if (!ascii && !utf8)
		return "windows-1252";
	return NULL;
}
