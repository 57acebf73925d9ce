#include <stdio.h>
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

const char *
req_client_ip(const struct req *r)
{
	const char *xff, *end, *ip = r->remote_ip;
	struct netaddr a;

	if (ip == NULL || r->trusted == NULL ||
	    netaddr_parse(ip, strlen(ip), &a) == -1 ||
	    !netset_has(r->trusted, &a))
		return ip;
	xff = req_header_list(r, "X-Forwarded-For");
	if (xff == NULL)
		return ip;
	/* Each proxy appends the address it got the request from: from
	 * the right, entries are written by ever less trusted hands. */
	for (end = xff + strlen(xff); end > xff;) {
		const char *start = end, *from, *to;

		while (start > xff && start[-1] != ',')
			start--;
		for (from = start;
		     from < end && (*from == ' ' || *from == '\t'); from++)
			;
		for (to = end; to > from && (to[-1] == ' ' || to[-1] == '\t');
		     to--)
			;
		if (netaddr_parse(from, (size_t)(to - from), &a) == -1)
			break;
		ip = arena_strndup(r->arena, from, (size_t)(to - from));
		if (!netset_has(r->trusted, &a))
			break;
		end = start > xff ? start - 1 : xff;
	}
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

/* The name of "name", "name:port" or "[v6]:port": *name, *len; an
 * address in brackets is an address. */
static void
host_name(const char *authority, const char **name, size_t *len)
{
	const char *close = authority[0] == '[' ? strchr(authority, ']') : NULL;

	*name = authority;
	*len = strcspn(authority, ":");
	if (close != NULL) {
		*name = authority + 1;
		*len = (size_t)(close - *name);
	}
}

/*
 * DNS rebinding: an attacker points a name of theirs at this server's
 * address, and their page, same-origin with it in the browser's eyes,
 * posts here with that name as Host and Origin, from each reader's own
 * address.  A Host naming the site is fine, and so is an address or
 * localhost (a proxy that does not pass Host on; no other site's page is
 * served under those).  With the default url, anything goes, as it did.
 */
static char url_guessed[512]; /* set once before the threads start */

void
req_url_guessed(const char *url)
{
	snprintf(url_guessed, sizeof(url_guessed), "%s", url);
}

static int
host_is_site(const char *host, const char *site_url)
{
	char site[256];
	const char *name, *sname;
	size_t len, slen;
	struct netaddr a;

	if (host == NULL || strcmp(site_url, SITE_URL_DEFAULT) == 0 ||
	    strcmp(site_url, url_guessed) == 0 ||
	    url_authority(site_url, site, sizeof(site)) == -1)
		return 1;
	host_name(host, &name, &len);
	host_name(site, &sname, &slen);
	return (len == slen && strncasecmp(name, sname, len) == 0) ||
	       netaddr_parse(name, len, &a) == 0 ||
	       (len == 9 && strncasecmp(name, "localhost", 9) == 0);
}

int
req_same_origin(const struct req *r, const char *site_url)
{
	const char *from = req_header(r, "Origin");
	const char *host = req_header(r, "Host");
	char got[256], site[256];

	if (!host_is_site(host, site_url))
		return 0;
	if (from == NULL || strcmp(from, "null") == 0)
		from = req_header(r, "Referer");
	if (from == NULL || url_authority(from, got, sizeof(got)) == -1)
		return 0;
	if (host != NULL && strcasecmp(got, host) == 0)
		return 1;
	return url_authority(site_url, site, sizeof(site)) == 0 &&
	       strcasecmp(got, site) == 0;
}
