#ifndef GAZETTE_COMMENTS_H
#define GAZETTE_COMMENTS_H
/*
 * The comment rules: what a reader's comment must be, what holds it for a
 * moderator, what refuses it, and what a moderator's decision does.  The
 * form handler, the JSON API, the CLI and the admin all go through here,
 * so a rule is written once.
 *
 * Rules are settings (changed without a restart):
 *   comments_hold          all | first (default) | none: hold every comment,
 *                          only a first one (an email with an approved
 *                          comment is approved), or none
 *   comments_max_links     hold a comment with more links (default 2)
 *   comments_held_words    hold a comment containing one (comma or newline
 *                          separated, case-insensitive)
 *   comments_blocked_words, comments_blocked_emails, comments_blocked_ips
 *                          refuse outright
 *   comments_rate_minute, comments_rate_hour   per address (3, 20)
 *   comments_min_seconds   a form sent sooner after it was rendered is
 *                          spam (3)
 *   comments_spam_threshold  hold at or above this classifier score (0.9)
 *   comments_max_depth     replies nest this deep (10); deeper ones attach
 *                          to the deepest allowed ancestor
 *   comments_edit_minutes  a commenter may edit or delete this long (10),
 *                          until someone replies
 */
#include <stdint.h>

#include "../store/comments.h"
#include "../store/posts.h"
#include "../util/arena.h"
#include "../util/error.h"

struct spam;
struct notify;

enum comment_decision {
	DECIDE_APPROVE,
	DECIDE_SPAM,
	DECIDE_NOT_SPAM,
	DECIDE_TRASH,
	DECIDE__MAX
};
extern const char *const comment_decision_names[DECIDE__MAX];

struct comments;

/* spam and notify are borrowed; notify may be NULL (no mail). */
struct comments *comments_new(struct store *st, struct spam *sp,
                              struct notify *n, struct error *e);
void comments_free(struct comments *c);

struct comment_input {
	int64_t post_id, parent_id; /* parent_id 0: a new thread */
	const char *author, *email, *url, *body;
	const char *ip;       /* the client's address */
	const char *honeypot; /* the hidden field: anything in it is a bot */
	/* The form's signed render time (comments_form_stamp); NULL for the
	 * JSON API, which has no form. */
	const char *form_stamp;
	/* What the reader gave as the post's password: a post that has one
	 * takes comments only with it (NULL: none given). */
	const char *post_password;
	int notify;
};

struct comment_result {
	int64_t id;
	enum comment_status status;
	const char *token;  /* the commenter's secret (hex), shown once */
	const char *reason; /* why it is not approved; "" when it is */
	int retry_after;    /* seconds, with ERR_RATE_LIMITED */
	struct post post;   /* the post it is on */
};

/*
 * Check, classify and store a reader's comment.  Errors: ERR_INVALID (a
 * field; a reply to a comment of another post or to a removed one),
 * ERR_NOT_FOUND (no such published post), ERR_FORBIDDEN (comments closed;
 * a password-protected post without its password; a blocked address,
 * email or word), ERR_CONFLICT (the same comment
 * again), ERR_RATE_LIMITED (with out->retry_after).  A comment that got a
 * result is committed.
 */
int comments_submit(struct comments *c, struct arena *a,
                    const struct comment_input *in, struct comment_result *out,
                    struct error *e);
/*
 * A moderator's decision: approve and not-spam approve, spam and trash
 * remove; recorded in comment_decisions, taught to the classifier (spam,
 * not-spam), and an approved reply notifies its parent's author.
 */
int comments_decide(struct comments *c, int64_t id, enum comment_decision d,
                    const char *actor, struct error *e);
/*
 * The commenter's own comment, whatever its status, with its token.
 * ERR_NOT_FOUND for a wrong token (no hint that the id exists).
 */
int comments_get_own(struct comments *c, struct arena *a, int64_t id,
                     const char *token, struct comment *out, struct error *e);
/* Edit (body) or delete (body NULL) one's own comment within the edit
 * window and before any reply: ERR_FORBIDDEN after. */
int comments_change_own(struct comments *c, struct arena *a, int64_t id,
                        const char *token, const char *body, struct error *e);
/*
 * A reader's guess at the password of a protected post: post_id's
 * password is password, guess came from ip.  0 when it is right (and the
 * post's count of wrong guesses is forgotten, as a login forgets its
 * failures).  -1 with ERR_FORBIDDEN when it is wrong or missing, or with
 * ERR_RATE_LIMITED and *retry_after when too many wrong guesses came
 * lately for that post from that address (LIM_POST_PASSWORD_FREE) or
 * from anywhere (LIM_POST_PASSWORD_FREE_POST): then even the right one
 * waits, which is what stops guessing.  The post page's form and
 * comments_submit both guess through here, so one count covers both.
 */
int comments_post_password(struct comments *c, int64_t post_id,
                           const char *password, const char *guess,
                           const char *ip, int *retry_after, struct error *e);
/* The signed stamp a comment form carries (its render time). */
const char *comments_form_stamp(struct comments *c, struct arena *a,
                                int64_t now);
/* The configured maximum depth of replies. */
int comments_max_depth(struct comments *c, struct arena *a);

/*
 * A guest submission: an article from anyone, into the review queue as a
 * pending post with its sender, after the same checks as a comment
 * (fields, blocked lists, rate limits, honeypot, form timing, duplicate);
 * what they would hold is moot, since every submission waits for an
 * editor.  Spam goes to trash unseen.  *id of the new post.
 */
struct submission_input {
	const char *name, *email, *title, *body, *source;
	const char *ip, *honeypot, *form_stamp;
};
int submissions_submit(struct comments *c, struct arena *a,
                       const struct submission_input *in, int64_t *id,
                       struct error *e);
/* An editor's accept (a draft post, ready to edit) or reject (trash). */
int submissions_decide(struct comments *c, int64_t id, int accept,
                       struct error *e);

#endif
