/*
 * cli_args, the one flag parser of every command: "--flag value" and
 * "--flag=value" alike, switches, positionals in any order, "--", and the
 * exit statuses of the ways it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cli/cli.h"

#define MAX_ARGS 8

static void
cli_args_table(void **state)
{
	static const struct {
		const char *argv[MAX_ARGS]; /* from argv[2], NULL-ended */
		int rc, npos;
		const char *title, *pos0, *pos1;
		int revoke;
	} cases[] = {
		{{"--title", "T", NULL}, CLI_GO, 0, "T", NULL, NULL, 0},
		{{"--title=T", NULL}, CLI_GO, 0, "T", NULL, NULL, 0},
		{{"--title=", NULL}, CLI_GO, 0, "", NULL, NULL, 0},
		{{"--title=a=b", NULL}, CLI_GO, 0, "a=b", NULL, NULL, 0},
		{{"--title", "-x", NULL}, CLI_GO, 0, "-x", NULL, NULL, 0},
		{{"a", "--revoke", "b", NULL}, CLI_GO, 2, NULL, "a", "b", 1},
		{{"--title", "1", "--title=2", NULL},
	         CLI_GO,
	         0,
	         "2",
	         NULL,
	         NULL,
	         0},
		{{"--", "--title", "-", NULL},
	         CLI_GO,
	         2,
	         NULL,
	         "--title",
	         "-",
	         0},
		{{"-", NULL}, CLI_GO, 1, NULL, "-", NULL, 0},
		{{"--titles", "T", NULL}, 2, -1, NULL, NULL, NULL, 0},
		{{"--tit", NULL}, 2, -1, NULL, NULL, NULL, 0},
		{{"-title", "T", NULL}, 2, -1, NULL, NULL, NULL, 0},
		{{"-3", NULL}, 2, -1, NULL, NULL, NULL, 0},
		{{"--title", NULL}, 2, -1, NULL, NULL, NULL, 0},
		{{"--revoke=1", NULL}, 2, -1, NULL, NULL, NULL, 0},
		{{"x", "--help", NULL}, 0, -1, NULL, NULL, NULL, 0},
		{{"-h", NULL}, 0, -1, NULL, NULL, NULL, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char user[] = "user", sessions[] = "sessions";
		char *argv[MAX_ARGS + 3] = {user, sessions};
		const char *title = NULL;
		int revoke = 0, npos = -1, argc = 2, rc;
		const struct cli_flag flags[] = {{"title", &title, NULL},
		                                 {"revoke", NULL, &revoke},
		                                 {NULL, NULL, NULL}};

		for (int k = 0; cases[i].argv[k] != NULL; k++)
			argv[argc++] = (char *)(uintptr_t)cases[i].argv[k];
		argv[argc] = NULL;
		rc = cli_args("user sessions", argc, argv, 2, flags, &npos);
		if (rc != cases[i].rc)
			fail_msg("case %zu: rc %d, want %d", i, rc,
			         cases[i].rc);
		if (rc != CLI_GO)
			continue;
		assert_int_equal(npos, cases[i].npos);
		assert_null(argv[2 + npos]);
		if (cases[i].title == NULL)
			assert_null(title);
		else
			assert_string_equal(title, cases[i].title);
		if (npos > 0)
			assert_string_equal(argv[2], cases[i].pos0);
		if (npos > 1)
			assert_string_equal(argv[3], cases[i].pos1);
		assert_int_equal(revoke, cases[i].revoke);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cli_args_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
