/*
 * The admin: users and invitations, one's own profile, API tokens.
 * Stub: not written yet.
 */
#include "internal.h"
#include "../util/banned.h"

void
admin_users(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
admin_user(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
admin_profile(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_me(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_users(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_user(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_tokens(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_token(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}
