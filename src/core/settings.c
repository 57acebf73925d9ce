/*
 * The settings table and its checks (see settings.h).  The defaults here
 * are the ones gazette applies: a reader of a setting asks settings_int()
 * or settings_str() and never repeats one.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "../store/posts.h"
#include "../util/addr.h"
#include "../util/clock.h"
#include "../util/i18n.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/tz.h"
#include "../util/banned.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

static const char *const hold_choices[] = {"first", "all", "none", NULL};
static const char *const tls_choices[] = {"starttls", "tls", NULL};
static const char *const explicit_choices[] = {"false", "true", NULL};
static const char *const locked_choices[] = {"no", "yes", NULL};
/* Apple Podcasts' categories (podcasters.apple.com, "Apple Podcasts
 * categories"): a category, or "Category > Subcategory". */
const char *const podcast_categories[] = {"Arts",
                                          "Business",
                                          "Comedy",
                                          "Education",
                                          "Fiction",
                                          "Government",
                                          "History",
                                          "Health & Fitness",
                                          "Kids & Family",
                                          "Leisure",
                                          "Music",
                                          "News",
                                          "News > Daily News",
                                          "News > Politics",
                                          "News > Tech News",
                                          "News > News Commentary",
                                          "Religion & Spirituality",
                                          "Science",
                                          "Society & Culture",
                                          "Society & Culture > Documentary",
                                          "Society & Culture > Philosophy",
                                          "Sports",
                                          "Technology",
                                          "True Crime",
                                          "TV & Film",
                                          NULL};

