/*
 * The answers every admin file gives the same way: an error as JSON to
 * the API and as the admin's message page to a screen, a store failure
 * logged once, a field's error for the API, a single form value.
 */
#include <jansson.h>
#include <string.h>

#include "internal.h"
#include "../util/log.h"
#include "../util/banned.h"

int
admin_is_api(const struct req *r)
{
	return strncmp(r->path, "/api/", 5) == 0;
}

void
admin_error(struct site *s, struct req *r, struct resp *rs, struct who *w,
            int status, const char *title, const char *msg)
{
	if (admin_is_api(r))
		resp_json_error(rs, status, msg);
	else
		admin_message(s, r, rs, w, status, title, msg);
}

void
admin_forbid(struct site *s, struct req *r, struct resp *rs, struct who *w,
             const char *why)
{
	admin_error(s, r, rs, w, 403, "Not allowed", why);
}

void
admin_fail(struct site *s, struct req *r, struct resp *rs, struct who *w,
           const char *what, const struct error *e)
{
	int status = resp_status_for(e->code);

	if (status >= 500)
		log_error("%s: %s", what, e->msg);
	admin_error(s, r, rs, w, status,
	            status == 404   ? "Not found"
	            : status >= 500 ? "Something failed"
	                            : "Not done",
	            e->msg);
}

void
admin_field_error(struct resp *rs, int status, const char *field,
                  const char *msg)
{
	api_json(rs, status,
	         json_pack("{s:s,s:s}", "error", msg, "field",
	                   field ? field : ""));
}

const char *
admin_form_one(struct req *r, const char *name, size_t max)
{
	const char **v;
	size_t n;
	struct error e;

	if (form_values(r, name, max, &v, &n, &e) == -1 || n != 1)
		return NULL;
	return v[0];
}

/* f.NAME = {value, error}: a field as typed and what is wrong with it. */
void
admin_form_field(struct arena *a, struct tval *f, const char *name,
                 const char *value, const char *error)
{
	struct tval *m = tval_set(a, f, name, tval_map(a));

	tval_set_str(a, m, "value", value ? value : "");
	tval_set_str(a, m, "error", error ? error : "");
}

const char *
admin_notice_for(struct req *r, const char *const *pairs)
{
	for (; *pairs != NULL; pairs += 2)
		if (req_query(r, pairs[0]) != NULL)
			return pairs[1];
	return NULL;
}
