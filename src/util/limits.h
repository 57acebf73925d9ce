#ifndef GAZETTE_LIMITS_H
#define GAZETTE_LIMITS_H
/*
 * Every limit gazette enforces on input, in one place.  Each is used where it
 * is enforced and in the test that crosses it (tests/e2e, tests/unit).
 */

/* HTTP (enforced in http/server.c) */
#define LIM_BODY_BYTES         (1024 * 1024) /* request body; 413 past it */
#define LIM_HEADER_BYTES       (16 * 1024)   /* request line + headers; 431 */
#define LIM_URL_BYTES          4096          /* request target; 414 past it */
#define LIM_CONNECTIONS        1024          /* open connections at once */
#define LIM_WORKER_CONNECTIONS 126 /* on one server thread (server.c) */
#define LIM_IDLE_SECONDS       30  /* idle keep-alive connection */
#define LIM_HEAD_SECONDS       10  /* deadline for the whole request head */
#define LIM_TRUSTED_PROXIES    64 /* addresses and networks in trusted_proxies */
#define LIM_QUERY_ARGS         64  /* query-string arguments */
#define LIM_FORM_FIELDS        64  /* fields in one form body */
#define LIM_FORM_VALUES        500 /* values of one repeated field (bulk) */
#define LIM_RESPONSE_BYTES     (16 * 1024 * 1024) /* one rendered response */
#define LIM_ROUTE_PARAMS       8                  /* captured path segments */

/* HTTP: what one client may hold (enforced in http/server.c) */
/* One address (an IPv6 /64) that is not a trusted proxy: at this many its
 * longest-idle connection makes room, and a new one is closed when none is
 * idle.  A browser opens six per site, so a household or office behind one
 * address still fits ten browsers opening at once. */
#define LIM_CONNECTIONS_PER_ADDR 64
/* A response being sent must be taken by the reader at LIM_SEND_MIN_BYTES
 * per LIM_SEND_SECONDS (3.2 KiB/s, below a GPRS phone's ~5 KB/s), or the
 * connection is cut: at that floor a 1 MB page still finishes, in five
 * minutes, and in 20 s on a slow 3G link.  Measured per window, not over
 * the whole response, so a big download cannot bank credit. */
#define LIM_SEND_SECONDS   10
#define LIM_SEND_MIN_BYTES (32 * 1024)

/* content */
#define LIM_SLUG_BYTES       200 /* WordPress allows 200 */
#define LIM_TZ_NAME_BYTES    64  /* setting timezone: an IANA name */
#define LIM_DATE_FMT_BYTES   32  /* setting date_format */
#define LIM_TITLE_BYTES      1000
#define LIM_POST_SRC_BYTES   (4 * 1024 * 1024) /* Markdown source of a post */
#define LIM_FRONT_LINES      64                /* front-matter lines */
#define LIM_FRONT_LINE_BYTES 4096              /* one front-matter line */
#define LIM_TAGS             64                /* tags on one post */
#define LIM_TAG_BYTES        100
#define LIM_URL_FIELD_BYTES  2048 /* a source URL */
#define LIM_LOGIN_BYTES      60   /* WordPress's user_login width */
#define LIM_PASSWORD_BYTES   1024
#define LIM_PASSWORD_MIN     8

/* Accounts and the admin (auth/, site/admin*.c) */
#define LIM_SESSION_SECONDS    (14 * 24 * 3600) /* idle session lifetime */
#define LIM_INVITE_SECONDS     (7 * 24 * 3600)  /* an invitation link */
#define LIM_LOGIN_FREE         5    /* failed logins before delays begin */
#define LIM_LOGIN_FREE_IP      20   /* the same, per address (NATs share one) */
#define LIM_LOGIN_MAX_DELAY    900  /* the longest wait, seconds */
#define LIM_LOGIN_TRACKED      4096 /* accounts and addresses remembered */
#define LIM_LOGIN_FORM_SECONDS 3600 /* a login form's CSRF token lives */
#define LIM_API_TOKENS         20   /* API tokens one user may hold */
#define LIM_TOKEN_NAME_BYTES   100
#define LIM_USER_NAME_BYTES    250 /* WordPress's display_name width */

