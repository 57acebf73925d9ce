#ifndef GAZETTE_ROUTE_H
#define GAZETTE_ROUTE_H
/*
 * Method + path pattern -> handler.  A pattern is a path of segments, each
 * a literal, ":name" (one non-empty segment, captured percent-decoded into
 * req->params in order) or "#name" (the same, digits only); a final "*"
 * matches the non-empty rest of the path (not captured).  A trailing
 * '/' in the pattern is significant, as in WordPress permalinks.  The
 * first route that matches wins; when the first pattern that matches the
 * path does not take the method, only routes with that same pattern are
 * tried, and without one the answer is 405 (ROUTE_BAD_METHOD).
 */
#include "http.h"

typedef void (*route_fn)(void *ctx, struct req *r, struct resp *rs);

struct route {
	unsigned methods; /* bit (1 << enum http_method) */
	const char *pattern;
	route_fn fn;
};

#define ROUTE_GET  ((1u << HTTP_GET) | (1u << HTTP_HEAD))
#define ROUTE_POST (1u << HTTP_POST)

enum route_result {
	ROUTE_OK,        /* handler ran */
	ROUTE_NO_MATCH,  /* no pattern matched the path: 404 */
	ROUTE_BAD_PATH,  /* bad percent-encoding or NUL: 400 */
	ROUTE_BAD_QUERY, /* a query argument badly escaped or not UTF-8: 400 */
	ROUTE_BAD_METHOD /* a pattern matched, not for this method: 405 */
};

/* Match r against routes[0..n) and run the handler. */
enum route_result route_dispatch(const struct route *routes, size_t n,
                                 void *ctx, struct req *r, struct resp *rs);
/* The index of the first of routes[0..n) taking GET whose pattern
 * matches path, or -1 (r lends its arena; its params are cleared). */
long route_find(const struct route *routes, size_t n, const char *path,
                struct req *r);
/* 1 if every %XX in s[0..n) is valid and none decodes to NUL. */
int route_path_valid(const char *s, size_t n);

#endif
