#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
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

/*
 * gazette.conf's access_log: "" off, "stderr", or a file opened for
 * appending (0640, made if missing).  *fd: the descriptor the server
 * writes to, -1 for none.  A file already open (*own, ours) is replaced
 * in place with dup2(), so a worker writing meanwhile writes to the old
 * file or the new one, never to a closed descriptor: that is how
 * logrotate's reload (SIGHUP) starts a new file.
 */
static int
access_log_open(const char *spec, int *fd, int *own, struct error *e)
{
	int nfd;

	if (*spec == '\0') {
		*fd = -1;
		return 0;
	}
	if (strcmp(spec, "stderr") == 0) {
		*fd = STDERR_FILENO;
		return 0;
	}
	nfd = open(spec, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
	           0640);
	if (nfd == -1)
		return error_set(e, ERR_IO, "access_log: cannot open '%s': %s",
		                 spec, strerror(errno));
	if (*own >= 0) {
		if (dup2(nfd, *own) == -1) {
			close(nfd);
			return error_set(e, ERR_IO, "access_log: '%s': %s",
			                 spec, strerror(errno));
		}
		close(nfd);
	} else
		*own = nfd;
	*fd = *own;
	return 0;
}

/*
 * Started as root: become gazette.conf's user (its groups too) once the
 * socket is bound and the access log open, before anything of the site
 * is opened or any thread started (setuid() here is one thread's).  The
 * log is given to the user so that a reload can open it again.
 */
static int
privileges_drop(const char *user, int logfd, struct error *e)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL)
		return error_set(e, ERR_INVALID, "user '%s': no such user",
		                 user);
	if (pw->pw_uid == 0)
		return error_set(e, ERR_INVALID,
		                 "user '%s' is root: name an unprivileged user",
		                 user);
	if (logfd >= 0 && fchown(logfd, pw->pw_uid, pw->pw_gid) == -1)
		return error_set(e, ERR_IO,
		                 "access_log: cannot give it to "
		                 "'%s': %s",
		                 user, strerror(errno));
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1)
		return error_set(e, ERR_IO, "cannot become user '%s': %s", user,
		                 strerror(errno));
	if (setuid(0) != -1)
		return error_set(e, ERR_IO,
		                 "could become root again after "
		                 "becoming '%s'",
		                 user);
	return 0;
}

/*
 * Without url in gazette.conf, links name the address the server listens
 * on, its port as bound (port 0 picks one), a wildcard address as
 * loopback; the log says it is a guess.  The same-origin check takes the
 * guess as it takes no url at all (req_url_guessed).
 */
static void
url_guess(struct conf *c, const char *addr, int bound)
{
	const char *host = addr;

	if (c->url_given)
		return;
	if (strcmp(addr, "0.0.0.0") == 0 || *addr == '\0')
		host = "127.0.0.1";
	else if (strcmp(addr, "::") == 0)
		host = "::1";
	if (strchr(host, ':') != NULL)
		snprintf(c->url, sizeof(c->url), "http://[%s]:%d", host, bound);
	else
		snprintf(c->url, sizeof(c->url), "http://%s:%d", host, bound);
	req_url_guessed(c->url);
	log_warn("gazette.conf has no url: links name %s, the address "
	         "served, a guess (set url = https://... to the public one)",
	         c->url);
}

/* Deployment settings that only a restart applies. */
static void
restart_only_changed(const struct conf *was, const struct conf *now)
{
	if (was->url_given != now->url_given ||
	    (now->url_given && strcmp(was->url, now->url) != 0))
		log_warn("gazette.conf: url changed; restart to apply it");
	if (strcmp(was->listen, now->listen) != 0)
		log_warn("gazette.conf: listen changed; restart to apply it");
	if (was->threads != now->threads)
		log_warn("gazette.conf: threads changed; restart to apply it");
	if (was->cache_mb != now->cache_mb)
		log_warn("gazette.conf: cache_mb changed; restart to apply it");
	if (strcmp(was->user, now->user) != 0)
		log_warn("gazette.conf: user changed; restart to apply it");
	if (memcmp(&was->trusted_proxies, &now->trusted_proxies,
	           sizeof(was->trusted_proxies)) != 0)
		log_warn("gazette.conf: trusted_proxies changed; restart to "
		         "apply it");
}

