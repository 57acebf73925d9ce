/*
 * Images of the library in HTML (media.h): srcset, sizes, width and
 * height for a post's body at save time and for featured images, so pages
 * load the width they need and do not shift while pictures arrive.
 */
#include <string.h>

#include "internal.h"
#include "../store/media.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/banned.h"

void
media_picture_of(struct arena *a, const struct media_row *r,
                 struct media_picture *out)
{
	int webp = strcmp(r->mime, "image/webp") == 0;

	out->src = arena_printf(a, "/media/%s", r->path);
	out->srcset = media_srcset(a, r->path, r->mime, r->width, 0);
	out->webp_srcset =
		webp ? "" : media_srcset(a, r->path, r->mime, r->width, 1);
	/* As wide as the column up to the image's own width. */
	out->sizes = arena_printf(a, "(max-width: %dpx) 100vw, %dpx", r->width,
	                          r->width);
	out->alt = r->alt;
	out->width = r->width;
	out->height = r->height;
}

/* The '>' that ends the tag at p, past quoted values; NULL if none. */
static const char *
tag_end(const char *p)
{
	char q = 0;

	for (; *p != '\0'; p++) {
		if (q != 0) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'')
			q = *p;
		else if (*p == '>')
			return p;
	}
	return NULL;
}

/* Whether the tag [p, end) has the attribute name (" name="). */
static const char *
tag_attr(const char *p, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (; p + n + 2 < end; p++)
		if ((*p == ' ' || *p == '\t' || *p == '\n') &&
		    strncmp(p + 1, name, n) == 0 && p[n + 1] == '=')
			return p + n + 2;
	return NULL;
}

/* The library's image named by the tag's src="/media/…", or 0. */
static int
tag_image(struct store *s, struct arena *a, const char *tag, const char *end,
          struct media_row *r, struct error *e)
{
	const char *v = tag_attr(tag, end, "src"), *close;
	struct error e2;

	if (v == NULL || *v != '"' || strncmp(v + 1, "/media/", 7) != 0 ||
	    tag_attr(tag, end, "srcset") != NULL ||
	    tag_attr(tag, end, "width") != NULL)
		return 0;
	close = memchr(v + 1, '"', (size_t)(end - v - 1));
	if (close == NULL)
		return 0;
	v = arena_strndup(a, v + 8, (size_t)(close - v - 8));
	if (!media_path_immutable(v))
		return 0;
	if (store_media_by_path(s, a, v, r, &e2) == -1) {
		if (e2.code == ERR_NOT_FOUND)
			return 0;
		*e = e2;
		return -1;
	}
	return r->width > 0 && strncmp(r->mime, "image/", 6) == 0;
}

const char *
media_html_images(struct store *s, struct arena *a, const char *html,
                  struct error *e)
{
	struct buf b;
	const char *p = html, *img, *out = html;
	int changed = 0;

	buf_init(&b, 2 * strlen(html) + LIM_POST_SRC_BYTES);
	while ((img = strstr(p, "<img ")) != NULL) {
		const char *end = tag_end(img), *stop;
		struct media_picture pic;
		struct media_row r;
		int rc;

		if (end == NULL)
			break;
		rc = tag_image(s, a, img, end, &r, e);
		if (rc == -1) {
			out = NULL;
			goto out;
		}
		if (rc == 0) {
			if (buf_add(&b, p, (size_t)(end + 1 - p)) == -1)
				goto big;
			p = end + 1;
			continue;
		}
		media_picture_of(a, &r, &pic);
		/* The attributes go in before "/>" or ">". */
		stop = end;
		if (stop > img && stop[-1] == '/')
			stop--;
		while (stop > img && stop[-1] == ' ')
			stop--;
		if (buf_add(&b, p, (size_t)(img - p)) == -1 ||
		    buf_puts(&b, "<picture>") == -1)
			goto big;
		if (*pic.webp_srcset != '\0' &&
		    buf_printf(&b,
		               "<source type=\"image/webp\" srcset=\"%s\" "
		               "sizes=\"%s\">",
		               pic.webp_srcset, pic.sizes) == -1)
			goto big;
		if (buf_add(&b, img, (size_t)(stop - img)) == -1 ||
		    buf_printf(&b,
		               " width=\"%d\" height=\"%d\" srcset=\"%s\" "
		               "sizes=\"%s\" loading=\"lazy\" "
		               "decoding=\"async\"%s</picture>",
		               pic.width, pic.height, pic.srcset, pic.sizes,
		               end[-1] == '/' ? " />" : ">") == -1)
			goto big;
		p = end + 1;
		changed = 1;
	}
	if (changed) {
		if (buf_puts(&b, p) == -1)
			goto big;
		out = arena_strndup(a, buf_str(&b), b.len);
	}
	goto out;
big:
	error_set(e, ERR_TOO_BIG, "the body is too big");
	out = NULL;
out:
	buf_release(&b);
	return out;
}
