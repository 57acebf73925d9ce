/*
 * The connections of the libmicrohttpd adapter (server.c has the
 * requests): one acceptor thread gives each new connection to the worker
 * holding the fewest, sheds the longest-idle one at LIM_CONNECTIONS or at
 * an address's LIM_CONNECTIONS_PER_ADDR, and a watchdog thread enforces
 * the deadlines the library's idle timeout cannot (a head trickled in, a
 * response taken too slowly).  Why each rule: server.c's opening comment.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mhd.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/banned.h"

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

time_t
conn_mono_now(void)
{
	return (time_t)(mono_ms() / 1000);
}

void
conn_set_deadline(struct conn_state *cs, time_t deadline)
{
	if (cs != NULL)
		atomic_store_explicit(&cs->deadline, deadline,
		                      memory_order_relaxed);
}

/*
 * The phases of a connection, for the watchdog and the acceptor: waiting
 * for a request (idle: since now, until LIM_IDLE_SECONDS), reading one
 * (busy: until deadline), or sending a response (its progress checked
 * every LIM_SEND_SECONDS).  Between busy and sending, while our handler
 * runs, there is no deadline.
 */
void
conn_idle(struct conn_state *cs)
{
	int64_t now = mono_ms();

	if (cs == NULL)
		return;
	atomic_store_explicit(&cs->idle_since, now, memory_order_relaxed);
	conn_set_deadline(cs, (time_t)(now / 1000) + LIM_IDLE_SECONDS);
	/* After the deadline: the watchdog reading 0 here sees it. */
	atomic_store_explicit(&cs->sending, 0, memory_order_release);
}

void
conn_busy(struct conn_state *cs, time_t deadline)
{
	if (cs == NULL)
		return;
	atomic_store_explicit(&cs->idle_since, 0, memory_order_relaxed);
	conn_set_deadline(cs, deadline);
}

void
conn_sending(struct conn_state *cs)
{
	if (cs == NULL)
		return;
	atomic_store_explicit(&cs->sending, 1, memory_order_relaxed);
	conn_set_deadline(cs, conn_mono_now() + LIM_SEND_SECONDS);
}

static void
list_add(struct conn_state **head, struct conn_state *cs)
{
	cs->prev = NULL;
	cs->next = *head;
	if (*head != NULL)
		(*head)->prev = cs;
	*head = cs;
}

static void
list_remove(struct conn_state **head, struct conn_state *cs)
{
	if (cs->prev != NULL)
		cs->prev->next = cs->next;
	else
		*head = cs->next;
	if (cs->next != NULL)
		cs->next->prev = cs->prev;
	cs->prev = cs->next = NULL;
}

/*
 * Under the lock.  The library sees the socket fail and closes it.  With
 * reset, its close() resets the connection: a reader too slow for its
 * response has megabytes queued that a close would otherwise keep trying
 * to deliver, FIN last (nginx's reset_timedout_connection does the same).
 */
static void
shed(struct conn_state *cs, int reset)
{
	struct linger now = {1, 0};

	if (reset)
		setsockopt(cs->fd, SOL_SOCKET, SO_LINGER, &now, sizeof(now));
	shutdown(cs->fd, SHUT_RDWR);
	cs->gone = 1;
}

/*
 * Under the lock.  Of the connections waiting for a request (from client
 * only, when not NULL), the one that has waited longest, or NULL.
 * Connections not yet taken by a worker are brand new and never chosen.
 */
static struct conn_state *
longest_idle(const struct server *s, const struct netaddr *client)
{
	struct conn_state *best = NULL;
	int64_t best_since = INT64_MAX;

	for (struct conn_state *cs = s->conns; cs != NULL; cs = cs->next) {
		int64_t since = atomic_load_explicit(&cs->idle_since,
		                                     memory_order_relaxed);

		if (cs->gone || since == 0 || since >= best_since)
			continue;
		if (client != NULL &&
		    (!cs->limited || !netaddr_equal(&cs->client, client)))
			continue;
		best = cs;
		best_since = since;
	}
	return best;
}

