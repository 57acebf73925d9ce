#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "arena.h"
#include "banned.h"

#define ARENA_BLOCK (32 * 1024)
#define ARENA_ALIGN 16

struct block {
	struct block *next;
	size_t cap, used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct block *head;  /* current block, newest first */
	struct block *first; /* kept across arena_reset() */
};

static struct block *
block_new(size_t cap)
{
	struct block *b = xmalloc(sizeof(*b) + cap);

	b->next = NULL;
	b->cap = cap;
	b->used = 0;
	return b;
}

struct arena *
arena_new(void)
{
	struct arena *a = xmalloc(sizeof(*a));

	a->first = block_new(ARENA_BLOCK);
	a->head = a->first;
	return a;
}

static void
free_blocks_until(struct block *b, const struct block *stop)
{
	while (b != NULL && b != stop) {
		struct block *next = b->next;

		free(b);
		b = next;
	}
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	free_blocks_until(a->head, NULL);
	free(a);
}

void
arena_reset(struct arena *a)
{
	free_blocks_until(a->head, a->first);
	/* Big one-off blocks may hang behind the first block too. */
	free_blocks_until(a->first->next, NULL);
	a->first->used = 0;
	a->first->next = NULL;
	a->head = a->first;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct block *b = a->head;
	size_t off = (b->used + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);

	if (n == 0)
		n = 1;
	if (off > b->cap || n > b->cap - off) {
		size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;

		if (n > SIZE_MAX - sizeof(struct block)) {
			fprintf(stderr, "gazette: arena request too large\n");
			abort();
		}
		b = block_new(cap);
		if (cap == n && a->head != NULL) {
			/*
			 * A big one-off allocation goes in a block of its own
			 * behind the current one, so the current block's free
			 * space is not wasted.
			 */
			b->next = a->head->next;
			a->head->next = b;
			b->used = n;
			return b->data;
		}
		b->next = a->head;
		a->head = b;
		off = 0;
	}
	b->used = off + n;
	return b->data + off;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list cp;
	int n;
	char *p;

	char small[256];

	/* One pass for the short strings nearly every call makes. */
	va_copy(cp, ap);
	n = vsnprintf(small, sizeof(small), fmt, cp);
	va_end(cp);
	if (n < 0)
		return arena_strdup(a, "");
	p = arena_alloc(a, (size_t)n + 1);
	if ((size_t)n < sizeof(small))
		memcpy(p, small, (size_t)n + 1);
	else
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

void *
arena_grow(struct arena *a, void *p, size_t *cap, size_t n, size_t sz)
{
	void *g;

	if (n < *cap)
		return p;
	*cap = *cap ? 2 * *cap : 8;
	g = arena_alloc(a, *cap * sz);
	if (n > 0)
		memcpy(g, p, n * sz);
	return g;
}
