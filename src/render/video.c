/*
 * Video providers.  The list is short on purpose: each entry lets a
 * third party run script in a frame on our pages (sandboxed by the
 * sanitizer), so a provider is added only when someone needs it.
 */
#include <string.h>
#include <strings.h>

#include "video.h"
#include "../util/banned.h"

/* Ids are [A-Za-z0-9_-]; anything else ends the id. */
static size_t
id_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end &&
	       ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
	        (*q >= '0' && *q <= '9') || *q == '_' || *q == '-'))
		q++;
	return (size_t)(q - p);
}

/* An Odysee claim path: "@channel:c/name:n", ids and ':' and one '/'. */
static size_t
claim_len(const char *p, const char *end)
{
	const char *q = p;
	int slashes = 0;

	while (q < end &&
	       ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
	        (*q >= '0' && *q <= '9') || *q == '_' || *q == '-' ||
	        *q == ':' || *q == '@' || (*q == '/' && slashes++ == 0)))
		q++;
	return (size_t)(q - p);
}

static int
starts(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && strncasecmp(p, lit, n) == 0;
}

/* The value of query parameter key ("v=") in [q, end), or NULL. */
static const char *
query_param(const char *q, const char *end, const char *key)
{
	size_t n = strlen(key);

	while (q != NULL && q < end) {
		if ((size_t)(end - q) > n && strncmp(q, key, n) == 0)
			return q + n;
		q = memchr(q, '&', (size_t)(end - q));
		if (q != NULL)
			q++;
	}
	return NULL;
}

const char *
video_player_url(struct arena *a, const char *url, size_t n)
{
	const char *p = url, *end = url + n, *id = NULL, *q;
	size_t len;

	if (starts(p, end, "https://"))
		p += 8;
	else if (starts(p, end, "http://"))
		p += 7;
	else
		return NULL;
	if (starts(p, end, "www."))
		p += 4;
	else if (starts(p, end, "m."))
		p += 2;
	if (starts(p, end, "youtube.com/watch?")) {
		q = p + strlen("youtube.com/watch?");
		id = query_param(q, end, "v=");
	} else if (starts(p, end, "youtube.com/embed/"))
		id = p + strlen("youtube.com/embed/");
	else if (starts(p, end, "youtube.com/shorts/"))
		id = p + strlen("youtube.com/shorts/");
	else if (starts(p, end, "youtu.be/"))
		id = p + strlen("youtu.be/");
	if (id != NULL) {
		len = id_len(id, end);
		if (len == 0 || len > 64)
			return NULL;
		return arena_printf(
			a, "https://www.youtube-nocookie.com/embed/%.*s",
			(int)len, id);
	}
	if (starts(p, end, "vimeo.com/")) {
		id = p + strlen("vimeo.com/");
		len = id_len(id, end);
		if (len == 0 || len > 20 || strspn(id, "0123456789") < len)
			return NULL;
		return arena_printf(a, "https://player.vimeo.com/video/%.*s",
		                    (int)len, id);
	}
	/* Rumble's page URLs (/v1abc-title.html) do not name the embed id;
	 * only its embed URL does. */
	if (starts(p, end, "rumble.com/embed/")) {
		id = p + strlen("rumble.com/embed/");
		len = id_len(id, end);
		if (len == 0 || len > 32)
			return NULL;
		return arena_printf(a, "https://rumble.com/embed/%.*s/",
		                    (int)len, id);
	}
	/* Odysee: /@channel:c/name:n, the claim's path, embedded under /$/. */
	if (starts(p, end, "odysee.com/@")) {
		const char *c = p + strlen("odysee.com/");

		len = claim_len(c, end);
		if (len < 4 || len > 200 || memchr(c, '/', len) == NULL)
			return NULL;
		return arena_printf(a, "https://odysee.com/$/embed/%.*s",
		                    (int)len, c);
	}
	if (starts(p, end, "dailymotion.com/video/")) {
		id = p + strlen("dailymotion.com/video/");
		len = id_len(id, end);
		if (len == 0 || len > 32)
			return NULL;
		return arena_printf(
			a, "https://www.dailymotion.com/embed/video/%.*s",
			(int)len, id);
	}
	return NULL;
}

const char *const video_players[] = {
	"https://www.youtube-nocookie.com/embed/",
	"https://www.youtube.com/embed/",
	"https://player.vimeo.com/video/",
	"https://www.dailymotion.com/embed/video/",
	"https://rumble.com/embed/",
	"https://odysee.com/$/embed/",
	NULL,
};

const char *
video_peertube_url(struct arena *a, const char *url, const char *hosts)
{
	const char *p = url, *id, *h;
	size_t hl, len;

	if (strncmp(p, "https://", 8) != 0)
		return NULL;
	p += 8;
	hl = strcspn(p, "/");
	if (hl == 0 || p[hl] != '/')
		return NULL;
	/* the host must be one of the admin's, a whole word of the list */
	for (h = hosts; h != NULL && *h != '\0';) {
		size_t k;

		h += strspn(h, " ,\t\r\n");
		k = strcspn(h, " ,\t\r\n");
		if (k == hl && k > 0 && strncasecmp(h, p, hl) == 0)
			break;
		h += k;
	}
	if (h == NULL || *h == '\0')
		return NULL;
	id = p + hl;
	if (strncmp(id, "/w/", 3) == 0)
		id += 3;
	else if (strncmp(id, "/videos/watch/", 14) == 0)
		id += 14;
	else
		return NULL;
	len = id_len(id, id + strlen(id));
	if (len == 0 || len > 64)
		return NULL;
	return arena_printf(a, "https://%.*s/videos/embed/%.*s", (int)hl, p,
	                    (int)len, id);
}

const char *
video_provider_name(const char *player)
{
	static const struct {
		const char *prefix, *name;
	} names[] = {
		{"https://www.youtube-nocookie.com/", "YouTube"},
		{"https://www.youtube.com/", "YouTube"},
		{"https://player.vimeo.com/", "Vimeo"},
		{"https://www.dailymotion.com/", "Dailymotion"},
		{"https://rumble.com/", "Rumble"},
		{"https://odysee.com/", "Odysee"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(player, names[i].prefix, strlen(names[i].prefix)) ==
		    0)
			return names[i].name;
	return "PeerTube";
}

int
video_player_allowed(const char *src)
{
	for (size_t i = 0; video_players[i] != NULL; i++) {
		size_t n = strlen(video_players[i]);

		/* exact prefix, then an id: no "@", "\\" or other tricks */
		if (strncmp(src, video_players[i], n) == 0 &&
		    id_len(src + n, src + strlen(src)) > 0 &&
		    strpbrk(src + n, "@\\ \t\r\n") == NULL)
			return 1;
	}
	return 0;
}
