#ifndef GAZETTE_HTTP_H
#define GAZETTE_HTTP_H
/*
 * What a handler sees of HTTP: struct req (method, raw path and query, the
 * decoded route parameters, the body, headers through req_header()) and
 * struct resp, which it fills.  Only server.c knows the HTTP library.
 *
 * Ownership: everything in req, and what a handler puts in resp's headers,
 * lives in req->arena, freed after the response is sent.  resp->body is a
 * capped struct buf handed to the server without a copy.
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/error.h"
#include "../util/limits.h"
#include "../util/netaddr.h"

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP_OTHER,
	HTTP_METHOD__MAX
};

/* "GET", "HEAD", ...; "" for HTTP_OTHER. */
extern const char *const http_method_names[HTTP_METHOD__MAX];

struct req {
	enum http_method method;
	const char *path;  /* raw, still percent-encoded, no query */
	const char *query; /* raw, after '?', "" when none */
	struct arena *arena;
	const char *params[LIM_ROUTE_PARAMS]; /* decoded route captures */
	size_t nparams;
	const char *body; /* NUL-terminated; "" when none */
	size_t body_len;
	const char *remote_ip;        /* the socket peer */
	const struct netset *trusted; /* gazette.conf's trusted_proxies */
	unsigned allow; /* after ROUTE_BAD_METHOD: methods the path takes */
	/* An upload (a multipart POST to a path of server_upload_paths):
	 * its file, streamed to a temporary file the server removes after
	 * the response, and the name the client gave it; NULL when the form
	 * had no file.  upload_error: why it could not be taken (NULL when
	 * it was).  The form's other fields are in body, URL-encoded, as
	 * form_values() reads them. */
	const char *upload_path, *upload_name, *upload_error;
	int64_t upload_bytes;
	void *conn;  /* the server's, for req_header() */
	void *srv;   /* the server's, for ready_new(); NULL in unit tests */
	int closing; /* the answer closes the connection (RFC 9112 6.1) */
};

struct header {
	const char *name, *value;
};

struct resp {
	int status;
	const char *content_type;
	struct buf body;
	/* A body that outlives the request (embedded files): sent without a
	 * copy when set, instead of body. */
	const char *static_body;
	size_t static_len;
	/* A file body (uploads): length bytes of fd from offset, sent with
	 * sendfile; the server closes fd.  -1: none. */
	int file_fd;
	uint64_t file_offset, file_length;
	struct header headers[16];
	size_t nheaders;
	/*
	 * Caching (RFC 9111) and validators (RFC 9110 section 8.8): handlers
	 * set last_modified where they know it and cache_control where the
	 * default does not fit; resp_prepare() fills etag and gz.
	 */
	int64_t last_modified;     /* Unix seconds; 0: none */
	const char *cache_control; /* NULL: the default for the status */
	char etag[24];             /* "\"<16 hex>\"", "" until prepared */
	struct buf gz;             /* gzip of the body, once made */
	int gzippable;             /* the body is worth a gzip variant */
	/*
	 * For the page cache: a post whose comments this page shows (its
	 * page, its comment feed), so that a comment on it, and only that,
	 * drops the cached page (store_post_version()); 0: none.
	 */
	int64_t cache_dep;
	/*
	 * A response made once and sent as is (ready_new()), with a reference
	 * the server drops (resp_release() leaves it): for a 200 it is sent
	 * instead of body or gz, whose variant it is (ready_gzip); the fields
	 * above still serve a 304.
	 */
	struct ready *ready;
	int ready_gzip;
};

/*
 * The page cache's hot pages, made into the HTTP library's response once
 * (headers and all, as a 200 to a GET) and then handed to every reader of
 * them, without a copy of the body or a header made per request.  For rs
 * as the server would send it to r, its gzip variant when gzip; NULL when
 * r has no server (unit tests) or rs is not a 200 with a body.  Counted:
 * ready_ref() for each holder, ready_unref() by each; the last frees it
 * (the library keeps what a connection is still sending).  ready_bytes()
 * is what one costs, for the cache's budget.
 */
struct ready *ready_new(const struct req *r, const struct resp *rs, int gzip);
void ready_ref(struct ready *rd);
void ready_unref(struct ready *rd);
size_t ready_bytes(const struct ready *rd);
size_t ready_len(const struct ready *rd); /* its body's bytes */
/* Its body (NUL-terminated): valid while a reference is held. */
char *ready_body(const struct ready *rd);

/* gazette.conf's url when the file gives none. */
#define SITE_URL_DEFAULT "http://127.0.0.1:8080"

