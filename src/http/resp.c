#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "../util/banned.h"

void
resp_init(struct resp *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->status = 200;
	rs->content_type = "text/html; charset=utf-8";
	buf_init(&rs->body, LIM_RESPONSE_BYTES);
}

int
resp_header(struct resp *rs, const char *name, const char *value)
{
	size_t max = sizeof(rs->headers) / sizeof(rs->headers[0]);

	if (rs->nheaders == max)
		return -1;
	rs->headers[rs->nheaders].name = name;
	rs->headers[rs->nheaders].value = value;
	rs->nheaders++;
	return 0;
}

int
resp_status_for(enum err_code code)
{
	switch (code) {
	case ERR_OK:
		return 200;
	case ERR_INVALID:
		return 400;
	case ERR_NOT_FOUND:
		return 404;
	case ERR_CONFLICT:
		return 409;
	case ERR_TOO_BIG:
		return 413;
	case ERR_IO:
	case ERR__MAX:
		break;
	}
	return 500;
}

void
resp_json_error(struct resp *rs, int status, const char *msg)
{
	json_t *o = json_pack("{s:s}", "error", msg);
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	rs->status = status;
	rs->content_type = "application/json";
	buf_reset(&rs->body);
	if (text == NULL || buf_puts(&rs->body, text) == -1)
		buf_reset(&rs->body);
	free(text);
	json_decref(o);
}
