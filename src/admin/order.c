/*
 * Moving a row (a section in the navigation, a block in the sidebar) to a
 * position: the screens' up and down buttons and the API's "position".
 */
#include <jansson.h>
#include <string.h>

#include "internal.h"
#include "../util/banned.h"

/* The ids in their order now: sections when blocks is 0, else the
 * sidebar's blocks; room for one more. */
static int
order_ids(struct store *st, struct arena *a, int blocks, int64_t **ids,
          size_t *n, struct error *e)
{
	if (blocks) {
		struct block *b;

		if (store_block_list(st, a, "sidebar", &b, n, e) == -1)
			return -1;
		*ids = arena_alloc(a, (*n + 1) * sizeof(**ids));
		for (size_t i = 0; i < *n; i++)
			(*ids)[i] = b[i].id;
	} else {
		struct section_info *si;

		if (store_section_infos(st, a, &si, n, e) == -1)
			return -1;
		*ids = arena_alloc(a, (*n + 1) * sizeof(**ids));
		for (size_t i = 0; i < *n; i++)
			(*ids)[i] = si[i].sec.id;
	}
	return 0;
}

/* Move id to index to (clamped) in ids[0..n) and save the whole order. */
static int
order_move(struct store *st, int blocks, int64_t *ids, size_t n, int64_t id,
           int64_t to, struct error *e)
{
	size_t i;

	for (i = 0; i < n && ids[i] != id; i++)
		;
	if (i == n)
		return error_set(e, ERR_NOT_FOUND, "no %s %lld",
		                 blocks ? "block" : "section", (long long)id);
	if (to < 0)
		to = 0;
	if ((size_t)to >= n)
		to = (int64_t)n - 1;
	if ((size_t)to < i)
		memmove(ids + to + 1, ids + to,
		        (i - (size_t)to) * sizeof(*ids));
	else
		memmove(ids + i, ids + i + 1, ((size_t)to - i) * sizeof(*ids));
	ids[to] = id;
	return blocks ? store_block_order(st, ids, n, e)
	              : store_section_order(st, ids, n, e);
}

void
admin_order_step(struct site *s, struct req *r, struct resp *rs, struct who *w,
                 int blocks, int64_t id, int up)
{
	const char *what = blocks ? "blocks" : "sections";
	int64_t *ids;
	size_t n, at = 0;
	struct error e;

	if (order_ids(s->store, r->arena, blocks, &ids, &n, &e) == -1)
		goto fail;
	while (at < n && ids[at] != id)
		at++;
	if (order_move(s->store, blocks, ids, n, id,
	               (int64_t)at + (up ? -1 : 1), &e) == -1)
		goto fail;
	admin_redirect(rs, arena_printf(r->arena, "/admin/%s/?moved=1#%s-%lld",
	                                what, blocks ? "block" : "section",
	                                (long long)id));
	return;
fail:
	admin_fail(s, r, rs, w, what, &e);
}

int
admin_order_api(struct site *s, struct req *r, int blocks, json_t *doc,
                int64_t id, struct resp *rs)
{
	struct arena *a = r->arena;
	json_t *v = json_object_get(doc, "position");
	int64_t *ids;
	size_t n;
	struct error e;

	if (v == NULL)
		return 0;
	if (order_ids(s->store, a, blocks, &ids, &n, &e) == -1)
		goto fail;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) >= (json_int_t)n) {
		admin_field_error(
			rs, 400, "position",
			arena_printf(a,
		                     "position is a whole number from "
		                     "0 to %zu",
		                     n ? n - 1 : 0));
		return -1;
	}
	if (order_move(s->store, blocks, ids, n, id, json_integer_value(v),
	               &e) == -1)
		goto fail;
	return 0;
fail:
	admin_fail(s, r, rs, NULL, blocks ? "blocks" : "sections", &e);
	return -1;
}