/*
 * Under the lock.  May cs, new and not a trusted proxy's, be added?  At
 * LIM_CONNECTIONS_PER_ADDR of its address's connections, its longest-idle
 * one is shut down to make room; when none is idle the answer is no.
 */
static int
addr_has_room(struct server *s, const struct conn_state *cs)
{
	struct conn_state *lists[2] = {s->conns, s->pending}, *idle;
	int n = 0;

	if (s->open < LIM_CONNECTIONS_PER_ADDR)
		return 1;
	for (int i = 0; i < 2; i++)
		for (struct conn_state *o = lists[i]; o != NULL; o = o->next)
			if (o->limited && !o->gone &&
			    netaddr_equal(&o->client, &cs->client))
				n++;
	if (n < LIM_CONNECTIONS_PER_ADDR)
		return 1;
	idle = longest_idle(s, &cs->client);
	if (idle == NULL)
		return 0;
	shed(idle, 0);
	return 1;
}

void
conn_notify(void *cls, struct MHD_Connection *c, void **socket_context,
            enum MHD_ConnectionNotificationCode toe)
{
	struct worker *w = cls;
	struct server *s = w->s;
	struct conn_state *cs = NULL, *next;
	const union MHD_ConnectionInfo *ci;
	MHD_socket fd;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c,
		                             MHD_CONNECTION_INFO_CONNECTION_FD);
		fd = ci ? ci->connect_fd : MHD_INVALID_SOCKET;
		pthread_mutex_lock(&s->lock);
		/* The newest pending connection on fd is this one.  An older
		 * one on the same fd is one the library dropped without a
		 * word (it closes the socket when it cannot set a connection
		 * up, for want of memory): uncount it. */
		for (struct conn_state *p = s->pending; p != NULL; p = next) {
			next = p->next;
			if (p->fd != fd)
				continue;
			list_remove(&s->pending, p);
			if (cs == NULL) {
				cs = p;
				continue;
			}
			p->w->conns--;
			s->open--;
			free(p);
		}
		if (cs == NULL) { /* not ours: cannot happen, but count it */
			cs = xcalloc(1, sizeof(*cs));
			cs->fd = fd;
			cs->w = w;
			w->conns++;
			s->open++;
		}
		list_add(&s->conns, cs);
		pthread_mutex_unlock(&s->lock);
		*socket_context = cs;
		return;
	}
	/* MHD_CONNECTION_NOTIFY_CLOSED: called before the socket is closed,
	 * so the watchdog and the acceptor (which hold the lock) never shut
	 * down a reused descriptor. */
	cs = *socket_context;
	if (cs == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	list_remove(&s->conns, cs);
	cs->w->conns--;
	s->open--;
	pthread_cond_signal(&s->closed);
	pthread_mutex_unlock(&s->lock);
	free(cs);
	*socket_context = NULL;
}

/*
 * Under the lock: cs, sending a response, is past its deadline, the end
 * of a LIM_SEND_SECONDS window.  The first window only notes how many
 * bytes the reader had acknowledged (reading them at the start would cost
 * a system call on every response); each later one must have added
 * LIM_SEND_MIN_BYTES.  Acknowledged, not written: the kernel's buffers
 * take a few hundred kilobytes whether or not anyone reads them.
 */
static void
send_check(struct conn_state *cs, int state, time_t deadline)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	/* A kernel before 4.1 has no count to give: no check then. */
	if (getsockopt(cs->fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
	    len < offsetof(struct tcp_info, tcpi_bytes_acked) +
	                    sizeof(ti.tcpi_bytes_acked))
		return;
	if (state == 2 &&
	    ti.tcpi_bytes_acked - cs->acked < LIM_SEND_MIN_BYTES) {
		shed(cs, 1);
		return;
	}
	cs->acked = ti.tcpi_bytes_acked;
	/* Unless the worker has moved on to another phase meanwhile. */
	if (atomic_compare_exchange_strong(&cs->sending, &state, 2))
		atomic_compare_exchange_strong(&cs->deadline, &deadline,
		                               deadline + LIM_SEND_SECONDS);
}

