/*
 * libmicrohttpd 0.9.75 adapter.  Three traps shape this file:
 *
 * - Answering on the first access-handler call disables keep-alive in
 *   0.9.75, so a normal answer is queued on a later call.  Only refusals
 *   that close the connection anyway (413, 414, 431) go out on the first.
 * - Its connection timeout counts idle time only: a client trickling one
 *   header byte a second stays forever.  Each connection therefore carries
 *   a deadline for the request head (and for the whole body), checked by a
 *   watchdog thread that shuts the socket down when it passes.
 * - It percent-decodes the URL itself, turning "%00" into a NUL; we take
 *   the raw request target from the URI-log callback and decode it in
 *   route.c instead, with a no-op unescape callback.
 *
 * Connections stay on the thread that took them, and with the library's
 * own thread pool the threads race to accept: 16 connections opened at
 * once were seen split 14 and 3, and the 14 then queued behind each other
 * while the other thread idled (a search's p99 was three times its p50).
 * So each worker thread is a daemon of its own without a listening
 * socket, and one thread here accepts and gives each new connection to
 * the worker holding the fewest.  (Handing each costly request to a
 * shared queue instead balanced work better in theory, but a thread
 * handoff per request, two wake-ups across CPUs, cost more CPU than the
 * imbalance cost latency.)
 *
 * No worker holds more than LIM_WORKER_CONNECTIONS (126): when all the
 * --threads workers are that full, the acceptor starts another (up to
 * what LIM_CONNECTIONS needs).  The library's epoll loop reads at most
 * 128 events at a time and, when it got exactly 128, waits again with
 * the same timeout for more: a worker whose 128 connections all had a
 * request waiting slept through them all until the idle timeout (400
 * requests a second at 256 connections, 53,000 at 254 or 258).  With at
 * most 126 connections and its wake-up descriptor a worker never gets
 * 128.  Starting all the workers LIM_CONNECTIONS needs up front instead
 * cost a fifth of the cached page's throughput: nine threads on two CPUs
 * switch more.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/banned.h"

/* The whole body of a request must arrive within this many seconds. */
#define BODY_SECONDS 60
/* Past this many discarded bytes of an oversized body, drop the client. */
#define DISCARD_MAX (4 * (size_t)LIM_BODY_BYTES)
/* Per-connection memory of the library (request head, read and write
 * buffers). */
#define POOL_BYTES (LIM_HEADER_BYTES + 8 * 1024)
/* Anonymous pages: shared caches (a CDN, nginx) may keep them briefly;
 * browsers revalidate every time. */
#define CACHE_CONTROL_PUBLIC "public, max-age=0, s-maxage=30"
/* How long server_stop() lets requests in flight finish. */
#define DRAIN_SECONDS 10

struct conn_state {
	struct conn_state *prev, *next;
	MHD_socket fd;
	/* 0: none (a response is being sent).  Atomic: workers set it on
	 * every request without the lock, the watchdog reads it. */
	_Atomic time_t deadline;
};

struct req_state {
	struct arena *arena;
	char *uri; /* raw request target */
	struct buf body;
	size_t discarded;
	unsigned calls;
	int too_big;
	struct conn_state *cs;
};

struct server;

/* One worker thread: a daemon of its own, fed connections by accept_main. */
struct worker {
	struct MHD_Daemon *d;
	struct server *s;
	int conns; /* open on this worker, under the server's lock */
};

struct server {
	struct worker *workers;
	int nworkers, maxworkers; /* started, room for (under lock) */
	int listen_fd;
	server_handler fn;
	void *ctx;
	pthread_mutex_t lock;  /* conns, workers[].conns, open */
	pthread_cond_t closed; /* a connection closed (open went down) */
	struct conn_state *conns;
	int open; /* connections accepted and not yet closed */
	pthread_t watchdog, acceptor;
	atomic_int closing;  /* server_stop() has begun: accept no more */
	atomic_int stopping; /* the workers are stopped: the watchdog ends */
	atomic_int in_flight;
};

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void
set_deadline(struct conn_state *cs, time_t deadline)
{
	if (cs != NULL)
		atomic_store_explicit(&cs->deadline, deadline,
		                      memory_order_relaxed);
}

