/* Stub: replaced by the view-counting work of the reader-site issue. */
#include <stdlib.h>

#include "views.h"
#include "../util/alloc.h"
#include "../util/banned.h"

struct views {
	struct store *st;
};

struct views *
views_new(struct store *st, struct error *e)
{
	struct views *v = xcalloc(1, sizeof(*v));

	(void)e;
	v->st = st;
	return v;
}

int
views_start(struct views *v, struct error *e)
{
	(void)v;
	(void)e;
	return 0;
}

void
views_free(struct views *v)
{
	free(v);
}

int
views_hit(struct views *v, int64_t post_id, const char *ip,
          const char *user_agent, int64_t *total, int *counted,
          struct error *e)
{
	(void)v;
	(void)post_id;
	(void)ip;
	(void)user_agent;
	*total = 0;
	*counted = 0;
	return error_set(e, ERR_NOT_FOUND, "not implemented");
}

int64_t
views_total(struct views *v, int64_t post_id, int64_t stored_total)
{
	(void)v;
	(void)post_id;
	return stored_total;
}

int
views_popular(struct views *v, struct arena *a, int days, int limit,
              struct popular **out, size_t *n, struct error *e)
{
	(void)v;
	(void)a;
	(void)days;
	(void)limit;
	(void)e;
	*out = NULL;
	*n = 0;
	return 0;
}

int
views_flush(struct views *v, struct error *e)
{
	(void)v;
	(void)e;
	return 0;
}
