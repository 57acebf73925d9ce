#ifndef GAZETTE_HTML_H
#define GAZETTE_HTML_H
/*
 * HTML output.  html_puts() escapes & < > " ' (the mustache spec requires
 * & < > "; ' is escaped too so attribute values in single quotes are safe);
 * html_puts_raw() writes verbatim and is the louder name on purpose.
 */
#include <stddef.h>

#include "../util/buf.h"

int html_escape(struct buf *b, const char *s, size_t n)
	__attribute__((warn_unused_result));
int html_puts(struct buf *b, const char *s) __attribute__((warn_unused_result));
int html_puts_raw(struct buf *b, const char *s)
	__attribute__((warn_unused_result));

#endif
