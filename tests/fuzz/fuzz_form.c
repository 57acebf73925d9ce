/*
 * Form bodies come from anyone: the input is parsed as an
 * application/x-www-form-urlencoded body against the comment form's
 * declared fields, and read as the X-Forwarded-For a trusted proxy
 * passed on.  req_header and req_header_list are stubbed (the server's
 * live in server.c with the HTTP library).
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

static const char *forwarded;

const char *
req_header_list(const struct req *r, const char *name)
{
	(void)r;
	return strcmp(name, "X-Forwarded-For") == 0 ? forwarded : NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct req r;
	struct error e;
	struct netset trusted;
	struct netaddr addr;
	const char *client;
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
	(void)req_same_origin(&r, "https://news.example.com");
	/* The reader is the peer or an address from the list, never
	 * anything else. */
	memset(&trusted, 0, sizeof(trusted));
	if (netset_add(&trusted, "127.0.0.1, ::1, 10.0.0.0/8", &e) == -1)
		__builtin_trap();
	r.remote_ip = "127.0.0.1";
	r.trusted = &trusted;
	forwarded = r.body;
	client = req_client_ip(&r);
	if (strcmp(client, r.remote_ip) != 0 &&
	    (netaddr_parse(client, strlen(client), &addr) == -1 ||
	     strstr(r.body, client) == NULL))
		__builtin_trap();
	arena_free(a);
	return 0;
}
