#ifndef GAZETTE_TEST_MEM_STORE_H
#define GAZETTE_TEST_MEM_STORE_H
/*
 * A store at ":memory:" for each test, as cmocka's setup and teardown:
 *
 *	cmocka_unit_test_setup_teardown(fn, mem_store_setup,
 *	                                mem_store_teardown)
 *
 * and *state is the store.  Include after cmocka.h.
 */
#include "store/store.h"
#include "util/error.h"

static inline int
mem_store_setup(void **state)
{
	struct error e;
	struct store *s = store_open(":memory:", 1, &e);

	if (s == NULL) {
		print_error("store_open: %s\n", e.msg);
		return -1;
	}
	*state = s;
	return 0;
}

static inline int
mem_store_teardown(void **state)
{
	store_close(*state);
	return 0;
}

#endif
