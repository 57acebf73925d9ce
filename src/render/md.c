#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "md.h"
#include "../util/banned.h"

static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void
md_register(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

static int
is_data_url(const char *url)
{
	while (*url == ' ' || *url == '\t' || *url == '\n')
		url++;
	return strncasecmp(url, "data:", 5) == 0;
}

/* cmark keeps data:image/... in its safe mode; we keep no data: at all. */
static void
drop_data_urls(cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		const char *url;

		if (ev != CMARK_EVENT_ENTER ||
		    (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE))
			continue;
		url = cmark_node_get_url(n);
		if (url != NULL && is_data_url(url))
			cmark_node_set_url(n, "");
	}
	cmark_iter_free(it);
}

/*
 * cmark writes every link as `<a href="`; text that looks like one is
 * escaped, so adding the attribute here cannot touch reader text.
 */
static int
add_ugc_rel(struct buf *out, const char *html, size_t n)
{
	static const char open[] = "<a href=\"";
	const char *p = html, *end = html + n;

	while (p < end) {
		const char *hit =
			memmem(p, (size_t)(end - p), open, sizeof(open) - 1);

		if (hit == NULL)
			return buf_add(out, p, (size_t)(end - p));
		if (buf_add(out, p, (size_t)(hit - p)) == -1 ||
		    buf_puts(out, "<a rel=\"nofollow ugc\" href=\"") == -1)
			return -1;
		p = hit + sizeof(open) - 1;
	}
	return 0;
}

int
md_render(const char *src, size_t n, enum md_flags flags, struct buf *out,
          struct error *e)
{
	static const char *const exts[] = {"table", "strikethrough", "autolink",
	                                   "tagfilter"};
	int opts = CMARK_OPT_DEFAULT | CMARK_OPT_SMART |
	           CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE;
	cmark_parser *parser;
	cmark_node *doc;
	char *html = NULL;
	size_t start = out->len;
	int rc = -1;

	pthread_once(&md_once, md_register);
	parser = cmark_parser_new(opts);
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		cmark_syntax_extension *ext =
			cmark_find_syntax_extension(exts[i]);

		if (ext != NULL)
			cmark_parser_attach_syntax_extension(parser, ext);
	}
	cmark_parser_feed(parser, src, n);
	doc = cmark_parser_finish(parser);
	if (doc == NULL) {
		error_set(e, ERR_IO, "markdown: parser failed");
		goto out;
	}
	drop_data_urls(doc);
	html = cmark_render_html(doc, opts,
	                         cmark_parser_get_syntax_extensions(parser));
	if (html == NULL) {
		error_set(e, ERR_IO, "markdown: render failed");
		goto out;
	}
	if ((flags & MD_UGC) ? add_ugc_rel(out, html, strlen(html))
	                     : buf_puts(out, html)) {
		error_set(e, ERR_TOO_BIG, "rendered markdown is over %zu bytes",
		          out->max);
		/* Leave out as it was: no half-written HTML. */
		out->len = start;
		if (out->p != NULL)
			out->p[start] = '\0';
		goto out;
	}
	rc = 0;
out:
	free(html);
	if (doc != NULL)
		cmark_node_free(doc);
	cmark_parser_free(parser);
	return rc;
}
