#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <libdeflate.h>
#include <xxhash.h>

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

/*
 * libdeflate at level 1, as nginx's default gzip_comp_level: on a 14 KB
 * article page it took 2.4 times less CPU than zlib at level 1 and 6 times
 * less than zlib's default 6, for 4% more bytes than level 6
 * (docs/ARCHITECTURE.md, "gzip").  Each variant is made once per cached
 * page, when first asked.
 */
#define GZIP_LEVEL 1

void
resp_gzip(struct resp *rs)
{
	const char *body =
		rs->static_body ? rs->static_body : buf_str(&rs->body);
	size_t len = rs->static_body ? rs->static_len : rs->body.len, bound, n;
	struct libdeflate_compressor *z;

	if (!rs->gzippable || rs->gz.len > 0)
		return;
	z = libdeflate_alloc_compressor(GZIP_LEVEL);
	if (z == NULL)
		return;
	bound = libdeflate_gzip_compress_bound(z, len);
	buf_reset(&rs->gz);
	if (buf_grow(&rs->gz, bound) == 0) {
		n = libdeflate_gzip_compress(z, body, len, rs->gz.p, bound);
		if (n > 0 && n < len) {
			rs->gz.len = n;
			rs->gz.p[n] = '\0';
		} else
			rs->gzippable = 0;
	}
	libdeflate_free_compressor(z);
}

void
resp_prepare(struct resp *rs, int gzip)
{
	static const char hex[] = "0123456789abcdef";
	const char *body =
		rs->static_body ? rs->static_body : buf_str(&rs->body);
	size_t len = rs->static_body ? rs->static_len : rs->body.len;
	uint64_t h = XXH3_64bits(body, len);

	/* XXH3: the ETag tells versions of our own page apart, it is no
	 * secret; BLAKE2b cost a render 14 µs of a 14 KB page. */
	rs->etag[0] = '"';
	for (int i = 0; i < 16; i++)
		rs->etag[1 + i] = hex[(h >> (60 - 4 * i)) & 15];
	rs->etag[17] = '"';
	rs->etag[18] = '\0';
	buf_reset(&rs->gz);
	rs->gzippable = len >= GZIP_MIN_BYTES && compressible(rs->content_type);
	if (gzip)
		resp_gzip(rs);
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

	*gzip = (rs->gz.len > 0 || (rs->ready != NULL && rs->ready_gzip)) &&
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
