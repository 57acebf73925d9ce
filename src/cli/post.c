#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../import/front.h"
#include "../render/md.h"
#include "../site/site.h"
#include "../store/site.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

static int
read_file(const char *path, struct buf *b, struct error *e)
{
	FILE *f = fopen(path, "rb");
	char chunk[16384];
	size_t n;
	int rc = 0;

	if (f == NULL)
		return error_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
		                 "%s: cannot read: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			rc = error_set(e, ERR_TOO_BIG,
			               "%s: larger than %d bytes", path,
			               LIM_POST_SRC_BYTES);
			break;
		}
	if (rc == 0 && ferror(f))
		rc = error_set(e, ERR_IO, "%s: read error", path);
	fclose(f);
	return rc;
}

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

/*
 * Build a post from a Markdown file with front matter.  Errors name the
 * file and the line.
 */
static int
post_from_file(struct store *st, struct arena *a, const char *path,
               const char *src, size_t n, struct post *p, struct error *e)
{
	struct front f;
	int line, k;
	struct section sec;
	struct buf html;
	const char *v;
	int64_t now = clock_now();

	memset(p, 0, sizeof(*p));
	/* error_set reads e->msg before it writes it */
	if (front_parse(a, src, n, &f, &line, e) == -1)
		return error_set(e, ERR_INVALID, "%s:%d: %s", path, line,
		                 e->msg);
	v = f.value[FRONT_TITLE];
	if (v == NULL || *v == '\0')
		return error_set(e, ERR_INVALID, "%s:%d: missing 'title'", path,
		                 v ? f.line[FRONT_TITLE] : f.end_line);
	if (strlen(v) > LIM_TITLE_BYTES)
		return bad_at(e, path, f.line[FRONT_TITLE],
		              "title longer than %d bytes", LIM_TITLE_BYTES);
	p->title = v;
	p->type = POST_POST;
	if (f.value[FRONT_TYPE] != NULL) {
		k = enum_lookup(post_type_names, POST_TYPE__MAX,
		                f.value[FRONT_TYPE]);
		if (k < 0)
			return bad_at(e, path, f.line[FRONT_TYPE],
			              "unknown type '%s' (post, page, book, "
			              "episode)",
			              f.value[FRONT_TYPE]);
		p->type = (enum post_type)k;
	}
	p->status = POST_DRAFT;
	if (f.value[FRONT_STATUS] != NULL) {
		k = enum_lookup(post_status_names, POST_STATUS__MAX,
		                f.value[FRONT_STATUS]);
		if (k < 0 || k == POST_TRASH)
			return bad_at(e, path, f.line[FRONT_STATUS],
			              "unknown status '%s' (draft, pending, "
			              "scheduled, published)",
			              f.value[FRONT_STATUS]);
		p->status = (enum post_status)k;
	}
	p->published_at = now;
	if (f.value[FRONT_DATE] != NULL &&
	    time_parse_iso(f.value[FRONT_DATE], &p->published_at) == -1)
		return bad_at(e, path, f.line[FRONT_DATE],
		              "bad date '%s' (ISO 8601: 2022-04-27 or "
		              "2022-04-27T10:30:00+02:00)",
		              f.value[FRONT_DATE]);
	/* A future date with "published" means scheduled (DESIGN.md 3). */
	if (p->status == POST_PUBLISHED && p->published_at > now)
		p->status = POST_SCHEDULED;
	p->updated_at = now > p->published_at ? now : p->published_at;
	if (f.value[FRONT_SLUG] != NULL) {
		if (!slug_valid(f.value[FRONT_SLUG]))
			return bad_at(
				e, path, f.line[FRONT_SLUG],
				"bad slug '%s' (letters, digits, '-', '_'; "
				"at most %d bytes)",
				f.value[FRONT_SLUG], LIM_SLUG_BYTES);
		p->slug = f.value[FRONT_SLUG];
	} else {
		p->slug = slug_from_title(a, p->title);
		if (*p->slug == '\0')
			return bad_at(e, path, f.line[FRONT_TITLE],
			              "cannot make a slug from the title; add "
			              "'slug:'");
	}
	if (f.value[FRONT_SECTION] != NULL) {
		if (store_section_find(st, a, f.value[FRONT_SECTION], &sec,
		                       e) == -1)
			return e->code == ERR_NOT_FOUND
			               ? bad_at(e, path, f.line[FRONT_SECTION],
			                        "no section '%s'",
			                        f.value[FRONT_SECTION])
			               : -1;
		p->section_id = sec.id;
	}
	if (f.value[FRONT_TAGS] != NULL &&
	    tags_split(a, f.value[FRONT_TAGS], LIM_TAGS, LIM_TAG_BYTES,
	               &p->tags, &p->ntags) != NULL)
		return bad_at(
			e, path, f.line[FRONT_TAGS],
			"too many tags (at most %d) or a tag over %d bytes",
			LIM_TAGS, LIM_TAG_BYTES);
	if (f.value[FRONT_SOURCE] != NULL) {
		if (!url_is_http(f.value[FRONT_SOURCE]) ||
		    strlen(f.value[FRONT_SOURCE]) > LIM_URL_FIELD_BYTES)
			return bad_at(
				e, path, f.line[FRONT_SOURCE],
				"source must be an http(s) URL of at most "
				"%d bytes",
				LIM_URL_FIELD_BYTES);
		p->source_url = f.value[FRONT_SOURCE];
	}
	p->body_src = arena_strndup(a, f.body, f.body_len);
	p->body_format = "markdown";
	p->comments_open = 1;
	buf_init(&html, 4 * (size_t)LIM_POST_SRC_BYTES);
	if (md_render(f.body, f.body_len, 0, &html, e) == -1) {
		buf_release(&html);
		return error_set(e, e->code, "%s: %s", path, e->msg);
	}
	p->body_html = arena_strndup(a, buf_str(&html), html.len);
	buf_release(&html);
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
	if (read_file(argv[2], &src, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	st = site_open(c, &e);
	if (st == NULL ||
	    post_from_file(st, a, argv[2], buf_str(&src), src.len, &p, &e) ==
	            -1 ||
	    store_post_add(st, &p, &id, &e) == -1) {
		rc = cli_fail(&e);
		goto out;
	}
	printf("%lld\t%s%s\n", (long long)id, c->url, site_permalink(a, &p));
	rc = 0;
out:
	store_close(st);
	buf_release(&src);
	arena_free(a);
	return rc;
}