static void
notify_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                  enum MHD_ConnectionNotificationCode toe)
{
	struct worker *w = cls;
	struct server *s = w->s;
	struct conn_state *cs;
	const union MHD_ConnectionInfo *ci;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		cs = xcalloc(1, sizeof(*cs));
		ci = MHD_get_connection_info(c,
		                             MHD_CONNECTION_INFO_CONNECTION_FD);
		cs->fd = ci ? ci->connect_fd : MHD_INVALID_SOCKET;
		cs->deadline = mono_now() + LIM_HEAD_SECONDS;
		pthread_mutex_lock(&s->lock);
		cs->next = s->conns;
		if (s->conns != NULL)
			s->conns->prev = cs;
		s->conns = cs;
		pthread_mutex_unlock(&s->lock);
		*socket_context = cs;
		return;
	}
	/* MHD_CONNECTION_NOTIFY_CLOSED: called before the socket is closed,
	 * so the watchdog (which holds the lock) never shuts down a reused
	 * descriptor. */
	cs = *socket_context;
	if (cs == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	if (cs->prev != NULL)
		cs->prev->next = cs->next;
	else
		s->conns = cs->next;
	if (cs->next != NULL)
		cs->next->prev = cs->prev;
	w->conns--;
	s->open--;
	pthread_cond_signal(&s->closed);
	pthread_mutex_unlock(&s->lock);
	free(cs);
	*socket_context = NULL;
}

static void *
watchdog_main(void *arg)
{
	struct server *s = arg;

	while (!atomic_load(&s->stopping)) {
		time_t now = mono_now();

		pthread_mutex_lock(&s->lock);
		for (struct conn_state *cs = s->conns; cs; cs = cs->next) {
			if (cs->deadline != 0 && now > cs->deadline &&
			    cs->fd != MHD_INVALID_SOCKET) {
				/* MHD sees the socket fail and closes it. */
				shutdown(cs->fd, SHUT_RDWR);
				cs->deadline = 0;
			}
		}
		pthread_mutex_unlock(&s->lock);
		usleep(250 * 1000);
	}
	return NULL;
}

static int worker_start(struct server *s, struct worker *w);

/*
 * Accept connections and give each to the worker holding the fewest.
 * Past LIM_CONNECTIONS open, wait for one to close: the new ones wait in
 * the listen backlog, as the library's own limit would leave them.
 */
static void *
accept_main(void *arg)
{
	struct server *s = arg;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		struct worker *w;
		int fd;

		pthread_mutex_lock(&s->lock);
		while (s->open >= LIM_CONNECTIONS && !atomic_load(&s->closing))
			pthread_cond_wait(&s->closed, &s->lock);
		pthread_mutex_unlock(&s->lock);
		if (atomic_load(&s->closing))
			return NULL;
		fd = accept4(s->listen_fd, (struct sockaddr *)&ss, &len,
		             SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (atomic_load(&s->closing))
				return NULL;
			/* A client that went away, or a signal: the next.
			 * Anything else (out of descriptors or memory, a
			 * network error) is logged and waited out, so that
			 * it cannot spin. */
			if (errno != EINTR && errno != ECONNABORTED &&
			    errno != EAGAIN) {
				log_info("http: accept: %s", strerror(errno));
				usleep(100 * 1000);
			}
			continue;
		}
		pthread_mutex_lock(&s->lock);
		w = &s->workers[0];
		for (int i = 1; i < s->nworkers; i++)
			if (s->workers[i].conns < w->conns)
				w = &s->workers[i];
		/* Every worker full: one more (above).  Workers are never
		 * stopped before the server is; a burst of connections
		 * leaves them for the next. */
		if (w->conns >= LIM_WORKER_CONNECTIONS) {
			w = NULL;
			if (s->nworkers < s->maxworkers &&
			    worker_start(s, &s->workers[s->nworkers]) == 0)
				w = &s->workers[s->nworkers++];
		}
		if (w == NULL) {
			pthread_mutex_unlock(&s->lock);
			log_info("http: no thread could take a connection");
			close(fd);
			continue;
		}
		/* Counted here, before the worker's thread sees it, so that
		 * the next connection already weighs it. */
		w->conns++;
		s->open++;
		pthread_mutex_unlock(&s->lock);
		/* The library closes fd itself when it cannot take it.  (Past
		 * this call it may still fail to set the connection up, for
		 * want of memory, without telling us: the count then stays
		 * one too high for good.) */
		if (MHD_add_connection(w->d, fd, (struct sockaddr *)&ss, len) !=
		    MHD_YES) {
			log_info("http: a connection was dropped: %s",
			         strerror(errno));
			pthread_mutex_lock(&s->lock);
			w->conns--;
			s->open--;
			pthread_mutex_unlock(&s->lock);
		}
	}
}

