/*
 * Guest submissions: GET /submit/ shows the form (linked from the
 * Submission Guidelines page), POST /submit puts the article in the review
 * queue.  The rules are in comments/comments.c (submissions_submit).
 */
#include <string.h>

#include "internal.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/banned.h"

void
submit_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct tval *m =
		page_model(s, r, i18n_text(site_cat(s), "Submit an article"),
	                   "/submit/");

	if (req_query(r, "thanks") != NULL)
		tval_set_bool(r->arena, m, "thanks", 1);
	tval_set_str(r->arena, m, "stamp",
	             comments_form_stamp(s->comments, r->arena, clock_now()));
	page_render(s, r, rs, "submit.html", m);
}

void
submit_post(void *ctx, struct req *r, struct resp *rs)
{
	enum {
		F_NAME,
		F_EMAIL,
		F_TITLE,
		F_BODY,
		F_SOURCE,
		F_HONEY,
		F_STAMP,
		F__MAX
	};
	struct form_field f[F__MAX] = {
		[F_NAME] = {"name", LIM_AUTHOR_BYTES, 1, NULL},
		[F_EMAIL] = {"email", LIM_EMAIL_BYTES, 1, NULL},
		[F_TITLE] = {"title", LIM_TITLE_BYTES, 1, NULL},
		[F_BODY] = {"body", LIM_POST_SRC_BYTES, 1, NULL},
		[F_SOURCE] = {"source", LIM_URL_FIELD_BYTES, 0, NULL},
		[F_HONEY] = {"website", 1000, 0, NULL},
		[F_STAMP] = {"stamp", 100, 0, NULL},
	};
	struct site *s = ctx;
	struct submission_input in = {0};
	struct tval *m;
	struct error e;
	int64_t id;

	error_clear(&e);
	if (!req_same_origin(r, s->url))
		error_set(&e, ERR_FORBIDDEN,
		          "form origin: this form must be sent from this "
		          "site's own pages (the request had no Origin or "
		          "Referer of this site)");
	else if (form_parse(r, f, F__MAX, &e) == 0) {
		in.name = f[F_NAME].value;
		in.email = f[F_EMAIL].value;
		in.title = f[F_TITLE].value;
		in.body = f[F_BODY].value;
		in.source = f[F_SOURCE].value;
		in.honeypot = f[F_HONEY].value;
		in.form_stamp = f[F_STAMP].value ? f[F_STAMP].value : "";
		in.ip = req_client_ip(r);
		if (submissions_submit(s->comments, r->arena, &in, &id, &e) ==
		    0) {
			rs->status = 303;
			(void)resp_header(rs, "Location", "/submit/?thanks=1");
			return;
		}
	}
	if (e.code == ERR_IO)
		log_error("submission: %s", e.msg);
	m = page_model(s, r,
	               i18n_text(site_cat(s), "Your article was not sent"),
	               "/submit/");
	tval_set_str(r->arena, m, "message",
	             site_form_message(s, &e,
	                               "it could not be saved; please try "
	                               "again"));
	tval_set_str(r->arena, m, "back", "/submit/");
	rs->status = resp_status_for(e.code);
	page_render(s, r, rs, "message.html", m);
}
