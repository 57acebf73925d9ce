#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "render/tmpl.h"
#include "util/limits.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is compiled twice, as "main" and as the partial "p", so
 * "{{>p}}" recurses into itself and reaches the depth limit.  Lists hold
 * one element each: nested sections over longer lists multiply the work
 * by their length at every level, which is the template author's cost to
 * bear, not a bug for the fuzzer to report as a timeout.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tmpl_set *set;
	struct arena *a;
	struct tval *ctx, *m, *items;
	struct buf out;
	struct error e;

	if (size > LIM_TMPL_BYTES)
		return 0;
	set = tmpl_set_new();
	a = arena_new();
	ctx = tval_map(a);
	tval_set_str(a, ctx, "name", "<b>\"x\" & 'y'</b>");
	tval_set_int(a, ctx, "n", -42);
	tval_set(a, ctx, "r", tval_real(a, 1.21));
	tval_set_bool(a, ctx, "t", 1);
	tval_set_bool(a, ctx, "f", 0);
	tval_set(a, ctx, "null", tval_null(a));
	tval_set(a, ctx, "empty", tval_list(a));
	m = tval_set(a, ctx, "m", tval_map(a));
	tval_set_str(a, m, "k", "line\nbreak");
	tval_set(a, m, "m", m); /* a cycle: {{m.m.m.k}} */
	items = tval_set(a, ctx, "items", tval_list(a));
	tval_push(a, items, m);

	buf_init(&out, 1024 * 1024);
	if (tmpl_set_add(set, "p", (const char *)data, size, &e) == 0 &&
	    tmpl_set_add(set, "main", (const char *)data, size, &e) == 0)
		(void)tmpl_render(set, "main", ctx, &out, &e);
	buf_release(&out);
	arena_free(a);
	tmpl_set_free(set);
	return 0;
}
