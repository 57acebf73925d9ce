#ifndef GAZETTE_TEST_FIXTURES_H
#define GAZETTE_TEST_FIXTURES_H
/*
 * The shared fixtures (../shared/fixtures, or $GAZETTE_FIXTURES) for the
 * unit tests that read them.  Include after cmocka.h.
 *
 * Without them such a test is skipped, and the program must then say so:
 * cmocka counts a skip as no failure, so end main() with
 * "return fixtures_exit(cmocka_run_group_tests(...));", which exits 77
 * (meson's SKIP) when a test was skipped and nothing failed.  With
 * CI=true a missing fixture fails the test instead: a CI run without the
 * fixtures would otherwise pass while checking nothing.
 *
 *	FIXTURE(path, "sanitize/dompurify/expect.json");
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fixtures_skipped;

/* The fixtures folder: $GAZETTE_FIXTURES, else the build's default. */
static inline const char *
fixtures_dir(void)
{
	const char *d = getenv("GAZETTE_FIXTURES");

	return d != NULL && d[0] != '\0' ? d : GAZETTE_FIXTURES_DEFAULT;
}

/* The path of rel (e.g. "wxr/...") in the fixtures, in out[0..n). */
static inline const char *
fixture_path(char *out, size_t n, const char *rel)
{
	if (snprintf(out, n, "%s/%s", fixtures_dir(), rel) >= (int)n)
		fail_msg("fixture path too long: %s", rel);
	return out;
}

/* Skip the running test for want of path, or fail it under CI=true. */
#define fixture_missing(path)                                                  \
	do {                                                                   \
		const char *ci_ = getenv("CI");                                \
                                                                               \
		if (ci_ != NULL && strcmp(ci_, "true") == 0)                   \
			fail_msg("fixture missing: %s (CI=true needs the "     \
			         "fixtures; GAZETTE_FIXTURES names them)",     \
			         (path));                                      \
		print_message("skipped: no fixture %s\n", (path));             \
		fixtures_skipped = 1;                                          \
		skip();                                                        \
	} while (0)

/* const char *var: the fixture rel's path; the test stops (skipped, or
 * failed under CI=true) when it cannot be read. */
#define FIXTURE(var, rel)                                                      \
	char var##_buf[4096];                                                  \
	const char *var = fixture_path(var##_buf, sizeof(var##_buf), rel);     \
	if (access(var, R_OK) != 0)                                            \
	fixture_missing(var)

/* main()'s exit status from cmocka's count of failures: 1 when any
 * failed (a count of 77 must not read as a skip), else 77 when a test was
 * skipped for want of fixtures, else 0. */
static inline int
fixtures_exit(int failed)
{
	return failed != 0 ? 1 : fixtures_skipped ? 77 : 0;
}

#endif
