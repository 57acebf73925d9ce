#ifndef GAZETTE_CORE_BLOCKS_H
#define GAZETTE_CORE_BLOCKS_H
/*
 * The sidebar's blocks: the kinds there are, and for each the keys of its
 * JSON config with their type, range and default.  The admin's blocks
 * screen and its API check a config here; the sidebar (site/sidebar.c)
 * renders a block by its kind from the same table and reads its numbers
 * through blocks_config_int(), so a default is written once.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/error.h"

struct store;

enum block_kind_id {
	BLOCK_SUPPORT,
	BLOCK_SEARCH,
	BLOCK_ARCHIVES,
	BLOCK_PAGES,
	BLOCK_TEXT,
	BLOCK_BOOKS,
	BLOCK_POPULAR,
	BLOCK_PODCASTS,
	BLOCK_RECENT_COMMENTS,
	BLOCK_IMAGE,
	BLOCK_KIND__MAX
};

struct block_kind {
	const char *name, *label, *help;
};
extern const struct block_kind block_kinds[BLOCK_KIND__MAX];
/* The kind called name, or -1 / NULL. */
int blocks_kind_id(const char *name);
const struct block_kind *blocks_kind(const char *name);

enum block_key_type {
	BLOCK_KEY_STR,   /* one line, at most max bytes */
	BLOCK_KEY_TEXT,  /* lines, at most max bytes */
	BLOCK_KEY_URL,   /* http(s), or empty */
	BLOCK_KEY_INT,   /* min..max, def when absent */
	BLOCK_KEY_ICON,  /* one of block_icons */
	BLOCK_KEY_PAGES, /* at most max slugs of published pages */
	BLOCK_KEY_SRC,   /* an image: /media/PATH or http(s), or empty */
};
struct block_key {
	const char *kind, *key;
	enum block_key_type type;
	int64_t min, max, def;
};
extern const struct block_key block_keys[];
extern const size_t block_key_count;
/* The icons sidebar.html draws. */
#define BLOCK_ICONS 3
extern const char *const block_icons[BLOCK_ICONS];
/* The key of kind, or NULL. */
const struct block_key *blocks_key(const char *kind, const char *key);

/*
 * Check a block's config for kind: only its own keys, each of its type
 * and within its range; a pages block names published pages (asked of
 * st).  0, or -1 with *bad naming the key (in a) and e the message.
 */
int blocks_config_check(struct store *st, struct arena *a, const char *kind,
                        json_t *cfg, const char **bad, struct error *e);
/* An integer key of a stored config as the sidebar uses it: its default
 * when absent or below its minimum, at most its maximum. */
int64_t blocks_config_int(json_t *cfg, const char *kind, const char *key);

#endif
