#ifndef GAZETTE_TEST_SET_CLOCK_H
#define GAZETTE_TEST_SET_CLOCK_H
/*
 * The process's one clock, moved by a test: set_clock(t) makes clock_now()
 * t from now on (GAZETTE_NOW, advancing in real time from there, in every
 * thread that reads it); real_clock() goes back to the system's.  Include
 * after cmocka.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "util/clock.h"
#include "util/error.h"

static inline void
set_clock(int64_t t)
{
	char s[32];
	struct error e;

	snprintf(s, sizeof(s), "%lld", (long long)t);
	setenv("GAZETTE_NOW", s, 1);
	if (clock_init(&e) == -1)
		fail_msg("clock_init: %s", e.msg);
}

static inline void
real_clock(void)
{
	struct error e;

	unsetenv("GAZETTE_NOW");
	clock_init(&e);
}

#endif
