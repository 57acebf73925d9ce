/*
 * Form bodies come from anyone: the input is parsed as an
 * application/x-www-form-urlencoded body against the comment form's
 * declared fields.  req_header is stubbed (the server's lives in
 * server.c with the HTTP library).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/http.h"
#include "util/text.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

const char *
req_header(const struct req *r, const char *name)
{
	(void)r;
	return strcmp(name, "Origin") == 0 ? "http://127.0.0.1:8080" : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct req r;
	struct error e;
	struct form_field f[] = {
		{"post_id", 20, 1, NULL},   {"author", 100, 1, NULL},
		{"email", 254, 0, NULL},    {"body", 16384, 1, NULL},
		{"website", 1000, 0, NULL},
	};

	memset(&r, 0, sizeof(r));
	r.arena = a;
	r.body = arena_strndup(a, (const char *)data, size);
	r.body_len = strlen(r.body);
	if (form_parse(&r, f, sizeof(f) / sizeof(f[0]), &e) == 0)
		for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
			if (f[i].value != NULL &&
			    (strlen(f[i].value) > f[i].max ||
			     !utf8_valid(f[i].value, strlen(f[i].value))))
				__builtin_trap(); /* a value past its checks */
	(void)req_same_origin(&r, "http://127.0.0.1:8080");
	arena_free(a);
	return 0;
}
