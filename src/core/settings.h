#ifndef GAZETTE_CORE_SETTINGS_H
#define GAZETTE_CORE_SETTINGS_H
/*
 * The site's settings: every key gazette reads, its type, its default and
 * what it may hold.  The admin's settings screen and its JSON API, the
 * `gazette settings` command and every reader of a setting (comments,
 * search, the sidebar) go through this table, so a key's default and its
 * range are written once.
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/arena.h"
#include "../util/error.h"

struct store;

enum setting_type {
	SETTING_LINE,     /* one line of text */
	SETTING_LIST,     /* words or addresses, comma or newline separated */
	SETTING_URL,      /* http(s) */
	SETTING_INT,      /* min..max */
	SETTING_RATIO,    /* a number in (0, 1] */
	SETTING_CHOICE,   /* one of choices */
	SETTING_POST,     /* a post's id */
	SETTING_FROM,     /* "addr" or "Name <addr>" */
	SETTING_HOST,     /* a host name (form only: part of smtp_url) */
	SETTING_SMTP_URL, /* smtp:// or smtps://host[:port] (API only) */
	SETTING_SECRET,   /* written, never shown */
	SETTING_READONLY, /* shown, set elsewhere (gazette.conf) */
	SETTING_ZONE,     /* an IANA time zone of the system (util/tz.h) */
	SETTING_DATE,     /* a date format (util/clock.h time_date_check) */
};

/* Where a key is written: the screen splits smtp_url into host, port and
 * security; the API and the CLI write smtp_url itself. */
enum setting_where { SETTING_BOTH, SETTING_FORM_ONLY, SETTING_API_ONLY };

struct setting_def {
	const char *key, *label, *help, *def;
	enum setting_type type;
	int64_t min, max; /* SETTING_INT, SETTING_POST; else max bytes */
	const char *const *choices; /* SETTING_CHOICE, NULL-terminated */
	enum setting_where where;
	int group, required;
};

/* The table, in the screen's order. */
extern const struct setting_def setting_defs[];
extern const size_t setting_count;
/* Apple Podcasts' categories, NULL-terminated (podcast_category). */
extern const char *const podcast_categories[];
/* The screen's groups, indexed by setting_def.group. */
#define SETTING_GROUPS 7
extern const char *const setting_group_names[SETTING_GROUPS];

/* The definition of key, or NULL: the keys that are only read
 * (SETTING_READONLY) and those written only where not_where is not are
 * left out. */
const struct setting_def *settings_find(const char *key,
                                        enum setting_where not_where);
/*
 * Check a typed value of d: NULL, with *out the value to store (NULL:
 * forget it, its default applies), or the message saying what d may hold
 * (in a).  SETTING_POST asks st whether the post exists.
 */
const char *settings_check(struct store *st, struct arena *a,
                           const struct setting_def *d, const char *raw,
                           const char **out);

/* Key to value (NULL: forget); written in one transaction. */
struct setting_write {
	const char *key, *value;
};
int settings_write(struct store *st, const struct setting_write *wr, size_t n,
                   struct error *e);

/* The stored value of key, or NULL when it is not set or unreadable. */
const char *settings_stored(struct store *st, struct arena *a, const char *key);
/* The value gazette uses: the stored one, or the default; "" for none.
 * A text past its limit counts as not set. */
const char *settings_str(struct store *st, struct arena *a, const char *key);
/* An integer key's value: the default when not set or not a number, and
 * held within the key's range (more than gazette can honour is the most
 * it can). */
int64_t settings_int(struct store *st, struct arena *a, const char *key);
/* A SETTING_RATIO key's value, or its default when not in (0, 1]. */
double settings_ratio(struct store *st, struct arena *a, const char *key);

/* smtp_url split for the form: host, port and "tls" or "starttls"; 0 when
 * it does not split (set by hand to something else). */
int settings_smtp_split(struct arena *a, const char *u, const char **host,
                        const char **port, const char **tls);

#endif
