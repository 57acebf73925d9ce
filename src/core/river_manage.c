/*
 * Managing the river's feeds from the admin and its API (river.h): adding
 * a feed or a page without fetching it (the feed thread does, and follows
 * what a page announces), changing a feed's name, interval, section and
 * state, asking for a fetch, and keyword filters that apply to what is
 * stored as well as to what comes (docs/decisions/060 and 061).
 */
#include <string.h>

#include "river.h"
#include "../feed/feed.h"
#include "../store/river.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

/* ERR_INVALID unless s is one line of at most max bytes of UTF-8. */
static int
line_check(const char *s, size_t max, const char *what, struct error *e)
{
	size_t n = strlen(s);

	if (n > max)
		return error_set(e, ERR_INVALID, "%s is over %zu bytes", what,
		                 max);
	if (!utf8_valid(s, n))
		return error_set(e, ERR_INVALID, "%s is not UTF-8", what);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 && s[i] != '\t')
			return error_set(e, ERR_INVALID,
			                 "%s is one line of text", what);
	return 0;
}

int
river_url_check(const char *url, struct error *e)
{
	if (*url == '\0')
		return error_set(e, ERR_INVALID,
		                 "a feed's or page's URL is "
		                 "needed");
	if (line_check(url, LIM_FEED_URL_BYTES, "the URL", e) == -1)
		return -1;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return error_set(e, ERR_INVALID,
		                 "%s: not an http:// or https:// URL", url);
	if (strpbrk(url, " \t") != NULL)
		return error_set(e, ERR_INVALID, "a URL has no spaces");
	return 0;
}

int
river_add(struct store *st, struct arena *a, const char *url, const char *name,
          const char *section, int64_t now, int64_t *id, const char **bad,
          struct error *e)
{
	struct river_source in = {.enabled = 1, .discover = 1};

	*id = 0;
	*bad = "url";
	url = text_trim(a, url);
	if (river_url_check(url, e) == -1)
		return -1;
	*bad = "name";
	name = text_trim(a, name != NULL ? name : "");
	if (line_check(name, LIM_FEED_TITLE_BYTES, "the name", e) == -1)
		return -1;
	*bad = "section";
	if (river_section(st, a,
	                  section != NULL && *section != '\0' ? section : NULL,
	                  now, &in.section_id, e) == -1)
		return -1;
	*bad = "url";
	in.url = url;
	in.name = name;
	if (store_river_source_add(st, &in, now, id, e) == -1) {
		struct river_source old;
		struct error pe;

		if (e->code == ERR_CONFLICT &&
		    store_river_source_by_url(st, a, url, &old, &pe) == 0)
			error_set(e, ERR_CONFLICT,
			          "followed already (feed %lld): %s",
			          (long long)old.id, url);
		return -1;
	}
	*bad = NULL;
	return 0;
}

int
river_edit(struct store *st, struct arena *a, int64_t id,
           const struct river_change *c, int64_t now, const char **bad,
           struct error *e)
{
	struct river_source src;

	*bad = "";
	if (store_river_source_get(st, a, id, &src, e) == -1)
		return -1;
	if (c->name != NULL) {
		*bad = "name";
		src.name = text_trim(a, c->name);
		if (line_check(src.name, LIM_FEED_TITLE_BYTES, "the name", e) ==
		    -1)
			return -1;
	}
	if (c->interval >= 0) {
		*bad = "interval";
		if (c->interval < LIM_FEED_INTERVAL_MIN ||
		    c->interval > LIM_FEED_INTERVAL_MAX)
			return error_set(e, ERR_INVALID,
			                 "the interval is from %d to %d "
			                 "minutes",
			                 LIM_FEED_INTERVAL_MIN / 60,
			                 LIM_FEED_INTERVAL_MAX / 60);
		src.interval = c->interval;
	}
	if (c->section != NULL) {
		*bad = "section";
		if (*c->section == '\0')
			return error_set(
				e, ERR_INVALID,
				"a feed goes in an aggregator section");
		if (river_section(st, a, c->section, now, &src.section_id, e) ==
		    -1)
			return -1;
	}
	if (c->enabled >= 0)
		src.enabled = c->enabled != 0;
	*bad = "";
	if (store_river_source_edit(st, &src, now, e) == -1)
		return -1;
	*bad = NULL;
	return 0;
}

