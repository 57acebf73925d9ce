/*
 * The rules of a post (see posts.h), moved here from the admin's editor
 * so that `gazette post add` applies them too.
 */
#include <string.h>

#include "posts.h"
#include "../media/media.h"
#include "../import/wp.h"
#include "../import/wxr.h"
#include "../render/md.h"
#include "../store/import.h"
#include "../store/site.h"
#include "../util/buf.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

const char *const post_field_names[POST_F__MAX] = {"title",      "slug",
                                                   "section",    "tags",
                                                   "source_url", "excerpt",
                                                   "body",       "status",
                                                   "date",       "order_url"};
const char *const post_type_one[POST_TYPE__MAX] = {"post", "page", "book",
                                                   "episode"};

void
posts_problem(struct post_problems *pr, enum post_field f, const char *msg)
{
	if (pr->err[f] == NULL) {
		pr->err[f] = msg;
		pr->bad++;
	}
}

static int
blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t\r\n")] == '\0';
}

const char *
posts_render_body(struct store *st, struct arena *a, int64_t id,
                  const char *format, const char *src, struct error *e)
{
	struct buf html;
	const char *out = NULL;
	int rc;

	buf_init(&html, 4 * (size_t)LIM_POST_SRC_BYTES);
	if (format != NULL && strcmp(format, "html") == 0) {
		struct wp_options o;
		int64_t legacy_id = 0;
		const char *old_src, *password;

		if (id > 0 &&
		    store_import_post_source(st, a, id, &legacy_id, &old_src,
		                             &password, e) == -1)
			goto out;
		wxr_wp_options(&o, st, legacy_id, 0);
		rc = wp_render(&html, a, src, strlen(src), &o);
		if (rc == -1)
			error_set(e, ERR_TOO_BIG, "the body is too big");
	} else
		rc = md_render(src, strlen(src), 0, &html, e);
	/* Pictures of the media library get their sizes and copies. */
	if (rc == 0)
		out = media_html_images(st, a, buf_str(&html), e);
	if (out != NULL && out == buf_str(&html))
		out = arena_strndup(a, buf_str(&html), html.len);
out:
	buf_release(&html);
	return out;
}

/* The slug: typed, or from the title; a clash is an error next to a
 * typed one and the next free one for a derived one. */
static int
check_slug(struct store *st, struct arena *a, const struct post_input *in,
           struct post *p, int64_t self, struct post_problems *pr,
           struct error *e)
{
	const char *typed = in->v[POST_F_SLUG], *next;
	int64_t owner;
	struct post other;
	struct error e2;

	if (typed == NULL && self != 0)
		typed = p->slug; /* the API kept it */
	if (typed != NULL && !blank(typed)) {
		if (!slug_valid(typed)) {
			posts_problem(
				pr, POST_F_SLUG,
				arena_printf(
					a,
					"A slug is letters, digits, '-' and "
					"'_' (no spaces, '/' or '?'), at most "
					"%d bytes.",
					LIM_SLUG_BYTES));
			return 0;
		}
		p->slug = typed;
	} else {
		p->slug = slug_from_title(a, p->title);
		if (*p->slug == '\0') {
			posts_problem(
				pr, POST_F_SLUG,
				"No slug can be made from this title: type one "
				"(letters, digits, '-').");
			return 0;
		}
		typed = NULL;
	}
	if (store_slug_owner(st, p->type, p->slug, self, &owner, e) == -1)
		return -1;
	if (owner == 0)
		return 0;
	if (store_slug_next(st, a, p->type, p->slug, self, &next, e) == -1)
		return -1;
	if (typed == NULL) {
		pr->slug_was = p->slug;
		p->slug = next;
		return 0;
	}
	if (owner < 0)
		posts_problem(
			pr, POST_F_SLUG,
			arena_printf(a,
		                     "'%s' is an address the site itself uses; "
		                     "'%s' is free.",
		                     p->slug, next));
	else if (store_post_get(st, a, owner, &other, &e2) == 0)
		posts_problem(
			pr, POST_F_SLUG,
			arena_printf(
				a,
				"'%s' is already the slug of the %s \"%s\"; "
				"'%s' is free.",
				p->slug, post_type_one[other.type], other.title,
				next));
	else
		posts_problem(pr, POST_F_SLUG,
		              arena_printf(a, "'%s' is taken; '%s' is free.",
		                           p->slug, next));
	return 0;
}

