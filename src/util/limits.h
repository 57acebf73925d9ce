#ifndef GAZETTE_LIMITS_H
#define GAZETTE_LIMITS_H
/*
 * Every limit gazette enforces on input, in one place.  Each is used where it
 * is enforced and in the test that crosses it (tests/e2e, tests/unit).
 */

/* HTTP (enforced in http/server.c) */
#define LIM_BODY_BYTES     (1024 * 1024) /* request body; 413 past it */
#define LIM_HEADER_BYTES   (16 * 1024)   /* request line + headers; 431 */
#define LIM_URL_BYTES      4096          /* request target; 414 past it */
#define LIM_CONNECTIONS    1024          /* open connections at once */
#define LIM_IDLE_SECONDS   30            /* idle keep-alive connection */
#define LIM_HEAD_SECONDS   10 /* deadline for the whole request head */
#define LIM_QUERY_ARGS     64 /* query-string arguments */
#define LIM_RESPONSE_BYTES (16 * 1024 * 1024) /* one rendered response */
#define LIM_ROUTE_PARAMS   8                  /* captured path segments */

/* content */
#define LIM_SLUG_BYTES       200 /* WordPress allows 200 */
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

/* templates */
#define LIM_TMPL_BYTES     (1024 * 1024) /* one template file */
#define LIM_TMPL_DEPTH     32            /* nested sections / partials */
#define LIM_TMPL_TAG_BYTES 256

/* lists */
#define LIM_FRONT_POSTS 10     /* posts per listing page */
#define LIM_PAGE_MAX    100000 /* /page/N/: past it, 404 */

/* site config */
#define LIM_CONF_BYTES (64 * 1024)
#define LIM_THREADS    64

/* feeds */
#define LIM_FEED_ITEMS   20    /* entries in an RSS or Atom feed */
#define LIM_SITEMAP_URLS 50000 /* URLs in one sitemap (sitemaps.org cap) */

/* views (enforced in views/views.c and site/api.c) */
#define LIM_VIEW_WINDOW_SECONDS (30 * 60) /* one view per IP per post */
#define LIM_VIEW_TRACKED        (1 << 19) /* (IP, post) pairs remembered */
#define LIM_VIEW_POSTS          65536     /* posts whose state is in memory */
#define LIM_VIEW_PENDING        65536     /* (post, day) sums to flush */
#define LIM_POPULAR_DAYS        3650      /* ?days= of /api/v1/popular */
#define LIM_POPULAR_LIMIT       100       /* ?limit= of /api/v1/popular */

#endif
