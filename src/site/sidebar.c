/*
 * The sidebar: blocks configured in the blocks table (kind + JSON config),
 * built into one HTML snapshot that every page copies.  The snapshot is
 * rebuilt when the store's generation moves (content changed) or after
 * SIDEBAR_SECONDS (so "popular" follows its window), never per request.
 * Rebuilding takes the build lock; readers take the read lock only to
 * copy the finished string.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "../core/blocks.h"
#include "../core/settings.h"
#include "../render/md.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/log.h"
#include "../util/banned.h"

#define SIDEBAR_SECONDS 60
/* How much longer a request leaves a sidebar due by its age alone to the
 * scheduler's thread (site_tick()) once that thread has kept it: the
 * popular list sums a window of daily counts (at 20,000 posts some 50 ms
 * of one worker, whose other connections waited meanwhile). */
#define SIDEBAR_TICK_GRACE 5
#define SIDEBAR_MONTHS     24 /* archive months listed */

struct sidebar {
	pthread_rwlock_t lock; /* html, gen, built */
	pthread_mutex_t build; /* one rebuild at a time */
	char *html;
	uint64_t gen;
	time_t built;
	uint64_t serial;     /* moves when a rebuild changes html */
	atomic_int building; /* a rebuild is under way */
	atomic_int ticked;   /* site_tick() keeps it */
};

static time_t
mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

struct sidebar *
sidebar_new(void)
{
	struct sidebar *sb = xcalloc(1, sizeof(*sb));

	pthread_rwlock_init(&sb->lock, NULL);
	pthread_mutex_init(&sb->build, NULL);
	return sb;
}

void
sidebar_free(struct sidebar *sb)
{
	if (sb == NULL)
		return;
	free(sb->html);
	pthread_rwlock_destroy(&sb->lock);
	pthread_mutex_destroy(&sb->build);
	free(sb);
}

static const char *
cfg_str(json_t *cfg, const char *key, const char *def)
{
	json_t *v = json_object_get(cfg, key);

	return json_is_string(v) ? json_string_value(v) : def;
}

static void
block_archives(struct site *s, struct arena *a, struct tval *bm)
{
	struct archive_month *am;
	size_t n;
	struct error e;
	struct tval *list = tval_set(a, bm, "months", tval_list(a));

	if (store_archive_months(s->store, a, clock_now(), &am, &n, &e) == -1)
		return;
	for (size_t i = 0; i < n && i < SIDEBAR_MONTHS; i++) {
		struct tval *it = tval_push(a, list, tval_map(a));

		tval_set_str(a, it, "name",
		             i18n_month(a, site_cat(s), am[i].year,
		                        am[i].month));
		tval_set_str(a, it, "url",
		             arena_printf(a, "/%04d/%02d/", am[i].year,
		                          am[i].month));
		tval_set_int(a, it, "count", am[i].count);
	}
}

static void
block_pages(struct site *s, struct arena *a, json_t *cfg, struct tval *bm)
{
	json_t *slugs = json_object_get(cfg, "pages"), *v;
	struct tval *list = tval_set(a, bm, "pages", tval_list(a));
	size_t i;

	json_array_foreach(slugs, i, v)
	{
		struct post p;
		struct error e;

		if (!json_is_string(v) ||
		    store_post_get_slug(s->store, a, POST_PAGE,
		                        json_string_value(v), clock_now(), &p,
		                        &e) == -1)
			continue;
		tval_push(a, list, post_model(s, a, &p));
	}
}

static void
block_text(struct arena *a, json_t *cfg, struct tval *bm)
{
	const char *md = cfg_str(cfg, "markdown", "");
	struct buf html;
	struct error e;

	buf_init(&html, 64 * 1024);
	if (md_render(md, strlen(md), 0, &html, &e) == 0)
		tval_set_str(a, bm, "html", arena_strdup(a, buf_str(&html)));
	buf_release(&html);
	/* Icons are inline SVG in the template, chosen by name. */
	tval_set_bool(a, bm,
	              arena_printf(a, "icon_%s", cfg_str(cfg, "icon", "info")),
	              1);
}

static void
block_books(struct site *s, struct arena *a, struct tval *bm)
{
	struct book *books;
	size_t n;
	struct error e;
	struct tval *list = tval_set(a, bm, "books", tval_list(a));

	if (store_books_list(s->store, a, clock_now(), &books, &n, &e) == -1)
		return;
	for (size_t i = 0; i < n; i++)
		tval_push(a, list, book_model(s, a, &books[i]));
}

