/*
 * The admin: sections, navigation, site message, blocks, settings.
 * Stub: not written yet.
 */
#include "internal.h"
#include "../util/banned.h"

void
admin_sections(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
admin_section(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
admin_blocks(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
admin_block(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
admin_settings(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_sections(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_section(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_blocks(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_block(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_settings(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}
