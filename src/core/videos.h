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
 */
#include <stdint.h>

#include "../store/store.h"
#include "../util/arena.h"
#include "../util/error.h"

/*
 * Check video (a URL or a path) and poster (a path, or NULL), then write
 * the post's video row.  ERR_INVALID (naming the value) for a URL of no
 * allowed provider, a file that is not a video, a poster that is not a
 * JPEG, PNG, WebP or GIF, or a file the library refuses.
 */
int videos_attach(struct store *st, struct arena *a, const char *site_dir,
                  int64_t post_id, const char *video, const char *poster,
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
