/*
 * The sidebar's block kinds and what each one's JSON config may hold (see
 * blocks.h).
 */
#include <string.h>

#include "blocks.h"
#include "../store/posts.h"
#include "../util/addr.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

const struct block_kind block_kinds[BLOCK_KIND__MAX] = {
	[BLOCK_SUPPORT] = {"support", "Support button",
                           "A button to the support or donation page."},
	[BLOCK_SEARCH] = {"search", "Search box", "The search form."},
	[BLOCK_ARCHIVES] = {"archives", "Archives",
                            "Months with posts, newest first."},
	[BLOCK_PAGES] = {"pages", "List of pages",
                         "Chosen pages with the date each was last updated."},
	[BLOCK_TEXT] = {"text", "Custom text",
                        "A heading, an icon and Markdown text."},
	[BLOCK_BOOKS] = {"books", "Bookshelf",
                         "Published books with their order links."},
	[BLOCK_POPULAR] = {"popular", "Popular posts",
                           "The most viewed posts of recent days."},
	[BLOCK_PODCASTS] = {"podcasts", "Podcasts",
                            "The newest episodes and the podcast feed."},
	[BLOCK_RECENT_COMMENTS] = {"recent_comments", "Recent comments",
                                   "The newest approved comments."},
	[BLOCK_IMAGE] = {"image", "Image",
                         "A picture with a link and a caption."},
};

int
blocks_kind_id(const char *name)
{
	for (int i = 0; i < BLOCK_KIND__MAX; i++)
		if (strcmp(block_kinds[i].name, name) == 0)
			return i;
	return -1;
}

const struct block_kind *
blocks_kind(const char *name)
{
	int k = blocks_kind_id(name);

	return k < 0 ? NULL : &block_kinds[k];
}

/* The settings of each kind (sidebar.c reads them). */
const struct block_key block_keys[] = {
	{"support", "label", BLOCK_KEY_STR, 0, LIM_SITE_TEXT_BYTES, 0},
	{"support", "url", BLOCK_KEY_URL, 0, LIM_URL_FIELD_BYTES, 0},
	{"pages", "title", BLOCK_KEY_STR, 0, LIM_SITE_TEXT_BYTES, 0},
	{"pages", "pages", BLOCK_KEY_PAGES, 0, LIM_BLOCK_PAGES, 0},
	{"text", "title", BLOCK_KEY_STR, 0, LIM_SITE_TEXT_BYTES, 0},
	{"text", "icon", BLOCK_KEY_ICON, 0, 0, 0},
	{"text", "markdown", BLOCK_KEY_TEXT, 0, LIM_BLOCK_TEXT_BYTES, 0},
	{"popular", "days", BLOCK_KEY_INT, 1, LIM_POPULAR_DAYS, 90},
	{"popular", "limit", BLOCK_KEY_INT, 1, LIM_POPULAR_LIMIT, 10},
	{"podcasts", "limit", BLOCK_KEY_INT, 1, LIM_BLOCK_LIST, 3},
	{"recent_comments", "limit", BLOCK_KEY_INT, 1, LIM_BLOCK_LIST, 5},
	{"image", "title", BLOCK_KEY_STR, 0, LIM_SITE_TEXT_BYTES, 0},
	{"image", "image", BLOCK_KEY_SRC, 0, LIM_URL_FIELD_BYTES, 0},
	{"image", "alt", BLOCK_KEY_STR, 0, LIM_SITE_TEXT_BYTES, 0},
	{"image", "url", BLOCK_KEY_URL, 0, LIM_URL_FIELD_BYTES, 0},
	{"image", "caption", BLOCK_KEY_STR, 0, LIM_SITE_TEXT_BYTES, 0},
};
const size_t block_key_count = sizeof(block_keys) / sizeof(block_keys[0]);

/* The icons sidebar.html draws. */
const char *const block_icons[BLOCK_ICONS] = {"info", "chat", "mail"};

const struct block_key *
blocks_key(const char *kind, const char *key)
{
	for (size_t i = 0; i < block_key_count; i++)
		if (strcmp(block_keys[i].kind, kind) == 0 &&
		    strcmp(block_keys[i].key, key) == 0)
			return &block_keys[i];
	return NULL;
}

