#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

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

/* Content-Type is application/json, parameters (charset) aside. */
int
req_is_json(const char *type)
{
	size_t n = sizeof("application/json") - 1;

	if (type == NULL)
		return 0;
	while (*type == ' ' || *type == '\t')
		type++;
	if (strncasecmp(type, "application/json", n) != 0)
		return 0;
	type += n;
	while (*type == ' ' || *type == '\t')
		type++;
	return *type == '\0' || *type == ';';
}

static int
is_loopback(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
	       strncmp(ip, "::ffff:127.", 11) == 0;
}

/*
 * The reader's address.  A peer on a loopback address is a reverse proxy
 * on the same machine (nginx in front, DESIGN.md section 2), and then the
 * last X-Forwarded-For entry, the one that proxy added, is the reader;
 * from any other peer the header is the client's own word and ignored.
 */
const char *
req_client_ip(const struct req *r)
{
	const char *xff = req_header(r, "X-Forwarded-For");
	const char *last, *end;
	unsigned char addr[sizeof(struct in6_addr)];
	char *ip;

	if (r->remote_ip == NULL || !is_loopback(r->remote_ip) || xff == NULL)
		return r->remote_ip;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ' || *last == '\t')
		last++;
	for (end = last; *end != '\0' && *end != ' ' && *end != '\t'; end++)
		;
	ip = arena_strndup(r->arena, last, (size_t)(end - last));
	if (inet_pton(AF_INET, ip, addr) != 1 &&
	    inet_pton(AF_INET6, ip, addr) != 1)
		return r->remote_ip;
	return ip;
}

int
form_parse(const struct req *r, struct form_field *fields, size_t n,
           struct error *e)
{
	const char *p = r->body;
	int pairs = 0;

	for (size_t i = 0; i < n; i++)
		fields[i].value = NULL;
	/* A raw NUL would end the body early and drop what follows: the
	 * body is refused, as an encoded %00 is. */
	if (strlen(r->body) != r->body_len)
		return error_set(e, ERR_INVALID,
		                 "form: a NUL byte in the body");
	while (*p != '\0') {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;
		char *name = url_decode(r->arena, p, klen, 1);
		char *value =
			eq ? url_decode(r->arena, eq + 1, len - klen - 1, 1)
			   : arena_strdup(r->arena, "");

		if (++pairs > LIM_FORM_FIELDS)
			return error_set(e, ERR_INVALID,
			                 "form: more than %d fields",
			                 LIM_FORM_FIELDS);
		if (name == NULL || value == NULL)
			return error_set(e, ERR_INVALID,
			                 "form: bad percent-encoding");
		for (size_t i = 0; i < n; i++) {
			if (strcmp(fields[i].name, name) != 0)
				continue;
			if (fields[i].value != NULL)
				return error_set(e, ERR_INVALID,
				                 "%s: given twice", name);
			if (strlen(value) > fields[i].max)
				return error_set(e, ERR_INVALID,
				                 "%s: longer than %zu bytes",
				                 name, fields[i].max);
			if (!utf8_valid(value, strlen(value)))
				return error_set(e, ERR_INVALID,
				                 "%s: not valid UTF-8", name);
			fields[i].value = value;
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	for (size_t i = 0; i < n; i++)
		if (fields[i].required &&
		    (fields[i].value == NULL || *fields[i].value == '\0'))
			return error_set(e, ERR_INVALID, "%s: required",
			                 fields[i].name);
	return 0;
}

int
form_values(const struct req *r, const char *name, size_t max,
            const char ***out, size_t *n, struct error *e)
{
	const char *p = r->body;
	size_t pairs = 0;

	*n = 0;
	*out = arena_alloc(r->arena, (LIM_FORM_VALUES + 1) * sizeof(**out));
	if (strlen(r->body) != r->body_len)
		return error_set(e, ERR_INVALID,
		                 "form: a NUL byte in the body");
	while (*p != '\0') {
		const char *amp = strchr(p, '&');
		size_t len = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;
		char *key = url_decode(r->arena, p, klen, 1);

		if (++pairs > LIM_FORM_VALUES + LIM_FORM_FIELDS)
			return error_set(e, ERR_INVALID,
			                 "form: more than %d fields",
			                 LIM_FORM_VALUES + LIM_FORM_FIELDS);
		if (key == NULL)
			return error_set(e, ERR_INVALID,
			                 "form: bad percent-encoding");
		if (strcmp(key, name) == 0) {
			char *value = eq ? url_decode(r->arena, eq + 1,
			                              len - klen - 1, 1)
			                 : arena_strdup(r->arena, "");

			if (value == NULL)
				return error_set(e, ERR_INVALID,
				                 "form: bad percent-encoding");
			if (*n == LIM_FORM_VALUES)
				return error_set(e, ERR_INVALID,
				                 "%s: more than %d values",
				                 name, LIM_FORM_VALUES);
			if (strlen(value) > max ||
			    !utf8_valid(value, strlen(value)))
				return error_set(e, ERR_INVALID,
				                 "%s: a value too long or not "
				                 "UTF-8",
				                 name);
			(*out)[(*n)++] = value;
		}
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	(*out)[*n] = NULL;
	return 0;
}

/* The "host[:port]" of an absolute http(s) URL, into out. */
static int
url_authority(const char *url, char *out, size_t n)
{
	const char *p = strstr(url, "://"), *end;

	if (p == NULL)
		return -1;
	p += 3;
	end = p + strcspn(p, "/?#");
	if (end == p || (size_t)(end - p) >= n)
		return -1;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return 0;
}

int
req_same_origin(const struct req *r, const char *site_url)
{
	const char *from = req_header(r, "Origin");
	const char *host = req_header(r, "Host");
	char got[256], site[256];

	if (from == NULL || strcmp(from, "null") == 0)
		from = req_header(r, "Referer");
	if (from == NULL || url_authority(from, got, sizeof(got)) == -1)
		return 0;
	if (host != NULL && strcasecmp(got, host) == 0)
		return 1;
	return url_authority(site_url, site, sizeof(site)) == 0 &&
	       strcasecmp(got, site) == 0;
}
