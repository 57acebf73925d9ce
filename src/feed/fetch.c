/*
 * feed_fetch: libcurl's multi interface on the calling thread.  The
 * choices are in fetch.h; the reasons for each option are where it is
 * set.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>

#include <curl/curl.h>

#include "fetch.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/netaddr.h"
#include "../util/num.h"
#include "../util/banned.h"

#define GAZETTE_UA_VERSION "0.1"

struct xfer {
	CURL *h;
	struct feed_result *r;
	struct curl_slist *headers;
	const struct feed_fetch_opts *o;
	size_t max;
	int too_big;
	char refused[64]; /* the address refused, when one was */
	long hop_status;  /* of the response whose headers are arriving */
	int done;
	char errbuf[CURL_ERROR_SIZE];
};

static struct netset blocked;
static pthread_once_t blocked_once = PTHREAD_ONCE_INIT;

/* RFC 6890's special-purpose registries, the parts that are not the
 * public internet, IPv4 in its mapped form */
static void
blocked_init(void)
{
	static const char list[] =
		"0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 "
		"169.254.0.0/16 172.16.0.0/12 192.0.0.0/24 192.0.2.0/24 "
		"192.168.0.0/16 198.18.0.0/15 198.51.100.0/24 203.0.113.0/24 "
		"224.0.0.0/4 240.0.0.0/4 ::/96 ::1/128 fc00::/7 fe80::/10 "
		"fec0::/10 ff00::/8 2001:db8::/32 64:ff9b::/96 100::/64";
	struct error e;

	/* the list is constant: a failure is a typo in it */
	if (netset_add(&blocked, list, &e) == -1)
		abort();
}

int
feed_addr_public(const struct netaddr *a)
{
	pthread_once(&blocked_once, blocked_init);
	return !netset_has(&blocked, a);
}

void
feed_user_agent(const char *site_url, char *out, size_t n)
{
	snprintf(out, n, "gazette/%s (+%s)", GAZETTE_UA_VERSION,
	         site_url != NULL && *site_url != '\0' ? site_url
	                                               : "feed reader");
}

/*
 * Every socket curl opens goes through here, with the address it
 * resolved: the one place a private address can be refused whatever
 * the URL, a redirect or DNS said.
 */
static curl_socket_t
open_socket(void *arg, curlsocktype purpose, struct curl_sockaddr *sa)
{
	struct xfer *x = arg;
	struct netaddr a;

	(void)purpose;
	if (netaddr_of(&sa->addr, &a) == -1) {
		snprintf(x->refused, sizeof(x->refused), "family %d",
		         sa->family);
		return CURL_SOCKET_BAD;
	}
	if (!x->o->allow_private && !feed_addr_public(&a) &&
	    (x->o->allow == NULL || !netset_has(x->o->allow, &a))) {
		char text[64] = "?";

		if (sa->family == AF_INET)
			inet_ntop(AF_INET,
			          &((struct sockaddr_in *)&sa->addr)->sin_addr,
			          text, sizeof(text));
		else
			inet_ntop(AF_INET6,
			          &((struct sockaddr_in6 *)&sa->addr)
			                   ->sin6_addr,
			          text, sizeof(text));
		snprintf(x->refused, sizeof(x->refused), "%s", text);
		return CURL_SOCKET_BAD;
	}
	return socket(sa->family, sa->socktype, sa->protocol);
}

/* The body, decoded (curl inflates before calling), capped here. */
static size_t
on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (n > x->max - x->r->body.len) {
		x->too_big = 1;
		return 0; /* curl ends the transfer: CURLE_WRITE_ERROR */
	}
	if (buf_add(&x->r->body, p, n) == -1) {
		x->too_big = 1;
		return 0;
	}
	return n;
}

static char *
dup_value(const char *v, size_t n)
{
	char *s;

	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' ||
	                 v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	s = malloc(n + 1);
	if (s == NULL)
		abort();
	memcpy(s, v, n);
	s[n] = '\0';
	return s;
}

static int
header_is(const char *line, size_t n, const char *name, size_t *vo)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return 0;
	*vo = k + 1;
	return 1;
}

static void
set_field(char **field, const char *v, size_t n)
{
	free(*field);
	*field = dup_value(v, n);
}

/* Cache-Control's max-age, or -1; no-store and no-cache are 0. */
static int64_t
max_age(const char *v)
{
	const char *p = strcasestr(v, "max-age");
	int64_t s;
	char digits[24];
	size_t k = 0;

	if (strcasestr(v, "no-store") || strcasestr(v, "no-cache"))
		return 0;
	if (p == NULL)
		return -1;
	p += 7;
	while (*p == ' ' || *p == '=' || *p == '"')
		p++;
	while (k + 1 < sizeof(digits) && p[k] >= '0' && p[k] <= '9') {
		digits[k] = p[k];
		k++;
	}
	digits[k] = '\0';
	return num_parse(digits, 0, INT64_C(1) << 40, &s) == 0 ? s : -1;
}