int
posts_check(struct store *st, struct arena *a, const struct post_input *in,
            const struct post *cur, int64_t now, struct post *p,
            struct post_problems *pr, struct error *e)
{
	const char *const *v = in->v;
	const char *why;
	int64_t t = 0;
	int k, body_changed = cur == NULL;
	enum post_status status;

	if (cur != NULL)
		*p = *cur;
	else {
		memset(p, 0, sizeof(*p));
		p->type = in->type;
		p->status = POST_DRAFT;
		p->author_id = in->author_id;
		p->body_format = "markdown";
		p->comments_open = 1;
		p->title = p->slug = p->excerpt = p->body_src = "";
		p->source_url = "";
	}
	if (v[POST_F_TITLE] != NULL || cur == NULL) {
		if (blank(v[POST_F_TITLE]))
			posts_problem(pr, POST_F_TITLE, "Give it a title.");
		else if (strlen(v[POST_F_TITLE]) > LIM_TITLE_BYTES)
			posts_problem(
				pr, POST_F_TITLE,
				arena_printf(
					a,
					"The title is %zu bytes long; at most "
					"%d.",
					strlen(v[POST_F_TITLE]),
					LIM_TITLE_BYTES));
		else
			p->title = v[POST_F_TITLE];
	}
	if (v[POST_F_BODY] != NULL) {
		if (strlen(v[POST_F_BODY]) > LIM_POST_SRC_BYTES)
			posts_problem(pr, POST_F_BODY,
			              arena_printf(a,
			                           "The text is over %d bytes.",
			                           LIM_POST_SRC_BYTES));
		else if (cur == NULL ||
		         strcmp(v[POST_F_BODY], p->body_src) != 0) {
			p->body_src = v[POST_F_BODY];
			body_changed = 1;
		}
	}
	if (v[POST_F_EXCERPT] != NULL) {
		if (strlen(v[POST_F_EXCERPT]) > LIM_EXCERPT_BYTES)
			posts_problem(
				pr, POST_F_EXCERPT,
				arena_printf(
					a,
					"The excerpt is %zu bytes long; at "
					"most %d.",
					strlen(v[POST_F_EXCERPT]),
					LIM_EXCERPT_BYTES));
		else
			p->excerpt = v[POST_F_EXCERPT];
	}
	if (v[POST_F_SOURCE] != NULL) {
		if (*v[POST_F_SOURCE] != '\0' &&
		    (!url_is_http(v[POST_F_SOURCE]) ||
		     strlen(v[POST_F_SOURCE]) > LIM_URL_FIELD_BYTES))
			posts_problem(
				pr, POST_F_SOURCE,
				arena_printf(
					a,
					"A source is an http:// or https:// "
					"address of at most %d bytes.",
					LIM_URL_FIELD_BYTES));
		else
			p->source_url = v[POST_F_SOURCE];
	}
	if (v[POST_F_ORDER] != NULL && p->type == POST_BOOK &&
	    *v[POST_F_ORDER] != '\0' &&
	    (!url_is_http(v[POST_F_ORDER]) ||
	     strlen(v[POST_F_ORDER]) > LIM_URL_FIELD_BYTES))
		posts_problem(
			pr, POST_F_ORDER,
			arena_printf(a,
		                     "An order link is an http:// or https:// "
		                     "address of at most %d bytes.",
		                     LIM_URL_FIELD_BYTES));
	if (v[POST_F_SECTION] != NULL) {
		int64_t sid;
		const char *name;

		p->section_id = 0;
		if (*v[POST_F_SECTION] != '\0') {
			if (store_section_by_slug(st, a, v[POST_F_SECTION],
			                          &sid, &name, e) == 0)
				p->section_id = sid;
			else if (e->code == ERR_NOT_FOUND)
				posts_problem(
					pr, POST_F_SECTION,
					arena_printf(
						a, "There is no section '%s'.",
						v[POST_F_SECTION]));
			else
				return -1;
		}
	}
	if (v[POST_F_TAGS] != NULL) {
		why = tags_split(a, v[POST_F_TAGS], LIM_TAGS, LIM_TAG_BYTES,
		                 &p->tags, &p->ntags);
		if (why != NULL)
			posts_problem(pr, POST_F_TAGS, why);
	}
	if (in->sticky >= 0)
		p->sticky = in->sticky;
	if (in->comments_open >= 0)
		p->comments_open = in->comments_open;

