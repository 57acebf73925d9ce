#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/books.h"
#include "../core/episodes.h"
#include "../core/posts.h"
#include "../core/videos.h"
#include "../import/front.h"
#include "../render/md.h"
#include "../site/site.h"
#include "../store/media.h"
#include "../store/site.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

/* "FILE:LINE: message" */
static int bad_at(struct error *e, const char *path, int line, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));

static int
bad_at(struct error *e, const char *path, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_set(e, ERR_INVALID, "%s:%d: %s", path, line, msg);
}

/* The front-matter key of each field a post rule may refuse. */
static const int field_key[POST_F__MAX] = {
	[POST_F_TITLE] = FRONT_TITLE,
	[POST_F_SLUG] = FRONT_SLUG,
	[POST_F_SECTION] = FRONT_SECTION,
	[POST_F_TAGS] = FRONT_TAGS,
	[POST_F_SOURCE] = FRONT_SOURCE,
	[POST_F_EXCERPT] = -1,
	[POST_F_BODY] = -1,
	[POST_F_STATUS] = FRONT_STATUS,
	[POST_F_DATE] = FRONT_DATE,
	[POST_F_ORDER] = FRONT_ORDER,
};

/*
 * Build a post from a Markdown file with front matter, by the rules the
 * editor applies (core/posts.c).  Errors name the file and the line.
 */
/* A file named in the front matter, relative to the Markdown file's
 * folder unless absolute. */
static const char *
beside(struct arena *a, const char *md, const char *name)
{
	const char *slash = strrchr(md, '/');

	if (name == NULL || name[0] == '/' || slash == NULL)
		return name;
	return arena_printf(a, "%.*s/%s", (int)(slash - md), md, name);
}

static int
post_from_file(struct store *st, struct arena *a, const char *path,
               const char *src, size_t n, struct post *p,
               struct episode_files *files, const char **video,
               const char **poster, const char **image, struct book_files *book,
               const char **order, struct error *e)
{
	struct post_input in = {.sticky = -1, .comments_open = -1};
	struct post_problems pr = {0};
	struct front f;
	int line, k;

	if (front_parse(a, src, n, &f, &line, e) == -1)
		return error_set(e, ERR_INVALID, "%s:%d: %s", path, line,
		                 e->msg);
	in.type = POST_POST;
	if (f.value[FRONT_TYPE] != NULL) {
		k = enum_lookup(post_type_names, POST_TYPE__MAX,
		                f.value[FRONT_TYPE]);
		if (k < 0)
			return bad_at(e, path, f.line[FRONT_TYPE],
			              "unknown type '%s' (post, page, book, "
			              "episode)",
			              f.value[FRONT_TYPE]);
		in.type = (enum post_type)k;
	}
	in.v[POST_F_TITLE] = f.value[FRONT_TITLE];
	in.v[POST_F_SLUG] = f.value[FRONT_SLUG];
	in.v[POST_F_SECTION] = f.value[FRONT_SECTION];
	in.v[POST_F_TAGS] = f.value[FRONT_TAGS];
	in.v[POST_F_SOURCE] = f.value[FRONT_SOURCE];
	in.v[POST_F_STATUS] = f.value[FRONT_STATUS];
	in.v[POST_F_DATE] = f.value[FRONT_DATE];
	in.v[POST_F_ORDER] = f.value[FRONT_ORDER];
	for (k = FRONT_ORDER; k <= FRONT_PDF; k++)
		if (f.value[k] != NULL && in.type != POST_BOOK)
			return bad_at(e, path, f.line[k],
			              "%s: only a book (type: book) has one",
			              front_key_names[k]);
	*order = f.value[FRONT_ORDER];
	book->cover = beside(a, path, f.value[FRONT_COVER]);
	book->epub = beside(a, path, f.value[FRONT_EPUB]);
	book->pdf = beside(a, path, f.value[FRONT_PDF]);
	in.v[POST_F_BODY] = arena_strndup(a, f.body, f.body_len);
	for (k = FRONT_AUDIO; k <= FRONT_CHAPTERS; k++)
		if (f.value[k] != NULL && in.type != POST_EPISODE)
			return bad_at(e, path, f.line[k],
			              "%s: only an episode (type: episode) has "
			              "one",
			              front_key_names[k]);
	if (f.value[FRONT_VIDEO] != NULL && in.type != POST_POST)
		return bad_at(e, path, f.line[FRONT_VIDEO],
		              "video: only a post (type: post) has one");
	if (f.value[FRONT_POSTER] != NULL && f.value[FRONT_VIDEO] == NULL)
		return bad_at(
			e, path, f.line[FRONT_POSTER],
			"poster: is the thumbnail of a video: (none given)");
	*video = f.value[FRONT_VIDEO] != NULL &&
	                         url_is_http(f.value[FRONT_VIDEO])
	                 ? f.value[FRONT_VIDEO]
	                 : beside(a, path, f.value[FRONT_VIDEO]);
	*poster = beside(a, path, f.value[FRONT_POSTER]);
	*image = beside(a, path, f.value[FRONT_IMAGE]);
	if (*image != NULL && videos_image_check(*image, e) == -1)
		return bad_at(e, path, f.line[FRONT_IMAGE], "image: %s",
		              e->msg);
	files->audio = beside(a, path, f.value[FRONT_AUDIO]);
	files->transcript = beside(a, path, f.value[FRONT_TRANSCRIPT]);
	files->chapters = beside(a, path, f.value[FRONT_CHAPTERS]);
	if (posts_check(st, a, &in, NULL, clock_now(), p, &pr, e) == -1)
		return error_set(e, e->code, "%s: %s", path, e->msg);
	for (int i = 0; i < POST_F__MAX; i++) {
		if (pr.err[i] == NULL)
			continue;
		k = field_key[i];
		line = k >= 0 && f.value[k] != NULL ? f.line[k]
		       : k == FRONT_SLUG && f.value[FRONT_TITLE] != NULL
		               ? f.line[FRONT_TITLE]
		               : f.end_line;
		return bad_at(e, path, line, "%s: %s", post_field_names[i],
		              pr.err[i]);
	}
	/* A scheduled item was last changed when it appears. */
	if (p->published_at > p->updated_at)
		p->updated_at = p->published_at;
	return 0;
}

