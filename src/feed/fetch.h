#ifndef GAZETTE_FEED_FETCH_H
#define GAZETTE_FEED_FETCH_H
/*
 * Fetching feeds politely (issue 15): one batch of requests at a time,
 * on the calling thread, over one libcurl multi handle, so the server's
 * feed thread and `gazette feeds fetch` run the same code.
 *
 * Per batch: at most LIM_FEED_HOST_CONNECTIONS connections to one host;
 * a User-Agent naming gazette and the site; Accept-Encoding gzip; the
 * connect, total and low-speed limits of limits.h; a body cap counted on
 * the decoded bytes as they arrive (curl 7.88 checks MAXFILESIZE only
 * against a declared length, and before decompression), so a gzip bomb
 * stops at the cap with flat memory; http and https only, after
 * redirects too; and no connection to a loopback, private, link-local,
 * multicast or otherwise special address unless allowed, checked on the
 * address the socket is opened to, so neither a redirect nor DNS can
 * lead there.  A stored ETag is sent byte for byte (W/ included) as
 * If-None-Match, a stored Last-Modified as If-Modified-Since.
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"
#include "../util/error.h"

struct netset;

struct feed_request {
	const char *url;
	const char *etag;          /* as last received, or NULL */
	const char *last_modified; /* as last received, or NULL */
};

enum feed_redirect {
	FEED_REDIRECT_NONE,
	FEED_REDIRECT_PERMANENT, /* every hop 301 or 308 */
	FEED_REDIRECT_TEMPORARY, /* some hop 302, 303 or 307 */
};

/* Strings are malloc'd; feed_result_release() frees them. */
struct feed_result {
	long status;     /* of the last response; 0 when there was none */
	struct buf body; /* decoded, at most max_bytes */
	char *etag;      /* the last response's validators, or NULL */
	char *last_modified;
	char *content_type;
	char *effective_url; /* where the redirects ended */
	enum feed_redirect redirect;
	int64_t retry_after;   /* seconds to wait (429, 503), or -1 */
	int64_t cache_seconds; /* max-age, or Expires less Date; or -1 */
	struct error error;    /* code ERR_OK when a response came */
};

struct feed_fetch_opts {
	const char *site_url; /* named in the User-Agent */
	/* Connect to any address (feeds_allow_private = 1); else only to
	 * public ones, and to those in allow (may be NULL). */
	int allow_private;
	const struct netset *allow;
	/* 0 for limits.h's LIM_FEED_* values */
	long connect_seconds, total_seconds;
	long low_speed_bytes, low_speed_seconds;
	size_t max_bytes;
	/* Called between rounds of the loop; non-zero stops the batch
	 * (shutdown).  May be NULL. */
	int (*stop)(void *arg);
	void *stop_arg;
};

/*
 * Fetch reqs[0..n) at once; out[i] (zeroed by the call) is reqs[i]'s
 * outcome, an HTTP status or an error of its own.  0, or -1 with e when
 * the batch could not run at all.
 */
int feed_fetch(const struct feed_fetch_opts *o, const struct feed_request *reqs,
               size_t n, struct feed_result *out, struct error *e);
void feed_result_release(struct feed_result *r);

/* The User-Agent sent: "gazette/VERSION (+SITE_URL)". */
void feed_user_agent(const char *site_url, char *out, size_t n);

/* 1 when a may be connected to without allow_private: not loopback,
 * private, link-local, CGNAT, multicast, reserved or unspecified. */
struct netaddr;
int feed_addr_public(const struct netaddr *a);

#endif
