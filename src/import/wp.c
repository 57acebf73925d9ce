/*
 * WordPress content rendering, following WordPress's own functions:
 * wpautop() (wp-includes/formatting.php), shortcode_parse_atts() and
 * the caption, gallery, audio and video shortcodes (media.php), the
 * [embed] shortcode and auto-embeds of URLs alone on a line
 * (class-wp-embed.php), and the rule that block-editor posts skip
 * wpautop (do_blocks() / _restore_wpautop_hook()).
 *
 * Each step reads one buffer and writes the next; none of them needs to
 * be safe, because the last step is the sanitizer.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "wp.h"
#include "../render/html.h"
#include "../render/sanitize.h"
#include "../render/video.h"
#include "../util/limits.h"
#include "../util/banned.h"

#define STAGE_MAX     ((size_t)LIM_WXR_FIELD_BYTES * 2)
#define GALLERY_MAX   100 /* images of one [gallery] */
#define PRE_SAVED_MAX 256 /* <pre>, <script> and <style> kept aside */

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int
is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* ---- wpautop ----------------------------------------------------------- */

/* $allblocks of wpautop(). */
static const char *const blocks[] = {
	"table",   "thead",      "tfoot",   "caption",    "col",     "colgroup",
	"tbody",   "tr",         "td",      "th",         "div",     "dl",
	"dd",      "dt",         "ul",      "ol",         "li",      "pre",
	"form",    "map",        "area",    "blockquote", "address", "math",
	"style",   "p",          "h1",      "h2",         "h3",      "h4",
	"h5",      "h6",         "hr",      "fieldset",   "legend",  "section",
	"article", "aside",      "hgroup",  "header",     "footer",  "nav",
	"figure",  "figcaption", "details", "menu",       "summary",
};

/*
 * When p starts a block tag ("<div ", "</ul>", "<hr/>"), its length up
 * to and including '>', with *closing set; else 0.
 */
static size_t
block_tag(const char *p, const char *end, int *closing)
{
	const char *q = p + 1, *name;
	size_t n;

	if (p >= end || *p != '<')
		return 0;
	*closing = q < end && *q == '/';
	q += *closing;
	name = q;
	while (q < end && is_name_char(*q))
		q++;
	n = (size_t)(q - name);
	if (n == 0 || q >= end || !(is_ws(*q) || *q == '/' || *q == '>'))
		return 0;
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strlen(blocks[i]) == n &&
		    strncasecmp(name, blocks[i], n) == 0) {
			q = memchr(q, '>', (size_t)(end - q));
			return q != NULL ? (size_t)(q - p) + 1 : 0;
		}
	return 0;
}

/* A tag of p|li|div|dl|dd|dt|th|pre|td|ul|ol at p: no <br /> before it. */
static int
no_br_before(const char *p, const char *end)
{
	static const char *const names[] = {"p",  "li", "div", "dl",
	                                    "dd", "dt", "th",  "pre",
	                                    "td", "ul", "ol"};
	const char *q = p + 1, *name;
	size_t n;

	if (p >= end || *p != '<')
		return 0;
	q += q < end && *q == '/';
	name = q;
	while (q < end && is_name_char(*q))
		q++;
	n = (size_t)(q - name);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n &&
		    strncasecmp(name, names[i], n) == 0)
			return 1;
	return 0;
}

/* Does [p, end) end with a block tag (open or close)? */
static int
ends_with_block(const char *p, const char *end)
{
	const char *lt = end;
	int closing;

	if (end == p || end[-1] != '>')
		return 0;
	while (lt > p && *--lt != '<')
		;
	return *lt == '<' && block_tag(lt, end, &closing) == (size_t)(end - lt);
}

static int
ends_with_br(const char *p, const char *end)
{
	static const char *const brs[] = {"<br />", "<br/>", "<br>"};

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(brs[i]);

		if ((size_t)(end - p) >= n &&
		    strncasecmp(end - n, brs[i], n) == 0)
			return 1;
	}
	return 0;
}

static int
starts_ci(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && strncasecmp(p, lit, n) == 0;
}

static int
ends_ci(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && strncasecmp(end - n, lit, n) == 0;
}

