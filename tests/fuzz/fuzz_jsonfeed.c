/*
 * JSON Feed from anyone (feed/jsonfeed.c, jansson underneath).  Traps
 * when an entry's HTML holds "<script" or a link is not http(s).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "feed/feed.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct feed_doc d;
	struct error e;

	if (feed_parse_json(a, (const char *)data, size,
	                    "https://example.org/feed.json", &d, &e) == 0)
		for (size_t i = 0; i < d.n_entries; i++) {
			const char *l = d.entries[i].link;

			if (strstr(d.entries[i].content_html, "<script"))
				__builtin_trap();
			if (*l != '\0' && strncmp(l, "http://", 7) != 0 &&
			    strncmp(l, "https://", 8) != 0)
				__builtin_trap();
		}
	arena_free(a);
	return 0;
}