/*
 * Headers of every response on the way, redirects included: a status
 * line starts a new response, whose fields replace the last one's; each
 * 3xx with a Location is a hop, and its kind is noted.
 */
static size_t
on_header(char *line, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	struct feed_result *r = x->r;
	size_t n = size * nmemb, vo;
	time_t when;
	char *v;

	if (n > 5 && strncmp(line, "HTTP/", 5) == 0) {
		const char *sp = memchr(line, ' ', n);

		x->hop_status = sp != NULL ? strtol(sp + 1, NULL, 10) : 0;
		free(r->etag);
		free(r->last_modified);
		free(r->content_type);
		r->etag = r->last_modified = r->content_type = NULL;
		r->retry_after = r->cache_seconds = -1;
	} else if (header_is(line, n, "Location", &vo) &&
	           x->hop_status >= 300 && x->hop_status < 400) {
		int perm = x->hop_status == 301 || x->hop_status == 308;

		if (!perm)
			r->redirect = FEED_REDIRECT_TEMPORARY;
		else if (r->redirect == FEED_REDIRECT_NONE)
			r->redirect = FEED_REDIRECT_PERMANENT;
	} else if (header_is(line, n, "ETag", &vo)) {
		set_field(&r->etag, line + vo, n - vo);
	} else if (header_is(line, n, "Last-Modified", &vo)) {
		set_field(&r->last_modified, line + vo, n - vo);
	} else if (header_is(line, n, "Content-Type", &vo)) {
		set_field(&r->content_type, line + vo, n - vo);
	} else if (header_is(line, n, "Cache-Control", &vo)) {
		v = dup_value(line + vo, n - vo);
		r->cache_seconds = max_age(v);
		free(v);
	} else if (header_is(line, n, "Expires", &vo) &&
	           r->cache_seconds == -1) {
		v = dup_value(line + vo, n - vo);
		when = curl_getdate(v, NULL);
		r->cache_seconds = when == -1            ? 0
		                   : when < clock_wall() ? 0
		                                         : when - clock_wall();
		free(v);
	} else if (header_is(line, n, "Retry-After", &vo)) {
		int64_t s;

		/* RFC 9110 section 10.2.3: seconds or an HTTP-date */
		v = dup_value(line + vo, n - vo);
		if (num_parse(v, 0, INT64_C(1) << 40, &s) == 0)
			r->retry_after = s;
		else if ((when = curl_getdate(v, NULL)) != -1)
			r->retry_after =
				when > clock_wall() ? when - clock_wall() : 0;
		free(v);
	}
	return n;
}

/* A validator we may send back in a header: no CR, LF or NUL. */
static int
header_safe(const char *v)
{
	return v != NULL && *v != '\0' && strpbrk(v, "\r\n") == NULL &&
	       strlen(v) < 1024;
}

static int
url_checked(const char *url, struct error *e)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *user = NULL, *pw = NULL;
	int rc = -1;

	if (u == NULL)
		abort();
	if (url == NULL || strlen(url) > LIM_FEED_URL_BYTES ||
	    curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0)) {
		error_set(e, ERR_INVALID, "not a URL: '%.200s'",
		          url != NULL ? url : "");
	} else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https")) {
		error_set(e, ERR_INVALID, "not an http or https URL: '%.200s'",
		          url);
	} else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	           curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK) {
		/* a password in a feed URL would be sent to wherever it
		 * redirects, and shown in the admin */
		error_set(e, ERR_INVALID, "URL holds credentials");
	} else {
		rc = 0;
	}
	curl_free(scheme);
	curl_free(user);
	curl_free(pw);
	curl_url_cleanup(u);
	return rc;
}

static int
setup(struct xfer *x, const struct feed_request *rq, const char *ua)
{
	const struct feed_fetch_opts *o = x->o;
	CURL *h = curl_easy_init();
	char line[1100];

	if (h == NULL)
		return -1;
	x->h = h;
	curl_easy_setopt(h, CURLOPT_URL, rq->url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
	/* gzip only: what the cap can be counted on, decoded here */
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "gzip");
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, (long)LIM_FEED_REDIRECTS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	                 o->connect_seconds > 0
	                         ? o->connect_seconds
	                         : (long)LIM_FEED_CONNECT_SECONDS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT,
	                 o->total_seconds > 0 ? o->total_seconds
	                                      : (long)LIM_FEED_SECONDS);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT,
	                 o->low_speed_bytes > 0
	                         ? o->low_speed_bytes
	                         : (long)LIM_FEED_LOW_SPEED_BYTES);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME,
	                 o->low_speed_seconds > 0
	                         ? o->low_speed_seconds
	                         : (long)LIM_FEED_LOW_SPEED_SECONDS);
	/* a declared length past the cap is refused before the body */
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, x);
	/* no cookies, no netrc, no proxy from the environment */
	curl_easy_setopt(h, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	if (header_safe(rq->etag)) {
		snprintf(line, sizeof(line), "If-None-Match: %s", rq->etag);
		x->headers = curl_slist_append(x->headers, line);
	}
	if (header_safe(rq->last_modified)) {
		snprintf(line, sizeof(line), "If-Modified-Since: %s",
		         rq->last_modified);
		x->headers = curl_slist_append(x->headers, line);
	}
	x->headers = curl_slist_append(
		x->headers,
		"Accept: application/rss+xml, application/atom+xml, "
		"application/feed+json, application/xml;q=0.9, "
		"text/xml;q=0.9, */*;q=0.8");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, x->headers);
	return 0;
}