/* One paragraph (trimmed, not empty) of wpautop, with its <br />s. */
static int
autop_para(struct buf *out, const char *p, const char *end)
{
	int closing, open_p, close_p, rc = 0;
	const char *lt, *s, *quote_end = NULL;

	open_p = block_tag(p, end, &closing) == 0;
	close_p = !ends_with_block(p, end);
	/* <p>text</div> → <p>text</p></div> */
	lt = memchr(p, '<', (size_t)(end - p));
	if (open_p && lt != NULL &&
	    (starts_ci(lt, end, "</div>") || starts_ci(lt, end, "</address>") ||
	     starts_ci(lt, end, "</form>"))) {
		rc |= buf_puts(out, "<p>");
		rc |= buf_add(out, p, (size_t)(lt - p));
		rc |= buf_puts(out, "</p>");
		p = lt;
		open_p = 0;
	}
	/*
	 * <p><blockquote> → <blockquote><p> and </blockquote></p> →
	 * </p></blockquote>, for a quote with text beside its tags.
	 */
	if (starts_ci(p, end, "<blockquote") &&
	    (lt = memchr(p, '>', (size_t)(end - p))) != NULL && lt + 1 < end) {
		rc |= buf_add(out, p, (size_t)(lt + 1 - p));
		p = lt + 1;
		while (p < end && is_ws(*p))
			p++;
		open_p = block_tag(p, end, &closing) == 0;
	}
	if (ends_ci(p, end, "</blockquote>") && end - p > 13) {
		quote_end = end - 13;
		end = quote_end;
		while (end > p && is_ws(end[-1]))
			end--;
		close_p = !ends_with_block(p, end);
	}
	if (open_p)
		rc |= buf_puts(out, "<p>");
	for (s = p; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *line_end, *next;

		if (nl == NULL) {
			rc |= buf_add(out, s, (size_t)(end - s));
			break;
		}
		line_end = nl;
		while (line_end > s && is_ws(line_end[-1]))
			line_end--;
		rc |= buf_add(out, s, (size_t)(line_end - s));
		next = nl + 1;
		/* (?<!<br />)\s*\n → <br />\n, except next to block tags */
		if (!ends_with_block(p, line_end) &&
		    !ends_with_br(p, line_end)) {
			const char *t = next;

			while (t < end && is_ws(*t))
				t++;
			if (!no_br_before(t, end) &&
			    block_tag(t, end, &closing) == 0)
				rc |= buf_puts(out, "<br />");
		}
		rc |= buf_putc(out, '\n');
		s = next;
	}
	if (close_p)
		rc |= buf_puts(out, "</p>");
	if (quote_end != NULL)
		rc |= buf_puts(out, "</blockquote>");
	rc |= buf_putc(out, '\n');
	return rc ? -1 : 0;
}

/* The end of the element that starts at p ("<pre ...>...</pre>"), or
 * NULL when p starts no pre, script or style. */
static const char *
kept_aside(const char *p, const char *end)
{
	static const char *const names[] = {"pre", "script", "style"};
	static const char caption[] = "<figure class=\"wp-caption";

	/* a [caption] already expanded: WordPress expands it after
	 * wpautop, so nothing inside it is paragraphed */
	if (starts_ci(p, end, caption)) {
		const char *q = p;

		for (; q + 9 <= end; q++)
			if (strncmp(q, "</figure>", 9) == 0)
				return q + 9;
		return end;
	}
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(names[i]);
		char close[16];
		const char *q;

		if ((size_t)(end - p) < n + 2 ||
		    strncasecmp(p + 1, names[i], n) ||
		    !(is_ws(p[n + 1]) || p[n + 1] == '>'))
			continue;
		snprintf(close, sizeof(close), "</%s>", names[i]);
		for (q = p + n + 1; q + strlen(close) <= end; q++)
			if (strncasecmp(q, close, strlen(close)) == 0)
				return q + strlen(close);
		return end; /* unclosed: to the end, as a browser reads it */
	}
	return NULL;
}

