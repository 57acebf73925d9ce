/*
 * podcast.h through the store's driver (db.h): episodes (audio, transcript,
 * chapters), the podcast feed's list, videos, books' downloads (migration 019).
 */
#include <string.h>

#include "internal.h"
#include "podcast.h"
#include "../util/banned.h"

#define EPISODE_COLS                                                           \
	"e.audio_url, e.audio_mime, e.audio_bytes, e.duration_s, "             \
	"e.transcript_url, e.transcript_type, e.chapters_url"

static const char SQL_EPISODE_GET[] =
	"SELECT " EPISODE_COLS " FROM episodes e WHERE e.post_id = ?1";
static const char SQL_EPISODE_PUT[] =
	"INSERT INTO episodes(post_id, audio_url, audio_mime, audio_bytes, "
	"duration_s, transcript_url, transcript_type, chapters_url) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	"ON CONFLICT(post_id) DO UPDATE SET audio_url = excluded.audio_url, "
	"audio_mime = excluded.audio_mime, audio_bytes = excluded.audio_bytes, "
	"duration_s = excluded.duration_s, "
	"transcript_url = excluded.transcript_url, "
	"transcript_type = excluded.transcript_type, "
	"chapters_url = excluded.chapters_url";
/* Newest first through posts_listing (type, status, published_at), or
 * posts_section (section_id, status, published_at): a LIMIT stops the
 * walk. */
static const char SQL_EPISODES_ALL[] =
	"SELECT " POST_FIELDS ", " EPISODE_COLS " " POST_FROM
	"JOIN episodes e ON e.post_id = p.id "
	"WHERE p.type = 'episode' AND p.status = 'published' "
	"AND p.published_at <= ?1 AND p.password = '' AND e.audio_url != '' "
	"ORDER BY p.published_at DESC, p.id DESC LIMIT ?2";
static const char SQL_EPISODES_SECTION[] =
	"SELECT " POST_FIELDS ", " EPISODE_COLS " " POST_FROM
	"JOIN episodes e ON e.post_id = p.id "
	"WHERE p.section_id = ?3 AND p.status = 'published' "
	"AND p.type = 'episode' AND p.published_at <= ?1 AND p.password = '' "
	"AND e.audio_url != '' "
	"ORDER BY p.published_at DESC, p.id DESC LIMIT ?2";
static const char SQL_VIDEO_GET[] =
	"SELECT url, poster_url, duration_s, thumb_pending, thumb_error "
	"FROM videos WHERE post_id = ?1";
static const char SQL_VIDEO_PUT[] =
	"INSERT INTO videos(post_id, url, poster_url, duration_s, "
	"thumb_pending, thumb_error) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	"ON CONFLICT(post_id) DO UPDATE SET "
	"url = excluded.url, poster_url = excluded.poster_url, "
	"duration_s = excluded.duration_s, "
	"thumb_pending = excluded.thumb_pending, "
	"thumb_error = excluded.thumb_error";
/* The oldest post's pending video first, through videos_thumb_pending
 * (migration 024). */
static const char SQL_VIDEO_THUMB_NEXT[] =
	"SELECT post_id, url FROM videos WHERE thumb_pending = 1 "
	"ORDER BY post_id LIMIT 1";
/* Only while the video is the one fetched for and still has no poster:
 * the editor may have changed either meanwhile. */
static const char SQL_VIDEO_THUMB_DONE[] =
	"UPDATE videos SET poster_url = ?3, thumb_error = ?4, "
	"thumb_pending = 0, "
	"duration_s = CASE WHEN ?5 > 0 THEN ?5 ELSE duration_s END "
	"WHERE post_id = ?1 AND url = ?2 AND poster_url = ''";
/* The casts give PostgreSQL the types a bare SELECT list leaves as text;
 * on SQLite they change nothing (the values are bound as they are
 * stored). */
static const char SQL_DOWNLOAD_DAY[] =
	"INSERT INTO book_downloads(post_id, file, day, n) "
	"SELECT CAST(?1 AS BIGINT), CAST(?2 AS TEXT), CAST(?3 AS BIGINT), "
	"CAST(?4 AS BIGINT) WHERE EXISTS "
	"(SELECT 1 FROM books WHERE post_id = ?1) "
	"ON CONFLICT(post_id, file, day) DO UPDATE SET "
	"n = book_downloads.n + excluded.n";
static const char SQL_DOWNLOAD_TOTAL[] =
	"UPDATE books SET downloads = downloads + ?2 WHERE post_id = ?1";
static const char SQL_DOWNLOADS[] =
	"SELECT downloads FROM books WHERE post_id = ?1";

const struct store_stmt podcast_reader_stmts[] = {
	{"episode_get", SQL_EPISODE_GET, NULL, NULL},
	{"episodes_all", SQL_EPISODES_ALL, NULL, NULL},
	{"episodes_section", SQL_EPISODES_SECTION, NULL, NULL},
	{"video_get", SQL_VIDEO_GET, NULL, NULL},
	{"video_thumb_next", SQL_VIDEO_THUMB_NEXT, NULL, NULL},
	{"book_downloads", SQL_DOWNLOADS, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

static void
episode_row(struct arena *a, struct db_stmt *st, int i, struct episode *ep)
{
	ep->audio_url = col_text(a, st, i);
	ep->audio_mime = col_text(a, st, i + 1);
	ep->audio_bytes = db_column_int64(st, i + 2);
	ep->duration_s = db_column_int64(st, i + 3);
	ep->transcript_url = col_text(a, st, i + 4);
	ep->transcript_type = col_text(a, st, i + 5);
	ep->chapters_url = col_text(a, st, i + 6);
}

int
store_episode_get(struct store *s, struct arena *a, int64_t post_id,
                  struct episode *out, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_EPISODE_GET, e);
	int rc;

	out->audio_url = out->audio_mime = out->transcript_url = "";
	out->transcript_type = out->chapters_url = "";
	out->audio_bytes = out->duration_s = 0;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, post_id);
	rc = rd_step(&q, "episode", e);
	if (rc == 1)
		episode_row(a, st, 0, out);
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}

