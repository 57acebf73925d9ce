/* A Watch post's video (see videos.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <magic.h>

#include "episodes.h"
#include "settings.h"
#include "videos.h"
#include "../feed/fetch.h"
#include "../media/audio.h"
#include "../media/media.h"
#include "../render/video.h"
#include "../store/podcast.h"
#include "../util/limits.h"
#include "../util/log.h"
#include "../util/text.h"
#include "../util/banned.h"

const char *
videos_player(struct store *st, struct arena *a, const char *url)
{
	const char *p;

	if (url == NULL || url[0] == '/')
		return NULL;
	p = video_player_url(a, url, strlen(url));
	if (p != NULL)
		return p;
	return video_peertube_url(a, url,
	                          settings_str(st, a, "video_peertube_hosts"));
}

int
videos_image_check(const char *path, struct error *e)
{
	static const char *const ok[] = {"image/jpeg", "image/png",
	                                 "image/webp", "image/gif"};
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
	const char *t;
	int rc = -1;

	if (m == NULL || magic_load(m, NULL) == -1) {
		rc = error_set(e, ERR_IO, "libmagic: cannot load its database");
		goto out;
	}
	t = magic_file(m, path);
	for (size_t i = 0; t != NULL && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(t, ok[i]) == 0)
			rc = 0;
	if (rc == -1)
		error_set(e, ERR_INVALID,
		          "'%s' is not a JPEG, PNG, WebP or GIF image", path);
out:
	if (m != NULL)
		magic_close(m);
	return rc;
}

/*
 * Each provider's oEmbed endpoint, as it documents it (PeerTube's on the
 * video's own instance); the query is "?url=PAGE&format=json".  YouTube,
 * Vimeo and Dailymotion list theirs on their developer pages; Rumble's and
 * Odysee's are the ones oembed.com's providers.json names.
 */
static const struct {
	const char *provider, *origin, *path;
} oembeds[] = {
	{"YouTube", "https://www.youtube.com", "/oembed"},
	{"Vimeo", "https://vimeo.com", "/api/oembed.json"},
	{"Dailymotion", "https://www.dailymotion.com", "/services/oembed"},
	{"Rumble", "https://rumble.com", "/api/Media/oembed.json"},
	{"Odysee", "https://odysee.com", "/$/oembed"},
	{"PeerTube", NULL, "/services/oembed"},
};

const char *
videos_oembed_url(struct arena *a, const char *page, const char *player,
                  const char *origin)
{
	const char *name = video_provider_name(player), *host, *end;
	char *enc;
	size_t n = strlen(page);

	for (size_t i = 0; i < sizeof(oembeds) / sizeof(oembeds[0]); i++) {
		if (strcmp(name, oembeds[i].provider) != 0)
			continue;
		if (origin == NULL && oembeds[i].origin != NULL)
			origin = oembeds[i].origin;
		if (origin == NULL) {
			/* PeerTube: the instance the player is on */
			if (strncmp(player, "https://", 8) != 0)
				return NULL;
			host = player + 8;
			end = strchr(host, '/');
			if (end == NULL)
				return NULL;
			origin = arena_printf(a, "https://%.*s",
			                      (int)(end - host), host);
		}
		enc = arena_alloc(a, 3 * n + 1);
		enc[url_encode_to(enc, page, n)] = '\0';
		return arena_printf(a, "%s%s?url=%s&format=json", origin,
		                    oembeds[i].path, enc);
	}
	return NULL;
}

/* One GET of at most max bytes; 0 with the body in r, else -1 with why
 * (naming url).  r is released by the caller either way. */
static int
get(const struct feed_fetch_opts *base, const char *url, size_t max,
    struct feed_result *r, struct error *why)
{
	struct feed_fetch_opts o = *base;
	struct feed_request q = {url, NULL, NULL};
	struct error e;

	o.max_bytes = max;
	if (feed_fetch(&o, &q, 1, r, &e) == -1)
		return error_set(why, e.code, "'%s': %s", url, e.msg);
	if (r->error.code == ERR_TOO_BIG)
		return error_set(why, ERR_TOO_BIG, "'%s': over %zu bytes", url,
		                 max);
	if (r->error.code != ERR_OK)
		return error_set(why, r->error.code, "'%s': %s", url,
		                 r->error.msg);
	if (r->status != 200)
		return error_set(why, ERR_NOT_FOUND, "'%s': HTTP %ld", url,
		                 r->status);
	return 0;
}

