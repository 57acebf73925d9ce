#ifndef GAZETTE_ERROR_H
#define GAZETTE_ERROR_H
/*
 * A failed call returns -1 (or NULL) and fills the caller's struct error.
 * Codes say what the caller should do; http/resp.c maps them to statuses
 * (ERR_INVALID 400, ERR_NOT_FOUND 404, ERR_CONFLICT 409, ERR_TOO_BIG 413,
 * ERR_IO 500, ERR_FORBIDDEN 403, ERR_RATE_LIMITED 429) and cli/ to exit
 * statuses (ERR_IO 1, every other code 2).
 */
enum err_code {
	ERR_OK = 0,
	ERR_INVALID,
	ERR_NOT_FOUND,
	ERR_CONFLICT,
	ERR_TOO_BIG,
	ERR_IO,
	ERR_FORBIDDEN,    /* refused by a rule (a blocked address, a cross-site
	                     form) */
	ERR_RATE_LIMITED, /* too many requests from one client for now */
	ERR__MAX
};

struct error {
	enum err_code code;
	char msg[256];
};

/* Fill e (which may be NULL) and return -1. */
int error_set(struct error *e, enum err_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void error_clear(struct error *e);

#endif
