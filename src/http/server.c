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
 *
 * No client may lock the others out (issue 13).  At LIM_CONNECTIONS the
 * acceptor closes the connection that has waited longest for a request
 * (kept alive between requests, or opened and still without a whole head)
 * instead of leaving new readers in the listen backlog, as nginx does when
 * it runs out (ngx_drain_connections); one address that is not a trusted
 * proxy holds at most LIM_CONNECTIONS_PER_ADDR, its own longest-idle
 * connection making room; and a response being sent must be taken at
 * LIM_SEND_MIN_BYTES per LIM_SEND_SECONDS, which the watchdog reads from
 * the kernel's count of acknowledged bytes (TCP_INFO), since the library's
 * timeout is met by a reader taking ten bytes every few seconds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "mhd.h"
#include "server.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/netaddr.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

/* check_head() reads the layout 0.9.75 leaves its parsed head in (see
 * there); a newer library has options of its own for strict parsing. */
#if MHD_VERSION != 0x00097500
#error "check_head() relies on libmicrohttpd 0.9.75's head layout"
#endif

static struct conn_state *
conn_state_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* A worker's arena from its last request, reset: a request's first
 * block is then no malloc of 32 KiB (and its free no consolidation of
 * malloc's bins, 2 % of a cached page's CPU). */
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

static void
spare_free(void *a)
{
	arena_free(a);
}

static void
spare_init(void)
{
	pthread_key_create(&spare_key, spare_free);
}

static void *
uri_log(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct server *s = cls;
	struct req_state *rq = xcalloc(1, sizeof(*rq));

	pthread_once(&spare_once, spare_init);
	rq->arena = pthread_getspecific(spare_key);
	if (rq->arena != NULL)
		pthread_setspecific(spare_key, NULL);
	else
		rq->arena = arena_new();
	rq->uri = arena_strdup(rq->arena, uri);
	buf_init(&rq->body, LIM_BODY_BYTES);
	rq->cs = conn_state_of(c);
	clock_gettime(CLOCK_MONOTONIC, &rq->t0);
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
	int uncounted;

	(void)toe;
	if (rq == NULL)
		return;
	/* The next request on a kept-alive connection gets the idle timeout
	 * to arrive whole. */
	conn_idle(cs);
	uncounted = rq->uncounted;
	/* Answered or cut: the uploaded file was the handler's to copy. */
	if (rq->up != NULL)
		upload_end(rq->up, 1);
	buf_release(&rq->body);
	if (pthread_getspecific(spare_key) == NULL) {
		arena_reset(rq->arena);
		pthread_setspecific(spare_key, rq->arena);
	} else
		arena_free(rq->arena);
	free(rq);
	*con_cls = NULL;
	if (!uncounted)
		atomic_fetch_sub(&s->in_flight, 1);
}

static size_t
unescape_none(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static const char *remote_ip(struct MHD_Connection *c, struct req_state *rq);

/*
 * Every answer, counted for /metrics (route class, status, time since
 * the head began) and, when the access log is on, written to it in one
 * write(): lines from several workers never mix (O_APPEND, or a pipe's
 * atomic writes under PIPE_BUF).  Costs, per request with the log off:
 * one clock read (the vDSO) and a few stores into this thread's counters.
 */
static void
account(struct server *s, struct MHD_Connection *c, struct req_state *rq,
        const struct req *r, const char *method, const char *version,
        int status, uint64_t bytes, enum metric_route rc)
{
	struct timespec t1;
	int64_t us;
	int fd = atomic_load_explicit(&s->access_fd, memory_order_relaxed);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (int64_t)(t1.tv_sec - rq->t0.tv_sec) * 1000000 +
	     (t1.tv_nsec - rq->t0.tv_nsec) / 1000;
	metrics_request(rc, status, us > 0 ? (uint64_t)us : 0);
	if (fd >= 0) {
		struct access_entry a;
		struct req rr;
		/* Room for every field escaped (4 bytes a byte): never cut. */
		size_t max =
			4 * ((size_t)LIM_URL_BYTES + LIM_HEADER_BYTES) + 128;
		char *line = arena_alloc(rq->arena, max);
		size_t n;
		const char *q = strchr(rq->uri, '?');

		if (r == NULL) {
			memset(&rr, 0, sizeof(rr));
			rr.arena = rq->arena;
			rr.conn = c;
			rr.remote_ip = remote_ip(c, rq);
			rr.trusted = &s->trusted;
			r = &rr;
		}
		memset(&a, 0, sizeof(a));
		a.ip = req_client_ip(r);
		a.method = method;
		/* respond() cut the target at '?'; a refusal did not. */
		a.path = r->path != NULL
		                 ? r->path
		                 : arena_strndup(rq->arena, rq->uri,
		                                 q ? (size_t)(q - rq->uri)
		                                   : strlen(rq->uri));
		a.query = r->path != NULL ? r->query : q ? q + 1 : "";
		a.version = version;
		a.referer = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                        "Referer");
		a.agent = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                      "User-Agent");
		a.status = status;
		a.bytes = bytes;
		a.at = time(NULL);
		n = access_format(line, max, &a);
		if (write(fd, line, n) < 0)
			(void)0; /* a full disk must not stop the site */
	}
}

