#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "http.h"
#include "../util/banned.h"

/* Smaller bodies gain too little from gzip to pay for it. */
#define GZIP_MIN_BYTES 1024

const char *const http_method_names[HTTP_METHOD__MAX] = {"GET",    "HEAD",
                                                         "POST",   "PUT",
                                                         "DELETE", "OPTIONS",
                                                         ""};

void
resp_init(struct resp *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->status = 200;
	rs->content_type = "text/html; charset=utf-8";
	buf_init(&rs->body, LIM_RESPONSE_BYTES);
	buf_init(&rs->gz, LIM_RESPONSE_BYTES);
	rs->file_fd = -1;
}

void
resp_release(struct resp *rs)
{
	buf_release(&rs->body);
	buf_release(&rs->gz);
	if (rs->file_fd >= 0)
		close(rs->file_fd);
	rs->file_fd = -1;
}

static int
compressible(const char *type)
{
	return strncmp(type, "text/", 5) == 0 ||
	       strncmp(type, "application/json", 16) == 0 ||
	       strstr(type, "xml") != NULL ||
	       strstr(type, "javascript") != NULL;
}

static void
gzip_body(struct resp *rs, const char *body, size_t len)
{
	z_stream z;
	size_t bound;

	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper, not zlib's. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return;
	bound = deflateBound(&z, len);
	buf_reset(&rs->gz);
	if (buf_grow(&rs->gz, bound) == 0) {
		z.next_in = (Bytef *)(uintptr_t)body;
		z.avail_in = (uInt)len;
		z.next_out = (Bytef *)rs->gz.p;
		z.avail_out = (uInt)bound;
		if (deflate(&z, Z_FINISH) == Z_STREAM_END &&
		    z.total_out < len) {
			rs->gz.len = z.total_out;
			rs->gz.p[rs->gz.len] = '\0';
		}
	}
	deflateEnd(&z);
}

void
resp_prepare(struct resp *rs, int gzip)
{
	static const char hex[] = "0123456789abcdef";
	const char *body =
		rs->static_body ? rs->static_body : buf_str(&rs->body);
	size_t len = rs->static_body ? rs->static_len : rs->body.len;
	unsigned char h[8];

	crypto_generichash(h, sizeof(h), (const unsigned char *)body, len, NULL,
	                   0);
	rs->etag[0] = '"';
	for (size_t i = 0; i < sizeof(h); i++) {
		rs->etag[1 + 2 * i] = hex[h[i] >> 4];
		rs->etag[2 + 2 * i] = hex[h[i] & 15];
	}
	rs->etag[17] = '"';
	rs->etag[18] = '\0';
	buf_reset(&rs->gz);
	if (gzip && len >= GZIP_MIN_BYTES && compressible(rs->content_type))
		gzip_body(rs, body, len);
}

/* The gzip coding is acceptable unless absent or given q=0 (RFC 9110
 * section 12.5.3). */
static int
accepts_gzip(const char *ae)
{
	const char *p;

	if (ae == NULL)
		return 0;
	for (p = ae; (p = strcasestr(p, "gzip")) != NULL; p += 4) {
		const char *q = p + 4;

		if (p > ae && p[-1] != ' ' && p[-1] != ',')
			continue;
		while (*q == ' ')
			q++;
		if (*q == ',' || *q == '\0')
			return 1;
		if (*q == ';') {
			q = strchr(q, '=');
			if (q == NULL)
				return 1;
			q++;
			while (*q == '0' || *q == '.')
				q++;
			/* q=0, q=0.0, q=0.000: refused */
			return !(*q == '\0' || *q == ',' || *q == ' ');
		}
	}
	return 0;
}

/* Does the If-None-Match list name etag?  Weak comparison (RFC 9110
 * section 13.1.2): a W/ prefix and our "-gzip" variant suffix are ignored. */
static int
etag_matches(const char *inm, const char *etag)
{
	size_t n = strlen(etag) - 1; /* without the closing quote */

	for (const char *p = inm; *p != '\0';) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (strncmp(p, etag, n) == 0 &&
		    (p[n] == '"' || strncmp(p + n, "-gzip\"", 6) == 0))
			return 1;
		p = strchr(p, ',');
		if (p == NULL)
			break;
	}
	return 0;
}

/*
 * An HTTP date in any of the three forms RFC 9110 section 5.6.7 makes
 * recipients accept (IMF-fixdate, RFC 850, asctime), or -1.  libcurl
 * parses them all, and more (which the RFC allows).
 */
static int64_t
http_date_parse(const char *s)
{
	time_t t = curl_getdate(s, NULL);

	return t == (time_t)-1 ? -1 : (int64_t)t;
}

int
req_accepts_gzip(const struct req *r)
{
	return accepts_gzip(req_header(r, "Accept-Encoding"));
}

int
resp_negotiate(const struct req *r, const struct resp *rs, int *gzip)
{
	const char *inm, *ims;
	int64_t since;

	*gzip = rs->gz.len > 0 &&
	        accepts_gzip(req_header(r, "Accept-Encoding"));
	if (rs->status != 200 ||
	    (r->method != HTTP_GET && r->method != HTTP_HEAD))
		return rs->status;
	inm = req_header(r, "If-None-Match");
	if (inm != NULL)
		return rs->etag[0] && etag_matches(inm, rs->etag) ? 304 : 200;
	ims = req_header(r, "If-Modified-Since");
	if (ims != NULL && rs->last_modified > 0) {
		since = http_date_parse(ims);
		if (since >= rs->last_modified)
			return 304;
	}
	return 200;
}

int
resp_header(struct resp *rs, const char *name, const char *value)
{
	size_t max = sizeof(rs->headers) / sizeof(rs->headers[0]);

	if (rs->nheaders == max)
		return -1;
	rs->headers[rs->nheaders].name = name;
	rs->headers[rs->nheaders].value = value;
	rs->nheaders++;
	return 0;
}

int
resp_status_for(enum err_code code)
{
	switch (code) {
	case ERR_OK:
		return 200;
	case ERR_INVALID:
		return 400;
	case ERR_NOT_FOUND:
		return 404;
	case ERR_CONFLICT:
		return 409;
	case ERR_TOO_BIG:
		return 413;
	case ERR_FORBIDDEN:
		return 403;
	case ERR_RATE_LIMITED:
		return 429;
	case ERR_IO:
	case ERR__MAX:
		break;
	}
	return 500;
}

void
resp_json_error(struct resp *rs, int status, const char *msg)
{
	json_t *o = json_pack("{s:s}", "error", msg);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	rs->status = status;
	rs->content_type = "application/json";
	buf_reset(&rs->body);
	if (text == NULL || buf_puts(&rs->body, text) == -1)
		buf_reset(&rs->body);
	free(text);
	json_decref(o);
}