	/* Status and time. */
	status = p->status == POST_TRASH ? POST_DRAFT : p->status;
	if (v[POST_F_STATUS] != NULL) {
		k = enum_lookup(post_status_names, POST_STATUS__MAX,
		                v[POST_F_STATUS]);
		if (k < 0 || k == POST_TRASH)
			posts_problem(
				pr, POST_F_STATUS,
				"Choose draft, pending (review), scheduled or "
				"published.");
		else
			status = (enum post_status)k;
	}
	if (cur != NULL && v[POST_F_DATE] != NULL && in->date_as_shown)
		/* The field as the editor showed it, to the minute: the
		 * time stays what it was, to the second. */
		t = cur->published_at;
	else if (v[POST_F_DATE] != NULL && !blank(v[POST_F_DATE])) {
		if ((in->date_local ? time_parse_local(v[POST_F_DATE], &t)
		                    : time_parse_iso(v[POST_F_DATE], &t)) == -1)
			posts_problem(
				pr, POST_F_DATE,
				in->date_local
					? "Write the date and time as "
					  "2024-05-01 14:30, or leave it "
					  "empty."
					: "Write the date and time as "
					  "2024-05-01 14:30 (UTC), or leave "
					  "it empty.");
	} else if (v[POST_F_DATE] == NULL && cur != NULL &&
	           (cur->status == POST_PUBLISHED ||
	            cur->status == POST_SCHEDULED))
		t = cur->published_at;
	if (pr->err[POST_F_STATUS] == NULL && pr->err[POST_F_DATE] == NULL) {
		if (status == POST_PUBLISHED && t > now)
			status = POST_SCHEDULED; /* as `gazette post add` */
		if (status == POST_PUBLISHED && t == 0)
			t = cur != NULL && cur->status == POST_PUBLISHED
			            ? cur->published_at
			            : now;
		else if (status == POST_SCHEDULED && t == 0)
			posts_problem(pr, POST_F_DATE,
			              "Choose when to publish it.");
		else if (status == POST_SCHEDULED && t <= now)
			posts_problem(
				pr, POST_F_DATE,
				"That time has passed: choose Published to "
				"publish now, or a later time.");
		else if (t == 0)
			t = cur != NULL ? cur->published_at : now;
		p->status = status;
		p->published_at = t;
		pr->status_decided = 1;
	}
	p->updated_at = now;
	if (pr->err[POST_F_TITLE] == NULL &&
	    check_slug(st, a, in, p, cur ? cur->id : 0, pr, e) == -1)
		return -1;
	if (body_changed && pr->err[POST_F_BODY] == NULL) {
		struct error e2;

		p->body_html =
			posts_render_body(st, a, cur ? cur->id : 0,
		                          p->body_format, p->body_src, &e2);
		if (p->body_html == NULL)
			posts_problem(pr, POST_F_BODY, arena_strdup(a, e2.msg));
	}
	return 0;
}
