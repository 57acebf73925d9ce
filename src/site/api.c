/* The JSON API (/api/v1/...). */
#include "internal.h"
#include "../util/banned.h"

void
api_views_post(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not implemented");
}

void
api_popular_get(void *ctx, struct req *r, struct resp *rs)
{
	(void)ctx;
	(void)r;
	resp_json_error(rs, 501, "not implemented");
}