/* Wrong guesses at a protected post's password before delays begin (the
 * login throttle's doubling waits, auth.h): from one address, and from
 * every address together (comments_post_password). */
#define LIM_POST_PASSWORD_FREE      5
#define LIM_POST_PASSWORD_FREE_POST 50

/* the admin's sections, sidebar and settings (site/admin_site.c) */
#define LIM_SECTIONS           100 /* sections in the navigation */
#define LIM_SECTION_NAME_BYTES 200
#define LIM_SECTION_DESC_BYTES 2000
#define LIM_BLOCKS             50          /* sidebar blocks */
#define LIM_BLOCK_TEXT_BYTES   (16 * 1024) /* a text block's Markdown */
#define LIM_BLOCK_PAGES        50          /* pages in a pages block */
#define LIM_BLOCK_LIST         50          /* a podcasts/comments block */
#define LIM_SITE_TEXT_BYTES    500         /* title, tagline, message, labels */

/* The admin's posts, pages and books (site/admin_posts.c) */
#define LIM_EXCERPT_BYTES    4000    /* an excerpt typed in the editor */
#define LIM_DIFF_CELLS       1000000 /* old x new lines a diff compares */
#define LIM_REVISIONS_LISTED 100     /* revisions listed, newest first */

/* templates */
#define LIM_TMPL_BYTES     (1024 * 1024) /* one template file */
#define LIM_TMPL_DEPTH     32            /* nested sections / partials */
#define LIM_TMPL_TAG_BYTES 256

/* lists */
#define LIM_FRONT_POSTS 10     /* posts per listing page */
#define LIM_PAGE_MAX    100000 /* /page/N/: past it, 404 */

/* comments (the rules themselves are settings; see comments/comments.c) */
#define LIM_COMMENT_BYTES    (16 * 1024) /* Markdown body of a comment */
#define LIM_AUTHOR_BYTES     100         /* commenter's name */
#define LIM_EMAIL_BYTES      254         /* RFC 5321 path limit */
#define LIM_AUTHOR_URL_BYTES 200         /* WordPress's comment_author_url */
#define LIM_COMMENT_DEPTH    32          /* the most a site may set */
#define LIM_COMMENT_THREADS  50          /* top-level threads per page */
#define LIM_RULE_BYTES       (8 * 1024)  /* one word or address list */

/* site config */
#define LIM_CONF_BYTES (64 * 1024)
#define LIM_THREADS    64
/* The page cache's budget (cache_mb in gazette.conf), MiB: the default
 * leaves a 2 GB machine room for the database's pages and the system. */
#define LIM_CACHE_MB_DEFAULT 256
#define LIM_CACHE_MB_MAX     65536

/* feeds */
#define LIM_FEED_ITEMS   20    /* entries in an RSS or Atom feed */
#define LIM_SITEMAP_URLS 50000 /* URLs in one sitemap (sitemaps.org cap) */

/* the aggregator (enforced in feed/; each crossed in tests/unit/test_feed_*) */
/* A fetched body, counted decoded; the entries read from one feed (the
 * rest are ignored); a title and an entry's HTML and text (cut there); a
 * link (a longer one is dropped); XML nesting (deeper is refused). */
#define LIM_FEED_BYTES             (8 * 1024 * 1024)
#define LIM_FEED_ENTRIES           500
#define LIM_FEED_TITLE_BYTES       1000
#define LIM_FEED_HTML_BYTES        (256 * 1024)
#define LIM_FEED_TEXT_BYTES        2000
#define LIM_FEED_URL_BYTES         2048
#define LIM_FEED_DEPTH             64
#define LIM_OPML_OUTLINES          10000 /* feeds read from one OPML file */
#define LIM_FEED_DISCOVERED        16    /* feeds a page may announce */
#define LIM_FEED_FILTER_LINE_BYTES 200   /* one keyword filter rule */
/* Fetching: redirects followed, connections to one host at once, the
 * connect and whole-transfer timeouts, and the low-speed cut (slower than
 * LIM_FEED_LOW_SPEED_BYTES per second for LIM_FEED_LOW_SPEED_SECONDS). */
