/*
 * HTML to the plain text a search indexes: a small scanner of its own, not
 * a parser, because it runs on every body saved and every post of an
 * import, and only needs to tell tags, comments and character references
 * from text.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "html_text.h"
#include "banned.h"

static int
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Tags that sit inside a word's run of text: dropped without a space, so
 * "<em>in</em>credible" stays one word. */
static int
inline_tag(const char *name, size_t n)
{
	static const char *const tags[] = {"a",    "abbr",  "b",    "bdi",
	                                   "bdo",  "cite",  "code", "del",
	                                   "dfn",  "em",    "i",    "ins",
	                                   "kbd",  "mark",  "q",    "s",
	                                   "samp", "small", "span", "strong",
	                                   "sub",  "sup",   "u",    "var"};

	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strlen(tags[i]) == n && strncasecmp(tags[i], name, n) == 0)
			return 1;
	return 0;
}

/* Append code point c as UTF-8; controls, surrogates and beyond U+10FFFF
 * as a space. */
static size_t
put_utf8(char *o, unsigned long c)
{
	if (c < 0x20 || c == 0x7f || (c >= 0xd800 && c <= 0xdfff) ||
	    c > 0x10ffff) {
		o[0] = ' ';
		return 1;
	}
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/*
 * The character reference at s[0..n) (s[0] is '&'): its UTF-8 in o and
 * the bytes it took in *used; 0 when it is not one we decode (then the
 * '&' is text).  A reference is never longer than what it stands for, so
 * the text never outgrows the HTML.
 */
static size_t
entity(const char *s, size_t n, char *o, size_t *used)
{
	static const struct {
		const char *name;
		const char *text;
	} named[] = {{"&amp;", "&"},   {"&lt;", "<"},   {"&gt;", ">"},
	             {"&quot;", "\""}, {"&apos;", "'"}, {"&nbsp;", " "}};
	unsigned long c = 0;
	size_t i;

	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
		size_t k = strlen(named[i].name);

		if (k <= n && memcmp(s, named[i].name, k) == 0) {
			*used = k;
			memcpy(o, named[i].text, strlen(named[i].text));
			return strlen(named[i].text);
		}
	}
	if (n < 4 || s[1] != '#')
		return 0;
	i = 2;
	if (s[2] == 'x' || s[2] == 'X') {
		for (i = 3; i < n && i < 10; i++) {
			char h = s[i];

			if (h >= '0' && h <= '9')
				c = c * 16 + (unsigned long)(h - '0');
			else if ((h | 0x20) >= 'a' && (h | 0x20) <= 'f')
				c = c * 16 +
				    (unsigned long)((h | 0x20) - 'a' + 10);
			else
				break;
		}
		if (i == 3)
			return 0;
	} else {
		for (; i < n && i < 10 && s[i] >= '0' && s[i] <= '9'; i++)
			c = c * 10 + (unsigned long)(s[i] - '0');
		if (i == 2)
			return 0;
	}
	if (i >= n || s[i] != ';')
		return 0;
	*used = i + 1;
	return put_utf8(o, c);
}

const char *
html_to_text(struct arena *a, const char *html, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t i = 0, o = 0;

	while (i < n) {
		char c = html[i];

		if (c == '<' && i + 3 < n && memcmp(html + i, "<!--", 4) == 0) {
			const char *end = strstr(html + i + 4, "-->");

			i = end ? (size_t)(end - html) + 3 : n;
			out[o++] = ' ';
		} else if (c == '<' && i + 1 < n &&
		           (html[i + 1] == '/' || html[i + 1] == '!' ||
		            is_letter(html[i + 1]))) {
			size_t j = i + 1 + (html[i + 1] == '/'), k = j, name;
			char quote = 0;

			while (k < n && (is_letter(html[k]) ||
			                 (html[k] >= '0' && html[k] <= '9')))
				k++;
			name = k - j;
			while (k < n && !(quote == 0 && html[k] == '>')) {
				if (quote == 0 &&
				    (html[k] == '"' || html[k] == '\''))
					quote = html[k];
				else if (html[k] == quote)
					quote = 0;
				k++;
			}
			if (!inline_tag(html + j, name))
				out[o++] = ' ';
			i = k < n ? k + 1 : n;
		} else if (c == '&') {
			size_t used = 0,
			       w = entity(html + i, n - i, out + o, &used);

			if (w == 0) {
				out[o++] = '&';
				i++;
			} else {
				o += w;
				i += used;
			}
		} else {
			unsigned char u = (unsigned char)c;

			out[o++] = u < 0x20 || u == 0x7f ? ' ' : c;
			i++;
		}
	}
	out[o] = '\0';
	/* Runs of white space as one space, none at the ends. */
	{
		size_t r = 0, w = 0;
		int space = 1;

		for (; r < o; r++) {
			if (out[r] == ' ' || out[r] == '\t' || out[r] == '\n' ||
			    out[r] == '\r') {
				if (!space)
					out[w++] = ' ';
				space = 1;
			} else {
				out[w++] = out[r];
				space = 0;
			}
		}
		if (w > 0 && out[w - 1] == ' ')
			w--;
		out[w] = '\0';
	}
	return out;
}
