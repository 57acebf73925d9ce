#ifndef GAZETTE_BUF_H
#define GAZETTE_BUF_H
/*
 * A growing byte string with a cap.  Invariants (as git's strbuf): p is NULL
 * until the first add, then always NUL-terminated at p[len]; len <= max.
 * Reaching max is an ordinary error (-1), and leaves the buffer as it was;
 * out of memory aborts.  buf_detach() hands p to the caller (free()).
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char *p;
	size_t len, cap, max;
};

void buf_init(struct buf *b, size_t max);
void buf_release(struct buf *b);
void buf_reset(struct buf *b); /* len = 0, memory kept */
char *buf_detach(struct buf *b, size_t *len);
/* Never NULL: "" for an empty buffer. */
const char *buf_str(const struct buf *b);

int buf_add_grow(struct buf *b, const void *p, size_t n)
	__attribute__((warn_unused_result));

/*
 * Inline while the bytes fit: a page's render adds some 350 pieces, and
 * a call into buf_grow for each was a tenth of the instructions of
 * making an article page (issue 12).
 */
static inline __attribute__((warn_unused_result)) int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (b->cap - b->len > n && n <= b->max - b->len) {
		memcpy(b->p + b->len, p, n);
		b->len += n;
		b->p[b->len] = '\0';
		return 0;
	}
	return buf_add_grow(b, p, n);
}
int buf_puts(struct buf *b, const char *s) __attribute__((warn_unused_result));
int buf_putc(struct buf *b, char c) __attribute__((warn_unused_result));
int buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), warn_unused_result));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0), warn_unused_result));
/* Make room for n more bytes without changing len. */
int buf_grow(struct buf *b, size_t n) __attribute__((warn_unused_result));

#endif