int
store_episode_put(struct store *s, int64_t post_id, const struct episode *ep,
                  struct error *e)
{
	return write_one(s, SQL_EPISODE_PUT, "setting episode", NULL, e,
	                 "lssllsss", post_id, ep->audio_url, ep->audio_mime,
	                 ep->audio_bytes, ep->duration_s, ep->transcript_url,
	                 ep->transcript_type, ep->chapters_url);
}

int
store_episodes_feed(struct store *s, struct arena *a, int64_t section_id,
                    int64_t now, int limit, struct episode_item **out,
                    size_t *n, struct error *e)
{
	struct rd q;
	struct db_stmt *st =
		rd_prep(&q, s,
	                section_id ? SQL_EPISODES_SECTION : SQL_EPISODES_ALL,
	                e);
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, now);
	db_bind_int64(st, 2, limit);
	if (section_id)
		db_bind_int64(st, 3, section_id);
	while ((rc = rd_step(&q, "episodes", e)) == 1) {
		struct episode_item *it;

		*out = arena_grow(a, *out, &cap, *n, sizeof(**out));
		it = &(*out)[(*n)++];
		post_row(a, st, &it->post);
		episode_row(a, st, POST_NCOLS, &it->ep);
	}
	rd_close(&q);
	return rc;
}

int
store_video_get(struct store *s, struct arena *a, int64_t post_id,
                struct video *out, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_VIDEO_GET, e);
	int rc;

	memset(out, 0, sizeof(*out));
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, post_id);
	rc = rd_step(&q, "video", e);
	if (rc == 1) {
		out->url = col_text(a, st, 0);
		out->poster_url = col_text(a, st, 1);
		out->duration_s = db_column_int64(st, 2);
		out->thumb_pending = (int)db_column_int64(st, 3);
		out->thumb_error = col_text(a, st, 4);
	}
	rd_close(&q);
	if (rc == 0)
		return error_set(e, ERR_NOT_FOUND, "post %lld has no video",
		                 (long long)post_id);
	return rc == -1 ? -1 : 0;
}

void
video_send(struct conn *c, int64_t post_id)
{
	struct error e;
	struct db_stmt *st = conn_prep(c, SQL_VIDEO_GET, &e);

	if (st != NULL) {
		db_bind_int64(st, 1, post_id); /* as store_video_get */
		(void)db_send(st, &e);
	}
}

int
store_video_put(struct store *s, int64_t post_id, const struct video *v,
                struct error *e)
{
	return write_one(s, SQL_VIDEO_PUT, "setting video", NULL, e, "lsslis",
	                 post_id, v->url, v->poster_url ? v->poster_url : "",
	                 v->duration_s, v->thumb_pending ? 1 : 0,
	                 v->thumb_error ? v->thumb_error : "");
}

int
store_video_thumb_next(struct store *s, struct arena *a, int64_t *post_id,
                       const char **url, struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_VIDEO_THUMB_NEXT, e);
	int rc;

	*post_id = 0;
	*url = NULL;
	if (st == NULL)
		return -1;
	rc = rd_step(&q, "pending thumbnail", e);
	if (rc == 1) {
		*post_id = db_column_int64(st, 0);
		*url = col_text(a, st, 1);
	}
	rd_close(&q);
	return rc;
}

int
store_video_thumb_done(struct store *s, int64_t post_id, const char *url,
                       const char *poster_url, int64_t duration_s,
                       const char *why, int *changed, struct error *e)
{
	int64_t n = 0;
	int rc =
		write_count(s, SQL_VIDEO_THUMB_DONE, "storing thumbnail", &n, e,
	                    "lsssl", post_id, url, poster_url ? poster_url : "",
	                    why ? why : "", duration_s);

	*changed = n > 0;
	return rc;
}

int
store_book_download(struct store *s, int64_t post_id, const char *file,
                    int64_t day, int64_t n, struct error *e)
{
	int rc;

	if (store_begin(s, e) == -1)
		return -1;
	rc = write_private(s, SQL_DOWNLOAD_DAY, "counting download", e, "lsll",
	                   post_id, file, day, n);
	if (rc == 0)
		rc = write_private(s, SQL_DOWNLOAD_TOTAL, "counting download",
		                   e, "ll", post_id, n);
	if (rc == 0)
		return store_commit(s, e);
	store_rollback(s);
	return -1;
}

int
store_book_downloads(struct store *s, int64_t post_id, int64_t *n,
                     struct error *e)
{
	struct rd q;
	struct db_stmt *st = rd_prep(&q, s, SQL_DOWNLOADS, e);
	int rc;

	*n = 0;
	if (st == NULL)
		return -1;
	db_bind_int64(st, 1, post_id);
	rc = rd_step(&q, "downloads", e);
	if (rc == 1)
		*n = db_column_int64(st, 0);
	rd_close(&q);
	return rc == -1 ? -1 : 0;
}
