#ifndef GAZETTE_TEST_FEED_FIXTURES_H
#define GAZETTE_TEST_FEED_FIXTURES_H
/*
 * Reading feedparser's expectations.tsv and the Python literals of its
 * Expect column, for test_feed_feedparser.c.  Include after fixtures.h.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arena.h"
#include "util/buf.h"

static inline char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	assert_true(len >= 0);
	rewind(f);
	p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	p[len] = '\0';
	fclose(f);
	*n = (size_t)len;
	return p;
}

/* The fixture named by fmt (relative to the fixtures folder), read
 * whole; free() it. */
static inline char *fixture_slurp(size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline char *
fixture_slurp(size_t *n, const char *fmt, ...)
{
	char rel[1024], path[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	return slurp(fixture_path(path, sizeof(path), rel), n);
}

struct fp_case {
	const char *path, *suite, *expect;
	const char *content_type; /* from the Header: lines, or NULL */
	const char *base;         /* the URL feedparser served it from */
	char base_buf[4096], ct_buf[256];
};

/* One row of expectations.tsv into c (pointing into line): 0, or -1 for
 * a comment or the header. */
static inline int
fp_case_read(char *line, struct fp_case *c)
{
	char *col[7] = {0}, *p = line;
	int k;

	if (line[0] == '#' || strncmp(line, "path\t", 5) == 0)
		return -1;
	line[strcspn(line, "\n")] = '\0';
	for (k = 0; k < 7 && p != NULL; k++) {
		col[k] = p;
		p = strchr(p, '\t');
		if (p != NULL)
			*p++ = '\0';
	}
	if (k < 7)
		return -1;
	c->path = col[0];
	c->suite = col[1];
	c->expect = col[6];
	c->content_type = NULL;
	c->base = NULL;
	if (strcmp(col[2], "yes") != 0)
		return 0;
	snprintf(c->base_buf, sizeof(c->base_buf),
	         "http://127.0.0.1:8097/tests/%s", c->path);
	c->base = c->base_buf;
	c->content_type = "text/xml";
	if (strncasecmp(col[3], "Content-type:", 13) == 0) {
		snprintf(c->ct_buf, sizeof(c->ct_buf), "%s", col[3] + 13);
		c->content_type = c->ct_buf;
	} else if (strncasecmp(col[3], "Content-Location: http", 22) == 0) {
		/* Content-Location is the document's base (RFC 9110 8.7) */
		snprintf(c->base_buf, sizeof(c->base_buf), "%s", col[3] + 18);
	} else if (strncasecmp(col[3], "Content-Location: /", 19) == 0) {
		snprintf(c->base_buf, sizeof(c->base_buf),
		         "http://127.0.0.1:8097%s", col[3] + 18);
	}
	return 0;
}

/* End clause at its first " and " outside a string literal; the next
 * clause, or NULL. */
static inline char *
split_and(char *clause)
{
	char q = 0;

	for (char *p = clause; *p != '\0'; p++) {
		if (q != 0) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == q)
				q = 0;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
		} else if (strncmp(p, " and ", 5) == 0) {
			*p = '\0';
			return p + 5;
		}
	}
	return NULL;
}

static inline void
put_cp(struct buf *b, unsigned long c)
{
	char o[4];
	size_t n;

	if (c < 0x80) {
		o[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		o[0] = (char)(0xf0 | (c >> 18));
		o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	assert_int_equal(buf_add(b, o, n), 0);
}

/*
 * A Python literal: strings (u'', '', "", escapes) joined by +, an
 * integer, or a 9-tuple date written back as "(y, m, d, h, mi, s)"; in
 * a.  NULL for anything else.
 */
static inline const char *
py_literal(struct arena *a, const char *s)
{
	struct buf b;
	const char *r;

	while (*s == ' ')
		s++;
	if (*s == '(') {
		long v[9];
		int k;

		for (k = 0; k < 9; k++) {
			char *end;

			v[k] = strtol(s + 1, &end, 10);
			if (end == s + 1 || (*end != ',' && *end != ')'))
				return NULL;
			s = end + (*end == ',' ? 1 : 0);
			while (*s == ' ')
				s++;
			if (*end == ')')
				break;
		}
		if (k < 5)
			return NULL;
		return arena_printf(a, "(%ld, %ld, %ld, %ld, %ld, %ld)", v[0],
		                    v[1], v[2], v[3], v[4], v[5]);
	}
	if (isdigit((unsigned char)*s)) {
		char *end;
		long v = strtol(s, &end, 10);

		while (*end == ' ')
			end++;
		return *end == '\0' ? arena_printf(a, "%ld", v) : NULL;
	}
	buf_init(&b, 1 << 20);
	for (;;) {
		char q;

		if (*s == 'u' || *s == 'b')
			s++;
		if (*s != '\'' && *s != '"')
			goto bad;
		q = *s++;
		while (*s != q) {
			unsigned long c;
			int len;
			char hex[9] = {0};

			if (*s == '\0')
				goto bad;
			if (*s != '\\') {
				assert_int_equal(buf_putc(&b, *s++), 0);
				continue;
			}
			s++;
			switch (*s) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case 'r':
				c = '\r';
				break;
			case 'x':
			case 'u':
			case 'U':
				len = *s == 'x' ? 2 : *s == 'u' ? 4 : 8;
				memcpy(hex, s + 1, (size_t)len);
				c = strtoul(hex, NULL, 16);
				s += len;
				break;
			default:
				c = (unsigned char)*s;
			}
			s++;
			put_cp(&b, c);
		}
		s++;
		while (*s == ' ')
			s++;
		if (*s != '+')
			break;
		s++;
		while (*s == ' ')
			s++;
	}
	if (*s != '\0')
		goto bad;
	r = arena_strdup(a, buf_str(&b));
	buf_release(&b);
	return r;
bad:
	buf_release(&b);
	return NULL;
}

/* No <script, and no on* attribute or javascript: inside any tag. */
static inline int
html_is_inert(const char *html)
{
	const char *p = html;

	if (strcasestr(html, "<script") != NULL)
		return 0;
	while ((p = strchr(p, '<')) != NULL) {
		const char *end = strchr(p, '>');
		size_t n = end != NULL ? (size_t)(end - p) : strlen(p);
		char tag[8192];

		if (n >= sizeof(tag))
			n = sizeof(tag) - 1;
		for (size_t i = 0; i < n; i++)
			tag[i] = (char)tolower((unsigned char)p[i]);
		tag[n] = '\0';
		if (strstr(tag, "javascript:") != NULL)
			return 0;
		for (const char *q = tag; (q = strstr(q, " on")) != NULL; q++) {
			const char *w = q + 3;

			while (isalpha((unsigned char)*w))
				w++;
			if (*w == '=')
				return 0;
		}
		p += n > 0 ? n : 1;
	}
	return 1;
}

#endif
