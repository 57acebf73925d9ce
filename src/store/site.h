#ifndef GAZETTE_STORE_SITE_H
#define GAZETTE_STORE_SITE_H
/*
 * The site's shape: sections (its navigation) and blocks (what its
 * sidebars and front page hold), for readers and for the admin
 * (store_site.c; a section by its exact slug for feeds, store_feeds.c).
 */
#include "store.h"

enum section_kind {
	SECTION_POSTS,
	SECTION_VIDEO,
	SECTION_DISCUSSION,
	SECTION_PODCAST,
	SECTION_AGGREGATOR,
	SECTION_DASHBOARD,
	SECTION_KIND__MAX
};
extern const char *const section_kind_names[SECTION_KIND__MAX];

struct section {
	int64_t id;
	const char *slug, *name;
	enum section_kind kind;
	int position, show_newest;
	int64_t newest_at; /* newest published item or headline; 0: none */
};

int store_section_add(struct store *s, const struct section *in, int64_t *id,
                      struct error *e);
/* By slug, or failing that by name (case-insensitive ASCII). */
int store_section_find(struct store *s, struct arena *a, const char *key,
                       struct section *out, struct error *e);
/* All sections by position, each with newest_at. */
int store_section_list(struct store *s, struct arena *a, int64_t now,
                       struct section **out, size_t *n, struct error *e);

struct block {
	int64_t id;
	const char *area, *kind, *config; /* config: a JSON object */
	int position;
};
/* The blocks of area by position. */
int store_block_list(struct store *s, struct arena *a, const char *area,
                     struct block **out, size_t *n, struct error *e);
int store_block_add(struct store *s, const char *area, int position,
                    const char *kind, const char *config_json, struct error *e);

/*
 * What the admin shows of a section: the section (newest_at 0), its
 * description, its parent (0: none) and how many items it holds, any
 * status.
 */
struct section_info {
	struct section sec;
	const char *description;
	int64_t parent_id, items;
};
/* Every section in navigation order (position, then id). */
int store_section_infos(struct store *s, struct arena *a,
                        struct section_info **out, size_t *n, struct error *e);
/* ERR_NOT_FOUND when there is no section id. */
int store_section_info(struct store *s, struct arena *a, int64_t id,
                       struct section_info *out, struct error *e);
/* Add a section after the last one (in->position ignored); ERR_CONFLICT
 * when the slug is taken. */
int store_section_create(struct store *s, const struct section *in,
                         const char *description, int64_t *id, struct error *e);
/* Change in->id's slug, name, kind, show_newest and description
 * (position kept); ERR_CONFLICT, ERR_NOT_FOUND. */
int store_section_update(struct store *s, const struct section *in,
                         const char *description, struct error *e);
/* Delete a section; its posts stay, with no section (and lose it from
 * their other categories); subsections lose their parent. */
int store_section_delete(struct store *s, int64_t id, struct error *e);
/* Positions 0..n-1 in the order of ids[0..n), in one transaction. */
int store_section_order(struct store *s, const int64_t *ids, size_t n,
                        struct error *e);

/* One block by id; ERR_NOT_FOUND when there is none. */
int store_block_get(struct store *s, struct arena *a, int64_t id,
                    struct block *out, struct error *e);
/* Add a block after the last of its area. */
int store_block_create(struct store *s, const char *area, const char *kind,
                       const char *config_json, int64_t *id, struct error *e);
int store_block_set_config(struct store *s, int64_t id, const char *config_json,
                           struct error *e);
int store_block_delete(struct store *s, int64_t id, struct error *e);
/* Positions 0..n-1 in the order of ids[0..n), in one transaction. */
int store_block_order(struct store *s, const int64_t *ids, size_t n,
                      struct error *e);

/*
 * A section or a tag by its exact slug (never by name, unlike
 * store_section_find): *id and *name; ERR_NOT_FOUND when there is none.
 */
int store_section_by_slug(struct store *s, struct arena *a, const char *slug,
                          int64_t *id, const char **name, struct error *e);
#endif
