/*
 * gazette comments list|approve|spam|not-spam|trash (usage in cli.c):
 * moderation without the admin.
 *
 * A decision goes through comments_decide(), the one function the admin
 * and the JSON API call too, so the counts, the record, the classifier
 * and reply mail follow the same rules from everywhere.  The IDs of one
 * command are decided in one transaction: an unknown ID (exit 2, named)
 * or any other failure leaves every comment as it was, so the command can
 * be corrected and run again without working out which ones went through.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../comments/comments.h"
#include "../comments/spam.h"
#include "../notify/notify.h"
#include "../util/arena.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/banned.h"

#define LIST_DEFAULT       50 /* comments list without --limit */
#define LIST_EXCERPT_CHARS 60

/*
 * s on one line of the listing: control characters (tabs, newlines) become
 * spaces, a CR LF one space, so a field never splits the line; at most max
 * characters (UTF-8 sequences count once; 0: all).
 */
static void
put_field(const char *s, size_t max)
{
	size_t chars = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xc0) != 0x80 && max > 0 && chars++ == max)
			break;
		if (*p == '\r' && p[1] == '\n')
			p++;
		putchar(*p < 0x20 || *p == 0x7f ? ' ' : *p);
	}
}

static int
list(struct conf *c, int argc, char **argv)
{
	int status = COMMENT_PENDING, rc, npos;
	int64_t limit = LIST_DEFAULT;
	const char *status_name = NULL, *limit_arg = NULL;
	const struct cli_flag flags[] = {{"status", &status_name, NULL},
	                                 {"limit", &limit_arg, NULL},
	                                 {NULL, NULL, NULL}};
	struct comment *out;
	struct arena *a;
	struct store *st;
	struct error e;
	size_t n;

	rc = cli_args("comments list", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos > 0)
		return cli_usage("comments list: unexpected argument '%s'",
		                 argv[2]);
	if (status_name != NULL) {
		status = enum_lookup(comment_status_names, COMMENT_STATUS__MAX,
		                     status_name);
		if (status < 0)
			return cli_usage("comments list: unknown status '%s' "
			                 "(pending, approved, spam, trash)",
			                 status_name);
	}
	if (limit_arg != NULL &&
	    num_parse(limit_arg, 1, LIM_COMMENT_LIST, &limit) == -1)
		return cli_usage("comments list: --limit must be 1 to %d",
		                 LIM_COMMENT_LIST);
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	rc = store_comment_list(st, a, (enum comment_status)status, (int)limit,
	                        &out, &n, &e);
	if (rc == 0) {
		for (size_t i = 0; i < n; i++) {
			printf("%lld\t%s\t%lld\t", (long long)out[i].id,
			       comment_status_names[out[i].status],
			       (long long)out[i].post_id);
			put_field(out[i].author_name, 0);
			putchar('\t');
			put_field(out[i].body_src, LIST_EXCERPT_CHARS);
			putchar('\n');
		}
		rc = fflush(stdout) == 0 ? 0
		                         : error_set(&e, ERR_IO,
		                                     "comments list: cannot "
		                                     "write the list");
	}
	arena_free(a);
	store_close(st);
	return rc == 0 ? 0 : cli_fail(&e);
}

/* Every ID of argv[2..argc) decided as d in one transaction. */
static int
decide(struct conf *c, enum comment_decision d, int argc, char **argv)
{
	struct arena *a = arena_new();
	struct store *st = NULL;
	struct spam *sp = NULL;
	struct notify *nt = NULL;
	struct comments *cm = NULL;
	const char *user = getenv("USER"), *actor;
	int64_t *ids = arena_alloc(a, (size_t)argc * sizeof(*ids));
	size_t n = 0;
	struct error e;
	int rc, npos;

	rc = cli_args(arena_printf(a, "comments %s", argv[1]), argc, argv, 2,
	              NULL, &npos);
	if (rc != CLI_GO)
		goto out;
	rc = 2;
	if (npos == 0) {
		rc = cli_usage("comments %s: no comment ID (see 'gazette help "
		               "comments')",
		               argv[1]);
		goto out;
	}
	argc = 2 + npos;
	for (int i = 2; i < argc; i++) {
		int64_t id;
		size_t k = 0;

		if (num_parse(argv[i], 1, INT64_MAX, &id) == -1) {
			rc = cli_usage("comments %s: bad comment ID '%s'",
			               argv[1], argv[i]);
			goto out;
		}
		/* Twice in one command is once: spam twice would teach the
		 * classifier the same comment twice. */
		while (k < n && ids[k] != id)
			k++;
		if (k == n)
			ids[n++] = id;
	}
	actor = user != NULL && *user != '\0' ? arena_printf(a, "cli:%s", user)
	                                      : "cli";
	st = site_open(c, &e);
	if (st == NULL)
		goto fail;
	sp = spam_new(st);
	/* Mail about an approved reply goes into the outbox, which the
	 * server's sender delivers; this process sends nothing. */
	nt = notify_new(st, c->url, &e);
	if (nt == NULL)
		goto fail;
	cm = comments_new(st, sp, nt, &e);
	if (cm == NULL || store_begin(st, &e) == -1)
		goto fail;
	for (size_t i = 0; i < n; i++)
		if (comments_decide(cm, ids[i], d, actor, &e) == -1) {
			store_rollback(st);
			goto fail;
		}
	if (store_commit(st, &e) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	error_set(&e, e.code, "comments %s: %s; no comment was changed",
	          argv[1], e.msg);
	rc = cli_fail(&e);
out:
	comments_free(cm);
	notify_free(nt);
	spam_free(sp);
	if (st != NULL)
		store_close(st);
	arena_free(a);
	return rc;
}

int
cmd_comments(struct conf *c, int argc, char **argv)
{
	int d;

	if (argc < 2)
		return cli_usage_of("comments");
	if (strcmp(argv[1], "list") == 0)
		return list(c, argc, argv);
	d = enum_lookup(comment_decision_names, DECIDE__MAX, argv[1]);
	if (d < 0)
		return cli_usage("comments: unknown command '%s' (see 'gazette "
		                 "help comments')",
		                 argv[1]);
	return decide(c, (enum comment_decision)d, argc, argv);
}
