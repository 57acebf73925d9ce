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
	NULL,
};

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
