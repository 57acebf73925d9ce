/*
 * feed/parse.c over feedparser's test feeds (../shared/fixtures/feeds/
 * feedparser, indexed by expectations.tsv).  Each file's Expect is a
 * Python expression over feedparser's result; this harness evaluates the
 * common forms: clauses joined by "and", each `PATH == LITERAL` where
 * PATH is feed[...] / entries[N][...] / version naming a field gazette
 * has, and LITERAL a Python string (escapes, + concatenation), integer
 * or 9-tuple date; "bozo" / "not bozo" against feed_doc.recovered
 * (libxml2 had to recover: not well-formed, or not namespace-well-formed).
 * A case with any other clause is counted as skipped, not passed.
 *
 * Every file must parse or fail cleanly (no crash, no leak under ASan),
 * every sanitize/ case must come out with no script, no on* attribute
 * and no javascript: URL, and every checked case must pass except those
 * in known_differences[], each with the reason gazette differs on
 * purpose.  The counts are printed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fixtures.h"
#include "feed/feed.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/banned.h"

#include "feed_fixtures.h"

/* What a case's value is, or NULL when gazette has no such field. */
static const char *
field(struct arena *a, const struct feed_doc *d, const char *path)
{
	const char *p = path;
	const struct feed_entry *en = NULL;
	char key[64];
	size_t k;

	if (strcmp(p, "version") == 0)
		return d->version;
	if (strcmp(p, "encoding") == 0)
		return d->encoding;
	if (strncmp(p, "entries[", 8) == 0) {
		char *end;
		unsigned long i = strtoul(p + 8, &end, 10);

		p = end;
		if (*p++ != ']')
			return NULL;
		if (i >= d->n_entries)
			return "(no entry)";
		en = &d->entries[i];
	} else if (strncmp(p, "feed", 4) == 0) {
		p += 4;
	} else {
		return NULL;
	}
	/* ['name'] or .name */
	if (strncmp(p, "['", 2) == 0 || strncmp(p, "[\"", 2) == 0)
		p += 2;
	else if (*p == '.')
		p++;
	else
		return NULL;
	for (k = 0; k + 1 < sizeof(key) &&
	            (isalnum((unsigned char)p[k]) || p[k] == '_');
	     k++)
		key[k] = p[k];
	key[k] = '\0';
	p += k;
	if (*p == '\'' || *p == '"')
		p++;
	if (*p == ']')
		p++;
	if (strncmp(p, "['value']", 9) == 0 &&
	    strcmp(key, "title_detail") == 0) {
		memcpy(key, "title", 6);
		p += 9;
	} else if (strncmp(p, "[0]['value']", 12) == 0 &&
	           strcmp(key, "content") == 0) {
		p += 12;
	} else if (strcmp(key, "content") == 0) {
		return NULL;
	}
	if (*p != '\0')
		return NULL;
	if (en == NULL) {
		if (strcmp(key, "title") == 0)
			return d->title;
		if (strcmp(key, "link") == 0)
			return d->link;
		if (strcmp(key, "ttl") == 0)
			return arena_printf(a, "%d", d->ttl_minutes);
		return NULL;
	}
	if (strcmp(key, "title") == 0)
		return en->title;
	if (strcmp(key, "link") == 0)
		return en->link;
	if (strcmp(key, "id") == 0 || strcmp(key, "guid") == 0)
		return en->guid;
	if (strcmp(key, "author") == 0)
		return en->author;
	if (strcmp(key, "content") == 0)
		return en->content_html;
	if (strcmp(key, "description") == 0 || strcmp(key, "summary") == 0)
		return *en->summary_html != '\0' ? en->summary_html
		                                 : en->content_html;
	if (strcmp(key, "published_parsed") == 0 ||
	    strcmp(key, "updated_parsed") == 0) {
		int64_t t = key[0] == 'p' ? en->published : en->updated;
		struct tm tm;
		time_t tt = (time_t)t;

		if (t == 0)
			return "(none)";
		gmtime_r(&tt, &tm);
		return arena_printf(a, "(%d, %d, %d, %d, %d, %d)",
		                    tm.tm_year + 1900, tm.tm_mon + 1,
		                    tm.tm_mday, tm.tm_hour, tm.tm_min,
		                    tm.tm_sec);
	}
	return NULL;
}

/* Our own additions to links and images, taken out before comparing. */
static char *
unadorn(struct arena *a, const char *s)
{
	static const char *const added[] = {
		" rel=\"noopener nofollow ugc\"",
		" referrerpolicy=\"no-referrer\"",
	};
	char *r = arena_strdup(a, s), *p;

	for (size_t i = 0; i < sizeof(added) / sizeof(added[0]); i++)
		while ((p = strstr(r, added[i])) != NULL)
			memmove(p, p + strlen(added[i]),
			        strlen(p + strlen(added[i])) + 1);
	return r;
}

