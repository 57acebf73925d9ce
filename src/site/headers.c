/*
 * The security headers every answer carries (issue 13): the server adds
 * each of these that the handler did not set itself (server_start), after
 * the handler and after the page cache, so cached pages, 304s, errors and
 * the server's own refusals carry them too.  The admin sets a stricter
 * policy of its own (admin_render: images from the site only, no frames).
 */
#include <stddef.h>

#include "site.h"
#include "../render/video.h"
#include "../util/banned.h"

/*
 * script-src and style-src 'self': no inline script or style anywhere
 * (templates load their scripts from static/; a comment's indentation is
 * a class), so text that slipped through escaping cannot run.  Images and media
 * may come from anywhere: imported posts and podcast feeds point at other
 * hosts, and neither runs script.  Frames only from the video players the
 * sanitizer lets in (render/video.h).  frame-ancestors 'none', and
 * X-Frame-Options for browsers without CSP 2: the comment and post
 * password forms cannot be framed (clickjacking).  form-action 'self':
 * an injected form cannot post elsewhere.
 */
#define SITE_CSP SITE_CSP_FRAMES

const struct header site_headers[] = {
	{"Content-Security-Policy", SITE_CSP},
	{"X-Frame-Options", "DENY"},
	{"X-Content-Type-Options", "nosniff"},
	/* The full URL only to this site; the origin alone elsewhere. */
	{"Referrer-Policy", "strict-origin-when-cross-origin"},
	{NULL, NULL},
};