int
wp_autop(struct buf *out, const char *src, size_t n)
{
	const char *end = src + n, *p;
	const char *saved[PRE_SAVED_MAX], *saved_end[PRE_SAVED_MAX];
	size_t nsaved = 0;
	struct buf t, u;
	int rc = -1, closing;

	for (p = src; p < end && is_ws(*p); p++)
		;
	if (p == end)
		return 0;
	buf_init(&t, STAGE_MAX);
	buf_init(&u, STAGE_MAX);
	/*
	 * 1. Line ends to \n; <pre>, <script> and <style> put aside behind
	 * a placeholder (WordPress's <pre wp-pre-tag-N></pre>); newlines
	 * inside tags become spaces (wp_replace_in_html_tags); then blank
	 * lines around every block tag.
	 */
	for (p = src; p < end;) {
		const char *q;
		size_t len;

		if (*p == '\r') {
			if (buf_putc(&t, '\n') == -1)
				goto out;
			p += p + 1 < end && p[1] == '\n' ? 2 : 1;
			continue;
		}
		if (*p != '<') {
			if (buf_putc(&t, *p++) == -1)
				goto out;
			continue;
		}
		q = kept_aside(p, end);
		if (q != NULL && nsaved < PRE_SAVED_MAX) {
			saved[nsaved] = p;
			saved_end[nsaved] = q;
			if (buf_printf(&t, "\n\n<pre wp-pre-tag-%zu></pre>\n\n",
			               nsaved++) == -1)
				goto out;
			p = q;
			continue;
		}
		q = memchr(p, '>', (size_t)(end - p));
		len = q != NULL ? (size_t)(q - p) + 1 : (size_t)(end - p);
		if (block_tag(p, end, &closing) > 0 && !closing &&
		    buf_puts(&t, "\n\n") == -1)
			goto out;
		for (size_t i = 0; i < len; i++)
			if (buf_putc(&t, p[i] == '\n' || p[i] == '\r'
			                         ? ' '
			                         : p[i]) == -1)
				goto out;
		if (block_tag(p, end, &closing) > 0 &&
		    (closing || strncasecmp(p, "<hr", 3) == 0) &&
		    buf_puts(&t, "\n\n") == -1)
			goto out;
		p += len;
	}
	/* 2. Paragraphs: runs of lines between blank lines (\n\s*\n). */
	p = buf_str(&t);
	end = p + t.len;
	while (p < end) {
		const char *start, *stop, *line = p;

		/* skip blank lines */
		for (;;) {
			const char *q = line;

			while (q < end && *q != '\n' && is_ws(*q))
				q++;
			if (q < end && *q == '\n') {
				line = q + 1;
				continue;
			}
			break;
		}
		start = line;
		stop = line;
		/* up to the next blank line */
		while (stop < end) {
			const char *nl =
				memchr(stop, '\n', (size_t)(end - stop));
			const char *q;

			if (nl == NULL) {
				stop = end;
				break;
			}
			q = nl + 1;
			while (q < end && *q != '\n' && is_ws(*q))
				q++;
			if (q >= end || *q == '\n') {
				stop = nl;
				break;
			}
			stop = nl + 1;
		}
		p = stop;
		while (start < stop && is_ws(*start))
			start++;
		while (stop > start && is_ws(stop[-1]))
			stop--;
		if (start < stop && autop_para(&u, start, stop) == -1)
			goto out;
	}
	/* 3. The placeholders get their elements back. */
	p = buf_str(&u);
	end = p + u.len;
	while (p < end) {
		const char *ph = strstr(p, "<pre wp-pre-tag-");
		size_t i = 0;

		if (ph == NULL) {
			if (buf_add(out, p, (size_t)(end - p)) == -1)
				goto out;
			break;
		}
		if (buf_add(out, p, (size_t)(ph - p)) == -1)
			goto out;
		p = ph + strlen("<pre wp-pre-tag-");
		while (*p >= '0' && *p <= '9')
			i = i * 10 + (size_t)(*p++ - '0');
		p += strlen("></pre>");
		if (i < nsaved &&
		    buf_add(out, saved[i], (size_t)(saved_end[i] - saved[i])) ==
		            -1)
			goto out;
	}
	rc = 0;
out:
	buf_release(&t);
	buf_release(&u);
	return rc;
}

/* ---- block comments ---------------------------------------------------- */

int
wp_has_blocks(const char *src)
{
	return strstr(src, "<!-- wp:") != NULL;
}

