#include <stdarg.h>
#include <stdio.h>

#include "error.h"
#include "banned.h"

int
error_set(struct error *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
error_clear(struct error *e)
{
	e->code = ERR_OK;
	e->msg[0] = '\0';
}