static struct conn_state *
conn_state_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct server *s = cls;
	struct req_state *rq = xcalloc(1, sizeof(*rq));

	rq->arena = arena_new();
	rq->uri = arena_strdup(rq->arena, uri);
	buf_init(&rq->body, LIM_BODY_BYTES);
	rq->cs = conn_state_of(c);
	atomic_fetch_add(&s->in_flight, 1);
	return rq;
}

static void
request_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                  enum MHD_RequestTerminationCode toe)
{
	struct server *s = cls;
	struct req_state *rq = *con_cls;
	struct conn_state *cs = conn_state_of(c);

	(void)toe;
	if (rq == NULL)
		return;
	/* The next request on a kept-alive connection gets the idle timeout
	 * to arrive whole. */
	set_deadline(cs, mono_now() + LIM_IDLE_SECONDS);
	buf_release(&rq->body);
	arena_free(rq->arena);
	free(rq);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
}

static size_t
unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static enum MHD_Result
queue_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text),
	                                        (void *)(uintptr_t)text,
	                                        MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        "text/plain; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/*
 * A chunked body that passes LIM_BODY_BYTES.  0.9.75 refuses to queue a
 * response while a body is still arriving, so the 413 is written to the
 * socket here, directly: the library is only reading at this point and
 * has written nothing of this request.  The rest of the body is read and
 * dropped (closing with unread bytes would reset the connection and could
 * destroy the 413 before the client reads it), and the connection is
 * closed when the body ends or DISCARD_MAX is passed.
 */
static void
refuse_mid_body(const struct req_state *rq)
{
	static const char msg[] = "HTTP/1.1 413 Content Too Large\r\n"
				  "Content-Type: text/plain; charset=utf-8\r\n"
				  "Content-Length: 23\r\n"
				  "Connection: close\r\n\r\n"
				  "request body too large\n";

	if (rq->cs != NULL && rq->cs->fd != MHD_INVALID_SOCKET &&
	    send(rq->cs->fd, msg, sizeof(msg) - 1,
	         MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_info("http: could not send 413: %s", strerror(errno));
}

static enum http_method
method_of(const char *m)
{
	for (int i = 0; i < HTTP_OTHER; i++)
		if (strcmp(m, http_method_names[i]) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

struct head_fields {
	struct header *h;
	size_t n, max;
};

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
               const char *value)
{
	struct head_fields *f = cls;

	(void)kind;
	if (f->n < f->max) {
		f->h[f->n].name = key;
		f->h[f->n].value = value != NULL ? value : "";
		f->n++;
	}
	return MHD_YES;
}

/* Checks made once the head is in, before any body (req_head_check):
 * refusals here close the connection, so answering on the first call
 * costs nothing. */
static const char *
check_head(struct MHD_Connection *c, struct req_state *rq, unsigned *status)
{
	struct head_fields f = {NULL, 0, 0};

	f.max = (size_t)MHD_get_connection_values(c, MHD_HEADER_KIND, NULL,
	                                          NULL);
	f.h = arena_alloc(rq->arena, (f.max + 1) * sizeof(*f.h));
	MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &f);
	return req_head_check(rq->uri, f.h, f.n, status);
}

static const char *
remote_ip(struct MHD_Connection *c, struct arena *a)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char ip[INET6_ADDRSTRLEN] = "";

	if (ci == NULL || ci->client_addr == NULL)
		return "";
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET,
		          &((const struct sockaddr_in *)(const void *)
		                    ci->client_addr)
		                   ->sin_addr,
		          ip, sizeof(ip));
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		          &((const struct sockaddr_in6 *)(const void *)
		                    ci->client_addr)
		                   ->sin6_addr,
		          ip, sizeof(ip));
	return arena_strdup(a, ip);
}

/*
 * Validators and caching headers.  The gzip variant has its own ETag
 * (RFC 9110 section 8.8.3: a strong validator differs per content coding),
 * and every response that has one says Vary: Accept-Encoding.  Anonymous
 * pages may sit in a shared cache for a short while; browsers revalidate
 * (cheap: a 304) so a reader sees a new comment at once.
 */
