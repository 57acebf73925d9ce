/*
 * What every page shows of the site as a whole — title, tagline, the
 * pinned site message, the navigation with each section's newest date —
 * read from the database once per content change into one snapshot, not
 * once per page (these were a third of a page's queries).  It is made
 * again when store_generation() has moved: every change to settings,
 * sections or posts moves it, comments and views do not (they show in no
 * part of it).
 *
 * A snapshot is only made outside a read transaction (site_refresh() runs
 * before a page opens its own): inside one, the rows read could be older
 * than the generation just taken, and the snapshot would then look fresh
 * while stale until the next change.  A page made inside a read
 * transaction uses the snapshot it finds.
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "internal.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/num.h"
#include "../util/banned.h"

void
site_snap_free(struct site_snap *sn)
{
	if (sn == NULL)
		return;
	arena_free(sn->a);
	free(sn);
}

/* The pinned message: settings site_message and site_message_post. */
static int
message_load(struct site *s, struct site_snap *sn, struct error *e)
{
	struct arena *a = sn->a;
	const char *text, *id;
	int64_t pid;
	struct post p;
	struct error pe;

	if (store_setting_get(s->store, a, "site_message", &text, e) == -1 ||
	    store_setting_get(s->store, a, "site_message_post", &id, e) == -1)
		return -1;
	if (text == NULL || *text == '\0')
		return 0;
	sn->msg_text = text;
	if (id != NULL && num_parse(id, 1, INT64_MAX, &pid) == 0 &&
	    store_post_get(s->store, a, pid, &p, &pe) == 0 &&
	    p.status == POST_PUBLISHED) {
		sn->msg_url = site_permalink(a, &p);
		sn->msg_title = p.title;
	}
	return 0;
}

/* Without the setting support_url, the link of the sidebar's first
 * support block that has one (the phone's top bar shows it); "" if none. */
static const char *
support_block_url(struct site *s, struct arena *a)
{
	struct block *b;
	size_t n;
	struct error e;
	const char *url = "";

	if (store_block_list(s->store, a, "sidebar", &b, &n, &e) == -1)
		return "";
	for (size_t i = 0; i < n && *url == '\0'; i++) {
		json_error_t je;
		json_t *cfg;

		if (strcmp(b[i].kind, "support") != 0)
			continue;
		cfg = json_loads(b[i].config, JSON_REJECT_DUPLICATES, &je);
		if (json_is_string(json_object_get(cfg, "url")))
			url = arena_strdup(a, json_string_value(
						      json_object_get(cfg,
			                                              "url")));
		json_decref(cfg);
	}
	return url;
}

static struct site_snap *
snap_make(struct site *s, struct error *e)
{
	struct site_snap *sn = xcalloc(1, sizeof(*sn));
	struct arena *a;
	const char *v;
	struct section *secs;
	size_t n;

	sn->gen = store_generation(s->store);
	sn->a = a = arena_new();
	sn->cat = site_language(s->store);
	if (store_setting_get(s->store, a, "title", &v, e) == -1)
		goto fail;
	sn->title = v && *v ? v : "gazette";
	if (store_setting_get(s->store, a, "tagline", &v, e) == -1)
		goto fail;
	sn->tagline = v ? v : "";
	if (store_setting_get(s->store, a, "support_url", &v, e) == -1)
		goto fail;
	sn->support_url = v && *v ? v : support_block_url(s, a);
	if (message_load(s, sn, e) == -1 ||
	    store_section_list(s->store, a, clock_now(), &secs, &n, e) == -1)
		goto fail;
	sn->nav = arena_alloc(a, (n ? n : 1) * sizeof(*sn->nav));
	for (size_t i = 0; i < n; i++) {
		struct nav_item *it = &sn->nav[sn->nnav++];

		it->slug = secs[i].slug;
		it->kind = secs[i].kind;
		it->name = secs[i].name;
		it->url = arena_printf(a, "/category/%s/", secs[i].slug);
		it->newest = secs[i].show_newest && secs[i].newest_at
		                     ? site_date(a, sn->cat, secs[i].newest_at)
		                     : NULL;
	}
	return sn;
fail:
	site_snap_free(sn);
	return NULL;
}

int
site_snap_load(struct site *s, struct error *e)
{
	struct site_snap *sn = snap_make(s, e), *old;
	const struct i18n *cat;
	int mine;

	if (sn == NULL)
		return -1;
	cat = sn->cat;
	pthread_rwlock_wrlock(&s->snap_lock);
	old = s->snap;
	mine = old == NULL || old->gen <= sn->gen;
	if (mine)
		s->snap = sn;
	else
		old = sn; /* a newer one came meanwhile */
	pthread_rwlock_unlock(&s->snap_lock);
	site_snap_free(old);
	/* The setting `language` changed: the templates are translated
	 * again (which moves the generation, so pages made in the old
	 * language are not served from the cache). */
	if (mine && cat != site_cat(s) && site_relang(s, cat, e) == -1)
		return -1;
	return 0;
}

void
site_refresh(struct site *s)
{
	uint64_t gen = store_generation(s->store);
	struct error e;
	int fresh;

	pthread_rwlock_rdlock(&s->snap_lock);
	fresh = s->snap != NULL && s->snap->gen == gen;
	pthread_rwlock_unlock(&s->snap_lock);
	/* Settings first: reading one applies the site's time zone and date
	 * format (store_settings.c), which the sidebar's archive months and
	 * the navigation's dates are made in. */
	if (!fresh) {
		struct arena *a = arena_new();
		const char *zone;

		(void)store_setting_get(s->store, a, "timezone", &zone, &e);
		arena_free(a);
	}
	sidebar_refresh(s);
	if (store_reading(s->store))
		return;
	if (!fresh && site_snap_load(s, &e) == -1)
		log_error("site: %s", e.msg); /* the older snapshot stays */
}

static const char *
snap_string(struct site *s, struct arena *a, int tagline)
{
	const char *out;

	site_refresh(s);
	pthread_rwlock_rdlock(&s->snap_lock);
	out = arena_strdup(a, tagline ? s->snap->tagline : s->snap->title);
	pthread_rwlock_unlock(&s->snap_lock);
	return out;
}

int
site_section_kind(struct site *s, const char *slug)
{
	int kind = -1;

	site_refresh(s);
	pthread_rwlock_rdlock(&s->snap_lock);
	for (size_t i = 0; i < s->snap->nnav && kind == -1; i++)
		if (strcmp(s->snap->nav[i].slug, slug) == 0)
			kind = (int)s->snap->nav[i].kind;
	pthread_rwlock_unlock(&s->snap_lock);
	return kind;
}

const char *
site_title(struct site *s, struct arena *a)
{
	return snap_string(s, a, 0);
}

const char *
site_tagline(struct site *s, struct arena *a)
{
	return snap_string(s, a, 1);
}
