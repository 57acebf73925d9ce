/*
 * The router and query parser take raw request targets from the network:
 * the input is split at the first '?' into path and query, matched against
 * the site's real patterns, and every query argument is looked up.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/http.h"
#include "http/route.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The request's headers live in server.c, with the HTTP library: none
 * here. */
const char *
req_header(const struct req *r, const char *name)
{
	(void)r;
	(void)name;
	return NULL;
}

const char *
req_header_list(const struct req *r, const char *name)
{
	(void)r;
	(void)name;
	return NULL;
}

static void
noop(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)rs;
	for (size_t i = 0; i < r->nparams; i++)
		if (strlen(r->params[i]) > strlen(r->path))
			__builtin_trap(); /* a decoded capture never grows */
}

static const struct route routes[] = {
	{ROUTE_GET, "/", noop},          {ROUTE_GET, "/#/#/#/:/", noop},
	{ROUTE_GET, "/static/:", noop},  {ROUTE_GET, "/:/", noop},
	{ROUTE_POST, "/comments", noop},
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *target = arena_strndup(a, (const char *)data, size);
	char *q = strchr(target, '?');
	struct req r;
	struct resp rs;
	static const char *const names[] = {"s", "p", "page", "", "a b"};

	memset(&r, 0, sizeof(r));
	r.arena = a;
	r.method = size > 0 && data[0] & 1 ? HTTP_POST : HTTP_GET;
	r.path = target;
	r.query = "";
	if (q != NULL) {
		*q = '\0';
		r.query = q + 1;
	}
	resp_init(&rs);
	route_dispatch(routes, sizeof(routes) / sizeof(routes[0]), NULL, &r,
	               &rs);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		(void)req_query(&r, names[i]);
	buf_release(&rs.body);
	arena_free(a);
	return 0;
}
