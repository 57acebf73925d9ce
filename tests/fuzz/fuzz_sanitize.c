/*
 * Imported posts and comments are HTML from outside.  Besides memory
 * errors, the driver traps when the output is not a fixed point (a
 * second pass changes it: the serialization reparses differently, the
 * root of mutation XSS) or still holds "<script" (text is escaped, so it never
 * may), and when the short way for text with only <p> and <br> gives
 * other output than the full parse.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "render/sanitize.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf one, two, full;

	buf_init(&one, 1 << 24);
	buf_init(&two, 1 << 24);
	buf_init(&full, 1 << 24);
	if (sanitize_html(&one, (const char *)data, size, 0) == 0 &&
	    sanitize_html(&full, (const char *)data, size,
	                  SANITIZE_FULL_PARSE) == 0 &&
	    strcmp(buf_str(&one), buf_str(&full)) != 0)
		__builtin_trap();
	buf_reset(&one);
	if (sanitize_html(&one, (const char *)data, size, 0) == 0 &&
	    sanitize_html(&two, buf_str(&one), one.len, 0) == 0) {
		if (strcmp(buf_str(&one), buf_str(&two)) != 0)
			__builtin_trap();
		if (strstr(buf_str(&one), "<script") != NULL)
			__builtin_trap();
	}
	buf_release(&one);
	buf_release(&two);
	buf_release(&full);
	return 0;
}