void *
conn_watchdog_main(void *arg)
{
	struct server *s = arg;

	while (!atomic_load(&s->stopping)) {
		time_t now = conn_mono_now();

		pthread_mutex_lock(&s->lock);
		for (struct conn_state *cs = s->conns; cs; cs = cs->next) {
			int state = atomic_load_explicit(&cs->sending,
			                                 memory_order_acquire);
			time_t deadline = atomic_load(&cs->deadline);

			if (cs->gone || deadline == 0 || now <= deadline ||
			    cs->fd == MHD_INVALID_SOCKET)
				continue;
			if (state != 0)
				send_check(cs, state, deadline);
			else if (atomic_compare_exchange_strong(&cs->deadline,
			                                        &deadline, 0))
				shed(cs, 0);
		}
		pthread_mutex_unlock(&s->lock);
		usleep(250 * 1000);
	}
	return NULL;
}

/*
 * Accept connections and give each to the worker holding the fewest.
 * A new connection at LIM_CONNECTIONS open makes the one waiting longest
 * for a request shut down to make room (only then: a connection whose
 * head is on its way counts as waiting, and must not be shed for nothing).
 * When every one is busy, the acceptor waits for one to close, and the
 * next ones wait in the listen backlog.
 */
void *
conn_accept_main(void *arg)
{
	struct server *s = arg;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		struct conn_state *cs, *idle;
		struct worker *w;
		struct netaddr peer;
		int fd;

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
		cs = xcalloc(1, sizeof(*cs));
		cs->fd = fd;
		if (netaddr_of((struct sockaddr *)&ss, &peer) == 0) {
			cs->limited = !netset_has(&s->trusted, &peer);
			cs->client = peer;
			netaddr_client(&cs->client);
		}
		pthread_mutex_lock(&s->lock);
		if (cs->limited && !addr_has_room(s, cs)) {
			pthread_mutex_unlock(&s->lock);
			close(fd);
			free(cs);
			continue;
		}
		while (s->open >= LIM_CONNECTIONS &&
		       !atomic_load(&s->closing)) {
			idle = longest_idle(s, NULL);
			if (idle != NULL)
				shed(idle, 0);
			pthread_cond_wait(&s->closed, &s->lock);
		}
		if (atomic_load(&s->closing)) {
			pthread_mutex_unlock(&s->lock);
			close(fd);
			free(cs);
			return NULL;
		}
		cs->idle_since = mono_ms();
		cs->deadline =
			(time_t)(cs->idle_since / 1000) + LIM_HEAD_SECONDS;
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
			    server_worker_start(s, &s->workers[s->nworkers]) ==
			            0)
				w = &s->workers[s->nworkers++];
		}
		if (w == NULL) {
			pthread_mutex_unlock(&s->lock);
			log_info("http: no thread could take a connection");
			close(fd);
			free(cs);
			continue;
		}
		/* Counted here, before the worker's thread sees it, so that
		 * the next connection already weighs it. */
		cs->w = w;
		list_add(&s->pending, cs);
		w->conns++;
		s->open++;
		pthread_mutex_unlock(&s->lock);
		/* The library closes fd itself when it cannot take it.  (Past
		 * this call it may still fail to set the connection up, for
		 * want of memory, without telling us: conn_notify()
		 * finds such a one when its descriptor comes back.) */
		if (MHD_add_connection(w->d, fd, (struct sockaddr *)&ss, len) !=
		    MHD_YES) {
			log_info("http: a connection was dropped: %s",
			         strerror(errno));
			pthread_mutex_lock(&s->lock);
			list_remove(&s->pending, cs);
			w->conns--;
			s->open--;
			pthread_mutex_unlock(&s->lock);
			free(cs);
		}
	}
}
