#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../admin/admin.h"
#include "../http/server.h"
#include "../site/site.h"
#include "../util/limits.h"
#include "../core/river.h"
#include "../comments/comments.h"
#include "../comments/spam.h"
#include "../notify/notify.h"
#include "../views/views.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/banned.h"

/*
 * Memory a worker's malloc arena keeps when it is freed, and the size from
 * which a block gets a mapping of its own.  By default glibc gave the top
 * of a worker's heap back (madvise) whenever a request's memory was freed
 * and faulted it in again on the next request; each give-back flushes the
 * TLB of every CPU, which cost a tenth of the CPU time of bench/search.sh.
 * Fixed values also stop glibc from moving them as it goes.
 */
#define SERVE_MALLOC_KEEP (32 * 1024 * 1024)
#define SERVE_MALLOC_MMAP (4 * 1024 * 1024)

/* "127.0.0.1:8080" or "[::1]:8080" into addr and port. */
static int
parse_listen(const char *s, char *addr, size_t n, int *port)
{
	const char *colon = strrchr(s, ':');
	int64_t p;
	size_t alen;

	if (colon == NULL || num_parse(colon + 1, 0, 65535, &p) == -1)
		return -1;
	alen = (size_t)(colon - s);
	if (alen > 1 && s[0] == '[' && s[alen - 1] == ']') {
		s++;
		alen -= 2;
	}
	if (alen == 0 || alen >= n)
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	*port = (int)p;
	return 0;
}

int
cmd_serve(struct conf *c, int argc, char **argv)
{
	struct error e;
	struct store *st = NULL;
	struct site *site = NULL;
	struct views *views = NULL;
	struct scheduler *sched = NULL;
	struct river_thread *river = NULL;
	struct spam *spam = NULL;
	struct notify *notify = NULL;
	struct site_services svc = {0};
	static char media_dir[4200], tmp_dir[4200];
	const char *upload_dir;
	struct server *srv = NULL;
	char addr[256];
	int port, bound, fd = -1, threads, sig, rc = 1;
	int64_t n;
	sigset_t set;

	const char *listen_at = NULL, *nthreads = NULL, *cache_mb = NULL;
	const struct cli_flag flags[] = {{"listen", &listen_at, NULL},
	                                 {"threads", &nthreads, NULL},
	                                 {"cache-mb", &cache_mb, NULL},
	                                 {NULL, NULL, NULL}};
	int npos;

	rc = cli_args("serve", argc, argv, 1, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos > 0)
		return cli_usage("serve: unexpected argument '%s'", argv[1]);
	if (listen_at != NULL)
		snprintf(c->listen, sizeof(c->listen), "%s", listen_at);
	if (nthreads != NULL) {
		if (num_parse(nthreads, 1, LIM_THREADS, &n) == -1)
			return cli_usage("--threads takes 1 to %d",
			                 LIM_THREADS);
		c->threads = (int)n;
	}
	if (cache_mb != NULL) {
		if (num_parse(cache_mb, 0, LIM_CACHE_MB_MAX, &n) == -1)
			return cli_usage("--cache-mb takes 0 to %d",
			                 LIM_CACHE_MB_MAX);
		c->cache_mb = (long)n;
	}
	rc = 1;
	if (parse_listen(c->listen, addr, sizeof(addr), &port) == -1)
		return cli_usage("bad listen address '%s' (ADDR:PORT)",
		                 c->listen);
	threads = c->threads;
	if (threads <= 0)
		threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads <= 0)
		threads = 1;
	if (threads > LIM_THREADS)
		threads = LIM_THREADS;

	mallopt(M_TRIM_THRESHOLD, SERVE_MALLOC_KEEP);
	mallopt(M_MMAP_THRESHOLD, SERVE_MALLOC_MMAP);
	/* Every thread started from here on inherits the blocked set, so
	 * the signals reach only the sigwait below. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	st = site_open(c, &e);
	if (st == NULL) {
		rc = cli_fail(&e);
		goto out;
	}
	site_modes_check(c);
	if (store_watch(st, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	views = views_new(st, &e);
	if (views == NULL || views_start(views, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	sched = scheduler_start(st, &e);
	if (sched == NULL) {
		rc = cli_fail(&e);
		goto out;
	}
	/* Feeds are fetched beside the pages, one batch at a time. */
	river = river_thread_start(st, c->url, &e);
	if (river == NULL) {
		rc = cli_fail(&e);
		goto out;
	}
	spam = spam_new(st);
	notify = notify_new(st, c->url, &e);
	if (notify == NULL || notify_start(notify, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	svc.views = views;
	svc.routes = admin_routes;
	svc.nroutes = admin_route_count;
	svc.cache_bytes = (size_t)c->cache_mb * 1024 * 1024;
	svc.notify = notify;
	svc.comments = comments_new(st, spam, notify, &e);
	if (svc.comments == NULL) {
		rc = cli_fail(&e);
		goto out;
	}
	site = site_new(st, &svc, c->site, c->url, &e);
	if (site == NULL) {
		rc = cli_fail(&e);
		goto out;
	}
	fd = server_listen(addr, port, &bound, &e);
	if (fd == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	/* Uploads stream into SITE/media/.tmp, on the media folder's disk
	 * (media/media.h); hidden, so never served. */
	snprintf(media_dir, sizeof(media_dir), "%s/media", c->site);
	snprintf(tmp_dir, sizeof(tmp_dir), "%s/media/.tmp", c->site);
	upload_dir = tmp_dir;
	if ((mkdir(media_dir, 0755) == -1 && errno != EEXIST) ||
	    (mkdir(tmp_dir, 0700) == -1 && errno != EEXIST)) {
		log_error("uploads: creating %s: %s", tmp_dir, strerror(errno));
		upload_dir = NULL;
	}
	srv = server_start(fd, threads, &c->trusted_proxies, site_handle, site,
	                   site_headers, upload_dir, &e);
	if (srv == NULL) {
		close(fd);
		rc = cli_fail(&e);
		goto out;
	}
	if (strchr(addr, ':') != NULL)
		printf("listening on http://[%s]:%d\n", addr, bound);
	else
		printf("listening on http://%s:%d\n", addr, bound);
	fflush(stdout);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP)
			continue; /* reserved: reload */
		break;
	}
	log_info("signal %d: finishing requests in flight", sig);
	server_stop(srv);
	rc = 0;
out:
	/* After the server has drained: the last views are flushed here. */
	scheduler_stop(sched);
	river_thread_stop(river);
	views_free(views);
	notify_free(notify);
	comments_free(svc.comments);
	spam_free(spam);
	site_free(site);
	store_close(st);
	return rc;
}