/* feedparser writes void elements the XHTML way, <br />; HTML5 and we
 * write <br>. */
static const char *
html_void(struct arena *a, const char *s)
{
	char *r = arena_strdup(a, s), *p;

	while ((p = strstr(r, " />")) != NULL)
		memmove(p, p + 2, strlen(p + 2) + 1);
	return r;
}

/*
 * Evaluate one Expect: 1 true, 0 false, -1 a form not supported.  On 0,
 * *why says which clause.
 */
static int
evaluate(struct arena *a, const struct feed_doc *d, const char *expect,
         const char **why)
{
	char *x = arena_strdup(a, expect), *clause, *next;
	int supported = 1, ok = 1;

	for (clause = x; clause != NULL; clause = next) {
		char *eq, *lhs;
		const char *want, *got;

		next = split_and(clause);
		while (*clause == ' ')
			clause++;
		if (strcmp(clause, "not bozo") == 0 ||
		    strcmp(clause, "bozo") == 0) {
			if ((clause[0] == 'b') != (d->recovered != 0)) {
				ok = 0;
				*why = arena_printf(a, "bozo: recovered %d",
				                    d->recovered);
			}
			continue;
		}
		eq = strstr(clause, " == ");
		if (eq == NULL)
			return -1;
		lhs = arena_strndup(a, clause, (size_t)(eq - clause));
		want = py_literal(a, eq + 4);
		if (want == NULL)
			return -1;
		want = html_void(a, want);
		got = field(a, d, lhs);
		if (got == NULL) {
			supported = 0;
			continue;
		}
		if (strcmp(unadorn(a, got), want) != 0 &&
		    strcmp(got, want) != 0) {
			ok = 0;
			*why = arena_printf(a, "%s: got '%.300s'", lhs, got);
		}
	}
	if (!supported)
		return -1;
	return ok;
}

/*
 * Where gazette differs from feedparser on purpose, with the reason; a
 * case listed here that starts passing fails the test, so the list stays
 * true.
 */
static const struct {
	const char *path;
	const char *why;
} known_differences[] = {
#include "feed_feedparser_known.h"
	{"", ""},
};

static const char *
known(const char *path)
{
	for (size_t i = 0;
	     i < sizeof(known_differences) / sizeof(known_differences[0]); i++)
		if (strcmp(known_differences[i].path, path) == 0)
			return known_differences[i].why;
	return NULL;
}

static void
feedparser_cases(void **state)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int total = 0, passed = 0, failed = 0, skipped = 0, errors = 0,
	    known_failed = 0, unsafe = 0;

	(void)state;
	FIXTURE(index, "feeds/feedparser/expectations.tsv");
	f = fopen(index, "r");
	assert_non_null(f);
	while (getline(&line, &cap, f) > 0) {
		struct fp_case c;
		struct arena *a;
		struct feed_doc d;
		struct error e;
		char path[4096];
		char *body;
		size_t n;
		int r;
		const char *why = NULL;

		if (fp_case_read(line, &c) == -1)
			continue;
		total++;
		a = arena_new();
		body = slurp(fixture_path(path, sizeof(path),
		                          arena_printf(a, "feeds/feedparser/%s",
		                                       c.path)),
		             &n);
		r = feed_parse(a, body, n, c.content_type, c.base, &d, &e);
		if (r == 0 && strncmp(c.path, "wellformed/sanitize/", 20) == 0)
			for (size_t i = 0; i < d.n_entries; i++)
				if (!html_is_inert(d.entries[i].content_html) ||
				    !html_is_inert(d.entries[i].summary_html) ||
				    !html_is_inert(d.entries[i].title)) {
					print_message("UNSAFE %s\n", c.path);
					unsafe++;
				}
		if (r == -1) {
			if (strcmp(c.suite, "illformed") != 0) {
				print_message("ERROR %s: %s\n", c.path, e.msg);
				errors++;
			}
		} else {
			r = evaluate(a, &d, c.expect, &why);
			if (r == -1) {
				skipped++;
			} else if (r == 1) {
				passed++;
				if (known(c.path) != NULL) {
					print_message("NOW PASSES %s\n",
					              c.path);
					failed++;
				}
			} else if (known(c.path) != NULL) {
				known_failed++;
			} else {
				print_message("FAIL %s\n  expect: %s\n  %s\n",
				              c.path, c.expect, why);
				failed++;
			}
		}
		free(body);
		arena_free(a);
	}
	free(line);
	fclose(f);
	print_message("feedparser: %d files; checked %d: %d pass, %d known "
	              "differences, %d fail; %d skipped (a form not "
	              "evaluated); %d parse errors outside illformed/; %d "
	              "unsafe\n",
	              total, passed + known_failed + failed, passed,
	              known_failed, failed, skipped, errors, unsafe);
	assert_int_equal(total, 485);
	assert_int_equal(unsafe, 0);
	assert_int_equal(failed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(feedparser_cases),
	};

	return fixtures_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
