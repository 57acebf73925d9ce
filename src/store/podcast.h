#ifndef GAZETTE_STORE_PODCAST_H
#define GAZETTE_STORE_PODCAST_H
/*
 * What hangs off a post for issue 16 (store_podcast.c, migration 019): an
 * episode's audio, transcript and chapters, the episodes a podcast feed
 * lists, a video post's video, and books' download counts.
 */
#include "posts.h"

struct episode {
	const char *audio_url; /* "/media/..." or an absolute URL; "" none */
	const char *audio_mime;
	int64_t audio_bytes, duration_s;
	const char *transcript_url, *transcript_type; /* "" when none */
	const char *chapters_url;
};

/* An episode's row; every field "" or 0 when it has none. */
int store_episode_get(struct store *s, struct arena *a, int64_t post_id,
                      struct episode *out, struct error *e);
/* Write every field of an episode's row (made when missing). */
int store_episode_put(struct store *s, int64_t post_id,
                      const struct episode *ep, struct error *e);

struct episode_item {
	struct post post; /* body_html filled (show notes), tags not */
	struct episode ep;
};
/* Published episodes with audio, newest first, at most limit: of the
 * section when section_id is not 0, else of the whole site. */
int store_episodes_feed(struct store *s, struct arena *a, int64_t section_id,
                        int64_t now, int limit, struct episode_item **out,
                        size_t *n, struct error *e);

struct video {
	const char *url;        /* a provider's page or "/media/..." */
	const char *poster_url; /* "" when none */
	int64_t duration_s;
	/* A provider's thumbnail still to fetch (the server's fetch thread
	 * takes it), and why the last fetch found none ("" when it did or
	 * none was tried); migration 024. */
	int thumb_pending;
	const char *thumb_error;
};
/* ERR_NOT_FOUND when the post has no video. */
int store_video_get(struct store *s, struct arena *a, int64_t post_id,
                    struct video *out, struct error *e);
int store_video_put(struct store *s, int64_t post_id, const struct video *v,
                    struct error *e);

/*
 * The oldest pending thumbnail: 1 with *post_id and *url (in a), 0 when
 * none is pending.
 */
int store_video_thumb_next(struct store *s, struct arena *a, int64_t *post_id,
                           const char **url, struct error *e);
/*
 * The pending thumbnail of post_id's video url is done: poster_url (NULL
 * or "" none) and why ("" when poster_url is set), duration_s when > 0.
 * Nothing changes (*changed 0) unless the post's video is still url and
 * still has no poster.
 */
int store_video_thumb_done(struct store *s, int64_t post_id, const char *url,
                           const char *poster_url, int64_t duration_s,
                           const char *why, int *changed, struct error *e);

/* Add n downloads of a book's file ("epub" or "pdf") on day (days since
 * the epoch) and to the book's total. */
int store_book_download(struct store *s, int64_t post_id, const char *file,
                        int64_t day, int64_t n, struct error *e);
/* A book's all-time downloads (0 for an unknown book). */
int store_book_downloads(struct store *s, int64_t post_id, int64_t *n,
                         struct error *e);

#endif
