#include <assert.h>
#include <string.h>

#include "slugs.h"
#include "../util/banned.h"

static const char *reserved[SLUGS_PATTERNS_MAX];
static size_t nreserved;

void
slugs_reserve(const char *const *patterns, size_t n)
{
	assert(n <= SLUGS_PATTERNS_MAX);
	memcpy(reserved, patterns, n * sizeof(*patterns));
	nreserved = n;
}

int
slugs_reserved_by(const char *pattern, const char *slug)
{
	const char *seg = pattern + (*pattern == '/');
	size_t len = strcspn(seg, "/"), lit = strcspn(seg, ":#*/");
	size_t i;

	if (len == 0 || *slug == '\0')
		return 0;
	if (lit == len) /* a literal segment */
		return strlen(slug) == len && strncmp(slug, seg, len) == 0;
	if (seg[lit] == '#' && lit == 0) {
		for (i = 0; slug[i] >= '0' && slug[i] <= '9'; i++)
			;
		return slug[i] == '\0';
	}
	/* a capture after a literal: the literal and at least one byte */
	return lit > 0 && strncmp(slug, seg, lit) == 0 && slug[lit] != '\0';
}

int
slugs_reserved(const char *slug)
{
	for (size_t i = 0; i < nreserved; i++)
		if (slugs_reserved_by(reserved[i], slug))
			return 1;
	return 0;
}
