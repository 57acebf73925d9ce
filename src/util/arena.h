#ifndef GAZETTE_ARENA_H
#define GAZETTE_ARENA_H
/*
 * A bump allocator: one per request (or per command).  Everything a handler
 * builds comes from the request's arena and is released by one arena_free().
 * Allocation never fails: out of memory aborts with a message.  Sizes that
 * come from outside are capped (util/limits.h) before they reach an arena.
 */
#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* Forget every allocation but keep the first block for reuse. */
void arena_reset(struct arena *a);

void *arena_alloc(struct arena *a, size_t n);
/* An array p of n elements of size sz with room for *cap: p itself when
 * there is room for one more, else a copy in a with twice the room (at
 * least 8).  For lists read row by row. */
void *arena_grow(struct arena *a, void *p, size_t *cap, size_t n,
                 size_t sz);                   /* 16-byte aligned */
void *arena_zalloc(struct arena *a, size_t n); /* zeroed */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#endif
