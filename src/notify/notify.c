/* Stub: replaced by the reply-notification work of the comments issue. */
#include <stdlib.h>

#include "notify.h"
#include "../util/alloc.h"
#include "../util/banned.h"

struct notify {
	struct store *st;
};

struct notify *
notify_new(struct store *st, const char *site_url, struct error *e)
{
	struct notify *n = xcalloc(1, sizeof(*n));

	(void)site_url;
	(void)e;
	n->st = st;
	return n;
}

int
notify_start(struct notify *n, struct error *e)
{
	(void)n;
	(void)e;
	return 0;
}

void
notify_free(struct notify *n)
{
	free(n);
}

int
notify_reply(struct notify *n, int64_t reply_id, struct error *e)
{
	(void)n;
	(void)reply_id;
	(void)e;
	return 0;
}

const char *
notify_unsubscribe_path(struct notify *n, struct arena *a, int64_t comment_id)
{
	(void)n;
	return arena_printf(a, "/unsubscribe?c=%lld&t=", (long long)comment_id);
}

int
notify_unsubscribe(struct notify *n, int64_t comment_id, const char *token,
                   struct error *e)
{
	(void)n;
	(void)comment_id;
	(void)token;
	return error_set(e, ERR_INVALID, "not implemented");
}