/* A request header's value (its first line), or NULL. */
const char *req_header(const struct req *r, const char *name);
/* Every line of a header joined with ", ", as RFC 9110 section 5.3 reads
 * a field sent on several lines, in r's arena; NULL when absent. */
const char *req_header_list(const struct req *r, const char *name);
/*
 * The checks of a request head made before any body is read: its raw
 * target and its n header fields in the order they came.  NULL when the
 * head may go on; else the refusal's text, with *status 414 (target over
 * LIM_URL_BYTES), 431 (head over LIM_HEADER_BYTES) or 413 (a first
 * Content-Length that is not a number, or over max_body: LIM_BODY_BYTES,
 * or LIM_UPLOAD_BYTES for an upload, which is streamed to a file).
 */
const char *req_head_check(const char *target, const struct header *h, size_t n,
                           int64_t max_body, unsigned *status);
/* The decoded value of query argument name, or NULL (also when the query
 * has a bad escape; route_dispatch() has refused those already). */
const char *req_query(const struct req *r, const char *name);

/* Content-Type is application/json, parameters (charset) aside. */
int req_is_json(const char *content_type);
/*
 * The reader's address, for view counts, rate limits and the login
 * throttle: the socket peer, unless it is a trusted proxy; then
 * X-Forwarded-For (all its lines) is walked from the right past the
 * entries of trusted proxies, and the first other entry is the reader.
 * An entry that is not an address ends the walk at the proxy before it.
 */
const char *req_client_ip(const struct req *r);

/*
 * A form field a handler declares before reading a form body
 * (application/x-www-form-urlencoded): its name, its largest value in
 * bytes, and whether it must be there.  form_parse() fills value (decoded,
 * UTF-8) or leaves it NULL; a field given twice, over max, missing or not
 * UTF-8, a bad escape or a NUL byte, or more than LIM_FORM_FIELDS pairs is
 * ERR_INVALID naming the field.  Undeclared fields are ignored.
 */
struct form_field {
	const char *name;
	size_t max;
	int required;
	const char *value;
};
int form_parse(const struct req *r, struct form_field *fields, size_t n,
               struct error *e);
/*
 * Every value of a field that may repeat (checkboxes of a bulk action,
 * name=1&name=2...), in order, NULL-terminated, in r's arena: at most
 * LIM_FORM_VALUES of them, each at most max bytes of UTF-8.  A form of
 * such fields may have LIM_FORM_VALUES pairs more than LIM_FORM_FIELDS;
 * form_parse() on the same body refuses past LIM_FORM_FIELDS, so a
 * handler of a bulk form reads its single fields with form_values too.
 */
int form_values(const struct req *r, const char *name, size_t max,
                const char ***out, size_t *n, struct error *e);
/*
 * Is this POST from the site itself?  Its Origin (or, failing that, its
 * Referer) must name the host the request was sent to (Host) or the site's
 * own origin (site_url).  Checked on every form POST: a cached page still
 * works, and a cross-site form cannot post (DESIGN.md section 3).  When
 * site_url is set (not SITE_URL_DEFAULT) and names a host, the Host must
 * be that host, an address or localhost: a page on a name rebound by DNS
 * to this server's address sends its own name as both Host and Origin.
 */
int req_same_origin(const struct req *r, const char *site_url);
/* url is serve's guess (no url in gazette.conf): the check takes it as it
 * takes SITE_URL_DEFAULT.  Called once, before the server's threads. */
void req_url_guessed(const char *url);

void resp_init(struct resp *rs);
void resp_release(struct resp *rs);
/* Compute the ETag (a hash of the body) and gzippable (text of at least
 * GZIP_MIN_BYTES), and when gzip is set, the gzip variant. */
void resp_prepare(struct resp *rs, int gzip);
/* Make the gzip variant of a gzippable body if not made yet; a body it
 * does not shrink is no longer gzippable. */
void resp_gzip(struct resp *rs);
/* Does the request accept the gzip coding (RFC 9110 section 12.5.3)? */
int req_accepts_gzip(const struct req *r);
/*
 * What to send for request r: *gzip when the client accepts it and rs has
 * a gzip variant (in gz, or a ready one); 304 instead of rs->status when the
 * request's If-None-Match (or, without one, If-Modified-Since) matches.
 */
int resp_negotiate(const struct req *r, const struct resp *rs, int *gzip);
int resp_header(struct resp *rs, const char *name, const char *value);
/* Status for an error code: the one place they are mapped. */
int resp_status_for(enum err_code code);
/* A plain JSON error {"error": msg} with status. */
void resp_json_error(struct resp *rs, int status, const char *msg);

#endif
