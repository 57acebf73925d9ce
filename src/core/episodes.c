/* Files of a podcast episode (see episodes.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <magic.h>

#include "episodes.h"
#include "../media/audio.h"
#include "../media/media.h"
#include "../store/podcast.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

const char *
media_library_url(struct store *st, struct arena *a, const char *site_dir,
                  const char *path, int64_t *id, struct error *e)
{
	struct media_file mf;

	if (media_add(st, a, site_dir, path, NULL, "", &mf, e) == -1)
		return NULL;
	if (id != NULL)
		*id = mf.id;
	return mf.url;
}

/* Read a whole small file, at most max bytes. */
static int
slurp(const char *path, size_t max, struct buf *b, struct error *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	int rc = 0;

	buf_init(b, max);
	if (f == NULL)
		return error_set(e, ERR_IO, "cannot read '%s': %s", path,
		                 strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			rc = error_set(e, ERR_TOO_BIG, "'%s' is over %zu bytes",
			               path, max);
			break;
		}
	if (rc == 0 && ferror(f))
		rc = error_set(e, ERR_IO, "cannot read '%s'", path);
	fclose(f);
	return rc;
}

/* "text/vtt" or "application/x-subrip", by libmagic from the bytes. */
static const char *
transcript_type(const struct buf *b, const char *path, struct error *e)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
	const char *t, *type = NULL;

	if (m == NULL || magic_load(m, NULL) == -1) {
		error_set(e, ERR_IO, "libmagic: cannot load its database");
		goto out;
	}
	t = magic_buffer(m, b->p ? b->p : "", b->len);
	if (t != NULL && strcmp(t, "text/vtt") == 0)
		type = "text/vtt";
	else if (t != NULL && strcmp(t, "application/x-subrip") == 0)
		type = "application/x-subrip";
	else
		error_set(e, ERR_INVALID,
		          "'%s' is not a WebVTT or SRT transcript (it reads as "
		          "%s)",
		          path, t ? t : "unknown");
out:
	if (m != NULL)
		magic_close(m);
	return type;
}

/* JSON chapters (Podcasting 2.0): {"version": "1.2.0", "chapters":
 * [{"startTime": 0, "title": "..."}, ...]}. */
static int
chapters_check(const struct buf *b, const char *path, struct error *e)
{
	json_error_t je;
	json_t *doc = json_loadb(b->p ? b->p : "", b->len,
	                         JSON_REJECT_DUPLICATES, &je);
	json_t *list, *ch;
	size_t i;
	int rc = -1;

	if (doc == NULL)
		return error_set(e, ERR_INVALID, "'%s': line %d: %s", path,
		                 je.line, je.text);
	list = json_object_get(doc, "chapters");
	if (!json_is_string(json_object_get(doc, "version")) ||
	    !json_is_array(list)) {
		error_set(e, ERR_INVALID,
		          "'%s': JSON chapters need \"version\" and a "
		          "\"chapters\" list",
		          path);
		goto out;
	}
	json_array_foreach(list, i, ch)
	{
		if (!json_is_number(json_object_get(ch, "startTime"))) {
			error_set(e, ERR_INVALID,
			          "'%s': chapter %zu has no startTime", path,
			          i + 1);
			goto out;
		}
	}
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

int
episodes_attach(struct store *st, struct arena *a, const char *site_dir,
                int64_t post_id, const struct episode_files *f, struct error *e)
{
	struct episode ep;
	struct audio_info ai;
	struct post p;
	struct buf b;
	const char *ttype = NULL;
	int rc;

	if (store_post_get(st, a, post_id, &p, e) == -1)
		return -1;
	if (p.type != POST_EPISODE)
		return error_set(e, ERR_INVALID, "post %lld is not an episode",
		                 (long long)post_id);
	if (store_episode_get(st, a, post_id, &ep, e) == -1)
		return -1;
	/* Every file checked before any is added to the library. */
	if (f->audio != NULL && audio_probe(f->audio, &ai, e) == -1)
		return -1;
	if (f->transcript != NULL) {
		if (slurp(f->transcript, LIM_TRANSCRIPT_BYTES, &b, e) == -1) {
			buf_release(&b);
			return -1;
		}
		ttype = transcript_type(&b, f->transcript, e);
		buf_release(&b);
		if (ttype == NULL)
			return -1;
	}
	if (f->chapters != NULL) {
		if (slurp(f->chapters, LIM_CHAPTERS_BYTES, &b, e) == -1) {
			buf_release(&b);
			return -1;
		}
		rc = chapters_check(&b, f->chapters, e);
		buf_release(&b);
		if (rc == -1)
			return -1;
	}
	if (f->audio != NULL) {
		ep.audio_url =
			media_library_url(st, a, site_dir, f->audio, NULL, e);
		if (ep.audio_url == NULL)
			return -1;
		ep.audio_mime = ai.mime;
		ep.audio_bytes = ai.bytes;
		ep.duration_s = (int64_t)(ai.seconds + 0.5);
	}
	if (f->transcript != NULL) {
		ep.transcript_type = ttype;
		ep.transcript_url = media_library_url(st, a, site_dir,
		                                      f->transcript, NULL, e);
		if (ep.transcript_url == NULL)
			return -1;
	}
	if (f->chapters != NULL) {
		ep.chapters_url = media_library_url(st, a, site_dir,
		                                    f->chapters, NULL, e);
		if (ep.chapters_url == NULL)
			return -1;
	}
	return store_episode_put(st, post_id, &ep, e);
}