const struct setting_def setting_defs[] = {
	{"title", "Site title", NULL, "gazette", SETTING_LINE, 0,
         LIM_SITE_TEXT_BYTES, NULL, SETTING_BOTH, 0, 1},
	{"tagline", "Tagline", "Shown under the title.", NULL, SETTING_LINE, 0,
         LIM_SITE_TEXT_BYTES, NULL, SETTING_BOTH, 0, 0},
	{"site_url", "Site URL",
         "The address in links, feeds, cookies and mail: url in gazette.conf; "
         "a restart applies a change.",
         NULL, SETTING_READONLY, 0, 0, NULL, SETTING_FORM_ONLY, 0, 0},
	{"timezone", "Time zone",
         "An IANA name such as Europe/Berlin or America/New_York: dates on "
         "pages, permalinks (/YYYY/MM/DD/slug/), date archives and the "
         "editor follow it, as WordPress's do; links made before a change "
         "keep working.",
         "UTC", SETTING_ZONE, 0, LIM_TZ_NAME_BYTES, NULL, SETTING_BOTH, 0, 0},
	{"date_format", "Date format",
         "WordPress's letters: d j (day), S (1st, 2nd), D l (weekday), m n M "
         "F (month), y Y (year); \\ quotes a letter.  F j, Y: December 7, "
         "2026; Y-m-d: 2026-12-07; d/m/Y: 07/12/2026.",
         TIME_DATE_DEFAULT, SETTING_DATE, 0, LIM_DATE_FMT_BYTES, NULL,
         SETTING_BOTH, 0, 0},
	{"language", "Language",
         "The reader's site's language (a BCP 47 tag: en, ru): its texts, "
         "dates, <html lang>, the feeds' language and search's stems (a "
         "change indexes every post again); the admin stays English.",
         "en", SETTING_CHOICE, 0, 0, i18n_languages, SETTING_BOTH, 0, 0},
	{"support_url", "Support or donate URL",
         "Where the sidebar's Support button goes (a support block without "
         "a link of its own).",
         NULL, SETTING_URL, 0, LIM_URL_FIELD_BYTES, NULL, SETTING_BOTH, 0, 0},
	{"site_message", "Site message",
         "The banner on every page; empty: no banner.", NULL, SETTING_LINE, 0,
         LIM_SITE_TEXT_BYTES, NULL, SETTING_BOTH, 1, 0},
	{"site_message_post", "The post it links to (id)",
         "The id of a post (Posts list); the banner links to it once it is "
         "published.",
         NULL, SETTING_POST, 1, INT64_MAX, NULL, SETTING_BOTH, 1, 0},
	{"comments_hold", "Hold for moderation",
         "first: a commenter's first comment (an email with an approved "
         "comment passes); all: every comment; none: no comment.",
         "first", SETTING_CHOICE, 0, 0, hold_choices, SETTING_BOTH, 2, 0},
	{"comments_max_links", "Hold a comment with more links than", NULL, "2",
         SETTING_INT, 0, 1000, NULL, SETTING_BOTH, 2, 0},
	{"comments_held_words", "Hold a comment containing",
         "Words, comma or newline separated, case-insensitive.", NULL,
         SETTING_LIST, 0, LIM_RULE_BYTES, NULL, SETTING_BOTH, 2, 0},
	{"comments_blocked_words", "Refuse a comment containing",
         "Words, comma or newline separated, case-insensitive.", NULL,
         SETTING_LIST, 0, LIM_RULE_BYTES, NULL, SETTING_BOTH, 2, 0},
	{"comments_blocked_emails", "Refuse comments from these emails", NULL,
         NULL, SETTING_LIST, 0, LIM_RULE_BYTES, NULL, SETTING_BOTH, 2, 0},
	{"comments_blocked_ips", "Refuse comments from these addresses", NULL,
         NULL, SETTING_LIST, 0, LIM_RULE_BYTES, NULL, SETTING_BOTH, 2, 0},
	{"comments_rate_minute", "Comments per address per minute",
         "0: no limit.", "3", SETTING_INT, 0, LIM_RATE_EVENTS, NULL,
         SETTING_BOTH, 2, 0},
	{"comments_rate_hour", "Comments per address per hour", "0: no limit.",
         "20", SETTING_INT, 0, LIM_RATE_EVENTS, NULL, SETTING_BOTH, 2, 0},
	{"comments_min_seconds", "Seconds a reader needs to write one",
         "A form sent sooner after it was shown is taken for a bot.", "3",
         SETTING_INT, 0, 3600, NULL, SETTING_BOTH, 2, 0},
	{"comments_spam_threshold", "Spam score that holds a comment",
         "From the classifier, above 0 and at most 1.", "0.9", SETTING_RATIO, 0,
         0, NULL, SETTING_BOTH, 2, 0},
	{"comments_max_depth", "Replies nest this deep",
         "Deeper replies attach to the deepest allowed comment.", "10",
         SETTING_INT, 1, LIM_COMMENT_DEPTH, NULL, SETTING_BOTH, 2, 0},
	{"comments_edit_minutes", "Minutes a commenter may edit",
         "Until someone replies.", "10", SETTING_INT, 0, 7 * 24 * 60, NULL,
         SETTING_BOTH, 2, 0},
	{"search_rate_per_minute", "Searches per address per minute",
         "0: no limit.", STR(LIM_SEARCH_RATE_MINUTE), SETTING_INT, 0,
         LIM_RATE_EVENTS, NULL, SETTING_BOTH, 3, 0},
	{"smtp_host", "SMTP server",
         "Host name of the mail server; empty: no reply notifications.", NULL,
         SETTING_HOST, 0, 0, NULL, SETTING_FORM_ONLY, 4, 0},
	{"smtp_port", "Port", "587 for STARTTLS, 465 for TLS.", NULL,
         SETTING_INT, 1, 65535, NULL, SETTING_FORM_ONLY, 4, 0},
	{"smtp_tls", "Security",
         "starttls: upgrade the connection (smtp://); tls: TLS from the start "
         "(smtps://).",
         "starttls", SETTING_CHOICE, 0, 0, tls_choices, SETTING_FORM_ONLY, 4,
         0},
	{"smtp_url", "SMTP URL", NULL, NULL, SETTING_SMTP_URL, 0,
         LIM_URL_FIELD_BYTES, NULL, SETTING_API_ONLY, 4, 0},
	{"smtp_user", "User name",
         "With a user, mail goes only over TLS (STARTTLS or tls).", NULL,
         SETTING_LINE, 0, LIM_SITE_TEXT_BYTES, NULL, SETTING_BOTH, 4, 0},
	{"smtp_password", "Password",
         "Never shown; leave empty to keep the saved one.", NULL,
         SETTING_SECRET, 0, LIM_SITE_TEXT_BYTES, NULL, SETTING_BOTH, 4, 0},
	{"smtp_from", "Sender address",
         "addr@example.org or Name <addr@example.org> (the name defaults to "
         "the site title).",
         NULL, SETTING_FROM, 0, LIM_SITE_TEXT_BYTES, NULL, SETTING_BOTH, 4, 0},
	{"smtp_retry_seconds", "First retry after (seconds)",
         "Doubled after each failure, up to 6 hours.", "30", SETTING_INT, 1,
         6 * 3600, NULL, SETTING_BOTH, 4, 0},
	{"river_keep_days", "Keep headlines for (days)",
         "Older ones are pruned; a pruned one still in its feed stays gone. "
         "0: kept for good.",
         "30", SETTING_INT, 0, 3650, NULL, SETTING_BOTH, 5, 0},
	{"river_per_page", "Headlines per page", NULL, "50", SETTING_INT, 5,
         200, NULL, SETTING_BOTH, 5, 0},
	{"feeds_allow_private", "Fetch feeds from private addresses",
         "1: loopback, private and link-local addresses may be fetched (for "
         "tests and intranets); 0: refused.",
         "0", SETTING_INT, 0, 1, NULL, SETTING_BOTH, 5, 0},
	{"podcast_author", "Podcast author",
         "itunes:author in the podcast feed; empty: the site title.", NULL,
         SETTING_LINE, 0, LIM_SITE_TEXT_BYTES, NULL, SETTING_BOTH, 6, 0},
	{"podcast_owner", "Podcast owner",
         "Name <addr@example.org>: itunes:owner, where directories write to "
         "confirm the show is yours.",
         NULL, SETTING_FROM, 0, LIM_SITE_TEXT_BYTES, NULL, SETTING_BOTH, 6, 0},
	{"podcast_image", "Podcast artwork URL",
         "A square JPEG or PNG of 1400 to 3000 pixels (Apple's rule).", NULL,
         SETTING_URL, 0, LIM_URL_FIELD_BYTES, NULL, SETTING_BOTH, 6, 0},
	{"podcast_category", "Podcast category", NULL, "News", SETTING_CHOICE,
         0, 0, podcast_categories, SETTING_BOTH, 6, 0},
	{"podcast_explicit", "Explicit content", "itunes:explicit.", "false",
         SETTING_CHOICE, 0, 0, explicit_choices, SETTING_BOTH, 6, 0},
	{"podcast_language", "Podcast language",
         "A language tag such as en or en-us.", "en", SETTING_LINE, 0, 35, NULL,
         SETTING_BOTH, 6, 0},
	{"podcast_locked", "Locked",
         "yes: other platforms must not import the feed (podcast:locked).",
         "no", SETTING_CHOICE, 0, 0, locked_choices, SETTING_BOTH, 6, 0},
	{"video_peertube_hosts", "PeerTube instances",
         "Host names whose videos video posts may embed, beside YouTube, "
         "Vimeo, Dailymotion, Rumble and Odysee.",
         NULL, SETTING_LIST, 0, LIM_RULE_BYTES, NULL, SETTING_BOTH, 6, 0},
};
const size_t setting_count = sizeof(setting_defs) / sizeof(setting_defs[0]);

