/*
 * What server.c (the requests), answer.c (their headers, answers made
 * once) and conns.c (the connections: the acceptor, the workers' share,
 * deadlines, the watchdog, shedding) share.  Only these files include
 * libmicrohttpd.
 */
#ifndef GAZETTE_HTTP_MHD_H
#define GAZETTE_HTTP_MHD_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "server.h"
#include "../util/netaddr.h"

/* The whole body of a request must arrive within this many seconds. */
#define BODY_SECONDS 60
/* Past this many discarded bytes of an oversized body, drop the client. */
#define DISCARD_MAX (4 * (size_t)LIM_BODY_BYTES)
/* Per-connection memory of the library (request head, read and write
 * buffers). */
#define POOL_BYTES (LIM_HEADER_BYTES + 8 * 1024)
/* What a ready response costs beside its body: the library's response
 * (READY_OVERHEAD) and, per header, its entry and two copied strings
 * (READY_HEADER_OVERHEAD beyond their bytes); ready_new() sums them, and
 * the page cache counts them against its budget. */
#define READY_OVERHEAD        512
#define READY_HEADER_OVERHEAD 96
/* Anonymous pages: shared caches (a CDN, nginx) may keep them briefly;
 * browsers revalidate every time. */
#define CACHE_CONTROL_PUBLIC "public, max-age=0, s-maxage=30"
/* How long server_stop() lets requests in flight finish. */
#define DRAIN_SECONDS 10

struct worker;

/*
 * One connection, made by the acceptor and linked in the server's list
 * (pending until its worker has taken it).  The list, the links and gone
 * are under the server's lock; the atomics are set by the worker without
 * it and read by the acceptor and the watchdog under it.
 */
struct conn_state {
	struct conn_state *prev, *next;
	MHD_socket fd;
	struct worker *w;
	struct netaddr client; /* the peer, narrowed by netaddr_client() */
	char peer[46];         /* the peer as text (INET6_ADDRSTRLEN), made
	                          by its first request ("" until then) */
	int limited;           /* not a trusted proxy: one of its address's
	                          LIM_CONNECTIONS_PER_ADDR */
	int gone;              /* shut down here; the library closes it */
	/* When the watchdog acts: past it, the socket is shut down, or, while
	 * a response is being sent, its progress is checked.  0: none (our
	 * own handler is running). */
	_Atomic time_t deadline;
	/* Since when (monotonic ms) it has waited for a request: opened, or
	 * its last response sent, until the head of the next is in.  0 while
	 * a request is read, handled or answered. */
	_Atomic int64_t idle_since;
	/* A response is being sent: 1 in its first LIM_SEND_SECONDS, 2 once
	 * the watchdog has a count of acknowledged bytes to compare (acked,
	 * the watchdog's own). */
	atomic_int sending;
	uint64_t acked;
};

/* An upload being streamed to a file (server.c, server_uploads). */
struct upload {
	struct MHD_PostProcessor *pp;
	char path[4096]; /* the file, "" until created */
	int fd;
	int64_t bytes;
	int file_parts;    /* file fields begun */
	const char *name;  /* as the client gave it */
	const char *error; /* why it cannot be taken */
	int body_fields;   /* fields put into the body */
};

struct req_state {
	struct arena *arena;
	struct upload *up; /* NULL unless an upload */
	/* An upload whose body is still arriving is not in s->in_flight:
	 * a stop does not wait on it (decision 067). */
	int uncounted;
	const char *upload_dir;
	int64_t up_total; /* the upload's body bytes so far */
	char *uri;        /* raw request target */
	struct buf body;
	size_t discarded;
	unsigned calls;
	int too_big;
	/* Content-Length and Transfer-Encoding both came (RFC 9112 section
	 * 6.1), or chunked with HTTP/1.0: answer, then close. */
	int close_after;
	struct conn_state *cs;
	struct timespec t0; /* when the head began (metrics' latency) */
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
	/* Headers every answer carries (server_start), NULL-terminated. */
	const struct header *always;
	struct netset trusted;      /* trusted_proxies */
	pthread_mutex_t lock;       /* conns, pending, workers[].conns, open */
	pthread_cond_t closed;      /* a connection closed (open went down) */
	struct conn_state *conns;   /* taken by their workers */
	struct conn_state *pending; /* accepted, not yet taken, newest first */
	int open; /* connections accepted and not yet closed */
	pthread_t watchdog, acceptor;
	atomic_int closing;  /* server_stop() has begun: accept no more */
	atomic_int stopping; /* the workers are stopped: the watchdog ends */
	atomic_int in_flight;
	const char *upload_dir; /* server_uploads */
	/* The access log's descriptor (server_access_log), -1: none. */
	atomic_int access_fd;
};

/* conns.c */
time_t conn_mono_now(void);
void conn_set_deadline(struct conn_state *cs, time_t deadline);
void conn_idle(struct conn_state *cs);
void conn_busy(struct conn_state *cs, time_t deadline);
void conn_sending(struct conn_state *cs);
void conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                 enum MHD_ConnectionNotificationCode toe);
void *conn_watchdog_main(void *arg);
void *conn_accept_main(void *arg);
/* server.c: start worker w's daemon. */
int server_worker_start(struct server *s, struct worker *w);

/* answer.c: the headers of always that the handler did not set
 * (server.h); then rs's own, validators and caching headers, for an
 * answer of status to r, its gzip variant when gzip. */
void http_add_always(struct MHD_Response *mr, const struct header *always,
                     const struct resp *rs);
void http_add_headers(struct server *s, struct MHD_Response *mr,
                      const struct req *r, const struct resp *rs, int status,
                      int gzip);
/* A made answer (http.h's struct ready): the library's response, sent as
 * it is. */
struct MHD_Response *ready_response(const struct ready *rd);

/* upload.c: is this request an upload (a multipart POST with credentials
 * to one of server_upload_paths, uploads being on)?  upload_begin() sets
 * rq->up streaming into the upload folder (or rq->up->error); upload_end()
 * closes it, and with unlink_file removes the file. */
int is_upload(struct server *s, struct MHD_Connection *c, struct req_state *rq,
              const char *method);
void upload_begin(struct server *s, struct MHD_Connection *c,
                  struct req_state *rq);
void upload_end(struct upload *up, int unlink_file);

#endif
