/* Front matter comes from files users hand to `gazette post add`. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "import/front.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	struct front f;
	struct error e;
	int line;

	if (front_parse(a, (const char *)data, size, &f, &line, &e) == 0) {
		if (f.body < (const char *)data ||
		    f.body + f.body_len != (const char *)data + size)
			__builtin_trap(); /* the body is the input's tail */
	} else if (line < 1)
		__builtin_trap(); /* every error names a line */
	arena_free(a);
	return 0;
}
