/*
 * An item's files in the editor (issue 16): an episode's audio,
 * transcript and chapters, a book's cover, EPUB and PDF, and a post's
 * video and poster, each given as
 * a file's number in the media library (as the featured image is) or,
 * for a video, a provider's page.  The rules are core's, the same as
 * `gazette episode attach` and `post add`'s front matter: episodes.c,
 * books.c and videos.c check each file by its bytes and link it by the
 * library's URL.  The JSON API for posts gives the same files by the same
 * names (admin_posts_api.c), through the same editor_files_save.
 */
#include <jansson.h>
#include <string.h>

#include "internal.h"
#include "../core/books.h"
#include "../core/episodes.h"
#include "../core/videos.h"
#include "../store/media.h"
#include "../store/podcast.h"
#include "../util/num.h"
#include "../util/banned.h"

const char *const editor_file_names[EF__MAX] = {
	[EF_AUDIO] = "audio",       [EF_TRANSCRIPT] = "transcript",
	[EF_CHAPTERS] = "chapters", [EF_COVER] = "cover",
	[EF_EPUB] = "epub",         [EF_PDF] = "pdf",
	[EF_VIDEO] = "video",       [EF_POSTER] = "poster",
};
/* The type each file belongs to, and its label in messages. */
static const struct {
	enum post_type type;
	const char *label;
} file_of[EF__MAX] = {
	[EF_AUDIO] = {POST_EPISODE, "Audio"},
	[EF_TRANSCRIPT] = {POST_EPISODE, "Transcript"},
	[EF_CHAPTERS] = {POST_EPISODE, "Chapters"},
	[EF_COVER] = {POST_BOOK, "Cover"},
	[EF_EPUB] = {POST_BOOK, "EPUB"},
	[EF_PDF] = {POST_BOOK, "PDF"},
	[EF_VIDEO] = {POST_POST, "Video"},
	[EF_POSTER] = {POST_POST, "Poster"},
};

/* A value as given, or NULL when it is empty (the file kept as it is). */
static const char *
trimmed(const char *v)
{
	while (v != NULL && (*v == ' ' || *v == '#'))
		v++;
	return v != NULL && *v != '\0' ? v : NULL;
}

void
editor_files_form(struct req *r, const char *v[EF__MAX])
{
	for (int i = 0; i < EF__MAX; i++)
		v[i] = trimmed(admin_form_one(r, editor_file_names[i],
		                              LIM_URL_FIELD_BYTES));
}

int
editor_files_from_json(struct arena *a, json_t *doc, const char *v[EF__MAX],
                       const char **bad, struct error *e)
{
	for (int i = 0; i < EF__MAX; i++) {
		json_t *j = json_object_get(doc, editor_file_names[i]);

		v[i] = NULL;
		if (j == NULL || json_is_null(j))
			continue;
		if (json_is_integer(j) && json_integer_value(j) > 0) {
			v[i] = arena_printf(a, "%lld",
			                    (long long)json_integer_value(j));
			continue;
		}
		if (!json_is_string(j) ||
		    strlen(json_string_value(j)) != json_string_length(j) ||
		    json_string_length(j) > LIM_URL_FIELD_BYTES) {
			*bad = editor_file_names[i];
			return error_set(
				e, ERR_INVALID,
				"'%s' must be a file's number in Media%s",
				editor_file_names[i],
				i == EF_VIDEO ? " or a provider's page" : "");
		}
		v[i] = trimmed(arena_strdup(a, json_string_value(j)));
	}
	return 0;
}

/* The library file numbered v as a path in the site's media folder, or
 * NULL with e naming the field (label). */
static const char *
library_path(struct site *s, struct arena *a, const char *label, const char *v,
             struct error *e)
{
	struct media_row m;
	int64_t id;

	if (num_parse(v, 1, INT64_MAX, &id) == -1 ||
	    store_media_get(s->store, a, id, &m, e) == -1) {
		error_set(e, ERR_INVALID, "%s: no file numbered '%s' in Media.",
		          label, v);
		return NULL;
	}
	return arena_printf(a, "%s/media/%s", s->dir, m.path);
}