/* From an oEmbed answer: the thumbnail's URL (in a) and the duration. */
static const char *
oembed_read(struct arena *a, const char *url, const struct feed_result *r,
            int64_t *duration_s, struct error *why)
{
	json_error_t je;
	json_t *doc, *v;
	const char *thumb = NULL;
	double d;

	doc = json_loadb(r->body.p != NULL ? r->body.p : "", r->body.len,
	                 JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL || !json_is_object(doc)) {
		error_set(why, ERR_INVALID,
		          "'%s': the answer is not an oEmbed JSON object (%s)",
		          url,
		          r->content_type != NULL ? r->content_type
		                                  : "no Content-Type");
		goto out;
	}
	v = json_object_get(doc, "duration");
	if (json_is_number(v)) {
		d = json_number_value(v);
		if (d >= 1 && d <= LIM_VIDEO_OEMBED_SECONDS)
			*duration_s = (int64_t)(d + 0.5);
	}
	v = json_object_get(doc, "thumbnail_url");
	if (!json_is_string(v) || !url_is_http(json_string_value(v))) {
		error_set(why, ERR_NOT_FOUND,
		          "'%s': the answer names no http(s) thumbnail_url",
		          url);
		goto out;
	}
	thumb = arena_strdup(a, json_string_value(v));
out:
	json_decref(doc);
	return thumb;
}

/* The image's bytes into a new file under SITE/media/.tmp. */
static char *
spill(const char *site_dir, const struct buf *b, struct error *why)
{
	char *path;
	int fd;
	size_t n = strlen(site_dir) + 32;

	path = malloc(n);
	if (path == NULL)
		abort();
	snprintf(path, n, "%s/media", site_dir);
	if (mkdir(path, 0755) == -1 && errno != EEXIST)
		goto fail;
	snprintf(path, n, "%s/media/.tmp", site_dir);
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		goto fail;
	snprintf(path, n, "%s/media/.tmp/thumb-XXXXXX", site_dir);
	fd = mkstemp(path);
	if (fd == -1)
		goto fail;
	if (write(fd, b->p, b->len) != (ssize_t)b->len) {
		close(fd);
		unlink(path);
		goto fail;
	}
	if (close(fd) == -1) {
		unlink(path);
		goto fail;
	}
	return path;
fail:
	error_set(why, ERR_IO, "cannot write '%s': %s", path, strerror(errno));
	free(path);
	return NULL;
}

/* videos_thumb_fetch, stopped between rounds when stop(stop_arg) says. */
static int
thumb_fetch(struct store *st, struct arena *a, const char *site_dir,
            const char *site_url, const char *video, int (*stop)(void *),
            void *stop_arg, struct video_thumb *t)
{
	struct feed_fetch_opts o = {0};
	struct feed_result r = {0};
	const char *player, *url, *origin, *thumb;
	struct error e;

	memset(t, 0, sizeof(*t));
	if (video == NULL || !url_is_http(video))
		return 0;
	player = videos_player(st, a, video);
	if (player == NULL)
		return 0;
	/* For tests only (decision 093): a stand-in on loopback. */
	origin = getenv("GAZETTE_TEST_OEMBED_ORIGIN");
	if (origin != NULL && *origin == '\0')
		origin = NULL;
	url = videos_oembed_url(a, video, player, origin);
	if (url == NULL)
		return error_set(&t->why, ERR_NOT_FOUND,
		                 "%s has no oEmbed endpoint",
		                 video_provider_name(player));
	o.site_url = site_url;
	o.allow_private = origin != NULL ||
	                  settings_int(st, a, "feeds_allow_private") == 1;
	o.total_seconds = LIM_VIDEO_THUMB_SECONDS;
	o.stop = stop;
	o.stop_arg = stop_arg;
	if (get(&o, url, LIM_VIDEO_OEMBED_BYTES, &r, &t->why) == -1)
		goto fail;
	thumb = oembed_read(a, url, &r, &t->duration_s, &t->why);
	feed_result_release(&r);
	if (thumb == NULL)
		goto fail;
	if (get(&o, thumb, LIM_VIDEO_THUMB_BYTES, &r, &t->why) == -1)
		goto fail;
	if (r.body.len == 0) {
		error_set(&t->why, ERR_INVALID, "'%s' is empty", thumb);
		goto fail;
	}
	t->url = thumb;
	t->path = spill(site_dir, &r.body, &t->why);
	if (t->path == NULL)
		goto fail;
	if (videos_image_check(t->path, &e) == -1) {
		error_set(&t->why, ERR_INVALID,
		          "'%s' is not a JPEG, PNG, WebP or GIF image", thumb);
		goto fail;
	}
	feed_result_release(&r);
	return 0;
fail:
	feed_result_release(&r);
	videos_thumb_release(t);
	return -1;
}

