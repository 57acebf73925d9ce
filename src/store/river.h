#ifndef GAZETTE_STORE_RIVER_H
#define GAZETTE_STORE_RIVER_H
/*
 * The river of headlines (issue 15): the feeds we follow (sources), their
 * entries, the tombstones of pruned entries and the keyword filters
 * (store_river.c, migration 017).  Parsing and fetching are feed/'s; the
 * rules that tie them to these tables are core/river.c's.
 *
 * Writes that change what a page shows (entries added, pruned, a source
 * removed) move the store's generation, so cached pages go; what a fetch
 * leaves on a source (validators, status, the next fetch) moves nothing.
 */
#include "store.h"

struct river_source {
	int64_t id;
	const char *url, *name, *site_url, *folder;
	int64_t section_id;       /* 0: none */
	const char *section_slug; /* read: "" when none */
	int64_t interval;         /* seconds; 0: FEED_INTERVAL_DEFAULT */
	int enabled;
	const char *etag, *last_modified; /* "" when none */
	int64_t last_fetch_at;            /* 0: never */
	int last_status;                  /* HTTP status; 0: none */
	const char *last_error;           /* "" */
	int errors, redirects;
	const char *redirect_to; /* "" */
	int64_t next_fetch_at;
	int64_t created_at;
	int discover; /* a page's URL: follow the feed it announces */
};

/* Add in (url, name, site_url, folder, section_id, interval, enabled),
 * due at once.  ERR_CONFLICT when url is followed already. */
int store_river_source_add(struct store *s, const struct river_source *in,
                           int64_t now, int64_t *id, struct error *e);
/* ERR_NOT_FOUND when there is no source id. */
int store_river_source_get(struct store *s, struct arena *a, int64_t id,
                           struct river_source *out, struct error *e);
/* By URL, exactly; ERR_NOT_FOUND. */
int store_river_source_by_url(struct store *s, struct arena *a, const char *url,
                              struct river_source *out, struct error *e);
/* Every source, by id. */
int store_river_source_list(struct store *s, struct arena *a,
                            struct river_source **out, size_t *n,
                            struct error *e);
/* Enabled sources due at now, longest due first, at most limit. */
int store_river_source_due(struct store *s, struct arena *a, int64_t now,
                           int limit, struct river_source **out, size_t *n,
                           struct error *e);
/* The source, its entries, tombstones and filters.  ERR_NOT_FOUND. */
int store_river_source_delete(struct store *s, int64_t id, struct error *e);
/*
 * What a fetch left: in's url (a permanent redirect may have moved it),
 * enabled, etag, last_modified, last_fetch_at, last_status, last_error,
 * errors, redirects, redirect_to, next_fetch_at, name and site_url (the
 * feed's own when none was given) are written to source in->id.  from is
 * the next fetch the fetch started from: a next fetch moved earlier
 * meanwhile (the admin's "fetch now", a feed enabled) is kept.
 * ERR_CONFLICT when the new url is another source's.
 */
int store_river_source_fetched(struct store *s, const struct river_source *in,
                               int64_t from, struct error *e);

/* What the admin changes of source in->id: name, interval, section_id
 * (its entries move with it) and enabled (a feed enabled again is due at
 * now).  Moves the generation.  ERR_NOT_FOUND. */
int store_river_source_edit(struct store *s, const struct river_source *in,
                            int64_t now, struct error *e);
/* Source id due at at ("fetch now"); no page shows it. */
int store_river_source_due_at(struct store *s, int64_t id, int64_t at,
                              struct error *e);

/* A source's name and site, as pages show them beside its headlines
 * (moves the generation). */
int store_river_source_named(struct store *s, int64_t id, const char *name,
                             const char *site_url, struct error *e);

/* Entry visibility (river_entries.hidden). */
enum river_hidden {
	RIVER_SHOWN = 0,
	RIVER_FILTERED = 1,  /* a keyword filter matched the title */
	RIVER_DUPLICATE = 2, /* another source has its link */
};

struct river_entry {
	int64_t id, source_id;
	const char *key;       /* feed_entry_key() */
	const char *cross_key; /* feed_link_key(), or "" */
	const char *link, *title, *text, *author;
	int64_t published_at; /* 0 or in the future: the time first seen */
	int64_t fetched_at;
	enum river_hidden hidden;
	/* read with the entry */
	const char *source_name, *source_site;
};

/*
 * Store source_id's entries in[0..n) (key, cross_key, link, title, text,
 * author, published_at, hidden) as first seen at now, in one transaction.
 * One whose key the source has, stored or tombstoned, is skipped; one
 * whose cross_key another source's entry has is stored RIVER_DUPLICATE.
 * *added counts the new entries shown.
 */
int store_river_entries_add(struct store *s, int64_t source_id,
                            const struct river_entry *in, size_t n, int64_t now,
                            int *added, struct error *e);

/*
 * A page of the river, newest first: the shown entries of section_id
 * (> 0), of source_id (> 0, when section_id is 0), or of every source
 * (both 0); before (before_at, before_id) when before_at > 0, the
 * keyset cursor of the page before's last entry.  At most limit.
 */
struct river_query {
	int64_t section_id, source_id;
	int64_t before_at, before_id;
	int limit;
};
int store_river_page(struct store *s, struct arena *a,
                     const struct river_query *q, struct river_entry **out,
                     size_t *n, struct error *e);

/*
 * Pruning: entries published before before go, leaving a tombstone of
 * their key.  *n: how many went.
 */
int store_river_prune(struct store *s, int64_t before, int64_t now, int64_t *n,
                      struct error *e);

/* An entry a keyword filter may hide, or show again (shown or
 * filtered; a duplicate stays one). */
struct river_title {
	int64_t id;
	const char *title;
	enum river_hidden hidden;
};
/* Those of source_id, by id. */
int store_river_titles(struct store *s, struct arena *a, int64_t source_id,
                       struct river_title **out, size_t *n, struct error *e);
/* Entries ids[i] hidden[i] (RIVER_SHOWN or RIVER_FILTERED), in one
 * transaction; one shown again whose link another source shows becomes
 * RIVER_DUPLICATE.  Moves the generation when n > 0. */
int store_river_refilter(struct store *s, const int64_t *ids,
                         const enum river_hidden *hidden, size_t n,
                         struct error *e);

/* Keyword filters: of source_id, or of every source (source_id 0). */
struct river_filter {
	int64_t id, source_id;
	const char *rule;
};
int store_river_filter_add(struct store *s, int64_t source_id, const char *rule,
                           int64_t now, int64_t *id, struct error *e);
int store_river_filter_delete(struct store *s, int64_t id, struct error *e);
/* Every filter, the site's first, then by source and id. */
int store_river_filter_list(struct store *s, struct arena *a,
                            struct river_filter **out, size_t *n,
                            struct error *e);
/* The rules that apply to source_id's entries (its own and the site's),
 * one a line, as feed_filter_match() takes them; "" when none. */
int store_river_filter_rules(struct store *s, struct arena *a,
                             int64_t source_id, const char **rules,
                             struct error *e);
#endif