/* "<!-- wp:name {...} -->", "<!-- /wp:name -->" and "<!-- wp:x /-->" go;
 * what is between them stays. */
static int
strip_blocks(struct buf *out, const char *p, const char *end)
{
	while (p < end) {
		const char *c = memchr(p, '<', (size_t)(end - p)), *q;

		if (c == NULL)
			return buf_add(out, p, (size_t)(end - p));
		if (buf_add(out, p, (size_t)(c - p)) == -1)
			return -1;
		p = c;
		if ((size_t)(end - p) > 8 &&
		    (strncmp(p, "<!-- wp:", 8) == 0 ||
		     strncmp(p, "<!-- /wp:", 9) == 0)) {
			q = NULL;
			for (const char *s = p + 8; s + 3 <= end; s++)
				if (s[0] == '-' && s[1] == '-' && s[2] == '>') {
					q = s + 3;
					break;
				}
			p = q != NULL ? q : end;
			continue;
		}
		if (buf_putc(out, *p++) == -1)
			return -1;
	}
	return 0;
}

/* ---- shortcodes -------------------------------------------------------- */

struct sc {
	const char *name, *atts, *content;
	size_t nlen, alen, clen;
	int has_content;
};

/* The value of attribute key (or, with key NULL, positional attribute
 * idx) of a shortcode, as shortcode_parse_atts() reads them; NULL when
 * absent.  Attribute values are not entity-decoded here. */
static const char *
att(struct arena *a, const struct sc *s, const char *key, int idx)
{
	const char *p = s->atts, *end = s->atts + s->alen;
	int pos = 0;

	while (p < end) {
		const char *name = p, *v;
		size_t nl = 0, vl;

		while (p < end && is_ws(*p))
			p++;
		if (p >= end)
			break;
		name = p;
		while (p < end && is_name_char(*p))
			p++;
		nl = (size_t)(p - name);
		{
			const char *q = p;

			while (q < end && is_ws(*q))
				q++;
			if (nl > 0 && q < end && *q == '=') {
				q++;
				while (q < end && is_ws(*q))
					q++;
				p = q;
			} else {
				nl = 0;
				p = name;
			}
		}
		if (p < end && (*p == '"' || *p == '\'')) {
			const char *close =
				memchr(p + 1, *p, (size_t)(end - p - 1));

			v = p + 1;
			vl = close ? (size_t)(close - v) : (size_t)(end - v);
			p = close ? close + 1 : end;
		} else {
			v = p;
			while (p < end && !is_ws(*p))
				p++;
			vl = (size_t)(p - v);
		}
		if (key != NULL && nl == strlen(key) &&
		    strncasecmp(name, key, nl) == 0)
			return arena_strndup(a, v, vl);
		if (key == NULL && nl == 0 && pos++ == idx)
			return arena_strndup(a, v, vl);
		if (vl == 0 && p < end && nl == 0)
			p++; /* a stray quote */
	}
	return NULL;
}

/* "&amp;" → "&", the one entity that matters in a URL from HTML. */
static const char *
url_of(struct arena *a, const char *s, size_t n)
{
	char *u = arena_strndup(a, s, n), *w = u;

	while (n > 0 && is_ws(*s))
		s++, n--;
	for (const char *r = u; *r; r++) {
		if (strncmp(r, "&amp;", 5) == 0) {
			*w++ = '&';
			r += 4;
		} else if (!is_ws(*r))
			*w++ = *r;
	}
	*w = '\0';
	return u;
}

static int
put_attr(struct buf *b, const char *name, const char *value)
{
	if (buf_printf(b, " %s=\"", name) == -1 ||
	    html_escape(b, value, strlen(value)) == -1)
		return -1;
	return buf_putc(b, '"');
}

static int
put_player(struct buf *b, const char *player)
{
	if (buf_puts(b, "<div class=\"embed video\"><iframe") == -1 ||
	    put_attr(b, "src", player) == -1)
		return -1;
	return buf_puts(b, " width=\"640\" height=\"360\" title=\"Video\">"
	                   "</iframe></div>\n");
}

