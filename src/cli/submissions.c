/*
 * gazette submissions list|accept|reject (usage in cli.c): the
 * guest-submission queue without the admin: accept makes a draft post
 * an editor then finishes; reject moves it to the trash.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../comments/comments.h"
#include "../comments/spam.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/banned.h"

#define SUBMISSIONS_LIST 100

static int
list(struct store *st, enum post_status status)
{
	struct arena *a = arena_new();
	struct post *p;
	size_t n;
	struct error e;
	int rc = 0;

	if (store_submissions(st, a, status, SUBMISSIONS_LIST, &p, &n, &e) ==
	    -1)
		rc = cli_fail(&e);
	for (size_t i = 0; rc == 0 && i < n; i++)
		printf("%lld\t%s\t%s <%s>\t%s\n", (long long)p[i].id,
		       post_status_names[p[i].status], p[i].submitter_name,
		       p[i].submitter_email, p[i].title);
	arena_free(a);
	return rc;
}

int
cmd_submissions(struct conf *c, int argc, char **argv)
{
	struct error e;
	struct store *st;
	struct spam *sp;
	struct comments *cm;
	int accept, rc, npos, status = POST_PENDING;
	const char *status_name = NULL;
	const struct cli_flag flags[] = {{"status", &status_name, NULL},
	                                 {NULL, NULL, NULL}};
	int64_t id;

	if (argc < 2)
		return cli_usage_of("submissions");
	if (strcmp(argv[1], "list") == 0) {
		rc = cli_args("submissions list", argc, argv, 2, flags, &npos);
		if (rc != CLI_GO)
			return rc;
		if (npos != 0)
			return cli_usage_of("submissions list");
		if (status_name != NULL)
			status = enum_lookup(post_status_names,
			                     POST_STATUS__MAX, status_name);
		if (status < 0)
			return cli_usage("submissions: unknown status '%s'",
			                 status_name);
		st = site_open(c, &e);
		if (st == NULL)
			return cli_fail(&e);
		rc = list(st, (enum post_status)status);
		store_close(st);
		return rc;
	}
	if (strcmp(argv[1], "accept") != 0 && strcmp(argv[1], "reject") != 0)
		return cli_usage("submissions: unknown action '%s'", argv[1]);
	accept = argv[1][0] == 'a';
	rc = cli_args(accept ? "submissions accept" : "submissions reject",
	              argc, argv, 2, NULL, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos == 0)
		return cli_usage_of("submissions accept");
	argc = 2 + npos;
	rc = 0;
	for (int i = 2; i < argc; i++)
		if (num_parse(argv[i], 1, INT64_MAX, &id) == -1)
			return cli_usage("submissions: bad id '%s'", argv[i]);
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	sp = spam_new(st);
	cm = comments_new(st, sp, NULL, &e);
	if (cm == NULL)
		rc = cli_fail(&e);
	for (int i = 2; rc == 0 && i < argc; i++) {
		if (num_parse(argv[i], 1, INT64_MAX, &id) == -1 ||
		    submissions_decide(cm, id, accept, &e) == -1)
			rc = cli_fail(&e);
	}
	comments_free(cm);
	spam_free(sp);
	store_close(st);
	return rc;
}