int
videos_thumb_fetch(struct store *st, struct arena *a, const char *site_dir,
                   const char *site_url, const char *video,
                   struct video_thumb *t)
{
	return thumb_fetch(st, a, site_dir, site_url, video, NULL, NULL, t);
}

void
videos_thumb_release(struct video_thumb *t)
{
	if (t->path != NULL)
		unlink(t->path);
	free(t->path);
	t->path = NULL;
}

int
videos_attach(struct store *st, struct arena *a, const char *site_dir,
              int64_t post_id, const char *video, const char *poster,
              struct video_thumb *thumb, struct error *e)
{
	struct video v = {0};
	struct video_info vi;
	int file = !url_is_http(video);

	/* Both checked before either is added to the library. */
	if (!file && videos_player(st, a, video) == NULL)
		return error_set(e, ERR_INVALID,
		                 "video '%s' is not a page of YouTube, Vimeo, "
		                 "Dailymotion, Rumble (its embed URL), Odysee "
		                 "or a listed PeerTube instance",
		                 video);
	if (file && video_file_probe(video, &vi, e) == -1)
		return -1;
	if (poster != NULL && videos_image_check(poster, e) == -1)
		return -1;
	v.url = video;
	if (file) {
		v.url = media_library_url(st, a, site_dir, video, NULL, e);
		if (v.url == NULL)
			return -1;
		v.duration_s = (int64_t)(vi.seconds + 0.5);
	}
	if (poster != NULL) {
		v.poster_url =
			media_library_url(st, a, site_dir, poster, NULL, e);
		if (v.poster_url == NULL)
			return -1;
	} else if (!file && thumb != NULL && thumb->path != NULL) {
		struct media_file mf;
		struct error me;

		/* Refused here (too many pixels, say), the video goes
		 * without a poster: a warning, not a refusal. */
		if (media_add(st, a, site_dir, thumb->path,
		              arena_printf(a, "%s thumbnail",
		                           video_provider_name(
						   videos_player(st, a,
		                                                 video))),
		              "", &mf, &me) == -1)
			error_set(&thumb->why, me.code, "'%s': %s", thumb->url,
			          me.msg);
		else
			v.poster_url = mf.url;
	}
	if (!file && thumb != NULL && thumb->duration_s > 0)
		v.duration_s = thumb->duration_s;
	/* Kept for the editor to show (decision 093). */
	if (!file && v.poster_url == NULL && thumb != NULL &&
	    thumb->why.code != ERR_OK)
		v.thumb_error = thumb->why.msg;
	/* Nothing fetched yet: the server's fetch thread will. */
	v.thumb_pending = !file && v.poster_url == NULL && thumb == NULL;
	return store_video_put(st, post_id, &v, e);
}

int
videos_thumb_step(struct store *st, const char *site_dir, const char *site_url,
                  int (*stop)(void *), void *stop_arg, struct error *e)
{
	struct arena *a = arena_new();
	struct video_thumb t = {0};
	struct media_file mf;
	struct video cur;
	struct error me;
	const char *url, *poster = NULL, *why;
	int64_t id;
	int rc, changed;

	rc = store_video_thumb_next(st, a, &id, &url, e);
	if (rc != 1)
		goto out;
	(void)thumb_fetch(st, a, site_dir, site_url, url, stop, stop_arg, &t);
	/* Cut short by a shutdown: still pending, taken up at the next
	 * start. */
	if (stop != NULL && stop(stop_arg)) {
		rc = 0;
		goto out;
	}
	if (t.path == NULL && t.why.code == ERR_OK)
		error_set(&t.why, ERR_INVALID,
		          "'%s' is no longer an allowed provider's page", url);
	/* Stored only while the post still wants it: the editor may have
	 * given another video or a poster during the fetch. */
	if (t.path != NULL && store_video_get(st, a, id, &cur, &me) == 0 &&
	    strcmp(cur.url, url) == 0 && *cur.poster_url == '\0') {
		if (media_add(st, a, site_dir, t.path,
		              arena_printf(a, "%s thumbnail",
		                           video_provider_name(
						   videos_player(st, a, url))),
		              "", &mf, &me) == -1)
			error_set(&t.why, me.code, "'%s': %s", t.url, me.msg);
		else
			poster = mf.url;
	}
	why = poster != NULL ? "" : t.why.code != ERR_OK ? t.why.msg : "";
	if (store_video_thumb_done(st, id, url, poster, t.duration_s, why,
	                           &changed, e) == -1) {
		rc = -1;
		goto out;
	}
	if (changed && *why != '\0')
		log_info("thumbnails: post %lld: no thumbnail for video '%s': "
		         "%s",
		         (long long)id, url, why);
	rc = 1;
out:
	videos_thumb_release(&t);
	arena_free(a);
	return rc;
}