/*
 * SIGHUP: gazette.conf and the templates again, without closing the
 * listening socket or any connection.  What cannot change in flight is
 * named in the log; a file or template with an error keeps what runs.
 */
static void
reload(struct conf *file, struct site *site, struct server *srv, int *logfd)
{
	static struct conf nc;
	struct error e;
	int fd;

	sd_notify(0, "RELOADING=1");
	nc = *file;
	nc.access_log[0] = '\0';
	nc.metrics_token[0] = '\0';
	nc.user[0] = '\0';
	nc.trusted_given = 0;
	if (conf_load(&nc, &e) == -1) {
		log_error("reload: %s; nothing changed", e.msg);
		goto out;
	}
	restart_only_changed(file, &nc);
	if (site_reload(site, nc.metrics_token, &e) == -1) {
		log_error("reload: %s; the templates in force stay", e.msg);
		goto out;
	}
	if (access_log_open(nc.access_log, &fd, logfd, &e) == -1)
		log_error("reload: %s; the access log stays", e.msg);
	else
		server_access_log(srv, fd);
	snprintf(file->access_log, sizeof(file->access_log), "%s",
	         nc.access_log);
	snprintf(file->metrics_token, sizeof(file->metrics_token), "%s",
	         nc.metrics_token);
	log_info("reloaded gazette.conf and the templates");
out:
	sd_notify(0, "READY=1");
}

int
cmd_serve(struct conf *c, int argc, char **argv)
{
	static struct conf file; /* as gazette.conf gave it, for reloads */
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
	int port, bound, fd = -1, threads, sig, rc = 1, logfd = -1, ownlog = -1;
	int64_t n;
	sigset_t set;

	const char *listen_at = NULL, *nthreads = NULL, *cache_mb = NULL;
	const struct cli_flag flags[] = {{"listen", &listen_at, NULL},
	                                 {"threads", &nthreads, NULL},
	                                 {"cache-mb", &cache_mb, NULL},
	                                 {NULL, NULL, NULL}};
	int npos;

	file = *c;
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

	/* Bound first, then the files of the process, then no more root. */
	fd = server_listen(addr, port, &bound, &e);
	if (fd == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	url_guess(c, addr, bound);
	if (access_log_open(c->access_log, &logfd, &ownlog, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	if (geteuid() == 0 && c->user[0] != '\0') {
		if (privileges_drop(c->user, ownlog, &e) == -1) {
			rc = cli_fail(&e);
			goto out;
		}
	} else if (geteuid() == 0)
		log_warn("running as root: set 'user = NAME' in gazette.conf "
		         "(serve drops to it once the port is bound), or run "
		         "it as a user of its own");
	else if (c->user[0] != '\0') {
		struct passwd *pw = getpwnam(c->user);

		if (pw == NULL || pw->pw_uid != geteuid()) {
			error_set(&e, ERR_INVALID,
			          "user = %s, but started as another user that "
			          "is not root",
			          c->user);
			rc = cli_fail(&e);
			goto out;
		}
	}
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
	/* Feeds are fetched beside the pages, one batch at a time, and
	 * the providers' thumbnails the admin asked for between them. */
	river = river_thread_start(st, c->site, c->url, &e);
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
	svc.metrics_token = c->metrics_token;
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
	scheduler_watch(sched, site);
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
	fd = -1; /* the server's now, or closed */
	if (srv == NULL) {
		rc = cli_fail(&e);
		goto out;
	}
	server_access_log(srv, logfd);
	if (strchr(addr, ':') != NULL)
		printf("listening on http://[%s]:%d\n", addr, bound);
	else
		printf("listening on http://%s:%d\n", addr, bound);
	fflush(stdout);
	/* systemd's Type=notify: ready now (nothing without NOTIFY_SOCKET). */
	sd_notify(0, "READY=1");
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(&file, site, srv, &ownlog);
			continue;
		}
		break;
	}
	sd_notify(0, "STOPPING=1");
	log_info("signal %d: finishing requests in flight", sig);
	server_stop(srv);
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (ownlog != -1)
		close(ownlog);
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
