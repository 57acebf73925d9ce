#include <string.h>

#include "http.h"
#include "../util/text.h"
#include "../util/banned.h"

const char *
req_query(const struct req *r, const char *name)
{
	const char *p = r->query;
	size_t nlen = strlen(name);

	for (int i = 0; *p != '\0' && i < LIM_QUERY_ARGS; i++) {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;

		if (klen == nlen && memcmp(p, name, nlen) == 0) {
			if (eq == NULL)
				return "";
			return url_decode(r->arena, eq + 1, len - klen - 1, 1);
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return NULL;
}
