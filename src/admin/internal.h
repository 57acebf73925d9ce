#ifndef GAZETTE_ADMIN_INTERNAL_H
#define GAZETTE_ADMIN_INTERNAL_H
/*
 * What the admin's files share: who is asking, the gate, the layout, and
 * each screen's handlers (the route table in admin.c names them).  The
 * admin renders through the site's templates and model (site/internal.h);
 * the public site knows nothing of the admin.
 */
#include "../core/posts.h"
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

/* A form text field's bytes before its own check: past its real limit it
 * gets a message next to it, not a refusal of the whole form. */
#define ADMIN_FORM_MAX (64 * 1024)
/* The same for a field whose own limit is lim bytes (the users screens). */
#define ADMIN_FIELD_MAX(lim) (4 * (size_t)(lim) + 16)

/* reply.c: answers given the same way everywhere */
/* 1 for a request to the JSON API (/api/...). */
int admin_is_api(const struct req *r);
/* {"error": msg} to the API, else the message page titled title. */
void admin_error(struct site *s, struct req *r, struct resp *rs, struct who *w,
                 int status, const char *title, const char *msg);
/* 403 with why, nothing changed. */
void admin_forbid(struct site *s, struct req *r, struct resp *rs, struct who *w,
                  const char *why);
/* A failed call: e's status, logged with what when the fault is ours. */
void admin_fail(struct site *s, struct req *r, struct resp *rs, struct who *w,
                const char *what, const struct error *e);
/* The API's refusal of one field: {"error": msg, "field": field}. */
void admin_field_error(struct resp *rs, int status, const char *field,
                       const char *msg);
/* The single value of a form field that may sit beside repeated ones;
 * NULL when absent or repeated. */
const char *admin_form_one(struct req *r, const char *name, size_t max);

/* f.NAME = {value, error} in a screen's model: a field as typed and what
 * is wrong with it. */
void admin_form_field(struct arena *a, struct tval *f, const char *name,
                      const char *value, const char *error);
/* The notice of the first of pairs' query names r carries ({"added",
 * "The section was added.", ..., NULL}), or NULL. */
const char *admin_notice_for(struct req *r, const char *const *pairs);

/* order.c: moving sections and blocks */
/* The screens' up (up 1) or down button: move id one place among the
 * sections (blocks 0) or the sidebar's blocks, then back to the list. */
void admin_order_step(struct site *s, struct req *r, struct resp *rs,
                      struct who *w, int blocks, int64_t id, int up);
/* Move id to the position the API's doc asks for, if it asks; -1 with rs
 * filled. */
int admin_order_api(struct site *s, struct req *r, int blocks, json_t *doc,
                    int64_t id, struct resp *rs);

/* admin.c: signing in and out, invitations */
void login_get(void *ctx, struct req *r, struct resp *rs);
void login_post(void *ctx, struct req *r, struct resp *rs);
void logout_get(void *ctx, struct req *r, struct resp *rs);
void logout_post(void *ctx, struct req *r, struct resp *rs);
void invite_get(void *ctx, struct req *r, struct resp *rs);
void invite_post(void *ctx, struct req *r, struct resp *rs);

/* admin_posts.c, admin_editor.c, admin_revisions.c, admin_posts_api.c:
 * what they share */
#define POSTS_PAGE 20 /* rows on one page of the list */
struct admin_edit {
	struct post_input in;    /* what was sent */
	struct post_problems pr; /* what is wrong with it */
	int64_t version;         /* the version it started from; -1 */
	const char *forbidden;   /* a 403, nothing saved */
	int preview;             /* the form's Preview button */
};
struct admin_list_args {
	enum post_type type;
	int status;                       /* -1: all but the trash */
	const char *section, *author, *q; /* "" when not filtered */
	int64_t page;
};
extern const char *const admin_post_status_labels[POST_STATUS__MAX];
extern const char *const admin_post_type_plural[POST_TYPE__MAX];
int admin_post_type_ok(const struct who *w, enum post_type t);
const char *admin_post_view_refusal(const struct who *w, const struct post *p);
const char *admin_post_edit_refusal(const struct who *w, const struct post *p);
const char *admin_post_status_refusal(const struct who *w,
                                      enum post_status status);
int admin_blank(const char *s);
const char *admin_post_tags(struct arena *a, const struct post *p);
const char *admin_post_date_field(struct arena *a, int64_t t);
const char *admin_diff_html(struct arena *a, const char *old, const char *new,
                            int *coarse);
int admin_revision_restore(struct site *s, struct arena *a, struct who *w,
                           const struct post_edit *cur, int64_t rev,
                           int64_t base, int64_t *version, int *stale,
                           struct error *e);
void admin_edit_init(struct admin_edit *ed, enum post_type type);
int admin_json_text(struct arena *a, json_t *doc, const char *key,
                    const char **out, struct error *e);
int admin_edit_from_json(struct arena *a, json_t *doc, struct admin_edit *ed,
                         struct error *e);
int admin_edit_check(struct site *s, struct arena *a, struct who *w,
                     struct admin_edit *ed, const struct post_edit *cur,
                     struct post *p, struct error *e);
/* The item of route capture 0, when w may read it (edit 0) or change it
 * (edit 1); NULL with rs filled (404, 403) otherwise. */