int
cmd_post(struct conf *c, int argc, char **argv)
{
	struct error e;
	struct store *st = NULL;
	struct arena *a = arena_new();
	struct buf src;
	struct post p;
	struct episode_files files = {0};
	const char *video = NULL, *poster = NULL, *image = NULL, *order = NULL;
	struct book_files book = {0};
	struct video_thumb thumb = {0};
	int64_t image_id = 0;
	int64_t id;
	int npos, rc;

	buf_init(&src, LIM_POST_SRC_BYTES);
	if (argc < 2 || strcmp(argv[1], "add") != 0) {
		rc = cli_usage_of("post");
		goto out;
	}
	rc = cli_args("post add", argc, argv, 2, NULL, &npos);
	if (rc != CLI_GO)
		goto out;
	if (npos != 1) {
		rc = cli_usage_of("post add");
		goto out;
	}
	if (cli_read_file(argv[2], &src, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	st = site_open(c, &e);
	if (st == NULL ||
	    post_from_file(st, a, argv[2], buf_str(&src), src.len, &p, &files,
	                   &video, &poster, &image, &book, &order, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	/* A provider's thumbnail, fetched before the writer's lock is
	 * taken (it may take seconds); without one the post is added. */
	if (video != NULL && poster == NULL)
		(void)videos_thumb_fetch(st, a, c->site, c->url, video, &thumb);
	/* The post and its files together, or neither. */
	if (store_begin(st, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	if (store_post_add(st, &p, &id, &e) == -1 ||
	    ((files.audio || files.transcript || files.chapters) &&
	     episodes_attach(st, a, c->site, id, &files, &e) == -1) ||
	    (video != NULL && videos_attach(st, a, c->site, id, video, poster,
	                                    &thumb, &e) == -1) ||
	    (p.type == POST_BOOK &&
	     (store_book_set(st, id, order ? order : "", &e) == -1 ||
	      ((book.cover || book.epub || book.pdf) &&
	       books_attach(st, a, c->site, id, &book, &e) == -1))) ||
	    (image != NULL &&
	     (media_library_url(st, a, c->site, image, &image_id, &e) == NULL ||
	      store_post_featured_set(st, id, image_id, &e) == -1))) {
		store_rollback(st);
		rc = cli_fail(&e);
		goto out;
	}
	if (store_commit(st, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	if (thumb.why.code != ERR_OK)
		fprintf(stderr,
		        "gazette: warning: no thumbnail for video '%s': %s; "
		        "the post is added without one\n",
		        video, thumb.why.msg);
	printf("%lld\t%s%s\n", (long long)id, c->url, site_permalink(a, &p));
	rc = 0;
out:
	videos_thumb_release(&thumb);
	store_close(st);
	buf_release(&src);
	arena_free(a);
	return rc;
}
