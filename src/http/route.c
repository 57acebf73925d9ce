#include <string.h>

#include "route.h"
#include "../util/text.h"
#include "../util/banned.h"

int
route_path_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0')
			return 0;
		if (s[i] != '%')
			continue;
		if (n - i < 3)
			return 0;
		for (size_t k = 1; k <= 2; k++) {
			char c = s[i + k];

			if (!((c >= '0' && c <= '9') ||
			      (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
				return 0;
		}
		if (s[i + 1] == '0' && s[i + 2] == '0')
			return 0;
		i += 2;
	}
	return 1;
}

static int
all_digits(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Match path against pattern; captures go to r->params. */
static int
match(const char *pat, const char *path, struct req *r)
{
	r->nparams = 0;
	while (*pat != '\0' && *path != '\0') {
		/* A final '*' takes the rest of the path, whatever it holds;
		 * the handler reads it from r->path. */
		if (pat[0] == '*' && pat[1] == '\0')
			return 1;
		if (*pat == ':' || *pat == '#') {
			const char *pend = strchr(pat, '/');
			const char *send = strchr(path, '/');
			size_t plen = pend ? (size_t)(pend - pat) : strlen(pat);
			size_t slen =
				send ? (size_t)(send - path) : strlen(path);

			if (slen == 0 || r->nparams == LIM_ROUTE_PARAMS ||
			    (*pat == '#' && !all_digits(path, slen)))
				return 0;
			r->params[r->nparams] =
				url_decode(r->arena, path, slen, 0);
			if (r->params[r->nparams] == NULL)
				return 0;
			r->nparams++;
			pat += plen;
			path += slen;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

/* Every argument of the query decodes (percent and '+') to UTF-8. */
static int
query_valid(struct req *r)
{
	const char *p = r->query;

	while (*p != '\0') {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *v = url_decode(r->arena, p, len, 1);

		if (v == NULL || !utf8_valid(v, strlen(v)))
			return 0;
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return 1;
}

long
route_find(const struct route *routes, size_t n, const char *path,
           struct req *r)
{
	long found = -1;

	for (size_t i = 0; i < n && found == -1; i++)
		if ((routes[i].methods & (1u << HTTP_GET)) &&
		    match(routes[i].pattern, path, r))
			found = (long)i;
	r->nparams = 0;
	return found;
}

enum route_result
route_dispatch(const struct route *routes, size_t n, void *ctx, struct req *r,
               struct resp *rs)
{
	const char *matched = NULL; /* the first pattern the path matched */

	if (!route_path_valid(r->path, strlen(r->path)))
		return ROUTE_BAD_PATH;
	if (!query_valid(r))
		return ROUTE_BAD_QUERY;
	for (size_t i = 0; i < n; i++) {
		/* Once a pattern matched the path, only routes of that same
		 * pattern may take the request: POST /admin/ is a 405, not a
		 * POST to the catch-all page route further down. */
		if (matched != NULL && strcmp(routes[i].pattern, matched) != 0)
			continue;
		if (!match(routes[i].pattern, r->path, r))
			continue;
		if (!(routes[i].methods & (1u << r->method))) {
			matched = routes[i].pattern;
			r->allow |= routes[i].methods;
			continue;
		}
		routes[i].fn(ctx, r, rs);
		return ROUTE_OK;
	}
	r->nparams = 0;
	return matched != NULL ? ROUTE_BAD_METHOD : ROUTE_NO_MATCH;
}