/* Prefix a refusal with the field it is about. */
static int
about(struct error *e, const char *label)
{
	struct error was = *e;

	return error_set(e, was.code, "%s: %s", label, was.msg);
}

int
editor_files_save(struct site *s, struct arena *a, int64_t id,
                  enum post_type type, const char *const v[EF__MAX],
                  const char **bad, struct error *e)
{
	const char *path[EF__MAX] = {NULL};

	*bad = NULL;
	for (int i = 0; i < EF__MAX; i++) {
		if (v[i] == NULL)
			continue;
		*bad = editor_file_names[i];
		if (file_of[i].type != type)
			return error_set(e, ERR_INVALID,
			                 "%s: a %s has no %s (only a %s does).",
			                 file_of[i].label,
			                 post_type_names[type],
			                 editor_file_names[i],
			                 post_type_names[file_of[i].type]);
		if (i == EF_VIDEO && strncmp(v[i], "http", 4) == 0)
			path[i] = v[i];
		else if ((path[i] = library_path(s, a, file_of[i].label, v[i],
		                                 e)) == NULL)
			return -1;
	}
	/* One file at a time, so a refusal names its own field. */
	for (int i = EF_AUDIO; i <= EF_CHAPTERS; i++) {
		struct episode_files ef = {NULL, NULL, NULL};

		if (path[i] == NULL)
			continue;
		*bad = editor_file_names[i];
		ef.audio = i == EF_AUDIO ? path[i] : NULL;
		ef.transcript = i == EF_TRANSCRIPT ? path[i] : NULL;
		ef.chapters = i == EF_CHAPTERS ? path[i] : NULL;
		if (episodes_attach(s->store, a, s->dir, id, &ef, e) == -1)
			return about(e, "Episode files");
	}
	for (int i = EF_COVER; i <= EF_PDF; i++) {
		struct book_files bf = {NULL, NULL, NULL};

		if (path[i] == NULL)
			continue;
		*bad = editor_file_names[i];
		bf.cover = i == EF_COVER ? path[i] : NULL;
		bf.epub = i == EF_EPUB ? path[i] : NULL;
		bf.pdf = i == EF_PDF ? path[i] : NULL;
		if (books_attach(s->store, a, s->dir, id, &bf, e) == -1)
			return about(e, "Book files");
	}
	if (path[EF_VIDEO] != NULL || path[EF_POSTER] != NULL) {
		const char *video = path[EF_VIDEO], *poster = path[EF_POSTER];
		struct video cur;
		struct error e2;

		if (poster != NULL) {
			*bad = editor_file_names[EF_POSTER];
			if (videos_image_check(poster, e) == -1)
				return about(e, "Poster");
		}
		if (video == NULL) {
			/* A new poster for the video the post has. */
			if (store_video_get(s->store, a, id, &cur, &e2) == -1)
				return error_set(
					e, ERR_INVALID,
					"Poster: the post has no video "
					"to show it for.");
			video = cur.url[0] == '/'
			                ? arena_printf(a, "%s%s", s->dir,
			                               cur.url)
			                : cur.url;
		} else {
			*bad = editor_file_names[EF_VIDEO];
		}
		/* No provider's thumbnail is fetched here, on a worker
		 * thread that serves other readers: without a poster the
		 * video is marked for the server's fetch thread
		 * (decision 093). */
		if (videos_attach(s->store, a, s->dir, id, video, poster, NULL,
		                  e) == -1)
			return about(e, "Video");
	}
	*bad = NULL;
	return 0;
}

