#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "num.h"
#include "banned.h"

int
num_parse(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	/* strtoll skips leading white space and takes '+'; we take neither:
	 * the whole string must be the number. */
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) || *s == '+')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