/* The outcome of a finished transfer into its result. */
static void
finish(struct xfer *x, CURLcode cc)
{
	struct feed_result *r = x->r;
	char *eff = NULL;

	x->done = 1;
	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK &&
	    eff != NULL)
		r->effective_url = dup_value(eff, strlen(eff));
	/* a refused address with a success is a fallback that worked
	 * (localhost's ::1 refused, 127.0.0.1 allowed) */
	if (x->refused[0] != '\0' && cc != CURLE_OK) {
		error_set(&r->error, ERR_FORBIDDEN,
		          "refused to connect to %s: not a public address "
		          "(feeds_allow_private is off)",
		          x->refused);
		r->status = 0;
	} else if (x->too_big || cc == CURLE_FILESIZE_EXCEEDED) {
		error_set(&r->error, ERR_TOO_BIG, "feed over %zu bytes",
		          x->max);
	} else if (cc != CURLE_OK) {
		error_set(&r->error, ERR_IO, "fetch failed: %s",
		          x->errbuf[0] != '\0' ? x->errbuf
		                               : curl_easy_strerror(cc));
	}
	if (r->error.code != ERR_OK)
		buf_release(&r->body);
}

int
feed_fetch(const struct feed_fetch_opts *o, const struct feed_request *reqs,
           size_t n, struct feed_result *out, struct error *e)
{
	CURLM *m = curl_multi_init();
	struct xfer *xs = calloc(n > 0 ? n : 1, sizeof(*xs));
	char ua[512];
	int running = 0, rc = -1;
	size_t max = o->max_bytes > 0 ? o->max_bytes : LIM_FEED_BYTES;

	if (m == NULL || xs == NULL)
		abort();
	feed_user_agent(o->site_url, ua, sizeof(ua));
	/* RFC 9110 section 9.3 asks no more; Miniflux and others use 2 */
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS,
	                  (long)LIM_FEED_HOST_CONNECTIONS);
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		buf_init(&out[i].body, max);
		out[i].retry_after = out[i].cache_seconds = -1;
		xs[i].r = &out[i];
		xs[i].o = o;
		xs[i].max = max;
		if (url_checked(reqs[i].url, &out[i].error) == -1)
			continue;
		if (setup(&xs[i], &reqs[i], ua) == -1 ||
		    curl_multi_add_handle(m, xs[i].h) != CURLM_OK) {
			error_set(e, ERR_IO, "cannot start a transfer");
			goto out;
		}
	}
	do {
		CURLMsg *msg;
		int left;

		if (curl_multi_perform(m, &running) != CURLM_OK) {
			error_set(e, ERR_IO, "curl_multi_perform failed");
			goto out;
		}
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct xfer *x = NULL;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			                  (char **)&x);
			finish(x, msg->data.result);
			curl_multi_remove_handle(m, x->h);
		}
		if (running > 0 && o->stop != NULL && o->stop(o->stop_arg)) {
			error_set(e, ERR_IO, "fetch stopped");
			goto out;
		}
		if (running > 0 &&
		    curl_multi_poll(m, NULL, 0, 1000, NULL) != CURLM_OK) {
			error_set(e, ERR_IO, "curl_multi_poll failed");
			goto out;
		}
	} while (running > 0);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++) {
		if (xs[i].h != NULL && !xs[i].done &&
		    out[i].error.code == ERR_OK) {
			error_set(&out[i].error, ERR_IO, "fetch stopped");
			buf_release(&out[i].body);
		}
		if (xs[i].h != NULL) {
			curl_multi_remove_handle(m, xs[i].h);
			curl_easy_cleanup(xs[i].h);
		}
		curl_slist_free_all(xs[i].headers);
	}
	curl_multi_cleanup(m);
	free(xs);
	return rc;
}

void
feed_result_release(struct feed_result *r)
{
	buf_release(&r->body);
	free(r->etag);
	free(r->last_modified);
	free(r->content_type);
	free(r->effective_url);
	memset(r, 0, sizeof(*r));
}
