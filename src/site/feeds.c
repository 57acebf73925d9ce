/* Feeds and discovery: RSS, Atom, sitemaps, robots.txt, page meta. */
#include "internal.h"
#include "../util/banned.h"

void
discovery_model(struct site *s, struct req *r, struct tval *m)
{
	(void)s;
	(void)r;
	(void)m;
}

void
feed_get(void *ctx, struct req *r, struct resp *rs)
{
	page_not_found(ctx, r, rs);
}

void
sitemap_get(void *ctx, struct req *r, struct resp *rs)
{
	page_not_found(ctx, r, rs);
}

void
robots_get(void *ctx, struct req *r, struct resp *rs)
{
	page_not_found(ctx, r, rs);
}
