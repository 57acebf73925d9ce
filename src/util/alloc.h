#ifndef GAZETTE_ALLOC_H
#define GAZETTE_ALLOC_H
/* malloc family that aborts on out-of-memory (like h2o_mem_alloc). */
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

#endif
