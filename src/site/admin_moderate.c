/*
 * The admin: the comment queue and the submissions queue.
 * Stub: not written yet.
 */
#include "internal.h"
#include "../util/banned.h"

void
admin_comments_get(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
admin_comments_post(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
admin_submissions_get(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
admin_submissions_post(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_comments(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_comments_decide(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_submissions(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_submission(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}
