/*
 * Dedup keys (issue 15, "Entries"): per feed by GUID, else link, else
 * title and content; across feeds by the link without the utm_*
 * parameters campaigns add.  XXH3: the keys tell items apart, they are
 * no defence against a feed that wants to collide with itself.
 */
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <xxhash.h>

#include "internal.h"
#include "../util/buf.h"
#include "../util/banned.h"

static void
hex(uint64_t h, char out[17])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 15; i >= 0; i--, h >>= 4)
		out[i] = digits[h & 15];
	out[16] = '\0';
}

/* XXH3 over the fields, each preceded by its tag and ended by a NUL. */
static uint64_t
hash_fields(const char *tag, const char *const *f, size_t n)
{
	XXH3_state_t *st = XXH3_createState();
	uint64_t h;

	XXH3_64bits_reset(st);
	XXH3_64bits_update(st, tag, strlen(tag) + 1);
	for (size_t i = 0; i < n; i++)
		XXH3_64bits_update(st, f[i], strlen(f[i]) + 1);
	h = XXH3_64bits_digest(st);
	XXH3_freeState(st);
	return h;
}

void
feed_entry_key(const struct feed_entry *en, char out[17])
{
	const char *f[2];

	if (*en->guid != '\0') {
		f[0] = en->guid;
		hex(hash_fields("guid", f, 1), out);
	} else if (*en->link != '\0') {
		f[0] = en->link;
		hex(hash_fields("link", f, 1), out);
	} else {
		f[0] = en->title;
		f[1] = en->content_html;
		hex(hash_fields("text", f, 2), out);
	}
}

void
feed_link_key(const char *link, char out[17])
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL,
	     *query = NULL;
	struct buf b;

	out[0] = '\0';
	buf_init(&b, 16384);
	if (u == NULL ||
	    curl_url_set(u, CURLUPART_URL, link, CURLU_NON_SUPPORT_SCHEME) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0))
		goto out;
	(void)curl_url_get(u, CURLUPART_PORT, &port, 0);
	(void)curl_url_get(u, CURLUPART_QUERY, &query, 0);
	for (char *p = host; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (buf_printf(&b, "%s://%s%s%s%s", scheme, host, port ? ":" : "",
	               port ? port : "", path) == -1)
		goto out;
	/* the query's parameters in order, less utm_* */
	for (char *q = query, *amp; q != NULL && *q != '\0'; q = amp) {
		size_t n;

		amp = strchr(q, '&');
		n = amp != NULL ? (size_t)(amp - q) : strlen(q);
		if (amp != NULL)
			amp++;
		if (n == 0 || strncasecmp(q, "utm_", 4) == 0)
			continue;
		if (buf_putc(&b, strchr(buf_str(&b), '?') ? '&' : '?') == -1 ||
		    buf_add(&b, q, n) == -1)
			goto out;
	}
	hex(XXH3_64bits(b.p, b.len), out);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	buf_release(&b);
}

void
feed_doc_keys(struct feed_doc *doc)
{
	for (size_t i = 0; i < doc->n_entries; i++) {
		struct feed_entry *en = &doc->entries[i];

		feed_entry_key(en, en->key);
		feed_link_key(en->link, en->cross_key);
		if (*en->guid == '\0')
			continue;
		/* A GUID reused for another item: that item keeps its own
		 * place, keyed by GUID, link and title together. */
		for (size_t k = 0; k < i; k++) {
			const struct feed_entry *o = &doc->entries[k];
			const char *f[3] = {en->guid, en->link, en->title};

			if (strcmp(o->key, en->key) != 0 &&
			    strcmp(o->guid, en->guid) != 0)
				continue;
			if (strcmp(o->link, en->link) == 0 &&
			    strcmp(o->title, en->title) == 0)
				break;
			hex(hash_fields("guid+", f, 3), en->key);
			break;
		}
	}
}