#define LIM_FEED_REDIRECTS         5
#define LIM_FEED_HOST_CONNECTIONS  2
#define LIM_FEED_CONNECT_SECONDS   10
#define LIM_FEED_SECONDS           60
#define LIM_FEED_LOW_SPEED_BYTES   64
#define LIM_FEED_LOW_SPEED_SECONDS 20
/* Next fetch: the interval clamped to [MIN, MAX]; Retry-After and the
 * error backoff capped; fetches in a row answered by the same permanent
 * redirect before the stored URL follows it. */
#define LIM_FEED_INTERVAL_MIN        (15 * 60)
#define LIM_FEED_INTERVAL_MAX        (24 * 3600)
#define LIM_FEED_RETRY_AFTER_MAX     (2 * 24 * 3600)
#define LIM_FEED_BACKOFF_MAX         (24 * 3600)
#define LIM_FEED_PERMANENT_REDIRECTS 3
/* The river (core/river.c): feeds fetched in one batch (the feed thread
 * and `feeds fetch` take them this many at a time); the cursor of a
 * river page's ?before= (TIME.ID), in bytes. */
#define LIM_RIVER_BATCH        50
#define LIM_RIVER_CURSOR_BYTES 40

/* views (enforced in views/views.c and site/api.c) */
#define LIM_VIEW_WINDOW_SECONDS (30 * 60) /* one view per IP per post */
#define LIM_VIEW_TRACKED        (1 << 19) /* (IP, post) pairs remembered */
#define LIM_VIEW_POSTS          65536     /* posts whose state is in memory */
#define LIM_VIEW_PENDING        65536     /* (post, day) sums to flush */
#define LIM_POPULAR_DAYS        3650      /* ?days= of /api/v1/popular */
#define LIM_POPULAR_LIMIT       100       /* ?limit= of /api/v1/popular */

/* notify (enforced in notify/notify.c) */
#define LIM_MAIL_ATTEMPTS      10   /* deliveries of one message tried */
#define LIM_MAIL_EXCERPT_BYTES 2000 /* the reply's text quoted in a mail */
#define LIM_MAIL_BYTES         (64 * 1024) /* one composed message */
#define LIM_MAIL_SECONDS       30 /* one SMTP delivery, connect to QUIT */

/* spam (enforced in comments/spam.c) and moderation (cli/comments.c) */
#define LIM_RATE_CLIENTS     4096 /* addresses the rate limiter remembers */
#define LIM_RATE_EVENTS      120  /* times kept per address: top rate/hour */
#define LIM_SPAM_TOKENS      1000 /* distinct tokens of a comment classified */
#define LIM_SPAM_TOKEN_BYTES 40   /* longer words are not tokens */
#define LIM_COMMENT_LIST     1000 /* comments list --limit */

/* the admin: moderation (enforced in site/admin_moderate.c) */
#define LIM_MODERATE_PAGE  50  /* comments or submissions per queue page */
#define LIM_MODERATE_LIMIT 200 /* ?limit= of the moderation API */
#define LIM_MODERATE_IDS   200 /* comments in one decision (bulk, API) */

/* search (enforced in store/search_query.c, store/store_search.c and
 * site/search.c) */
#define LIM_SEARCH_QUERY_BYTES    256 /* a query past it is cut, with a notice */
#define LIM_SEARCH_TERMS          16  /* words, phrases and exclusions used */
#define LIM_SEARCH_PREFIX_MIN     3   /* the last word is a prefix from here */
#define LIM_SEARCH_PREFIX_DOCS    1000 /* ...unless it is in this many posts */
#define LIM_SEARCH_RESULTS        200  /* newest matches ranked by relevance */
#define LIM_SEARCH_TERM_CACHE     4096 /* term counts kept for ranking */
#define LIM_SEARCH_SNIPPET_TOKENS 32   /* words in a result's snippet */
#define LIM_SEARCH_RATE_MINUTE    60   /* default searches per address/min */

/* The store's driver (enforced in store/db.c, and set as SQLite's
 * SQLITE_LIMIT_VARIABLE_NUMBER in store/db_sqlite.c: its default, which
 * Debian raises; crossed in tests/unit/test_db.c): parameters of one
 * statement, ?1 to ?N. */