void
server_access_log(struct server *s, int fd)
{
	atomic_store(&s->access_fd, fd);
}

static enum MHD_Result
queue_text(struct server *s, struct MHD_Connection *c, unsigned status,
           const char *text)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(strlen(text),
	                                        (void *)(uintptr_t)text,
	                                        MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret;

	http_add_always(r, s->always, NULL);
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

/*
 * What check_head() learns from the fields of a request head, walked in
 * order.  The walk also reads where libmicrohttpd 0.9.75 left them: it
 * parses the head in place in its read buffer, turning each line end into
 * NULs (CRLF into two, a bare LF into one) and each colon into one, and it
 * joins an obs-fold line onto the field name in a block of its own (making
 * "Content-Length: 2\r\n 0" the field "Content-Length0").  In a
 * well-formed head every field name therefore starts two bytes past the
 * end of the line before, and its value one NUL and some white space past
 * the name: anything else was a bare LF, a fold, or a NUL.  Only pointers
 * are compared; bytes are read only between the first name and the last
 * value once they are known to be one stretch of the buffer.  The line
 * ending the last field cannot be checked this way: the bytes after the
 * head's final NULs may be unread buffer.
 */
struct head_walk {
	const char *first;     /* the first field name */
	const char *line_end;  /* where the text of the line before ended */
	struct header *fields; /* as they came, for req_head_check() */
	size_t n, max;
	int malformed;
	unsigned hosts, lengths, codings;
	const char *coding;
};

#define BYTES_01 0x0101010101010101u
#define BYTES_80 0x8080808080808080u

/* Does a byte of w fall outside 0x21..0x7e (a control, space, DEL or not
 * ASCII)?  (Bit Twiddling Hacks: hasless, hasmore.) */
static uint64_t
outside_visible(uint64_t w)
{
	return ((w - BYTES_01 * 0x21) & ~w & BYTES_80) |
	       (((w + BYTES_01 * (127 - 0x7e)) | w) & BYTES_80);
}

/*
 * A field name: visible ASCII (RFC 9110 section 5.6.2 allows fewer, but
 * white space, controls and bytes past ASCII are what a lenient parser
 * could strip or read otherwise).  Eight bytes at a time, the last eight
 * overlapping: this runs on every field of every request.
 */
static int
is_field_name(const char *s, size_t n)
{
	uint64_t w, bad = 0;
	size_t i;

	if (n < 8) {
		for (i = 0; i < n; i++)
			bad |= (unsigned char)(s[i] - 0x21) > 0x7e - 0x21;
		return n > 0 && bad == 0;
	}
	for (i = 0; i + 8 < n; i += 8) {
		memcpy(&w, s + i, 8);
		bad |= outside_visible(w);
	}
	memcpy(&w, s + n - 8, 8);
	return (bad | outside_visible(w)) == 0;
}

static int
name_is(const char *key, size_t n, const char *name, size_t len)
{
	return n == len && (key[0] | 0x20) == (name[0] | 0x20) &&
	       strncasecmp(key, name, n) == 0;
}

static enum MHD_Result
walk_field(void *cls, enum MHD_ValueKind kind, const char *key, size_t klen,
           const char *value, size_t vlen)
{
	struct head_walk *h = cls;
	uintptr_t k = (uintptr_t)key, v = (uintptr_t)value;

	(void)kind;
	if (h->n < h->max) {
		h->fields[h->n].name = key;
		h->fields[h->n].value = value != NULL ? value : "";
		h->n++;
	}
	if (k != (uintptr_t)h->line_end + 2 || v <= k + klen ||
	    v - (k + klen) > LIM_HEADER_BYTES || !is_field_name(key, klen)) {
		h->malformed = 1;
		return MHD_NO;
	}
	for (const char *p = key + klen + 1; p < value; p++)
		if (*p != ' ' && *p != '\t')
			h->malformed = 1;
	if (h->first == NULL)
		h->first = key;
	h->line_end = value + vlen;
	if (name_is(key, klen, "Host", 4))
		h->hosts++;
	else if (name_is(key, klen, "Content-Length", 14))
		h->lengths++;
	else if (name_is(key, klen, "Transfer-Encoding", 17)) {
		h->codings++;
		h->coding = value;
	}
	return h->malformed ? MHD_NO : MHD_YES;
}

/*
 * Checks made once the head is in, before any body: refusals here close
 * the connection, so answering on the first call costs nothing.  Beyond
 * the limits, the framing (RFC 9112): a proxy in front that read a head
 * differently from us could have a body of ours taken for a request of
 * its own (request smuggling), so whatever two parsers could disagree on
 * is refused rather than guessed.
 */
static const char *
check_head(struct MHD_Connection *c, struct req_state *rq, const char *version,
           int64_t max_body, unsigned *status)
{
	struct head_walk h;
	const char *why;
	int http10 = strcmp(version, "HTTP/1.0") == 0;

	memset(&h, 0, sizeof(h));
	h.line_end = version + strlen(version);
	h.max = (size_t)MHD_get_connection_values(c, MHD_HEADER_KIND, NULL,
	                                          NULL);
	h.fields = arena_alloc(rq->arena, (h.max + 1) * sizeof(*h.fields));
	MHD_get_connection_values_n(c, MHD_HEADER_KIND, walk_field, &h);
	/* The sizes and the body's length, on plain strings (head.c, which
	 * tests/fuzz/fuzz_head.c fuzzes); a malformed head stops the walk
	 * early, and is refused below all the same. */
	why = req_head_check(rq->uri, h.fields, h.n, max_body, status);
	if (why != NULL)
		return why;
	*status = MHD_HTTP_BAD_REQUEST;
	/* RFC 9112 section 2.2: a bare CR, in a name or a value (a parser
	 * could end the line there), is refused.  The fields are one stretch
	 * of the buffer, so one search covers them all. */
	if (!h.malformed && h.first != NULL &&
	    memchr(h.first, '\r', (size_t)(h.line_end - h.first)) != NULL)
		h.malformed = 1;
	if (h.malformed)
		return "malformed request head: a bare LF or CR, a folded "
		       "line, or a field name with white space or controls\n";
	/* RFC 9112 section 3.2. */
	if (h.hosts > 1 || (h.hosts == 0 && !http10))
		return "a request needs exactly one Host\n";
	/* RFC 9112 section 6.3: the library reads only the first. */
	if (h.lengths > 1)
		return "more than one Content-Length\n";
	/* RFC 9112 section 6.1: the library knows chunked alone, and any
	 * other coding left it waiting for the connection to close. */
	if (h.codings > 1 ||
	    (h.codings == 1 && strcasecmp(h.coding, "chunked") != 0)) {
		*status = MHD_HTTP_NOT_IMPLEMENTED;
		return "transfer coding not supported (only chunked)\n";
	}
	/* The chunked body is read; RFC 9112 section 6.1 says a server
	 * must close after a request framed both ways, or chunked in
	 * HTTP/1.0, since a proxy may have framed it otherwise. */
	if (h.codings == 1 && (h.lengths > 0 || http10))
		rq->close_after = 1;
	return NULL;
}

/*
 * The peer's address as text: made once a connection (inet_ntop was a
 * twentieth of the instructions of a cached page) and kept with it.
 */
static const char *
remote_ip(struct MHD_Connection *c, struct req_state *rq)
{
	const union MHD_ConnectionInfo *ci;
	char ip[INET6_ADDRSTRLEN] = "";

	_Static_assert(sizeof(rq->cs->peer) >= INET6_ADDRSTRLEN,
	               "room for any address");
	if (rq->cs != NULL && rq->cs->peer[0] != '\0')
		return rq->cs->peer;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
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
	if (rq->cs == NULL)
		return arena_strdup(rq->arena, ip);
	memcpy(rq->cs->peer, ip, sizeof(ip));
	return rq->cs->peer;
}

/* resp_release() and the ready response's reference (resp.c knows
 * nothing of the library's responses). */
static void
resp_done(struct resp *rs)
{
	resp_release(rs);
	ready_unref(rs->ready);
	rs->ready = NULL;
}

static enum MHD_Result
respond(struct server *s, struct MHD_Connection *c, struct req_state *rq,
        const char *method, const char *version)
{
	struct req r;
	struct resp rs;
	struct MHD_Response *mr;
	enum MHD_Result ret;
	char *q;
	int status, gzip;
	uint64_t bytes = 0;

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
	if (rq->up != NULL) {
		r.upload_error = rq->up->error;
		if (rq->up->error == NULL && rq->up->path[0] != '\0') {
			r.upload_path = rq->up->path;
			r.upload_name = rq->up->name;
			r.upload_bytes = rq->up->bytes;
		}
	}
	r.remote_ip = remote_ip(c, rq);
	r.trusted = &s->trusted;
	r.srv = s;
	r.closing = rq->close_after;
	resp_init(&rs);
	s->fn(s->ctx, &r, &rs);
	if (rs.etag[0] == '\0' && rs.status == 200 && rs.file_fd < 0 &&
	    rs.ready == NULL)
		resp_prepare(&rs, req_accepts_gzip(&r));
	status = resp_negotiate(&r, &rs, &gzip);
	if (rs.ready != NULL && status == 200) {
		/* Sent as it is: the library counts its own reference for as
		 * long as a connection is sending it. */
		conn_sending(rq->cs);
		account(s, c, rq, &r, method, version, 200,
		        r.method == HTTP_HEAD ? 0 : ready_len(rs.ready),
		        access_route_class(r.method, r.path));
		ret = MHD_queue_response(c, 200, ready_response(rs.ready));
		resp_done(&rs);
		return ret;
	}
	if (rs.file_fd >= 0 && status != 304) {
		/* The library owns the descriptor from here on. */
		mr = MHD_create_response_from_fd_at_offset64(rs.file_length,
		                                             rs.file_fd,
		                                             rs.file_offset);
		bytes = rs.file_length;
		rs.file_fd = -1;
	} else if (status == 304)
		mr = MHD_create_response_from_buffer(0, NULL,
		                                     MHD_RESPMEM_PERSISTENT);
	else if (gzip) {
		size_t len;
		char *body = buf_detach(&rs.gz, &len);

		bytes = len;
		mr = MHD_create_response_from_buffer(len, body,
		                                     MHD_RESPMEM_MUST_FREE);
	} else if (rs.static_body != NULL) {
		bytes = rs.static_len;
		mr = MHD_create_response_from_buffer(rs.static_len,
		                                     (void *)(uintptr_t)
		                                             rs.static_body,
		                                     MHD_RESPMEM_PERSISTENT);
	} else {
		size_t len;
		char *body = buf_detach(&rs.body, &len);

		bytes = len;
		mr = MHD_create_response_from_buffer(len, body,
		                                     MHD_RESPMEM_MUST_FREE);
	}
	if (mr == NULL) {
		resp_done(&rs);
		return MHD_NO;
	}
	http_add_headers(s, mr, &r, &rs, status, gzip);
	if (rq->close_after)
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION,
		                        "close");
	resp_done(&rs);
	conn_sending(rq->cs);
	account(s, c, rq, &r, method, version, status,
	        r.method == HTTP_HEAD ? 0 : bytes,
	        access_route_class(r.method, r.path));
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
	if (rq == NULL)
		return MHD_NO; /* the URI-log callback always sets it */
	if (rq->calls++ == 0) {
		unsigned status;
		int upload = is_upload(s, c, rq, method);
		const char *refusal =
			check_head(c, rq, version,
		                   upload ? LIM_UPLOAD_BYTES : LIM_BODY_BYTES,
		                   &status);

		if (refusal != NULL) {
			account(s, c, rq, NULL, method, version, (int)status,
			        strlen(refusal), ROUTE_CLASS_REFUSED);
			return queue_text(s, c, status, refusal);
		}
		if (upload) {
			upload_begin(s, c, rq);
			rq->uncounted = 1;
			atomic_fetch_sub(&s->in_flight, 1);
		}
		conn_busy(rq->cs, conn_mono_now() + (upload ? LIM_UPLOAD_SECONDS
		                                            : BODY_SECONDS));
		return MHD_YES;
	}
	if (*upload_data_size > 0 && rq->up != NULL) {
		/* A chunked upload has no Content-Length to refuse up front. */
		if ((int64_t)*upload_data_size >
		    LIM_UPLOAD_BYTES - rq->up_total) {
			rq->too_big = 1;
			refuse_mid_body(rq);
			return MHD_NO;
		}
		rq->up_total += (int64_t)*upload_data_size;
		if (rq->up->pp != NULL &&
		    MHD_post_process(rq->up->pp, upload_data,
		                     *upload_data_size) == MHD_NO &&
		    rq->up->error == NULL)
			rq->up->error = "the form could not be read";
		*upload_data_size = 0;
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
	conn_set_deadline(rq->cs, 0);
	if (rq->too_big)
		return MHD_NO; /* answered by refuse_mid_body(); close */
	if (rq->up != NULL)
		upload_end(rq->up, 0); /* the last part flushed, file closed */
	if (rq->uncounted) {
		rq->uncounted = 0;
		atomic_fetch_add(&s->in_flight, 1);
	}
	return respond(s, c, rq, method, version);
}

const char *
req_header(const struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

struct field_list {
	const char *name;
	struct buf b;
	int n;
};

static enum MHD_Result
join_field(void *cls, enum MHD_ValueKind kind, const char *key, size_t klen,
           const char *value, size_t vlen)
{
	struct field_list *l = cls;

	(void)kind;
	(void)klen;
	if (strcasecmp(key, l->name) != 0)
		return MHD_YES;
	if ((l->n++ > 0 && buf_add(&l->b, ", ", 2) == -1) ||
	    buf_add(&l->b, value, vlen) == -1)
		return MHD_NO; /* past the head's own cap: cannot happen */
	return MHD_YES;
}

const char *
req_header_list(const struct req *r, const char *name)
{
	struct field_list l = {name, {0}, 0};
	const char *out;

	buf_init(&l.b, LIM_HEADER_BYTES);
	MHD_get_connection_values_n(r->conn, MHD_HEADER_KIND, join_field, &l);
	out = l.n > 0 ? arena_strdup(r->arena, buf_str(&l.b)) : NULL;
	buf_release(&l.b);
	return out;
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
int
server_worker_start(struct server *s, struct worker *w)
{
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO |
	                 MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET |
	                 MHD_USE_ERROR_LOG;

	w->s = s;
	w->d = MHD_start_daemon(
		flags, 0, NULL, NULL, access_handler, s,
		MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL,
		/* conn_accept_main() keeps to LIM_WORKER_CONNECTIONS; this
	         * never binds. */
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)LIM_WORKER_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)LIM_IDLE_SECONDS,
		/* Room for the head (LIM_HEADER_BYTES, checked exactly in
	         * check_head) plus the buffers; a head past this is refused
	         * by the library itself.  Kept small on purpose: the library
	         * zeroes the whole pool between requests on a connection. */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_BYTES,
		MHD_OPTION_NOTIFY_CONNECTION, conn_notify, w,
		MHD_OPTION_NOTIFY_COMPLETED, request_completed, s,
		MHD_OPTION_URI_LOG_CALLBACK, uri_log, s,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape_none, NULL,
		MHD_OPTION_END);
	return w->d != NULL ? 0 : -1;
}

struct server *
server_start(int fd, int threads, const struct netset *trusted,
             server_handler fn, void *ctx, const struct header *always,
             const char *upload_dir, struct error *e)
{
	struct server *s = xcalloc(1, sizeof(*s));

	s->upload_dir = upload_dir;
	s->fn = fn;
	s->ctx = ctx;
	s->always = always;
	s->listen_fd = fd;
	atomic_init(&s->access_fd, -1);
	s->trusted = *trusted;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->closed, NULL);
	/* Room for the workers conn_accept_main() may add to hold
	 * LIM_CONNECTIONS at LIM_WORKER_CONNECTIONS each (above). */
	s->maxworkers = (threads > 0 ? threads : 1) +
	                (LIM_CONNECTIONS + LIM_WORKER_CONNECTIONS - 1) /
	                        LIM_WORKER_CONNECTIONS;
	s->workers = xcalloc((size_t)s->maxworkers, sizeof(*s->workers));
	for (s->nworkers = 0; s->nworkers < (threads > 0 ? threads : 1);
	     s->nworkers++) {
		if (server_worker_start(s, &s->workers[s->nworkers]) == -1) {
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
	pthread_create(&s->watchdog, NULL, conn_watchdog_main, s);
	pthread_create(&s->acceptor, NULL, conn_accept_main, s);
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
	for (int i = 0; i < 2; i++) {
		struct conn_state **list = i == 0 ? &s->conns : &s->pending;

		while (*list != NULL) {
			struct conn_state *next = (*list)->next;

			free(*list);
			*list = next;
		}
	}
	free(s->workers);
	pthread_cond_destroy(&s->closed);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
