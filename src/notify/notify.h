#ifndef GAZETTE_NOTIFY_H
#define GAZETTE_NOTIFY_H
/*
 * Reply notifications by email.  When a reply to a comment is approved and
 * the parent's author ticked "notify me of replies" (comments.notify), a
 * message goes into the outbox table; a sender thread delivers it over
 * SMTP (libcurl) off the request path, retrying with back-off, and never
 * sends the same message twice.  Each message carries a one-click
 * unsubscribe link (and List-Unsubscribe headers) that clears the
 * parent's notify flag.  Nothing is queued while SMTP is not configured
 * (settings smtp_url, smtp_from, and optionally smtp_user, smtp_password).
 *
 * Settings, read at every use (no restart):
 *   smtp_url            smtp://host:port or smtps://host:port
 *   smtp_from           "addr" or "Name <addr>" (the name defaults to the
 *                       site's title)
 *   smtp_user, smtp_password   with them, only over TLS (smtps:// or
 *                       STARTTLS); without, STARTTLS when offered
 *   smtp_retry_seconds  the first back-off after a failed delivery (30),
 *                       doubled after each further one up to 6 hours;
 *                       LIM_MAIL_ATTEMPTS in all, fewer when the server
 *                       refuses for good (5xx)
 */
#include <stdint.h>

#include "../store/store.h"
#include "../util/arena.h"
#include "../util/error.h"

struct notify;

/* site_url: the public base URL for links in the mail (no trailing /). */
struct notify *notify_new(struct store *st, const char *site_url,
                          struct error *e);
/* Start the sender thread (the server does). */
int notify_start(struct notify *n, struct error *e);
/* Stop the thread (after its current attempt) and free. */
void notify_free(struct notify *n);

/*
 * reply_id was just approved: queue a message to its parent's author if
 * they asked for one, are not the reply's author (same email), and SMTP is
 * configured.  Never fails the caller's request for a mail problem: a
 * failure (-1: the store could not be read or written) is for the caller
 * to log, and the comment stays.  0 also when nothing was queued; a reply
 * queues at most one message however often it is approved.  Any process
 * may call it (the CLI too): the server's sender thread delivers.
 */
int notify_reply(struct notify *n, int64_t reply_id, struct error *e);

/* The unsubscribe path for comment_id ("/unsubscribe?c=ID&t=TOKEN"). */
const char *notify_unsubscribe_path(struct notify *n, struct arena *a,
                                    int64_t comment_id);
/* Clear comment_id's notify flag if token is its; ERR_INVALID if not. */
int notify_unsubscribe(struct notify *n, int64_t comment_id, const char *token,
                       struct error *e);

#endif
