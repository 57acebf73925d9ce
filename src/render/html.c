#include <string.h>

#include "html.h"
#include "../util/banned.h"

int
html_escape(struct buf *b, const char *s, size_t n)
{
	/* The bytes replaced, found by a table lookup a byte. */
	static const unsigned char special[256] =
		{['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1};
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep;

		if (!special[(unsigned char)s[i]])
			continue;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		default:
			rep = "&#39;";
			break;
		}
		if (buf_add(b, s + start, i - start) == -1 ||
		    buf_puts(b, rep) == -1)
			return -1;
		start = i + 1;
	}
	return buf_add(b, s + start, n - start);
}

int
html_puts(struct buf *b, const char *s)
{
	return html_escape(b, s, strlen(s));
}

int
html_puts_raw(struct buf *b, const char *s)
{
	return buf_puts(b, s);
}
