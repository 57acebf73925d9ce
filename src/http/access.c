#include <stdio.h>
#include <string.h>

#include "access.h"
#include "../util/clock.h"
#include "../util/banned.h"

const char *const access_secret_args[] = {
	"t", "token", "csrf", "key", "password", "secret", "code", NULL,
};

static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct out {
	char *p;
	size_t len, max; /* max: room for text, the '\n' excluded */
};

static void
put(struct out *o, const char *s, size_t n)
{
	if (n > o->max - o->len)
		n = o->max - o->len;
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* s as a quoted field's text: '"', '\\', controls and non-ASCII as \xHH. */
static void
put_escaped(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
			char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};

			put(o, e, 4);
		} else
			put(o, (const char *)&c, 1);
	}
}

static int
secret_arg(const char *name, size_t n)
{
	for (const char *const *a = access_secret_args; *a != NULL; a++)
		if (strlen(*a) == n && memcmp(*a, name, n) == 0)
			return 1;
	return 0;
}

/* A query, escaped, with the values of secret arguments replaced. */
static void
put_query(struct out *o, const char *q, size_t n)
{
	const char *end = q + n;

	while (q < end) {
		const char *amp = memchr(q, '&', (size_t)(end - q));
		const char *stop = amp != NULL ? amp : end;
		const char *eq = memchr(q, '=', (size_t)(stop - q));

		if (eq != NULL && secret_arg(q, (size_t)(eq - q))) {
			put_escaped(o, q, (size_t)(eq - q) + 1);
			puts_(o, "REDACTED");
		} else
			put_escaped(o, q, (size_t)(stop - q));
		if (amp != NULL)
			put(o, "&", 1);
		q = amp != NULL ? amp + 1 : end;
	}
}

/* A URL (the Referer): its query's secrets replaced too. */
static void
put_url(struct out *o, const char *url)
{
	const char *q = strchr(url, '?');
	const char *hash;

	if (q == NULL) {
		put_escaped(o, url, strlen(url));
		return;
	}
	put_escaped(o, url, (size_t)(q - url) + 1);
	hash = strchr(q + 1, '#');
	put_query(o, q + 1, hash ? (size_t)(hash - q - 1) : strlen(q + 1));
	if (hash != NULL)
		put_escaped(o, hash, strlen(hash));
}

static void
put_num(struct out *o, uint64_t v, int width)
{
	char d[24];
	int i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
		width--;
	} while (v > 0 || width > 0);
	put(o, d + i, sizeof(d) - (size_t)i);
}

size_t
access_format(char *buf, size_t n, const struct access_entry *a)
{
	struct out o = {buf, 0, n >= 2 ? n - 2 : 0};
	struct tm tm;

	if (n < 2)
		return 0;
	if (time_utc((int64_t)a->at, &tm) == -1)
		memset(&tm, 0, sizeof(tm));
	put_escaped(&o, a->ip && *a->ip ? a->ip : "-",
	            strlen(a->ip && *a->ip ? a->ip : "-"));
	puts_(&o, " - - [");
	put_num(&o, (uint64_t)tm.tm_mday, 2);
	put(&o, "/", 1);
	puts_(&o, months[tm.tm_mon]);
	put(&o, "/", 1);
	put_num(&o, (uint64_t)tm.tm_year + 1900, 4);
	put(&o, ":", 1);
	put_num(&o, (uint64_t)tm.tm_hour, 2);
	put(&o, ":", 1);
	put_num(&o, (uint64_t)tm.tm_min, 2);
	put(&o, ":", 1);
	put_num(&o, (uint64_t)tm.tm_sec, 2);
	puts_(&o, " +0000] \"");
	put_escaped(&o, a->method, strlen(a->method));
	put(&o, " ", 1);
	put_escaped(&o, a->path, strlen(a->path));
	if (a->query != NULL && *a->query != '\0') {
		put(&o, "?", 1);
		put_query(&o, a->query, strlen(a->query));
	}
	put(&o, " ", 1);
	put_escaped(&o, a->version, strlen(a->version));
	puts_(&o, "\" ");
	put_num(&o, (uint64_t)a->status, 3);
	put(&o, " ", 1);
	if (a->bytes > 0)
		put_num(&o, a->bytes, 1);
	else
		put(&o, "-", 1);
	puts_(&o, " \"");
	if (a->referer != NULL)
		put_url(&o, a->referer);
	else
		put(&o, "-", 1);
	puts_(&o, "\" \"");
	if (a->agent != NULL)
		put_escaped(&o, a->agent, strlen(a->agent));
	else
		put(&o, "-", 1);
	put(&o, "\"", 1);
	buf[o.len++] = '\n';
	buf[o.len] = '\0';
	return o.len;
}

/* Does path (n bytes) begin with the literal prefix? */
#define STARTS(path, n, lit)                                                   \
	((n) >= sizeof(lit) - 1 && memcmp(path, lit, sizeof(lit) - 1) == 0)
#define ENDS(path, n, lit)                                                     \
	((n) >= sizeof(lit) - 1 &&                                             \
	 memcmp((path) + (n) - (sizeof(lit) - 1), lit, sizeof(lit) - 1) == 0)

/*
 * On every request: the path's second byte picks the few prefixes worth
 * comparing, so an article's path ("/2022/...") costs one length and
 * one suffix check (a first version compared every prefix in turn: 450
 * instructions a request, a percent of a cached page's).
 */
enum metric_route
access_route_class(enum http_method m, const char *path)
{
	size_t n = strlen(path);

	switch (n > 1 ? path[1] : '\0') {
	case 'a':
		if (STARTS(path, n, "/api/"))
			return ROUTE_CLASS_API;
		if (STARTS(path, n, "/admin"))
			return ROUTE_CLASS_ADMIN;
		break;
	case 'l':
		if (STARTS(path, n, "/login") || STARTS(path, n, "/logout"))
			return ROUTE_CLASS_ADMIN;
		break;
	case 'i':
		if (STARTS(path, n, "/invite"))
			return ROUTE_CLASS_ADMIN;
		break;
	case 's':
		if (STARTS(path, n, "/static/"))
			return ROUTE_CLASS_ASSET;
		if (STARTS(path, n, "/sitemap"))
			return ROUTE_CLASS_FEED;
		if (m == HTTP_POST && n == 7 && memcmp(path, "/submit", 7) == 0)
			return ROUTE_CLASS_FORM;
		break;
	case 'm':
		if (STARTS(path, n, "/media/"))
			return ROUTE_CLASS_ASSET;
		if (n == 8 && memcmp(path, "/metrics", 8) == 0)
			return ROUTE_CLASS_HEALTH;
		break;
	case 'f':
		if (n == 12 && memcmp(path, "/favicon.ico", 12) == 0)
			return ROUTE_CLASS_ASSET;
		break;
	case 'h':
		if (n == 8 && memcmp(path, "/healthz", 8) == 0)
			return ROUTE_CLASS_HEALTH;
		break;
	case 'r':
		if (n == 11 && memcmp(path, "/robots.txt", 11) == 0)
			return ROUTE_CLASS_FEED;
		break;
	case 'c':
		if (m == HTTP_POST && n == 9 &&
		    memcmp(path, "/comments", 9) == 0)
			return ROUTE_CLASS_FORM;
		break;
	}
	if (ENDS(path, n, "/feed/") || ENDS(path, n, "/feed/atom/"))
		return ROUTE_CLASS_FEED;
	return ROUTE_CLASS_PAGE;
}
