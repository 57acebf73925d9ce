/*
 * OPML files from anyone (feed/opml.c).  What is read is written out
 * again and read back: the driver traps when that gives another list
 * (an export an import cannot take back).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "feed/feed.h"
#include "util/buf.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct opml_feed *f, *g;
	size_t n, m;
	struct error e;
	struct buf b;

	buf_init(&b, 1 << 24);
	if (opml_parse(a, (const char *)data, size, &f, &n, &e) == 0 &&
	    opml_write(&b, "fuzz", f, n) == 0) {
		if (opml_parse(a, b.p, b.len, &g, &m, &e) != 0 || m != n)
			__builtin_trap();
		/* the export groups by folder, so compare as sets */
		for (size_t i = 0; i < n; i++) {
			size_t j = 0;

			while (j < m && (strcmp(f[i].url, g[j].url) != 0 ||
			                 strcmp(f[i].title, g[j].title) != 0))
				j++;
			if (j == m)
				__builtin_trap();
		}
	}
	buf_release(&b);
	arena_free(a);
	return 0;
}