/* A URL for [embed] and friends: the player, or a plain link. */
static int
put_embed(struct buf *b, struct arena *a, const char *url)
{
	const char *player = video_player_url(a, url, strlen(url));

	if (*url == '\0')
		return 0;
	if (player != NULL)
		return put_player(b, player);
	if (buf_puts(b, "<a") == -1 || put_attr(b, "href", url) == -1 ||
	    buf_putc(b, '>') == -1 || html_escape(b, url, strlen(url)) == -1)
		return -1;
	return buf_puts(b, "</a>");
}

static int
do_caption(struct buf *b, struct arena *a, const struct sc *s)
{
	const char *c = s->content, *end = s->content + s->clen;
	const char *cap = att(a, s, "caption", -1),
		   *align = att(a, s, "align", -1);
	const char *img, *img_end, *q;

	/* (<a ...>\s*)?<img ...>(\s*</a>)? then the caption text */
	while (c < end && is_ws(*c))
		c++;
	img = c;
	q = c;
	if ((size_t)(end - q) > 3 && strncasecmp(q, "<a ", 3) == 0) {
		q = memchr(q, '>', (size_t)(end - q));
		q = q ? q + 1 : end;
		while (q < end && is_ws(*q))
			q++;
	}
	if ((size_t)(end - q) > 5 && strncasecmp(q, "<img ", 5) == 0) {
		q = memchr(q, '>', (size_t)(end - q));
		q = q ? q + 1 : end;
		img_end = q;
		while (q < end && is_ws(*q))
			q++;
		if ((size_t)(end - q) >= 4 && strncasecmp(q, "</a>", 4) == 0)
			img_end = q + 4;
	} else
		img_end = img; /* no image: all of it is the caption */
	if (cap == NULL || *cap == '\0') {
		cap = img_end;
		while (cap < end && is_ws(*cap))
			cap++;
		cap = arena_strndup(a, cap, (size_t)(end - cap));
	}
	if (*cap == '\0') /* WordPress: no caption, no wrapper */
		return buf_add(b, s->content, s->clen);
	if (buf_puts(b, "<figure class=\"wp-caption") == -1)
		return -1;
	if (align != NULL && *align &&
	    (buf_putc(b, ' ') == -1 ||
	     html_escape(b, align, strlen(align)) == -1))
		return -1;
	if (buf_puts(b, "\">") == -1 ||
	    buf_add(b, img, (size_t)(img_end - img)) == -1 ||
	    buf_puts(b, "<figcaption class=\"wp-caption-text\">") == -1 ||
	    buf_puts(b, cap) == -1)
		return -1;
	return buf_puts(b, "</figcaption></figure>\n");
}