const char *const setting_group_names[SETTING_GROUPS] =
	{"General",     "Site message", "Comments",         "Search",
         "Mail (SMTP)", "River",        "Podcast and video"};

/* "Name <addr>" or "addr". */
static int
from_ok(const char *v)
{
	const char *lt = strrchr(v, '<');
	size_t n = strlen(v);

	if (lt == NULL)
		return email_valid(v, n);
	if (n < 2 || v[n - 1] != '>' || memchr(v, '>', n - 1) != NULL ||
	    memchr(v, '<', (size_t)(lt - v)) != NULL)
		return 0;
	return email_valid(lt + 1, (size_t)(v + n - 1 - (lt + 1)));
}

/* smtp://host[:port][/] or smtps://... */
static int
smtp_url_ok(struct arena *a, const char *u)
{
	const char *host, *port, *tls, *rest;
	int64_t n;

	if (!settings_smtp_split(a, u, &host, &port, &tls))
		return 0;
	rest = u + strlen(strcmp(tls, "tls") == 0 ? "smtps://" : "smtp://") +
	       strlen(host);
	if (*rest == ':') {
		if (num_parse(port, 1, 65535, &n) == -1)
			return 0;
		rest += 1 + strlen(port);
	}
	if (*rest == '/' && rest[1] != '\0')
		return 0;
	return host_valid(host);
}

