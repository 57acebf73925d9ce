/*
 * An item's files in the editor (issue 16): an episode's audio,
 * transcript and chapters, a book's cover, EPUB and PDF, and a post's
 * video and poster, each given as
 * a file's number in the media library (as the featured image is) or,
 * for a video, a provider's page.  The rules are core's, the same as
 * `gazette episode attach` and `post add`'s front matter: episodes.c,
 * books.c and videos.c check each file by its bytes and link it by the
 * library's URL.
 */
#include <string.h>

#include "internal.h"
#include "../core/books.h"
#include "../core/episodes.h"
#include "../core/videos.h"
#include "../store/media.h"
#include "../store/podcast.h"
#include "../util/num.h"
#include "../util/banned.h"

/* A field's value, or NULL when the form has none or it is empty (the
 * file kept as it is). */
static const char *
field(struct req *r, const char *name)
{
	const char *v = admin_form_one(r, name, LIM_URL_FIELD_BYTES);

	while (v != NULL && (*v == ' ' || *v == '#'))
		v++;
	return v != NULL && *v != '\0' ? v : NULL;
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
editor_files_save(struct site *s, struct req *r, int64_t id,
                  enum post_type type, struct error *e)
{
	struct arena *a = r->arena;

	if (type == POST_EPISODE) {
		static const struct {
			const char *name, *label;
		} f[] = {{"audio", "Audio"},
		         {"transcript", "Transcript"},
		         {"chapters", "Chapters"}};
		const char *path[3] = {NULL, NULL, NULL};
		struct episode_files ef;

		for (size_t i = 0; i < 3; i++) {
			const char *v = field(r, f[i].name);

			if (v != NULL &&
			    (path[i] = library_path(s, a, f[i].label, v, e)) ==
			            NULL)
				return -1;
		}
		if (path[0] == NULL && path[1] == NULL && path[2] == NULL)
			return 0;
		ef.audio = path[0];
		ef.transcript = path[1];
		ef.chapters = path[2];
		if (episodes_attach(s->store, a, s->dir, id, &ef, e) == -1)
			return about(e, "Episode files");
		return 0;
	}
	if (type == POST_BOOK) {
		const char *v[3] = {field(r, "cover"), field(r, "epub"),
		                    field(r, "pdf")};
		static const char *const label[3] = {"Cover", "EPUB", "PDF"};
		struct book_files bf;

		if (v[0] == NULL && v[1] == NULL && v[2] == NULL)
			return 0;
		for (size_t i = 0; i < 3; i++)
			if (v[i] != NULL &&
			    (v[i] = library_path(s, a, label[i], v[i], e)) ==
			            NULL)
				return -1;
		bf.cover = v[0];
		bf.epub = v[1];
		bf.pdf = v[2];
		if (books_attach(s->store, a, s->dir, id, &bf, e) == -1)
			return about(e, "Book files");
		return 0;
	}
	if (type == POST_POST) {
		const char *video = field(r, "video"),
			   *poster = field(r, "poster");
		struct video cur;
		struct error e2;

		if (video == NULL && poster == NULL)
			return 0;
		if (video != NULL && strncmp(video, "http", 4) != 0 &&
		    (video = library_path(s, a, "Video", video, e)) == NULL)
			return -1;
		if (poster != NULL &&
		    (poster = library_path(s, a, "Poster", poster, e)) == NULL)
			return -1;
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
		}
		/* No provider's thumbnail is fetched here: not on a worker
		 * thread, which serves other readers (decision 093). */
		if (videos_attach(s->store, a, s->dir, id, video, poster, NULL,
		                  e) == -1)
			return about(e, "Video");
	}
	return 0;
}

void
editor_files_model(struct site *s, struct req *r, struct tval *m,
                   const struct post *p, enum post_type type)
{
	struct arena *a = r->arena;
	struct tval *f = tval_set(a, m, "files", tval_map(a));
	static const char *const names[] = {"audio", "transcript", "chapters",
	                                    "video", "poster",     "cover",
	                                    "epub",  "pdf"};
	struct error e;

	tval_set_bool(a, m, "is_episode", type == POST_EPISODE);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v =
			admin_form_one(r, names[i], LIM_URL_FIELD_BYTES);

		if (v != NULL)
			tval_set_str(a, f, names[i], v);
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
	}
}
