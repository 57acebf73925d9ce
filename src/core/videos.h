#ifndef GAZETTE_CORE_VIDEOS_H
#define GAZETTE_CORE_VIDEOS_H
/*
 * A Watch post's video (issue 16 part 5): a page URL of an allow-listed
 * provider (YouTube, Vimeo, Dailymotion, Rumble, Odysee, and PeerTube on
 * the hosts the admin lists in video_peertube_hosts; render/video.c maps
 * it to the player) or a video file (MP4 or WebM, its duration read by
 * media/audio.c), both files added to the media library (media_add), and
 * a poster image (its served copy upright and stripped), the
 * local thumbnail shown until the reader clicks.  `post add`'s front
 * matter (video:, poster:) asks here.
 *
 * A provider's video attached without a poster gets the provider's own
 * thumbnail as one, fetched once, by the server, when it is attached
 * (decision 093): the provider's oEmbed answer names the image, which is
 * fetched with feed/fetch.c's limits, checked by libmagic and stored by
 * media_add() like any upload (upright, stripped, with variants), so a
 * reader's browser only ever loads our copy.  A thumbnail that cannot be
 * had is a warning, never a refusal: the post is added with the plain
 * panel.
 *
 *	struct video_thumb t;
 *	videos_thumb_fetch(st, a, site_dir, site_url, video, &t);  (no lock)
 *	store_begin(...); ... videos_attach(..., video, NULL, &t, &e) ...
 *	store_commit(...);
 *	if (t.why.code != ERR_OK) warn(t.why.msg);
 *	videos_thumb_release(&t);
 */
#include <stdint.h>

#include "../store/store.h"
#include "../util/arena.h"
#include "../util/error.h"

/* A provider's thumbnail, fetched before any transaction is open. */
struct video_thumb {
	char *path;         /* the image, under SITE/media/.tmp; or NULL */
	const char *url;    /* where it came from (in the arena), or NULL */
	int64_t duration_s; /* oEmbed's duration (Vimeo gives it); 0 none */
	struct error why;   /* why there is no thumbnail; ERR_OK when none
	                       is missing */
};

/*
 * Fetch the thumbnail of video, a provider's page URL, into t (zeroed
 * first): its oEmbed answer (at most LIM_VIDEO_OEMBED_BYTES of JSON), then
 * the image it names (at most LIM_VIDEO_THUMB_BYTES, a JPEG, PNG, WebP or
 * GIF by libmagic), each over http or https only, with the redirect, time
 * and address limits of feed/fetch.c (private addresses only with the
 * setting feeds_allow_private).  0 with t->path; -1 with t->why naming
 * the URL and the reason.  Nothing is fetched, and 0 is returned with no
 * path, for a file or a URL videos_attach() will refuse.  The providers'
 * oEmbed origins are the real ones unless GAZETTE_TEST_OEMBED_ORIGIN is
 * set (for tests only: a server on loopback playing every provider).
 */
int videos_thumb_fetch(struct store *st, struct arena *a, const char *site_dir,
                       const char *site_url, const char *video,
                       struct video_thumb *t);
/* Remove the fetched file; t may hold none. */
void videos_thumb_release(struct video_thumb *t);

/*
 * The oEmbed request for page, whose player URL is player (see
 * videos_player), in a: the provider's endpoint (on origin instead when
 * origin is not NULL) with the page URL percent-encoded; NULL for a
 * provider without one.
 */
const char *videos_oembed_url(struct arena *a, const char *page,
                              const char *player, const char *origin);

/*
 * Check video (a URL or a path) and poster (a path, or NULL), then write
 * the post's video row.  ERR_INVALID (naming the value) for a URL of no
 * allowed provider, a file that is not a video, a poster that is not a
 * JPEG, PNG, WebP or GIF, or a file the library refuses.  thumb (may be
 * NULL): a fetched thumbnail, the poster when none is given, and its
 * duration; a thumbnail the library refuses leaves the video without a
 * poster and says why in thumb->why (the post is still added), and the
 * row keeps that reason for the editor.  thumb NULL, for a provider's
 * video without a poster: the thumbnail is left to the server's fetch
 * thread (the row is marked pending, videos_thumb_step), so a request's
 * thread never waits on a provider.
 */
int videos_attach(struct store *st, struct arena *a, const char *site_dir,
                  int64_t post_id, const char *video, const char *poster,
                  struct video_thumb *thumb, struct error *e);

/*
 * The server's fetch thread (core/river.c), between its batches of
 * feeds: the thumbnail of the oldest video the admin's editor or JSON API
 * attached without a poster (videos_attach with thumb NULL marks it
 * pending), fetched as videos_thumb_fetch does, stored by media_add and
 * set as the poster — only when the post's video is still that URL and
 * still has no poster — or, failing, the reason kept for the editor.
 * The mark is cleared either way: a thumbnail is tried once per attach.
 * stop(stop_arg) (stop may be NULL), asked between rounds of the fetch,
 * cuts it short for a shutdown and leaves the mark, so the next start
 * takes it up again.  1 when one was taken, 0 when none is pending (or
 * stopped), -1 (e) when the store failed.
 */
int videos_thumb_step(struct store *st, const char *site_dir,
                      const char *site_url, int (*stop)(void *), void *stop_arg,
                      struct error *e);

/* 0 when path is a JPEG, PNG, WebP or GIF by libmagic (from its bytes),
 * else ERR_INVALID naming it: a poster's or a featured image's check
 * before the library stores it. */
int videos_image_check(const char *path, struct error *e);

/*
 * The player URL of a stored video URL, checked again at every read (an
 * instance the admin took off the list plays no more), in a; NULL for a
 * file ("/media/...") or a URL no longer allowed.
 */
const char *videos_player(struct store *st, struct arena *a, const char *url);

#endif
