/*
 * Watch (issue 16 part 5): a video post's video as a click-to-load
 * facade.  The page holds only our own things: the poster from
 * SITE/media (or a plain panel), the title, the duration, a play button
 * and a link to the provider's page; static/video.js puts the provider's
 * player in an <iframe> when the reader clicks, so no request reaches the
 * provider (no cookie, no address) before that.  A video file of our own
 * plays in <video> with its poster, preload="none".
 */
#include <string.h>

#include "internal.h"
#include "../core/videos.h"
#include "../render/video.h"
#include "../store/podcast.h"
#include "../util/banned.h"

const char *
video_model(struct site *s, struct arena *a, struct tval *pm, int64_t id)
{
	struct video v;
	struct error e;
	struct tval *vm;
	const char *player;

	if (store_video_get(s->store, a, id, &v, &e) == -1)
		return NULL;
	vm = tval_set(a, pm, "video", tval_map(a));
	if (*v.poster_url)
		tval_set_str(a, vm, "poster_url", v.poster_url);
	if (v.duration_s > 0)
		tval_set_str(a, vm, "duration", duration_text(a, v.duration_s));
	if (v.url[0] == '/') {
		tval_set_str(a, vm, "file_url", v.url);
		tval_set_str(a, vm, "file_type",
		             strstr(v.url, ".webm") ? "video/webm"
		                                    : "video/mp4");
		return NULL;
	}
	player = videos_player(s->store, a, v.url);
	if (player == NULL)
		return NULL; /* no longer allowed: no player at all */
	tval_set_str(a, vm, "player_url", player);
	tval_set_str(a, vm, "page_url", v.url);
	tval_set_str(a, vm, "provider", video_provider_name(player));
	return player;
}

/* A page whose player is on a PeerTube instance frames that origin too:
 * the site-wide policy lists the fixed providers only. */
void
video_frame_policy(struct arena *a, struct resp *rs, const char *player)
{
	const char *host, *end;

	if (player == NULL ||
	    strcmp(video_provider_name(player), "PeerTube") != 0)
		return;
	host = player + strlen("https://");
	end = strchr(host, '/');
	if (end == NULL)
		return;
	if (resp_header(rs, "Content-Security-Policy",
	                arena_printf(a, "%s https://%.*s", SITE_CSP_FRAMES,
	                             (int)(end - host), host)) == -1)
		return;
}