const char *
settings_check(struct store *st, struct arena *a, const struct setting_def *d,
               const char *raw, const char **out)
{
	const char *v = d->type == SETTING_LIST || d->type == SETTING_SECRET
	                        ? (raw ? raw : "")
	                        : text_trim(a, raw);
	int64_t num;

	*out = NULL;
	if (*v == '\0' ||
	    (d->type == SETTING_LIST && *text_trim(a, v) == '\0')) {
		if (d->required)
			return "This cannot be empty.";
		return NULL;
	}
	if (d->max > 0 && d->type != SETTING_INT && d->type != SETTING_POST &&
	    strlen(v) > (size_t)d->max)
		return arena_printf(a, "This is longer than %lld bytes.",
		                    (long long)d->max);
	switch (d->type) {
	case SETTING_LINE:
	case SETTING_SECRET:
		if (text_has_control(v, 0))
			return "This cannot hold line breaks or control "
			       "characters.";
		break;
	case SETTING_LIST:
		if (text_has_control(v, 1))
			return "This cannot hold control characters.";
		break;
	case SETTING_URL:
		if (!url_valid(v))
			return "Enter an address starting with http:// or "
			       "https://.";
		break;
	case SETTING_INT:
		if (num_parse(v, d->min, d->max, &num) == -1)
			return arena_printf(a,
			                    "Enter a whole number from %lld to "
			                    "%lld.",
			                    (long long)d->min,
			                    (long long)d->max);
		v = arena_printf(a, "%lld", (long long)num);
		break;
	case SETTING_RATIO: {
		char *end;
		double x = strtod(v, &end);

		if (*end != '\0' || !(x > 0 && x <= 1))
			return "Enter a number above 0 and at most 1, such "
			       "as 0.9.";
		break;
	}
	case SETTING_CHOICE: {
		size_t i;

		for (i = 0;
		     d->choices[i] != NULL && strcmp(d->choices[i], v) != 0;
		     i++)
			;
		if (d->choices[i] == NULL)
			return "Choose one of the values listed.";
		break;
	}
	case SETTING_POST: {
		struct post p;
		struct error e;

		if (num_parse(v, 1, INT64_MAX, &num) == -1)
			return "Enter the id of a post (a whole number).";
		if (store_post_get(st, a, num, &p, &e) == -1 ||
		    p.status == POST_TRASH)
			return arena_printf(a, "There is no post %lld.",
			                    (long long)num);
		v = arena_printf(a, "%lld", (long long)num);
		break;
	}
	case SETTING_FROM:
		if (!from_ok(v))
			return "Enter an email address (addr@example.org) or "
			       "Name <addr@example.org>.";
		break;
	case SETTING_HOST:
		if (!host_valid(v))
			return "Enter a host name such as mail.example.org.";
		break;
	case SETTING_SMTP_URL:
		if (!smtp_url_ok(a, v))
			return "Enter smtp://host:port or smtps://host:port.";
		break;
	case SETTING_READONLY:
		return "This is set in gazette.conf.";
	case SETTING_ZONE:
		if (!tz_valid(v))
			return "Enter a time zone of the tz database, such as "
			       "Europe/Berlin, America/New_York or UTC.";
		break;
	case SETTING_DATE: {
		const char *why = time_date_check(v);

		if (why != NULL)
			return arena_printf(a, "This date format has %s.", why);
		break;
	}
	}
	*out = v;
	return NULL;
}