int
blocks_config_check(struct store *st, struct arena *a, const char *kind,
                    json_t *cfg, const char **bad, struct error *e)
{
	const char *key;
	json_t *v;

	*bad = "config";
	if (!json_is_object(cfg))
		return error_set(e, ERR_INVALID,
		                 "The configuration must be a JSON object.");
	json_object_foreach(cfg, key, v)
	{
		const struct block_key *k = blocks_key(kind, key);
		const char *str = json_string_value(v);
		size_t i;

		*bad = arena_strdup(a, key); /* outlives cfg */
		if (k == NULL)
			return error_set(e, ERR_INVALID,
			                 "'%s' is not a setting of a %s block.",
			                 key, kind);
		switch (k->type) {
		case BLOCK_KEY_STR:
		case BLOCK_KEY_TEXT:
			if (str == NULL)
				return error_set(e, ERR_INVALID,
				                 "'%s' must be text.", key);
			if (strlen(str) > (size_t)k->max)
				return error_set(e, ERR_INVALID,
				                 "This is longer than %lld "
				                 "bytes.",
				                 (long long)k->max);
			if (k->type == BLOCK_KEY_STR ? text_has_control(str, 0)
			                             : text_has_control(str, 1))
				return error_set(e, ERR_INVALID,
				                 "This cannot hold %scontrol "
				                 "characters.",
				                 k->type == BLOCK_KEY_STR
				                         ? "line breaks or "
				                         : "");
			break;
		case BLOCK_KEY_URL:
			if (str == NULL || strlen(str) > (size_t)k->max ||
			    (*str != '\0' && !url_valid(str)))
				return error_set(
					e, ERR_INVALID,
					"Enter an address starting with "
					"http:// or https://, or leave "
					"it empty.");
			break;
		case BLOCK_KEY_SRC:
			/* Our own file, or an image elsewhere; a page may
			 * show either (img-src *), never a script. */
			if (str == NULL || strlen(str) > (size_t)k->max ||
			    (*str != '\0' && !url_valid(str) &&
			     !(strncmp(str, "/media/", 7) == 0 &&
			       url_local_path(str))))
				return error_set(
					e, ERR_INVALID,
					"Enter a file's address under /media/, "
					"or one starting with http:// or "
					"https://.");
			break;
		case BLOCK_KEY_INT:
			if (!json_is_integer(v) ||
			    json_integer_value(v) < k->min ||
			    json_integer_value(v) > k->max)
				return error_set(
					e, ERR_INVALID,
					"Enter a whole number from %lld "
					"to %lld.",
					(long long)k->min, (long long)k->max);
			break;
		case BLOCK_KEY_ICON:
			for (i = 0; str != NULL && i < BLOCK_ICONS &&
			            strcmp(str, block_icons[i]) != 0;
			     i++)
				;
			if (str == NULL || i == BLOCK_ICONS)
				return error_set(
					e, ERR_INVALID,
					"The icon is one of info, chat "
					"or mail.");
			break;
		case BLOCK_KEY_PAGES: {
			json_t *p;

			if (!json_is_array(v))
				return error_set(e, ERR_INVALID,
				                 "'pages' is a list of page "
				                 "slugs.");
			if (json_array_size(v) > (size_t)k->max)
				return error_set(e, ERR_INVALID,
				                 "A block lists at most %lld "
				                 "pages.",
				                 (long long)k->max);
			json_array_foreach(v, i, p)
			{
				struct post pg;
				const char *slug = json_string_value(p);

				if (slug == NULL || !slug_valid(slug) ||
				    store_post_get_slug(st, a, POST_PAGE, slug,
				                        clock_now(), &pg,
				                        e) == -1)
					return error_set(
						e, ERR_INVALID,
						"There is no published page "
						"'%s'.",
						slug ? slug : "(not text)");
			}
			break;
		}
		}
	}
	*bad = NULL;
	return 0;
}

int64_t
blocks_config_int(json_t *cfg, const char *kind, const char *key)
{
	const struct block_key *k = blocks_key(kind, key);
	json_t *v = json_object_get(cfg, key);
	json_int_t i;

	if (k == NULL)
		return 0;
	if (!json_is_integer(v))
		return k->def;
	i = json_integer_value(v);
	return i < k->min ? k->def : i > k->max ? k->max : i;
}