static void
block_popular(struct site *s, struct arena *a, json_t *cfg, struct tval *bm)
{
	int days = (int)blocks_config_int(cfg, "popular", "days");
	int limit = (int)blocks_config_int(cfg, "popular", "limit");
	struct popular *pop;
	size_t n;
	struct error e;
	struct tval *list = tval_set(a, bm, "posts", tval_list(a));

	tval_set_int(a, bm, "days", days);
	tval_set_str(a, bm, "days_text",
	             i18n_num(a, site_cat(s), "Popular posts last %d day",
	                      "Popular posts last %d days", days));
	if (views_popular(s->views, a, days, limit, &pop, &n, &e) == -1)
		return;
	for (size_t i = 0; i < n; i++) {
		struct tval *pm =
			tval_push(a, list, post_model(s, a, &pop[i].post));

		tval_set_int(a, pm, "window_views", pop[i].views);
	}
}

static void
block_podcasts(struct site *s, struct arena *a, json_t *cfg, struct tval *bm)
{
	struct post_query q = {.type = POST_EPISODE,
	                       .now = clock_now(),
	                       .limit = (int)blocks_config_int(cfg, "podcasts",
	                                                       "limit")};
	struct post *posts;
	size_t n;
	struct error e;
	struct tval *list = tval_set(a, bm, "posts", tval_list(a));

	if (store_post_list(s->store, a, &q, &posts, &n, &e) == -1)
		return;
	for (size_t i = 0; i < n; i++)
		tval_push(a, list, post_model(s, a, &posts[i]));
}

static void
block_comments(struct site *s, struct arena *a, json_t *cfg, struct tval *bm)
{
	struct recent_comment *rc;
	size_t n;
	struct error e;
	struct tval *list = tval_set(a, bm, "comments", tval_list(a));

	if (store_comments_recent(s->store, a, clock_now(),
	                          (int)blocks_config_int(cfg, "recent_comments",
	                                                 "limit"),
	                          &rc, &n, &e) == -1)
		return;
	for (size_t i = 0; i < n; i++) {
		struct tval *cm = tval_push(a, list, tval_map(a));

		tval_set_str(a, cm, "author", rc[i].author_name);
		tval_set_str(a, cm, "title", rc[i].post.title);
		tval_set_str(a, cm, "url",
		             arena_printf(a, "%s#comment-%lld",
		                          site_permalink(a, &rc[i].post),
		                          (long long)rc[i].id));
	}
}

static const char *
support_url(struct site *s, struct arena *a)
{
	return settings_str(s->store, a, "support_url");
}

/* The sidebar's model: one map per block, flagged by its kind. */
static struct tval *
sidebar_model(struct site *s, struct arena *a)
{
	struct tval *m = tval_map(a),
		    *list = tval_set(a, m, "blocks", tval_list(a));
	struct block *blocks;
	size_t n;
	struct error e;

	if (store_block_list(s->store, a, "sidebar", &blocks, &n, &e) == -1) {
		log_error("sidebar: %s", e.msg);
		return m;
	}
	for (size_t i = 0; i < n; i++) {
		json_error_t je;
		json_t *cfg = json_loads(blocks[i].config,
		                         JSON_REJECT_DUPLICATES, &je);
		struct tval *bm = tval_push(a, list, tval_map(a));
		const char *k = blocks[i].kind;

		if (!json_is_object(cfg)) {
			json_decref(cfg);
			cfg = json_object();
		}
		tval_set_bool(a, bm, arena_printf(a, "is_%s", k), 1);
		tval_set_str(a, bm, "title",
		             arena_strdup(a, cfg_str(cfg, "title", "")));
		tval_set_str(a, bm, "label",
		             arena_strdup(a, cfg_str(cfg, "label",
		                                     i18n_text(site_cat(s),
		                                               "Support"))));
		tval_set_str(a, bm, "url",
		             arena_strdup(a, cfg_str(cfg, "url", "")));
		/* A support block without a link of its own goes to the
		 * site's support URL (the setting support_url). */
		switch (blocks_kind_id(k)) {
		case BLOCK_SUPPORT:
			if (*cfg_str(cfg, "url", "") == '\0')
				tval_set_str(a, bm, "url", support_url(s, a));
			break;
		case BLOCK_ARCHIVES:
			block_archives(s, a, bm);
			break;
		case BLOCK_PAGES:
			block_pages(s, a, cfg, bm);
			break;
		case BLOCK_TEXT:
			block_text(a, cfg, bm);
			break;
		case BLOCK_BOOKS:
			block_books(s, a, bm);
			break;
		case BLOCK_POPULAR:
			block_popular(s, a, cfg, bm);
			break;
		case BLOCK_PODCASTS:
			block_podcasts(s, a, cfg, bm);
			break;
		case BLOCK_RECENT_COMMENTS:
			block_comments(s, a, cfg, bm);
			break;
		case BLOCK_IMAGE:
			/* No picture, no block: alt text alone shows nothing.
			 */
			if (*cfg_str(cfg, "image", "") == '\0')
				break;
			tval_set_str(a, bm, "image",
			             arena_strdup(a,
			                          cfg_str(cfg, "image", "")));
			tval_set_str(a, bm, "alt",
			             arena_strdup(a, cfg_str(cfg, "alt", "")));
			tval_set_str(a, bm, "caption",
			             arena_strdup(a,
			                          cfg_str(cfg, "caption", "")));
			break;
		default: /* the search box: the template alone */
			break;
		}
		json_decref(cfg);
	}
	return m;
}

