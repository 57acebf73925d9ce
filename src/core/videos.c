/* A Watch post's video (see videos.h). */
#include <stdio.h>
#include <string.h>

#include <magic.h>

#include "episodes.h"
#include "settings.h"
#include "videos.h"
#include "../media/audio.h"
#include "../render/video.h"
#include "../store/podcast.h"
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

int
videos_attach(struct store *st, struct arena *a, const char *site_dir,
              int64_t post_id, const char *video, const char *poster,
              struct error *e)
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
	}
	return store_video_put(st, post_id, &v, e);
}
