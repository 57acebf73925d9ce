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

#define LIM_FRONT_POSTS 10 /* posts per listing page */

/* site config */
#define LIM_CONF_BYTES (64 * 1024)
#define LIM_THREADS    64

#endif
