#ifndef GAZETTE_CORE_EPISODES_H
#define GAZETTE_CORE_EPISODES_H
/*
 * Attaching files to a podcast episode: its audio (MP3, M4A/AAC, Opus;
 * size, type and duration read from the file, media/audio.c), a
 * transcript (WebVTT or SRT, told apart by libmagic from the bytes) and
 * chapters (Podcasting 2.0's JSON chapters, checked with jansson).  The
 * rule `gazette episode attach` and `post add`'s front matter share.
 *
 * Each file, once checked, is added to the media library (media_add():
 * its own type sniffing and size limits, content-addressed under
 * SITE/media) and linked by the library's URL; the file given is left
 * alone.
 */
#include <stdint.h>

#include "../store/store.h"
#include "../util/arena.h"
#include "../util/error.h"

struct episode_files {
	const char *audio, *transcript, *chapters; /* paths; NULL: keep */
};

/*
 * Check every file given, then write the episode's row once (nothing is
 * written when one is refused, and nothing added to the library).
 * ERR_NOT_FOUND for no such episode, ERR_INVALID (naming the file) for a
 * file not of its kind, ERR_TOO_BIG past LIM_TRANSCRIPT_BYTES,
 * LIM_CHAPTERS_BYTES or the library's limit.
 */
int episodes_attach(struct store *st, struct arena *a, const char *site_dir,
                    int64_t post_id, const struct episode_files *f,
                    struct error *e);

/* Add the file at path to the media library; its /media/ URL (and *id,
 * when id is not NULL, its row), or NULL with e.  Shared with videos.c
 * and `post add`'s featured image. */
const char *media_library_url(struct store *st, struct arena *a,
                              const char *site_dir, const char *path,
                              int64_t *id, struct error *e);

#endif
