/*
 * /unsubscribe?c=ID&t=TOKEN: the link in every reply notification, which
 * clears the comment's "notify me of replies" flag.  A GET does it at once
 * (one click from the mail), and so does the POST a mail client sends for
 * List-Unsubscribe-Post (RFC 8058 section 3.2): its URI is the same, so c
 * and t come from the query, and the body ("List-Unsubscribe=One-Click")
 * adds nothing.  Doing it twice is harmless.
 */
#include <stdint.h>

#include "internal.h"
#include "../notify/notify.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/banned.h"

void
unsubscribe_handler(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	const char *c = req_query(r, "c"), *t = req_query(r, "t");
	struct tval *m;
	struct error e;
	int64_t id;
	int ok = 0;

	if (s->notify == NULL) {
		page_not_found(s, r, rs);
		return;
	}
	if (c == NULL || t == NULL || num_parse(c, 1, INT64_MAX, &id) == -1)
		error_set(&e, ERR_INVALID, "unsubscribe link is not valid");
	else if (notify_unsubscribe(s->notify, id, t, &e) == 0)
		ok = 1;
	else if (e.code != ERR_INVALID)
		log_error("unsubscribe %s: %s", c, e.msg);
	m = page_model(s, r,
	               ok ? i18n_text(site_cat(s), "Unsubscribed")
	                  : i18n_text(site_cat(s), "Link not valid"),
	               "/unsubscribe");
	tval_set_bool(r->arena, m, "done", ok);
	rs->status = ok ? 200 : resp_status_for(e.code);
	rs->cache_control = "no-store";
	/* A page that only makes sense from the mail's link. */
	(void)resp_header(rs, "X-Robots-Tag", "noindex");
	page_render(s, r, rs, "unsubscribe.html", m);
}