struct post_edit *admin_post_of_route(struct site *s, struct req *r,
                                      struct resp *rs, struct who *w, int edit);
const char *admin_list_args_read(struct req *r, struct admin_list_args *la);
int admin_list_load(struct site *s, struct arena *a, struct who *w,
                    const struct admin_list_args *la, struct post **out,
                    size_t *n, int64_t *total, struct error *e);
const char *admin_list_url(struct arena *a, const struct admin_list_args *la,
                           const char *status, int64_t page);

/* the handlers of posts, pages and books */
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

/* admin_users.c, shared with admin_profile.c */
const char *admin_when(struct arena *a, int64_t t);
json_t *admin_json_time(struct arena *a, int64_t t);
const char *admin_or_empty(const char *s);
int admin_user_name_check(const char *name, struct error *e);
int admin_user_email_check(const char *email, struct error *e);
int admin_api_str(struct resp *rs, json_t *doc, const char *key,
                  const char **out);

/* admin_media.c: the media library, its uploads and API */
void admin_media_get(void *ctx, struct req *r, struct resp *rs);
void admin_media_upload(void *ctx, struct req *r, struct resp *rs);
void admin_media_item(void *ctx, struct req *r, struct resp *rs);
void api_media(void *ctx, struct req *r, struct resp *rs);

/* admin_moderate.c: the comment queue; admin_submissions.c: the
 * submissions queue */
void admin_comments_get(void *ctx, struct req *r, struct resp *rs);
void admin_comments_post(void *ctx, struct req *r, struct resp *rs);
void admin_submissions_get(void *ctx, struct req *r, struct resp *rs);
void admin_submissions_post(void *ctx, struct req *r, struct resp *rs);
void api_admin_comments(void *ctx, struct req *r, struct resp *rs);
void api_admin_comments_decide(void *ctx, struct req *r, struct resp *rs);
void api_admin_submissions(void *ctx, struct req *r, struct resp *rs);
void api_admin_submission(void *ctx, struct req *r, struct resp *rs);

/* admin_moderate.c, shared with admin_submissions.c */
#define ID_BYTES 20 /* an id in a form: INT64_MAX's digits */
const char *admin_cut_chars(struct arena *a, const char *s, size_t max,
                            int more);
const char *admin_date_time(struct arena *a, int64_t t);
int64_t admin_page_param(const char *v);
int64_t admin_page_count(int64_t total);
void admin_pager_model(struct arena *a, struct tval *m, const char *base,
                       int64_t page, int64_t pages);
int admin_query_num(struct req *r, struct resp *rs, const char *name,
                    int64_t min, int64_t max, int64_t def, int64_t *out);

/* admin_sections.c, admin_blocks.c, admin_settings.c: running the site */
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

/* admin_feeds.c: the river's feeds and keyword filters */
void admin_feeds(void *ctx, struct req *r, struct resp *rs);
void admin_feed(void *ctx, struct req *r, struct resp *rs);
void api_admin_feeds(void *ctx, struct req *r, struct resp *rs);
void api_admin_feed(void *ctx, struct req *r, struct resp *rs);
void api_admin_feed_fetch(void *ctx, struct req *r, struct resp *rs);
void api_admin_feed_filters(void *ctx, struct req *r, struct resp *rs);
void api_admin_feed_filter(void *ctx, struct req *r, struct resp *rs);

/* admin_users.c: users and invitations; admin_profile.c: one's own
 * profile, API tokens */
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

/* admin_files.c: an item's files (an episode's audio, transcript and
 * chapters; a book's cover, EPUB and PDF; a post's video and poster),
 * each a file's number in the media library (a video: or a provider's
 * page), by the editor's form and the JSON API alike. */
enum editor_file {
	EF_AUDIO,
	EF_TRANSCRIPT,
	EF_CHAPTERS,
	EF_COVER,
	EF_EPUB,
	EF_PDF,
	EF_VIDEO,
	EF_POSTER,
	EF__MAX
};
/* The form's field and the API's key of each. */
extern const char *const editor_file_names[EF__MAX];
/* The form's values (NULL: empty, the file kept as it is). */
void editor_files_form(struct req *r, const char *v[EF__MAX]);
/* The API's: a number, or a string (a number, or a video's URL); -1 with
 * *bad naming the key of another type. */
int editor_files_from_json(struct arena *a, json_t *doc, const char *v[EF__MAX],
                           const char **bad, struct error *e);
/* The model's "files" and "is_episode" (the form's values when it was
 * sent back, what the item has, a thumbnail pending or refused). */
void editor_files_model(struct site *s, struct req *r, struct tval *m,
                        const struct post *p, enum post_type type);
/* After item id of type is saved, attach the files v gives (NULL keeps
 * one): -1 with e's message naming the field's label and *bad its name
 * (a file another type takes, no such number, the wrong kind of file).
 * A provider's video without a poster is left for the server's fetch
 * thread to find its thumbnail (decision 093). */
int editor_files_save(struct site *s, struct arena *a, int64_t id,
                      enum post_type type, const char *const v[EF__MAX],
                      const char **bad, struct error *e);
/* What item id has, as the API shows it under "files". */
json_t *editor_files_json(struct site *s, struct arena *a, int64_t id,
                          enum post_type type);

#endif
