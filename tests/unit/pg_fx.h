#ifndef GAZETTE_TEST_PG_FX_H
#define GAZETTE_TEST_PG_FX_H
/*
 * For the unit tests that need PostgreSQL (meson's pg_tests, run under
 * tests/pg/cluster run, which names a throw-away cluster in
 * GAZETTE_PG_URL): where that cluster is, and the skip when there is
 * none.  Include after cmocka.h.
 */
#include <stdlib.h>
#include <string.h>

/*
 * The cluster's URL in *url, or NULL when GAZETTE_PG_URL is unset (the
 * tests then skip, with pg_fx_skip); -1, said on stderr, when it is unset
 * under CI=true, which must run them.
 */
static inline int
pg_fx_url(const char **url)
{
	const char *ci = getenv("CI");

	*url = getenv("GAZETTE_PG_URL");
	if (*url != NULL && (*url)[0] != '\0')
		return 0;
	*url = NULL;
	if (ci != NULL && strcmp(ci, "true") == 0) {
		print_error("no GAZETTE_PG_URL: CI=true needs PostgreSQL "
		            "(tests/pg/cluster run)\n");
		return -1;
	}
	return 0;
}

/* Skip the calling test, saying why, and note it in *skipped (the
 * program then exits 77: skipped, never passed). */
static inline void
pg_fx_skip(int *skipped)
{
	print_message("skipped: no PostgreSQL (GAZETTE_PG_URL unset; "
	              "tests/pg/cluster run starts one)\n");
	*skipped = 1;
	skip();
}

#endif
