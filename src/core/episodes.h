#ifndef GAZETTE_CORE_EPISODES_H
#define GAZETTE_CORE_EPISODES_H
/*
 * Attaching files to a podcast episode: its audio (MP3, M4A/AAC, Opus;
 * size, type and duration read from the file, media/audio.c), a
 * transcript (WebVTT or SRT, told apart by libmagic from the bytes) and
 * chapters (Podcasting 2.0's JSON chapters, checked with jansson).  The
 * rule `gazette episode attach` and `post add`'s front matter share.
 *
 * Files stay where they are: each must already be inside SITE/media
 * (symlinks resolved), and is linked as /media/PATH.  Until the media
 * library (issue 16 parts 1-3) lands there is no upload here; this stores
 * nothing but the row.
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
 * written when one is refused).  ERR_NOT_FOUND for no such episode,
 * ERR_INVALID (naming the file) for a file outside SITE/media or not of
 * its kind, ERR_TOO_BIG past LIM_TRANSCRIPT_BYTES or LIM_CHAPTERS_BYTES.
 */
int episodes_attach(struct store *st, struct arena *a, const char *site_dir,
                    int64_t post_id, const struct episode_files *f,
                    struct error *e);

/* The /media/ URL (segments percent-encoded) of path, which must resolve
 * inside SITE/media; ERR_INVALID naming it otherwise.  Shared with
 * videos.c. */
const char *media_file_url(struct arena *a, const char *site_dir,
                           const char *path, struct error *e);

#endif