json_t *
editor_files_json(struct site *s, struct arena *a, int64_t id,
                  enum post_type type)
{
	json_t *o = json_object();
	struct error e;

#define URL_OR_NULL(v) (*(v) ? json_string(v) : json_null())
	if (type == POST_EPISODE) {
		struct episode ep;

		if (store_episode_get(s->store, a, id, &ep, &e) == 0) {
			json_object_set_new(o, "audio",
			                    URL_OR_NULL(ep.audio_url));
			json_object_set_new(o, "duration_s",
			                    json_integer(ep.duration_s));
			json_object_set_new(o, "transcript",
			                    URL_OR_NULL(ep.transcript_url));
			json_object_set_new(o, "chapters",
			                    URL_OR_NULL(ep.chapters_url));
		}
	} else if (type == POST_BOOK) {
		struct book b;
		static const char *const k[3] = {"cover", "epub", "pdf"};

		if (store_book_files_get(s->store, a, id, &b, &e) == 0) {
			const char *p[3] = {b.cover_path, b.epub_path,
			                    b.pdf_path};

			for (int i = 0; i < 3; i++)
				json_object_set_new(
					o, k[i],
					*p[i] ? json_string(arena_printf(
							a, "/media/%s", p[i]))
					      : json_null());
		}
	} else if (type == POST_POST) {
		struct video v;

		if (store_video_get(s->store, a, id, &v, &e) == 0) {
			json_object_set_new(o, "video", json_string(v.url));
			json_object_set_new(o, "poster",
			                    URL_OR_NULL(v.poster_url));
			json_object_set_new(o, "duration_s",
			                    json_integer(v.duration_s));
			json_object_set_new(o, "thumbnail",
			                    json_string(
						    v.thumb_pending  ? "pending"
						    : *v.poster_url  ? "ready"
						    : *v.thumb_error ? "failed"
								     : "none"));
			if (*v.thumb_error)
				json_object_set_new(o, "thumbnail_error",
				                    json_string(v.thumb_error));
		} else {
			json_object_set_new(o, "video", json_null());
		}
	}
#undef URL_OR_NULL
	return o;
}

void
editor_files_model(struct site *s, struct req *r, struct tval *m,
                   const struct post *p, enum post_type type)
{
	struct arena *a = r->arena;
	struct tval *f = tval_set(a, m, "files", tval_map(a));
	struct error e;

	tval_set_bool(a, m, "is_episode", type == POST_EPISODE);
	for (int i = 0; i < EF__MAX; i++) {
		const char *v = admin_form_one(r, editor_file_names[i],
		                               LIM_URL_FIELD_BYTES);

		if (v != NULL)
			tval_set_str(a, f, editor_file_names[i], v);
	}
	if (p == NULL)
		return;
	if (type == POST_EPISODE) {
		struct episode ep;

		if (store_episode_get(s->store, a, p->id, &ep, &e) == -1)
			return;
		if (*ep.audio_url)
			tval_set_str(a, f, "audio_url", ep.audio_url);
		if (ep.duration_s > 0)
			tval_set_str(a, f, "duration",
			             duration_text(a, ep.duration_s));
		if (*ep.transcript_url)
			tval_set_str(a, f, "transcript_url", ep.transcript_url);
		if (*ep.chapters_url)
			tval_set_str(a, f, "chapters_url", ep.chapters_url);
	} else if (type == POST_BOOK) {
		struct book b;

		if (store_book_files_get(s->store, a, p->id, &b, &e) == -1)
			return;
		if (*b.cover_path)
			tval_set_str(a, f, "cover_url",
			             arena_printf(a, "/media/%s",
			                          b.cover_path));
		if (*b.epub_path)
			tval_set_str(a, f, "epub_url",
			             arena_printf(a, "/media/%s", b.epub_path));
		if (*b.pdf_path)
			tval_set_str(a, f, "pdf_url",
			             arena_printf(a, "/media/%s", b.pdf_path));
	} else if (type == POST_POST) {
		struct video v;

		if (store_video_get(s->store, a, p->id, &v, &e) == -1)
			return;
		tval_set_str(a, f, "video_url", v.url);
		if (*v.poster_url)
			tval_set_str(a, f, "poster_url", v.poster_url);
		tval_set_bool(a, f, "thumb_pending", v.thumb_pending);
		if (*v.thumb_error)
			tval_set_str(a, f, "thumb_error", v.thumb_error);
	}
}