static int
do_gallery(struct buf *b, struct arena *a, const struct sc *s,
           const struct wp_options *o)
{
	struct wp_media m[GALLERY_MAX];
	const char *ids = att(a, s, "ids", -1),
		   *cols = att(a, s, "columns", -1);
	size_t n = 0;

	if (ids == NULL)
		ids = att(a, s, "include", -1);
	if (ids != NULL && o->media != NULL) {
		for (const char *p = ids; *p && n < GALLERY_MAX;) {
			int64_t id = 0;

			while (*p && (*p < '0' || *p > '9'))
				p++;
			while (*p >= '0' && *p <= '9' && id < INT64_MAX / 10)
				id = id * 10 + (*p++ - '0');
			if (id > 0 && o->media(o->ctx, a, id, &m[n]) == 1)
				n++;
		}
	} else if (ids == NULL && o->children != NULL && o->post_id > 0)
		n = o->children(o->ctx, a, o->post_id, m, GALLERY_MAX);
	if (n == 0)
		return 0; /* an empty gallery renders nothing */
	if (buf_puts(b, "<ul class=\"gallery") == -1)
		return -1;
	if (cols != NULL && strspn(cols, "0123456789") == strlen(cols) &&
	    strlen(cols) <= 2 &&
	    buf_printf(b, " gallery-columns-%s", cols) == -1)
		return -1;
	if (buf_puts(b, "\">") == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (buf_puts(b, "<li class=\"gallery-item\"><img") == -1 ||
		    put_attr(b, "src", m[i].url) == -1 ||
		    put_attr(b, "alt", m[i].title ? m[i].title : "") == -1 ||
		    buf_puts(b, "></li>") == -1)
			return -1;
	return buf_puts(b, "</ul>\n");
}

static int
do_media(struct buf *b, struct arena *a, const struct sc *s, int video)
{
	static const char *const audio_keys[] = {"src", "mp3", "m4a",
	                                         "ogg", "wav", NULL};
	static const char *const video_keys[] = {"src", "mp4", "m4v", "webm",
	                                         "ogv", "flv", NULL};
	const char *const *keys = video ? video_keys : audio_keys;
	const char *url = NULL, *player;

	for (size_t i = 0; url == NULL && keys[i] != NULL; i++)
		url = att(a, s, keys[i], -1);
	if (url == NULL)
		url = att(a, s, NULL, 0);
	if (url == NULL || *url == '\0')
		return 0; /* WordPress would look for attached media */
	url = url_of(a, url, strlen(url));
	player = video_player_url(a, url, strlen(url));
	if (player != NULL)
		return put_player(b, player);
	if (buf_printf(b, "<div class=\"wp-%s\"><%s controls preload=\"%s\"",
	               video ? "video" : "audio", video ? "video" : "audio",
	               video ? "metadata" : "none") == -1 ||
	    put_attr(b, "src", url) == -1)
		return -1;
	return buf_printf(b, "></%s></div>\n", video ? "video" : "audio");
}

static const char *const known[] = {"caption", "wp_caption", "gallery", "embed",
                                    "youtube", "audio",      "video"};

static int
known_at(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && is_name_char(*q))
		q++;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i]) == (size_t)(q - p) &&
		    strncmp(p, known[i], (size_t)(q - p)) == 0)
			return 1;
	return 0;
}

/* Enclosing shortcodes need their [/name]; the others may have one. */
static int
encloses(const char *name, size_t n)
{
	return (n == 7 && strncmp(name, "caption", 7) == 0) ||
	       (n == 10 && strncmp(name, "wp_caption", 10) == 0) ||
	       (n == 5 && strncmp(name, "embed", 5) == 0);
}

/* A known shortcode at p ('['): filled s, the end of it; NULL if none. */
static const char *
shortcode_at(const char *p, const char *end, struct sc *s)
{
	const char *q = p + 1, *close;
	char want[32];
	int found = 0;

	memset(s, 0, sizeof(*s));
	s->name = q;
	while (q < end && is_name_char(*q))
		q++;
	s->nlen = (size_t)(q - s->name);
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i]) == s->nlen &&
		    strncmp(s->name, known[i], s->nlen) == 0)
			found = 1;
	if (!found || q >= end ||
	    !(is_ws(*q) || *q == ']' || *q == '/' || *q == '='))
		return NULL;
	close = memchr(q, ']', (size_t)(end - q));
	if (close == NULL || memchr(q, '[', (size_t)(close - q)) != NULL)
		return NULL;
	s->atts = q;
	s->alen = (size_t)(close - q);
	if (s->alen > 0 && s->atts[s->alen - 1] == '/') {
		s->alen--; /* self-closing */
		return close + 1;
	}
	snprintf(want, sizeof(want), "[/%.*s]", (int)s->nlen, s->name);
	for (q = close + 1; q + strlen(want) <= end; q++)
		if (strncmp(q, want, strlen(want)) == 0) {
			s->content = close + 1;
			s->clen = (size_t)(q - s->content);
			s->has_content = 1;
			return q + strlen(want);
		}
	if (encloses(s->name, s->nlen))
		return NULL; /* unclosed: left as text */
	return close + 1;
}