static void
add_headers(struct MHD_Response *mr, const struct req *r, const struct resp *rs,
            int status, int gzip)
{
	char etag[32], date[64];
	const char *cc = rs->cache_control;

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
	if (rs->gz.len > 0 || gzip)
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

static enum MHD_Result
respond(struct server *s, struct MHD_Connection *c, struct req_state *rq,
        const char *method)
{
	struct req r;
	struct resp rs;
	struct MHD_Response *mr;
	enum MHD_Result ret;
	char *q;
	int status, gzip;

	memset(&r, 0, sizeof(r));
	r.method = method_of(method);
	r.arena = rq->arena;
	r.conn = c;
	r.path = rq->uri;
	r.query = "";
	q = strchr(rq->uri, '?');
	if (q != NULL) {
		*q = '\0';
		r.query = q + 1;
	}
	r.body = buf_str(&rq->body);
	r.body_len = rq->body.len;
	r.remote_ip = remote_ip(c, rq->arena);
	resp_init(&rs);
	s->fn(s->ctx, &r, &rs);
	if (rs.etag[0] == '\0' && rs.status == 200 && rs.file_fd < 0)
		resp_prepare(&rs, req_accepts_gzip(&r));
	status = resp_negotiate(&r, &rs, &gzip);
	if (rs.file_fd >= 0 && status != 304) {
		/* The library owns the descriptor from here on. */
		mr = MHD_create_response_from_fd_at_offset64(rs.file_length,
		                                             rs.file_fd,
		                                             rs.file_offset);
		rs.file_fd = -1;
	} else if (status == 304)
		mr = MHD_create_response_from_buffer(0, NULL,
		                                     MHD_RESPMEM_PERSISTENT);
	else if (gzip) {
		size_t len;
		char *body = buf_detach(&rs.gz, &len);

		mr = MHD_create_response_from_buffer(len, body,
		                                     MHD_RESPMEM_MUST_FREE);
	} else if (rs.static_body != NULL)
		mr = MHD_create_response_from_buffer(rs.static_len,
		                                     (void *)(uintptr_t)
		                                             rs.static_body,
		                                     MHD_RESPMEM_PERSISTENT);
	else {
		size_t len;
		char *body = buf_detach(&rs.body, &len);

		mr = MHD_create_response_from_buffer(len, body,
		                                     MHD_RESPMEM_MUST_FREE);
	}
	if (mr == NULL) {
		resp_release(&rs);
		return MHD_NO;
	}
	add_headers(mr, &r, &rs, status, gzip);
	resp_release(&rs);
	ret = MHD_queue_response(c, (unsigned)status, mr);
	MHD_destroy_response(mr);
	return ret;
}

static enum MHD_Result
access_handler(void *cls, struct MHD_Connection *c, const char *url,
               const char *method, const char *version, const char *upload_data,
               size_t *upload_data_size, void **con_cls)
{
	struct server *s = cls;
	struct req_state *rq = *con_cls;

	(void)url;
	(void)version;
	if (rq == NULL)
		return MHD_NO; /* the URI-log callback always sets it */
	if (rq->calls++ == 0) {
		unsigned status;
		const char *refusal = check_head(c, rq, &status);

		if (refusal != NULL)
			return queue_text(c, status, refusal);
		set_deadline(rq->cs, mono_now() + BODY_SECONDS);
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		/* Chunked bodies have no Content-Length to refuse up front:
		 * stop keeping bytes at the cap, answer 413 at the end. */
		if (!rq->too_big &&
		    buf_add(&rq->body, upload_data, *upload_data_size) == -1) {
			rq->too_big = 1;
			buf_release(&rq->body);
			refuse_mid_body(rq);
		}
		if (rq->too_big) {
			rq->discarded += *upload_data_size;
			if (rq->discarded > DISCARD_MAX)
				return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	set_deadline(rq->cs, 0);
	if (rq->too_big)
		return MHD_NO; /* answered by refuse_mid_body(); close */
	return respond(s, c, rq, method);
}

const char *
req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

static void log_mhd(void *cls, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void
log_mhd(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	log_info("http: %s", line);
}

int
server_listen(const char *addr, int port, int *bound, struct error *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	if (strchr(addr, ':') != NULL) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;

		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, addr, &a6->sin6_addr) != 1)
			return error_set(e, ERR_INVALID,
			                 "bad listen address '%s'", addr);
		len = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;

		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, addr, &a4->sin_addr) != 1)
			return error_set(e, ERR_INVALID,
			                 "bad listen address '%s'", addr);
		len = sizeof(*a4);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return error_set(e, ERR_IO, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1 ||
	    listen(fd, 1024) == -1) {
		error_set(e, ERR_IO, "cannot listen on %s:%d: %s", addr, port,
		          strerror(errno));
		close(fd);
		return -1;
	}
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*bound = ntohs(ss.ss_family == AF_INET6
	                       ? ((struct sockaddr_in6 *)&ss)->sin6_port
	                       : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* Start w's daemon and thread; 0, or -1 when the library cannot. */
static int
worker_start(struct server *s, struct worker *w)
{
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO |
	                 MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET |
	                 MHD_USE_ERROR_LOG;

	w->s = s;
	w->d = MHD_start_daemon(
		flags, 0, NULL, NULL, access_handler, s,
		MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
		/* accept_main() keeps to LIM_WORKER_CONNECTIONS; this never
	         * binds. */
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)LIM_WORKER_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)LIM_IDLE_SECONDS,
		/* Room for the head (LIM_HEADER_BYTES, checked exactly in
	         * check_head) plus the buffers; a head past this is refused
	         * by the library itself.  Kept small on purpose: the library
	         * zeroes the whole pool between requests on a connection. */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_BYTES,
		MHD_OPTION_NOTIFY_CONNECTION, notify_connection, w,
		MHD_OPTION_NOTIFY_COMPLETED, request_completed, s,
		MHD_OPTION_URI_LOG_CALLBACK, uri_log, s,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape_none, NULL,
		MHD_OPTION_END);
	return w->d != NULL ? 0 : -1;
}

