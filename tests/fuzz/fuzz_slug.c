/*
 * Titles from anywhere (the admin, imports, guest submissions) made into
 * slugs through libunistring (util/text.c), and date formats (setting
 * date_format, util/clock.c): whatever comes out of a title is a valid
 * slug or nothing, and a format the check accepts prints within
 * TIME_DATE_BYTES.  The first byte picks which.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/clock.h"
#include "util/limits.h"
#include "util/text.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a;
	char *s, out[TIME_DATE_BYTES];
	const char *slug;

	if (size < 1 || size > 4096)
		return 0;
	a = arena_new();
	s = arena_alloc(a, size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (data[0] & 1) {
		slug = slug_from_title(a, s);
		if (*slug != '\0' && !slug_valid(slug))
			abort();
		if (strlen(slug) > LIM_SLUG_BYTES)
			abort();
	} else if (time_date_check(s) == NULL) {
		time_date_format(INT64_C(1772330400), s, out, sizeof(out));
		if (strlen(out) >= sizeof(out))
			abort();
	}
	arena_free(a);
	return 0;
}