static void
rebuild(struct site *s, struct sidebar *sb, uint64_t gen)
{
	struct arena *a = arena_new();
	struct buf out;
	struct error e;
	char *html, *old;

	buf_init(&out, LIM_RESPONSE_BYTES);
	if (tmpl_render(site_tmpl(s), "sidebar.html", sidebar_model(s, a), &out,
	                &e) == -1) {
		log_error("sidebar: %s", e.msg);
		buf_reset(&out);
	}
	html = buf_detach(&out, NULL);
	pthread_rwlock_wrlock(&sb->lock);
	old = sb->html;
	sb->html = html;
	if (old == NULL || strcmp(old, html) != 0)
		sb->serial++;
	sb->gen = gen;
	sb->built = mono_now();
	pthread_rwlock_unlock(&sb->lock);
	free(old);
	arena_free(a);
}

/* The age past which a sidebar is made again: for a request, later
 * while the scheduler's thread keeps it (the thread makes it then). */
static time_t
due_after(struct sidebar *sb, int request)
{
	return request && atomic_load(&sb->ticked)
	               ? SIDEBAR_SECONDS + SIDEBAR_TICK_GRACE
	               : SIDEBAR_SECONDS;
}

static int
sidebar_fresh(struct sidebar *sb, uint64_t gen, int request)
{
	int fresh;

	pthread_rwlock_rdlock(&sb->lock);
	fresh = sb->html != NULL && sb->gen == gen &&
	        mono_now() - sb->built < due_after(sb, request);
	pthread_rwlock_unlock(&sb->lock);
	return fresh;
}

static void
refresh(struct site *s, int request, uint64_t gen)
{
	struct sidebar *sb = s->sidebar;

	if (sidebar_fresh(sb, gen, request) || store_reading(s->store))
		return;
	/* One thread rebuilds.  The others keep showing the sidebar they
	 * have meanwhile (popular may take a while to sum); only the first
	 * build is waited for. */
	if (pthread_mutex_trylock(&sb->build) != 0) {
		int have;

		pthread_rwlock_rdlock(&sb->lock);
		have = sb->html != NULL;
		pthread_rwlock_unlock(&sb->lock);
		if (have)
			return;
		pthread_mutex_lock(&sb->build);
	}
	if (!sidebar_fresh(sb, gen, request)) {
		atomic_store(&sb->building, 1);
		rebuild(s, sb, gen);
		atomic_store(&sb->building, 0);
	}
	pthread_mutex_unlock(&sb->build);
}

void
sidebar_refresh(struct site *s)
{
	refresh(s, 1, store_generation(s->store));
}

void
site_tick(struct site *s)
{
	struct sidebar *sb = s->sidebar;
	uint64_t gen;

	atomic_store(&sb->ticked, 1);
	/* Only a sidebar due by its age, for the generation it was made
	 * for: after a change of content a request makes it, through
	 * site_refresh(), which applies the settings first (the archive
	 * months are in the site's time zone).  Made here for a generation
	 * that has moved since, it is made again by the next request. */
	pthread_rwlock_rdlock(&sb->lock);
	gen = sb->gen;
	pthread_rwlock_unlock(&sb->lock);
	if (gen == store_generation(s->store))
		refresh(s, 0, gen);
}

uint64_t
sidebar_serial(struct site *s)
{
	struct sidebar *sb = s->sidebar;
	uint64_t serial;

	pthread_rwlock_rdlock(&sb->lock);
	serial = sb->serial;
	pthread_rwlock_unlock(&sb->lock);
	return serial;
}

int
sidebar_unchanged(struct site *s, uint64_t serial)
{
	struct sidebar *sb = s->sidebar;
	int same;

	pthread_rwlock_rdlock(&sb->lock);
	/* While one is rebuilt, pages made now show this one too. */
	same = sb->html != NULL && sb->serial == serial &&
	       sb->gen == store_generation(s->store) &&
	       (mono_now() - sb->built < due_after(sb, 1) ||
	        atomic_load(&sb->building));
	pthread_rwlock_unlock(&sb->lock);
	return same;
}

void
sidebar_backdate(struct site *s, time_t seconds)
{
	struct sidebar *sb = s->sidebar;

	pthread_rwlock_wrlock(&sb->lock);
	sb->built -= seconds;
	pthread_rwlock_unlock(&sb->lock);
}

/* Inside a read transaction this is the sidebar site_refresh() left. */
const char *
sidebar_html(struct site *s, struct arena *a)
{
	struct sidebar *sb = s->sidebar;
	const char *out;

	sidebar_refresh(s);
	pthread_rwlock_rdlock(&sb->lock);
	out = arena_strdup(a, sb->html ? sb->html : "");
	pthread_rwlock_unlock(&sb->lock);
	return out;
}
