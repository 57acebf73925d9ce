/*
 * The admin: the dashboard and per-post numbers, SVG charts.
 * Stub: not written yet.
 */
#include "internal.h"
#include "../util/banned.h"

void
admin_dashboard(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
admin_post_stats(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_stats(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}

void
api_admin_post_stats(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not written yet");
}