struct server *
server_start(int fd, int threads, server_handler fn, void *ctx, struct error *e)
{
	struct server *s = xcalloc(1, sizeof(*s));

	s->fn = fn;
	s->ctx = ctx;
	s->listen_fd = fd;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->closed, NULL);
	/* Room for the workers accept_main() may add to hold
	 * LIM_CONNECTIONS at LIM_WORKER_CONNECTIONS each (above). */
	s->maxworkers = (threads > 0 ? threads : 1) +
	                (LIM_CONNECTIONS + LIM_WORKER_CONNECTIONS - 1) /
	                        LIM_WORKER_CONNECTIONS;
	s->workers = xcalloc((size_t)s->maxworkers, sizeof(*s->workers));
	for (s->nworkers = 0; s->nworkers < (threads > 0 ? threads : 1);
	     s->nworkers++) {
		if (worker_start(s, &s->workers[s->nworkers]) == -1) {
			error_set(e, ERR_IO, "cannot start the HTTP server");
			while (s->nworkers-- > 0)
				MHD_stop_daemon(s->workers[s->nworkers].d);
			free(s->workers);
			pthread_cond_destroy(&s->closed);
			pthread_mutex_destroy(&s->lock);
			free(s);
			return NULL;
		}
	}
	pthread_create(&s->watchdog, NULL, watchdog_main, s);
	pthread_create(&s->acceptor, NULL, accept_main, s);
	return s;
}

void
server_stop(struct server *s)
{
	if (s == NULL)
		return;
	/* Stop taking connections: accept() fails once the socket is shut
	 * down. */
	atomic_store(&s->closing, 1);
	shutdown(s->listen_fd, SHUT_RDWR);
	pthread_mutex_lock(&s->lock);
	pthread_cond_broadcast(&s->closed);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->acceptor, NULL);
	close(s->listen_fd);
	for (int i = 0; i < DRAIN_SECONDS * 20 && atomic_load(&s->in_flight);
	     i++)
		usleep(50 * 1000);
	for (int i = 0; i < s->nworkers; i++)
		MHD_stop_daemon(s->workers[i].d);
	atomic_store(&s->stopping, 1);
	pthread_join(s->watchdog, NULL);
	while (s->conns != NULL) {
		struct conn_state *next = s->conns->next;

		free(s->conns);
		s->conns = next;
	}
	free(s->workers);
	pthread_cond_destroy(&s->closed);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
