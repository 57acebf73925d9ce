#ifndef GAZETTE_NUM_H
#define GAZETTE_NUM_H
#include <stddef.h>
#include <stdint.h>

/*
 * Parse the whole of s as a decimal integer in [min, max] (like OpenBSD's
 * strtonum).  0, or -1 for empty, trailing junk, sign errors or range.
 */
int num_parse(const char *s, int64_t min, int64_t max, int64_t *out);
/* v in decimal into out (room for NUM_TEXT_BYTES); returns its length.
 * What printf's PRId64 writes, without printf's cost. */
#define NUM_TEXT_BYTES 21
size_t num_format(int64_t v, char *out);

#endif
