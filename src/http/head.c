/*
 * The checks a request head must pass before any of its body is read.
 * They take the head as plain strings, not the HTTP library's connection,
 * so the fuzz driver (tests/fuzz/fuzz_head.c) reaches them without a
 * socket; server.c hands over what the library parsed.
 */
#include <string.h>
#include <strings.h>

#include "http.h"
#include "../util/num.h"
#include "../util/banned.h"

const char *
req_head_check(const char *target, const struct header *h, size_t n,
               int64_t max_body, unsigned *status)
{
	size_t bytes = strlen(target);
	const char *cl = NULL;
	int64_t len;

	if (bytes > LIM_URL_BYTES) {
		*status = 414;
		return "request target too long\n";
	}
	/* ": " and CRLF around each field, as it came on the wire */
	for (size_t i = 0; i < n; i++)
		bytes += strlen(h[i].name) + strlen(h[i].value) + 4;
	if (bytes > LIM_HEADER_BYTES) {
		*status = 431;
		return "request header too large\n";
	}
	for (size_t i = 0; i < n && cl == NULL; i++)
		if (strcasecmp(h[i].name, "Content-Length") == 0)
			cl = h[i].value;
	if (cl != NULL &&
	    (num_parse(cl, 0, INT64_MAX, &len) == -1 || len > max_body)) {
		*status = 413;
		return "request body too large\n";
	}
	return NULL;
}