int
river_fetch_soon(struct store *st, struct arena *a, int64_t id, int64_t now,
                 struct error *e)
{
	struct river_source src;

	if (store_river_source_get(st, a, id, &src, e) == -1)
		return -1;
	if (!src.enabled)
		return error_set(e, ERR_CONFLICT,
		                 "feed %lld is disabled: enable it to fetch it",
		                 (long long)id);
	return store_river_source_due_at(st, id, now, e);
}

/* ---- keyword filters ------------------------------------------------- */

int
river_filter_check(const char *rule, struct error *e)
{
	if (rule[strspn(rule, " \t")] == '\0')
		return error_set(e, ERR_INVALID,
		                 "a filter is a word or phrase");
	if (strchr(rule, '\n') != NULL ||
	    strlen(rule) > LIM_FEED_FILTER_LINE_BYTES)
		return error_set(e, ERR_INVALID,
		                 "a filter is one line of 1 to %d bytes",
		                 LIM_FEED_FILTER_LINE_BYTES);
	return line_check(rule, LIM_FEED_FILTER_LINE_BYTES, "a filter", e);
}

/* Hide source_id's stored entries its rules now match and show those
 * they no longer do; *changed counts them. */
static int
refilter_one(struct store *st, int64_t source_id, int *changed, struct error *e)
{
	struct arena *a = arena_new();
	struct river_title *t;
	enum river_hidden *hidden;
	const char *rules;
	char hit[LIM_FEED_FILTER_LINE_BYTES + 1];
	int64_t *ids;
	size_t n, k = 0;
	int rc = -1;

	if (store_river_filter_rules(st, a, source_id, &rules, e) == -1 ||
	    store_river_titles(st, a, source_id, &t, &n, e) == -1)
		goto out;
	ids = arena_alloc(a, (n + 1) * sizeof(*ids));
	hidden = arena_alloc(a, (n + 1) * sizeof(*hidden));
	for (size_t i = 0; i < n; i++) {
		enum river_hidden h =
			*rules != '\0' && feed_filter_match(rules, t[i].title,
		                                            hit)
				? RIVER_FILTERED
				: RIVER_SHOWN;

		if (h != t[i].hidden) {
			ids[k] = t[i].id;
			hidden[k++] = h;
		}
	}
	rc = store_river_refilter(st, ids, hidden, k, e);
	if (rc == 0)
		*changed += (int)k;
out:
	arena_free(a);
	return rc;
}

int
river_refilter(struct store *st, int64_t source_id, int *changed,
               struct error *e)
{
	struct arena *a;
	struct river_source *all;
	size_t n;
	int rc = 0;

	*changed = 0;
	if (source_id > 0)
		return refilter_one(st, source_id, changed, e);
	a = arena_new();
	if (store_river_source_list(st, a, &all, &n, e) == -1)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = refilter_one(st, all[i].id, changed, e);
	arena_free(a);
	return rc;
}

int
river_filter_add(struct store *st, struct arena *a, int64_t source_id,
                 const char *rule, int64_t now, int64_t *id, int *changed,
                 struct error *e)
{
	struct river_source src;

	*changed = 0;
	if (river_filter_check(rule, e) == -1)
		return -1;
	if (source_id > 0 &&
	    store_river_source_get(st, a, source_id, &src, e) == -1)
		return -1;
	if (store_river_filter_add(st, source_id, rule, now, id, e) == -1)
		return -1;
	return river_refilter(st, source_id, changed, e);
}

int
river_filter_remove(struct store *st, struct arena *a, int64_t id, int *changed,
                    struct error *e)
{
	struct river_filter *all;
	int64_t source_id = -1;
	size_t n;

	*changed = 0;
	if (store_river_filter_list(st, a, &all, &n, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (all[i].id == id)
			source_id = all[i].source_id;
	if (source_id < 0)
		return error_set(e, ERR_NOT_FOUND, "no filter %lld",
		                 (long long)id);
	if (store_river_filter_delete(st, id, e) == -1)
		return -1;
	return river_refilter(st, source_id, changed, e);
}
