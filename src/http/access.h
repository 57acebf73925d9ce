#ifndef GAZETTE_ACCESS_H
#define GAZETTE_ACCESS_H
/*
 * The access log, in the combined format of Apache and nginx, which
 * goaccess and fail2ban read as they are:
 *
 *   IP - - [07/Dec/2026:12:36:27 +0000] "GET /path?q HTTP/1.1" 200 5120
 * "referer" "agent"
 *
 * The user field is always "-" (a login is nobody's business in a log),
 * and query values that carry secrets (ACCESS_SECRET_ARGS: unsubscribe
 * and invitation tokens, CSRF tokens) are written as "REDACTED", in the
 * request line and in the Referer alike.  Quoted fields escape '"', '\\'
 * and bytes outside printable ASCII as \xHH, as nginx does, so no request
 * can forge a line.  Plain strings in, so the unit tests reach it.
 */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http.h"
#include "../util/metrics.h"

struct access_entry {
	const char *ip;
	const char *method;
	const char *path;  /* raw, without the query */
	const char *query; /* raw, "" when none */
	const char *version;
	const char *referer; /* NULL: "-" */
	const char *agent;   /* NULL: "-" */
	int status;
	uint64_t bytes;
	time_t at;
};

/* The names of query arguments whose values are never logged. */
extern const char *const access_secret_args[];

/* The entry's line, ending in '\n' and NUL-terminated, into out: at most
 * n - 1 bytes before the NUL (cut text still ends in '\n'); returns its
 * length (0 when n < 2). */
size_t access_format(char *out, size_t n, const struct access_entry *a);
/* The route class of a request, from its method and raw path. */
enum metric_route access_route_class(enum http_method m, const char *path);

#endif