const struct setting_def *
settings_find(const char *key, enum setting_where not_where)
{
	for (size_t i = 0; i < setting_count; i++)
		if (strcmp(setting_defs[i].key, key) == 0 &&
		    setting_defs[i].where != not_where &&
		    setting_defs[i].type != SETTING_READONLY)
			return &setting_defs[i];
	return NULL;
}

static const struct setting_def *
def_of(const char *key)
{
	for (size_t i = 0; i < setting_count; i++)
		if (strcmp(setting_defs[i].key, key) == 0)
			return &setting_defs[i];
	return NULL;
}

int
settings_write(struct store *st, const struct setting_write *wr, size_t n,
               struct error *e)
{
	if (store_begin(st, e) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((wr[i].value != NULL
		             ? store_setting_set(st, wr[i].key, wr[i].value, e)
		             : store_setting_delete(st, wr[i].key, e)) == -1) {
			store_rollback(st);
			return -1;
		}
	return store_commit(st, e);
}

const char *
settings_stored(struct store *st, struct arena *a, const char *key)
{
	const char *v;
	struct error e;

	if (store_setting_get(st, a, key, &v, &e) == -1)
		return NULL;
	return v;
}

const char *
settings_str(struct store *st, struct arena *a, const char *key)
{
	const struct setting_def *d = def_of(key);
	const char *v = settings_stored(st, a, key);

	if (v == NULL || strlen(v) > LIM_RULE_BYTES)
		v = d != NULL && d->def != NULL ? d->def : "";
	return v;
}

int64_t
settings_int(struct store *st, struct arena *a, const char *key)
{
	const struct setting_def *d = def_of(key);
	const char *v = settings_stored(st, a, key);
	int64_t def = 0, n;

	assert(d != NULL);
	if (d->def != NULL && num_parse(d->def, d->min, d->max, &def) == -1)
		def = d->min;
	if (v == NULL || num_parse(v, 0, INT64_MAX, &n) == -1)
		return def;
	return n > d->max ? d->max : n < d->min ? d->min : n;
}

double
settings_ratio(struct store *st, struct arena *a, const char *key)
{
	const struct setting_def *d = def_of(key);
	const char *v = settings_stored(st, a, key);
	char *end;
	double x;

	assert(d != NULL);
	if (v != NULL) {
		x = strtod(v, &end);
		if (*v != '\0' && *end == '\0' && x > 0 && x <= 1)
			return x;
	}
	return strtod(d->def, &end);
}

int
settings_smtp_split(struct arena *a, const char *u, const char **host,
                    const char **port, const char **tls)
{
	const char *h, *end, *colon;

	if (strncmp(u, "smtps://", 8) == 0) {
		*tls = "tls";
		h = u + 8;
	} else if (strncmp(u, "smtp://", 7) == 0) {
		*tls = "starttls";
		h = u + 7;
	} else
		return 0;
	end = h + strcspn(h, "/");
	colon = h[0] == '[' ? strchr(h, ']') : h;
	colon = colon ? memchr(colon, ':', (size_t)(end - colon)) : NULL;
	*host = arena_strndup(a, h, (size_t)((colon ? colon : end) - h));
	*port = colon ? arena_strndup(a, colon + 1, (size_t)(end - colon - 1))
	              : "";
	return 1;
}
