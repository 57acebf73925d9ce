/*
 * Request heads come from anyone: the first line of the input is the
 * request target, every later line a header field "Name: value", as
 * libmicrohttpd hands them to server.c.  Besides memory errors, the
 * driver traps when a refusal and its status disagree, when the target
 * is over LIM_URL_BYTES and the answer is not 414, and when a head whose
 * first Content-Length is over LIM_BODY_BYTES goes on.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "util/num.h"
#include "util/banned.h"

#define FIELDS_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *in = arena_strndup(a, (const char *)data, size);
	char *target = in, *line = strchr(in, '\n');
	struct header h[FIELDS_MAX];
	const char *why, *cl = NULL;
	unsigned status = 0;
	size_t n = 0;
	int64_t len;

	if (line != NULL)
		*line++ = '\0';
	while (line != NULL && n < FIELDS_MAX) {
		char *next = strchr(line, '\n'), *colon;

		if (next != NULL)
			*next++ = '\0';
		colon = strchr(line, ':');
		if (colon != NULL) {
			*colon = '\0';
			h[n].name = line;
			h[n].value = colon + 1 + strspn(colon + 1, " \t");
			if (cl == NULL &&
			    strcasecmp(h[n].name, "Content-Length") == 0)
				cl = h[n].value;
			n++;
		}
		line = next;
	}
	why = req_head_check(target, h, n, LIM_BODY_BYTES, &status);
	if ((why == NULL) != (status == 0))
		__builtin_trap(); /* a refusal without a status, or the reverse
		                   */
	if (why != NULL && status != 413 && status != 414 && status != 431)
		__builtin_trap();
	if ((strlen(target) > LIM_URL_BYTES) != (status == 414))
		__builtin_trap();
	if (why == NULL && cl != NULL &&
	    (num_parse(cl, 0, INT64_MAX, &len) == -1 || len > LIM_BODY_BYTES))
		__builtin_trap(); /* a body we would read past the cap */
	arena_free(a);
	return 0;
}
