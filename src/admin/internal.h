#ifndef GAZETTE_ADMIN_INTERNAL_H
#define GAZETTE_ADMIN_INTERNAL_H
/*
 * What the admin's files share: who is asking, the gate, the layout, and
 * each screen's handlers (the route table in admin.c names them).  The
 * admin renders through the site's templates and model (site/internal.h);
 * the public site knows nothing of the admin.
 */
#include "../site/internal.h"

/* Who is asking: a signed-in user, by session cookie or API token. */
struct who {
	struct user u;
	struct session session; /* by cookie only */
	const char *token;      /* the cookie's token; NULL by API token */
	const char *csrf;       /* the session's CSRF token ("" by token) */
	int via_token;
};
/* 1 and *out filled when r is signed in, else 0. */
int admin_who(struct site *s, struct req *r, struct who *out);
/*
 * The gate of every admin screen and admin API call: the signed-in user
 * when they hold every capability in cap (enum cap of auth/auth.h) and, for
 * a request that changes something, sent the CSRF token from this site's
 * own origin; otherwise NULL with rs filled: a redirect to /login (HTML)
 * or 401 (API) when not signed in, else 403 and nothing changed.
 * Handlers that take several methods call it once per request.
 */
struct who *admin_guard(struct site *s, struct req *r, struct resp *rs,
                        unsigned cap);
/* The model every admin screen shares: site, me, csrf, admin_nav, title.
 * w may be NULL (the login screen). */
struct tval *admin_model(struct site *s, struct req *r, struct who *w,
                         const char *title);
/* Render an admin template: never cached, never framed, scripts and
 * styles only from /static/ (no inline script or style attribute). */
void admin_render(struct site *s, struct req *r, struct resp *rs,
                  const char *name, struct tval *model);
/* A message page in the admin's layout with status. */
void admin_message(struct site *s, struct req *r, struct resp *rs,
                   struct who *w, int status, const char *title,
                   const char *message);
/* Route capture i as an id (1..); 0 when it is not one. */
int admin_id_param(struct req *r, size_t i, int64_t *id);
/* 303 See Other to a path of this site. */
void admin_redirect(struct resp *rs, const char *to);

/* admin.c: signing in and out, invitations */
void login_get(void *ctx, struct req *r, struct resp *rs);
void login_post(void *ctx, struct req *r, struct resp *rs);
void logout_get(void *ctx, struct req *r, struct resp *rs);
void logout_post(void *ctx, struct req *r, struct resp *rs);
void invite_get(void *ctx, struct req *r, struct resp *rs);
void invite_post(void *ctx, struct req *r, struct resp *rs);

/* admin_posts.c: posts, pages and books: list, editor, revisions */
void admin_posts_get(void *ctx, struct req *r, struct resp *rs);
void admin_posts_bulk(void *ctx, struct req *r, struct resp *rs);
void admin_post_new(void *ctx, struct req *r, struct resp *rs);
void admin_post_edit(void *ctx, struct req *r, struct resp *rs);
void admin_post_revisions(void *ctx, struct req *r, struct resp *rs);
void admin_post_restore(void *ctx, struct req *r, struct resp *rs);
void admin_preview(void *ctx, struct req *r, struct resp *rs);
void api_admin_posts(void *ctx, struct req *r, struct resp *rs);
void api_admin_post(void *ctx, struct req *r, struct resp *rs);
void api_admin_post_autosave(void *ctx, struct req *r, struct resp *rs);
void api_admin_post_revisions(void *ctx, struct req *r, struct resp *rs);
void api_admin_post_restore(void *ctx, struct req *r, struct resp *rs);
void api_admin_preview(void *ctx, struct req *r, struct resp *rs);

/* admin_moderate.c: the comment queue and the submissions queue */
void admin_comments_get(void *ctx, struct req *r, struct resp *rs);
void admin_comments_post(void *ctx, struct req *r, struct resp *rs);
void admin_submissions_get(void *ctx, struct req *r, struct resp *rs);
void admin_submissions_post(void *ctx, struct req *r, struct resp *rs);
void api_admin_comments(void *ctx, struct req *r, struct resp *rs);
void api_admin_comments_decide(void *ctx, struct req *r, struct resp *rs);
void api_admin_submissions(void *ctx, struct req *r, struct resp *rs);
void api_admin_submission(void *ctx, struct req *r, struct resp *rs);

/* admin_site.c: sections, navigation, site message, blocks, settings */
void admin_sections(void *ctx, struct req *r, struct resp *rs);
void admin_section(void *ctx, struct req *r, struct resp *rs);
void admin_blocks(void *ctx, struct req *r, struct resp *rs);
void admin_block(void *ctx, struct req *r, struct resp *rs);
void admin_settings(void *ctx, struct req *r, struct resp *rs);
void api_admin_sections(void *ctx, struct req *r, struct resp *rs);
void api_admin_section(void *ctx, struct req *r, struct resp *rs);
void api_admin_blocks(void *ctx, struct req *r, struct resp *rs);
void api_admin_block(void *ctx, struct req *r, struct resp *rs);
void api_admin_settings(void *ctx, struct req *r, struct resp *rs);

/* admin_users.c: users and invitations, one's own profile, API tokens */
void admin_users(void *ctx, struct req *r, struct resp *rs);
void admin_user(void *ctx, struct req *r, struct resp *rs);
void admin_profile(void *ctx, struct req *r, struct resp *rs);
void api_me(void *ctx, struct req *r, struct resp *rs);
void api_admin_users(void *ctx, struct req *r, struct resp *rs);
void api_admin_user(void *ctx, struct req *r, struct resp *rs);
void api_admin_tokens(void *ctx, struct req *r, struct resp *rs);
void api_admin_token(void *ctx, struct req *r, struct resp *rs);

/* admin_stats.c: the dashboard and per-post numbers, SVG charts */
void admin_dashboard(void *ctx, struct req *r, struct resp *rs);
void admin_post_stats(void *ctx, struct req *r, struct resp *rs);
void api_admin_stats(void *ctx, struct req *r, struct resp *rs);
void api_admin_post_stats(void *ctx, struct req *r, struct resp *rs);

#endif
