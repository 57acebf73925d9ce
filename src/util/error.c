#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "banned.h"

int
error_set(struct error *e, enum err_code code, const char *fmt, ...)
{
	char msg[sizeof(e->msg)];
	va_list ap;

	if (e == NULL)
		return -1;
	/* Formatted aside first: an argument may point into e->msg (a caller
	 * prefixing the message a callee left there), and vsnprintf into the
	 * buffer it reads from is undefined; glibc garbled such messages. */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	e->code = code;
	memcpy(e->msg, msg, sizeof(msg));
	return -1;
}

void
error_clear(struct error *e)
{
	e->code = ERR_OK;
	e->msg[0] = '\0';
}
