/*
 * The headers of an answer (the server's own, validators, caching) and
 * answers made once and sent many times (struct ready, http.h): what
 * server.c's answers and the page cache's hot pages share.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mhd.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/banned.h"

/* Add the headers of always that the handler did not set (server.h). */
void
http_add_always(struct MHD_Response *mr, const struct header *always,
                const struct resp *rs)
{
	for (const struct header *h = always; h != NULL && h->name != NULL;
	     h++) {
		size_t i = 0;

		while (rs != NULL && i < rs->nheaders &&
		       strcasecmp(rs->headers[i].name, h->name) != 0)
			i++;
		if (rs == NULL || i == rs->nheaders)
			MHD_add_response_header(mr, h->name, h->value);
	}
}

/*
 * Validators and caching headers.  The gzip variant has its own ETag
 * (RFC 9110 section 8.8.3: a strong validator differs per content coding),
 * and every response that has one says Vary: Accept-Encoding.  Anonymous
 * pages may sit in a shared cache for a short while; browsers revalidate
 * (cheap: a 304) so a reader sees a new comment at once.
 */
void
http_add_headers(struct server *s, struct MHD_Response *mr, const struct req *r,
                 const struct resp *rs, int status, int gzip)
{
	char etag[32], date[64];
	const char *cc = rs->cache_control;

	http_add_always(mr, s->always, rs);
	if (status != 304)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
		                        rs->content_type);
	for (size_t i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(mr, rs->headers[i].name,
		                        rs->headers[i].value);
	if (rs->etag[0] != '\0') {
		if (gzip)
			snprintf(etag, sizeof(etag), "%.17s-gzip\"", rs->etag);
		else
			snprintf(etag, sizeof(etag), "%s", rs->etag);
		MHD_add_response_header(mr, MHD_HTTP_HEADER_ETAG, etag);
	}
	if (rs->last_modified > 0) {
		time_format(rs->last_modified, "%a, %d %b %Y %H:%M:%S GMT",
		            date, sizeof(date));
		MHD_add_response_header(mr, MHD_HTTP_HEADER_LAST_MODIFIED,
		                        date);
	}
	if (rs->gzippable || rs->gz.len > 0 || gzip)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_VARY,
		                        "Accept-Encoding");
	if (gzip)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_ENCODING,
		                        "gzip");
	if (cc == NULL && (r->method == HTTP_GET || r->method == HTTP_HEAD) &&
	    (status == 200 || status == 304 || status == 301 || status == 404))
		cc = CACHE_CONTROL_PUBLIC;
	else if (cc == NULL)
		cc = "no-store";
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CACHE_CONTROL, cc);
}

struct ready {
	atomic_int refs;
	struct MHD_Response *mr;
	size_t bytes;
	char *buf;  /* the body, freed by the library with mr */
	size_t len; /* its bytes */
};

/* Adds a header's cost (mhd.h) to the size_t at cls. */
static enum MHD_Result
header_bytes(void *cls, enum MHD_ValueKind kind, const char *key,
             const char *value)
{
	(void)kind;
	*(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) +
	                  READY_HEADER_OVERHEAD;
	return MHD_YES;
}

struct ready *
ready_new(const struct req *r, const struct resp *rs, int gzip)
{
	const struct buf *b = gzip ? &rs->gz : &rs->body;
	struct ready *rd;

	if (r->srv == NULL || rs->status != 200 || rs->file_fd >= 0 ||
	    rs->static_body != NULL || b->len == 0)
		return NULL;
	rd = xcalloc(1, sizeof(*rd));
	/* NUL-terminated, as the cache keeps bodies: it may keep this one
	 * as its own copy (ready_body()). */
	rd->buf = xmalloc(b->len + 1);
	memcpy(rd->buf, b->p, b->len);
	rd->buf[b->len] = '\0';
	rd->mr =
		MHD_create_response_from_buffer_with_free_callback_cls(b->len,
	                                                               rd->buf,
	                                                               free,
	                                                               rd->buf);
	if (rd->mr == NULL) {
		free(rd->buf);
		free(rd);
		return NULL;
	}
	http_add_headers(r->srv, rd->mr, r, rs, 200, gzip);
	atomic_init(&rd->refs, 1);
	rd->len = b->len;
	rd->bytes = b->len + READY_OVERHEAD;
	MHD_get_response_headers(rd->mr, header_bytes, &rd->bytes);
	return rd;
}

void
ready_ref(struct ready *rd)
{
	atomic_fetch_add_explicit(&rd->refs, 1, memory_order_relaxed);
}

void
ready_unref(struct ready *rd)
{
	if (rd != NULL &&
	    atomic_fetch_sub_explicit(&rd->refs, 1, memory_order_acq_rel) ==
	            1) {
		MHD_destroy_response(rd->mr);
		free(rd);
	}
}

size_t
ready_bytes(const struct ready *rd)
{
	return rd->bytes;
}

size_t
ready_len(const struct ready *rd)
{
	return rd->len;
}

char *
ready_body(const struct ready *rd)
{
	return rd->buf;
}

struct MHD_Response *
ready_response(const struct ready *rd)
{
	return rd->mr;
}
