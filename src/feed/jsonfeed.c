/*
 * JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) with jansson,
 * on the size-capped body, duplicate keys refused (STYLE.md section 10).
 * Relative URLs resolve against the feed's URL with libcurl's URL API.
 */
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "internal.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

static const char *
str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* url resolved against base (either may be relative or NULL); "" unless
 * the result is http or https. */
static const char *
resolve(struct arena *a, const char *base, const char *url)
{
	CURLU *u;
	char *abs = NULL;
	const char *r = "";

	if (url == NULL || *url == '\0' || strlen(url) > LIM_FEED_URL_BYTES)
		return "";
	u = curl_url();
	if (u == NULL)
		return "";
	if ((base == NULL || curl_url_set(u, CURLUPART_URL, base, 0) == 0) &&
	    curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ==
	            0 &&
	    curl_url_get(u, CURLUPART_URL, &abs, 0) == 0 && url_is_http(abs))
		r = arena_strdup(a, abs);
	curl_free(abs);
	curl_url_cleanup(u);
	return r;
}

static const char *
author_of(json_t *it)
{
	json_t *au = json_object_get(it, "author"), *list;
	const char *name;

	/* 1.1: authors[]; 1.0: author {} */
	list = json_object_get(it, "authors");
	if (json_is_array(list) && json_array_size(list) > 0)
		au = json_array_get(list, 0);
	name = json_is_object(au) ? str(au, "name") : NULL;
	return name != NULL ? name : "";
}

static void
read_item(struct arena *a, const char *base, json_t *it, struct feed_entry *en)
{
	json_t *id = json_object_get(it, "id"), *att;
	const char *s, *content, *summary;
	int64_t t;

	memset(en, 0, sizeof(*en));
	/* 1.0 allowed numbers for id; 1.1 says strings */
	if (json_is_string(id))
		en->guid = arena_strdup(a, json_string_value(id));
	else if (json_is_integer(id))
		en->guid = arena_printf(a, "%" JSON_INTEGER_FORMAT,
		                        json_integer_value(id));
	else
		en->guid = "";
	en->link = resolve(a, base, str(it, "url"));
	if (*en->link == '\0')
		en->link = resolve(a, base, str(it, "external_url"));
	s = str(it, "title");
	en->title = feed_text_cut(a, arena_strdup(a, s != NULL ? s : ""),
	                          LIM_FEED_TITLE_BYTES);
	en->author = arena_strdup(a, author_of(it));
	if (feed_date_parse(str(it, "date_published"), &t) == 0)
		en->published = t;
	if (feed_date_parse(str(it, "date_modified"), &t) == 0)
		en->updated = t;
	if (en->published == 0)
		en->published = en->updated;
	en->enclosure_url = en->enclosure_type = "";
	att = json_array_get(json_object_get(it, "attachments"), 0);
	if (json_is_object(att)) {
		json_t *len = json_object_get(att, "size_in_bytes");

		en->enclosure_url = resolve(a, base, str(att, "url"));
		s = str(att, "mime_type");
		en->enclosure_type = arena_strdup(a, s != NULL ? s : "");
		if (json_is_integer(len) && json_integer_value(len) > 0)
			en->enclosure_length = json_integer_value(len);
	}
	content = str(it, "content_html");
	if (content == NULL && str(it, "content_text") != NULL)
		content = feed_html_escape(a, str(it, "content_text"));
	summary = str(it, "summary");
	if (summary != NULL)
		summary = feed_html_escape(a, summary);
	feed_entry_finish(a, en, content, summary, base);
}

int
feed_parse_json(struct arena *a, const char *body, size_t n,
                const char *base_url, struct feed_doc *out, struct error *e)
{
	json_error_t je;
	json_t *root, *items;
	const char *v, *s, *base;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->title = out->link = out->description = out->version = "";
	out->encoding = "utf-8"; /* RFC 8259 section 8.1 */
	if (n > LIM_FEED_BYTES)
		return error_set(e, ERR_TOO_BIG, "feed over %d bytes",
		                 LIM_FEED_BYTES);
	/* jansson nests without a limit of its own before 2.14's 2048 */
	root = json_loadb(body, n, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return error_set(e, ERR_INVALID,
		                 "feed is not JSON: %s (line %d)", je.text,
		                 je.line);
	v = str(root, "version");
	if (!json_is_object(root) || v == NULL ||
	    strncmp(v, "https://jsonfeed.org/version/", 29) != 0) {
		json_decref(root);
		return error_set(e, ERR_INVALID,
		                 "feed not recognized as JSON Feed");
	}
	out->kind = FEED_JSON;
	out->version = strcmp(v + 29, "1") == 0 ? "json1" : "json11";
	s = str(root, "title");
	out->title = feed_text_cut(a, arena_strdup(a, s != NULL ? s : ""),
	                           LIM_FEED_TITLE_BYTES);
	s = str(root, "description");
	out->description = feed_text_cut(a, arena_strdup(a, s != NULL ? s : ""),
	                                 LIM_FEED_TEXT_BYTES);
	base = base_url != NULL ? base_url : str(root, "feed_url");
	out->link = resolve(a, base, str(root, "home_page_url"));
	items = json_object_get(root, "items");
	for (i = 0; json_is_array(items) && i < json_array_size(items); i++) {
		size_t cap = out->n_entries;

		if (out->n_entries == LIM_FEED_ENTRIES) {
			out->truncated = 1;
			break;
		}
		if (!json_is_object(json_array_get(items, i)))
			continue;
		if (out->entries == NULL)
			out->entries =
				arena_alloc(a, (json_array_size(items) <
			                                        LIM_FEED_ENTRIES
			                                ? json_array_size(items)
			                                : LIM_FEED_ENTRIES) *
			                               sizeof(*out->entries));
		(void)cap;
		read_item(a, base, json_array_get(items, i),
		          &out->entries[out->n_entries++]);
	}
	feed_doc_keys(out);
	json_decref(root);
	return 0;
}
