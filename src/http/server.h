#ifndef GAZETTE_SERVER_H
#define GAZETTE_SERVER_H
/*
 * The HTTP server: an acceptor thread sharing connections out among
 * libmicrohttpd workers of one epoll thread each, every limit from
 * util/limits.h, and a deadline on the request head (the
 * library's own timeout counts idle time only).  The only file that
 * includes the library is server.c.
 */
#include "http.h"
#include "../util/netaddr.h"

typedef void (*server_handler)(void *ctx, struct req *r, struct resp *rs);

struct server;

/* Bind and listen on addr:port (port 0 picks a free one); the bound port in
 * *bound.  Returns the socket, or -1. */
int server_listen(const char *addr, int port, int *bound, struct error *e);
/*
 * Serve on fd with threads workers (more past LIM_WORKER_CONNECTIONS
 * each), calling fn(ctx, ...) per request; the server owns fd.  Peers in
 * trusted (copied) are proxies: their X-Forwarded-For is believed and
 * LIM_CONNECTIONS_PER_ADDR does not apply to them.  Every answer, the
 * server's own refusals included, carries each of the headers in always
 * ({NULL, NULL}-terminated, borrowed while the server runs; may be NULL)
 * whose name the handler did not set itself.
 */
struct server *server_start(int fd, int threads, const struct netset *trusted,
                            server_handler fn, void *ctx,
                            const struct header *always, const char *upload_dir,
                            struct error *e);
/*
 * upload_dir, uploads: a POST of multipart/form-data to one of these paths,
 * with an Authorization or a Cookie header, is not kept in memory.  Its body,
 * up to LIM_UPLOAD_BYTES, goes through the library's post processor as it
 * arrives: the first file field into a new file in dir (which must exist; on
 * the media folder's disk, so moving it is a rename), the other fields into
 * req->body.  The file is removed when the request ends, answered or cut. NULL:
 * no uploads.
 */
extern const char *const server_upload_paths[];
/* Stop accepting, let requests in flight finish (bounded), then stop. */
void server_stop(struct server *s);

#endif
