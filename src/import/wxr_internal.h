/*
 * What the parts of the WordPress WXR importer share: the import's state
 * (struct wxr), what the reading thread renders ahead (struct pre), and
 * the functions one part calls in another.  wxr.c owns the channel's
 * elements, the items and the reader; wxr_fields.c reading an element's
 * fields; wxr_links.c rewriting links to the old site; wxr_render.c
 * rendering content; wxr_comments.c an item's comments and their
 * threads; wxr_ahead.c the reading thread.  Nothing outside src/import/wxr*.c
 * includes this.
 */
#ifndef GAZETTE_IMPORT_WXR_INTERNAL_H
#define GAZETTE_IMPORT_WXR_INTERNAL_H

#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <stdint.h>

#include "wxr.h"
#include "../store/comments.h"
#include "../store/import.h"
#include "../store/posts.h"
#include "../util/error.h"

#define NS_CONTENT "http://purl.org/rss/1.0/modules/content/"
#define NS_DC      "http://purl.org/dc/elements/1.1/"

struct wxr {
	struct store *s;
	const struct wxr_options *o;
	struct wxr_report *r;
	const char *path;
	struct arena *a;       /* reset for each top-level element */
	struct arena *scratch; /* for store_import_index() */
	int have_version;
	int too_big; /* a field of the current element passed the cap */
	int not_wxr; /* refused: no valid wp:wxr_version */
	char base_blog[512], base_site[512];
	/* the first XML error of the file */
	int xerr;
	int xline, xcol;
	char xmsg[160];
	/* posts with a [gallery], rendered again once the attachments
	 * (which come after them in WordPress's exports) are in */
	int64_t *again;
	size_t nagain, capagain;
	/* comments were added that thread_plan() could not join up:
	 * store_import_finish() joins up every thread again */
	int rethread;
	/* elements come from the read-ahead thread, some HTML rendered */
	int ahead;
};

/*
 * What the reading thread rendered of a content:encoded or
 * wp:comment_content element (node->_private; html NULL when it left the
 * work to the writer).
 */
struct pre {
	const char *body_src; /* a post's with links rewritten */
	const char *html;
	const char *text; /* a post's html as search indexes it */
};

struct wcomment; /* defined in wxr_comments.c */

/* wxr_fields.c: namespaces and fields */
int wxr_is_el(const xmlNode *n, const char *ns, const char *name);
int wxr_is_wp(const xmlNode *n, const char *name);
int wxr_is_space(char c);
const char *wxr_text_of(struct wxr *w, const xmlNode *n, int trim);
const char *wxr_attr_of(struct wxr *w, const xmlNode *n, const char *name);
int64_t wxr_id_of(const char *s);
int64_t wxr_time_of(const char *gmt, const char *local);
void wxr_skip(struct wxr *w, enum wxr_kind k, const char *why);
const char *wxr_slug_of(struct wxr *w, const char *raw, const char *title);

/* wxr_links.c: links to the old site in content */
const char *wxr_rewrite_links(struct wxr *w, const char *body);
void wxr_link_add(struct wxr *w, const char *link, int64_t post_id,
                  int64_t media_id, struct error *e, int *rc);

/* wxr_comments.c: an item's comments */
int wxr_comments_read(struct wxr *w, const xmlNode *n, struct import_post *p,
                      struct wcomment **cm_out, int **order_out, int *n_out,
                      struct error *e);
int wxr_comments_store(struct wxr *w, struct wcomment *cm, const int *order,
                       int n, int64_t post_id, int threaded, struct error *e);

/* wxr_render.c: content as WordPress shows it */
const char *wxr_render(struct wxr *w, const char *src, int64_t legacy_id,
                       unsigned flags);
int wxr_render_again(struct wxr *w, struct error *e);

/* wxr.c: the reader */
void wxr_on_xml_error(void *ctx, xmlErrorPtr err);
void wxr_xml_position(struct wxr *w, xmlTextReaderPtr rd);
int wxr_xml_report(struct wxr *w, struct error *e);
int wxr_not_wxr(struct wxr *w, struct error *e);
int wxr_base_url(struct wxr *w, const xmlNode *n);
void wxr_base_fallback(struct wxr *w);
int wxr_channel_child(struct wxr *w, const xmlNode *n, struct error *e);

/* wxr_ahead.c: the reading thread */
const void *wxr_pre_of(const struct wxr *w, const xmlNode *n);
int wxr_read_ahead(struct wxr *w, xmlTextReaderPtr rd, int64_t size,
                   struct error *e);

#endif