#define LIM_SQL_PARAMS 32766

/* import (enforced in import/wxr.c) */
#define LIM_WXR_FIELD_BYTES (8 * 1024 * 1024) /* one field; item skipped */
#define LIM_WXR_SLUG_TRIES  1000 /* -2, -3 ... tried on a slug clash */
#define LIM_WXR_PROGRESS_HZ 10   /* progress redraws per second */
/* The import's reading thread stays at most this far ahead of the writer:
 * elements, and bytes of the file they took (at least one element). */
#define LIM_WXR_AHEAD_ITEMS 64
#define LIM_WXR_AHEAD_BYTES (8 * 1024 * 1024)
/* The writer's page cache during an import (store_import_bulk). */
#define LIM_IMPORT_CACHE_KIB (64 * 1024)
/* One string of a streamed XML document (a post body in an export). */
#define LIM_XML_DOC_TEXT_BYTES (64 * 1024 * 1024)

/* uploads (enforced in media/media.c and media/image.c; each crossed in
 * tests/unit/test_media.c) */
/* The largest file of each kind added to the media library. */
#define LIM_MEDIA_IMAGE_BYTES (32 * 1024 * 1024)
#define LIM_MEDIA_AUDIO_BYTES (512 * 1024 * 1024)
#define LIM_MEDIA_VIDEO_BYTES (2048LL * 1024 * 1024)
#define LIM_MEDIA_DOC_BYTES   (200 * 1024 * 1024) /* PDF, EPUB */
#define LIM_MEDIA_TEXT_BYTES  (2 * 1024 * 1024)   /* transcripts, chapters */
/* Width x height read from an image's header before any pixel is decoded:
 * 40 megapixels (a 7,300 x 5,500 camera), so a 50,000 x 50,000 bomb is
 * refused before it costs memory. */
#define LIM_IMAGE_PIXELS (40LL * 1000 * 1000)
/* An uploaded file's own name (its title; the stored name is its hash). */
#define LIM_MEDIA_NAME_BYTES 255
#define LIM_MEDIA_ALT_BYTES  1000
/* An upload's whole multipart body (http/server.c streams it to a file):
 * the largest file with room for the form around it; and the time it may
 * take, from the end of the head. */
#define LIM_UPLOAD_BYTES   (LIM_MEDIA_VIDEO_BYTES + 1024 * 1024)
#define LIM_UPLOAD_SECONDS 3600
/* The bytes libmagic reads to decide a type. */
#define LIM_MEDIA_SNIFF_BYTES (1024 * 1024)
/* A provider's thumbnail, fetched once when a video is attached without a
 * poster (core/videos.c, decision 093; crossed in
 * tests/e2e/watch-thumbs.test.mjs): the oEmbed answer that names it, the
 * image itself (YouTube's largest is ~200 KB), and the time each request
 * may take (`post add` waits for it; redirects as for feeds). */
#define LIM_VIDEO_OEMBED_BYTES  (64 * 1024)
#define LIM_VIDEO_THUMB_BYTES   (2 * 1024 * 1024)
#define LIM_VIDEO_THUMB_SECONDS 20
/* The longest duration taken from an oEmbed answer: 100 hours. */
#define LIM_VIDEO_OEMBED_SECONDS (100 * 3600)

/* sanitizer (enforced in render/sanitize.c) */
#define LIM_SANITIZE_DEPTH 100 /* elements deeper than this lose their tags */

/* podcasts, Watch and books (issue 16; enforced in media/audio.c,
 * site/feeds.c, core/video.c, core/episodes.c) */
/* Packets walked for an MP3's LAME padding (about 50 minutes at 44.1 kHz;
 * past it the duration is long by the encoder's padding, under 0.1 s). */
#define LIM_AUDIO_PACKETS    100000
#define LIM_PODCAST_ITEMS    300               /* episodes in a podcast feed */
#define LIM_CHAPTERS_BYTES   (256 * 1024)      /* a JSON chapters file */
#define LIM_TRANSCRIPT_BYTES (4 * 1024 * 1024) /* a WebVTT or SRT file */
#define LIM_VIDEO_HOSTS      32 /* PeerTube instances the admin lists */

#endif