static int
shortcodes(struct buf *out, struct arena *a, const char *p, const char *end,
           const struct wp_options *o)
{
	while (p < end) {
		const char *br = memchr(p, '[', (size_t)(end - p)), *next;
		struct sc s;
		int rc;

		if (br == NULL)
			return buf_add(out, p, (size_t)(end - p));
		if (buf_add(out, p, (size_t)(br - p)) == -1)
			return -1;
		p = br;
		/* [[caption]] is WordPress's way to write "[caption]" */
		if (p + 1 < end && p[1] == '[' && known_at(p + 2, end)) {
			const char *close = memchr(p, ']', (size_t)(end - p));

			if (close != NULL && close + 1 < end &&
			    close[1] == ']') {
				if (buf_add(out, p + 1, (size_t)(close - p)) ==
				    -1)
					return -1;
				p = close + 2;
				continue;
			}
		}
		next = shortcode_at(p, end, &s);
		if (next == NULL) {
			if (buf_putc(out, '[') == -1)
				return -1;
			p++;
			continue;
		}
		if (strncmp(s.name, "caption", s.nlen) == 0 ||
		    strncmp(s.name, "wp_caption", s.nlen) == 0)
			rc = do_caption(out, a, &s);
		else if (strncmp(s.name, "gallery", s.nlen) == 0)
			rc = do_gallery(out, a, &s, o);
		else if (strncmp(s.name, "embed", s.nlen) == 0)
			rc = put_embed(out, a, url_of(a, s.content, s.clen));
		else if (strncmp(s.name, "youtube", s.nlen) == 0) {
			/* [youtube=URL], [youtube URL], [youtube]URL[/youtube]
			 */
			const char *u = s.alen > 0 && s.atts[0] == '='
			                        ? arena_strndup(a, s.atts + 1,
			                                        s.alen - 1)
			                        : att(a, &s, NULL, 0);

			if ((u == NULL || *u == '\0') && s.has_content)
				u = arena_strndup(a, s.content, s.clen);
			rc = put_embed(out, a,
			               u ? url_of(a, u, strlen(u)) : "");
		} else
			rc = do_media(out, a, &s,
			              strncmp(s.name, "video", s.nlen) == 0);
		if (rc == -1)
			return -1;
		p = next;
	}
	return 0;
}

/* A video URL alone on its line becomes the player (WordPress's
 * autoembed); other URLs alone on a line become links. */
static int
own_line_urls(struct buf *out, struct arena *a, const char *p, const char *end)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end, *s = p, *e = le, *player;

		while (s < e && is_ws(*s))
			s++;
		while (e > s && is_ws(e[-1]))
			e--;
		if ((size_t)(e - s) > 8 &&
		    (strncmp(s, "https://", 8) == 0 ||
		     strncmp(s, "http://", 7) == 0) &&
		    memchr(s, ' ', (size_t)(e - s)) == NULL &&
		    memchr(s, '<', (size_t)(e - s)) == NULL &&
		    memchr(s, '"', (size_t)(e - s)) == NULL) {
			const char *url = url_of(a, s, (size_t)(e - s));

			player = video_player_url(a, url, strlen(url));
			if ((player != NULL ? put_player(out, player)
			                    : put_embed(out, a, url)) == -1)
				return -1;
		} else if (buf_add(out, p, (size_t)(le - p)) == -1)
			return -1;
		if (nl != NULL && buf_putc(out, '\n') == -1)
			return -1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int
wp_render(struct buf *out, struct arena *a, const char *src, size_t n,
          const struct wp_options *o)
{
	struct buf one, two;
	int rc = -1, blocks_ = 0,
	    comment = o != NULL && (o->flags & WP_COMMENT);
	static const struct wp_options none = {0};

	if (o == NULL)
		o = &none;
	buf_init(&one, STAGE_MAX);
	buf_init(&two, STAGE_MAX);
	if (!comment) {
		blocks_ = wp_has_blocks(src);
		if (strip_blocks(&one, src, src + n) == -1 ||
		    shortcodes(&two, a, buf_str(&one), buf_str(&one) + one.len,
		               o) == -1)
			goto out;
		buf_reset(&one);
		if (own_line_urls(&one, a, buf_str(&two),
		                  buf_str(&two) + two.len) == -1)
			goto out;
	} else if (buf_add(&one, src, n) == -1)
		goto out;
	buf_reset(&two);
	/* block-editor posts are not auto-paragraphed (do_blocks) */
	if (blocks_ ? buf_add(&two, buf_str(&one), one.len) == -1
	            : wp_autop(&two, buf_str(&one), one.len) == -1)
		goto out;
	rc = sanitize_html(out, buf_str(&two), two.len,
	                   comment ? SANITIZE_UGC : 0);
out:
	buf_release(&one);
	buf_release(&two);
	return rc;
}
