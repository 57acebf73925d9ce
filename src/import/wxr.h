#ifndef GAZETTE_WXR_H
#define GAZETTE_WXR_H
/*
 * WordPress import: a WXR file (any version, any wordpress.org/export/
 * namespace over http or https) streamed with libxml2's xmlTextReader,
 * one top-level element expanded at a time, so memory stays bounded by
 * the largest single item, whatever the file's size.
 *
 * The whole file goes in one store transaction: a malformed file, a file
 * that is not WXR, or a database failure leaves the site as it was.
 * Items already imported (matched by their WordPress ids) are skipped, so
 * importing the same file again adds nothing.
 */
#include <stdint.h>

#include "../store/store.h"
#include "../util/buf.h"
#include "../util/error.h"

/* What the summary counts, one row each. */
enum wxr_kind {
	WXR_AUTHOR,
	WXR_CATEGORY,
	WXR_TAG,
	WXR_TERM,
	WXR_POST,
	WXR_PAGE,
	WXR_ATTACHMENT,
	WXR_OTHER, /* items of other post types (menus, blocks...) */
	WXR_COMMENT,
	WXR_PINGBACK, /* pingbacks and trackbacks */
	WXR_POST_META,
	WXR_COMMENT_META,
	WXR_TERM_META,
	WXR_LINK, /* old permalinks recorded for redirects */
	WXR_KIND__MAX
};
extern const char *const wxr_kind_names[WXR_KIND__MAX];

#define WXR_WHY_BYTES 96

struct wxr_report {
	char version[16];   /* wp:wxr_version */
	char base_url[512]; /* wp:base_blog_url (or base_site_url) */
	int64_t items;      /* <item>s read */
	int64_t added[WXR_KIND__MAX];
	int64_t existing[WXR_KIND__MAX];        /* there already: skipped */
	int64_t skipped[WXR_KIND__MAX];         /* not imported, for why[] */
	char why[WXR_KIND__MAX][WXR_WHY_BYTES]; /* the last reason */
};

struct wxr_progress {
	int64_t items;       /* top-level elements done */
	int64_t bytes, size; /* bytes read of the file's size */
};

struct wxr_options {
	/*
	 * Links in content to the export's base URL are rewritten to this
	 * (the new site's url, no trailing slash); NULL or "" rewrites
	 * nothing.
	 */
	const char *site_url;
	/* Called after each top-level element; the caller throttles. */
	void (*progress)(void *ctx, const struct wxr_progress *p);
	void *ctx;
	/* Read and render in the calling thread too (tests compare). */
	int one_thread;
};

/*
 * Import the WXR file at path into s.  0 with r filled; -1 with e:
 * ERR_INVALID for a file that is malformed ("FILE:LINE:COLUMN: ...") or
 * not WXR, ERR_IO for I/O and database failures.  Nothing is committed
 * on -1.
 */
int wxr_import(struct store *s, const char *path, const struct wxr_options *o,
               struct wxr_report *r, struct error *e);

/*
 * After an import, the pictures (wxr_media.c): each attachment's file
 * from dir, a copy of the old site's wp-content/uploads, stored by
 * media_add()'s rules; every /wp-content/uploads/… URL in post bodies (on
 * the old host, base_url's, or relative) rewritten to the stored file
 * (WordPress's resized copies, NAME-WxH.EXT, and NAME-scaled.EXT to their
 * original); files bodies name that no attachment lists are added too;
 * featured images from WordPress's _thumbnail_id.  Nothing is fetched
 * from the old host.  r counts the URLs and attachments found, the files
 * missing from dir, the ones refused (r->why: the last reason) and the
 * URLs rewritten.
 */
struct wxr_media_report {
	int64_t found, missing, refused, rewritten, featured, fetched;
	char why[WXR_WHY_BYTES];
};
/* With fetch (--media-fetch): a file not in dir (or every file, dir
 * NULL) is asked of the old host, url, into the new file dst; 0, or -1
 * with e (counted as missing, e's message as why). */
typedef int (*wxr_media_fetch)(void *ctx, const char *url, const char *dst,
                               struct error *e);
int wxr_media(struct store *s, const char *site_dir, const char *dir,
              const char *base_url, wxr_media_fetch fetch, void *fetch_ctx,
              struct wxr_media_report *r, struct error *e);

/*
 * Options for wp_render() whose [gallery] finds its attachments among the
 * media an import recorded in s (NULL: a gallery renders nothing), for
 * the post with WordPress id legacy_id (0: none).
 */
struct wp_options;
void wxr_wp_options(struct wp_options *o, struct store *s, int64_t legacy_id,
                    unsigned flags);

/* body_html of a password-protected post; the body is in protected_html. */
#define WXR_PROTECTED_NOTICE                                                   \
	"<p class=\"protected\">This content is password protected.</p>\n"

#endif
