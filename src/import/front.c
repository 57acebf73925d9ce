#include <string.h>

#include "front.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

const char *const front_key_names[FRONT__MAX] =
	{"title",  "slug",  "section", "tags",       "source",   "date",
         "status", "type",  "audio",   "transcript", "chapters", "video",
         "poster", "image", "order",   "cover",      "epub",     "pdf"};

/* One line without its "\n" or "\r\n". */
static size_t
line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

	*next = nl ? nl + 1 : end;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	return len;
}

static int
is_fence(const char *p, size_t len)
{
	while (len > 3 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	return len == 3 && memcmp(p, "---", 3) == 0;
}

static const char *
trim(const char *p, size_t *len)
{
	while (*len > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		(*len)--;
	}
	while (*len > 0 && (p[*len - 1] == ' ' || p[*len - 1] == '\t'))
		(*len)--;
	return p;
}

int
front_parse(struct arena *a, const char *src, size_t n, struct front *out,
            int *line, struct error *e)
{
	const char *p = src, *end = src + n, *next;
	size_t len;
	int lineno = 1;

	memset(out, 0, sizeof(*out));
	*line = 1;
	if (!utf8_valid(src, n)) {
		size_t bad = utf8_valid_len(src, n);

		for (size_t i = 0; i < bad; i++)
			if (src[i] == '\n')
				(*line)++;
		return error_set(e, ERR_INVALID, "not valid UTF-8");
	}
	if (n >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
		p += 3; /* a byte-order mark from a Windows editor */
	len = line_len(p, end, &next);
	if (!is_fence(p, len))
		return error_set(e, ERR_INVALID,
		                 "missing front matter: the first line must be "
		                 "'---'");
	for (p = next, lineno = 2;; p = next, lineno++) {
		const char *colon, *key, *val;
		size_t klen, vlen;
		int k;

		*line = lineno;
		if (p >= end) {
			*line = 1;
			return error_set(
				e, ERR_INVALID,
				"front matter is not closed by a '---' "
				"line");
		}
		if (lineno - 1 > LIM_FRONT_LINES)
			return error_set(e, ERR_INVALID,
			                 "front matter longer than %d lines",
			                 LIM_FRONT_LINES);
		len = line_len(p, end, &next);
		if (len > LIM_FRONT_LINE_BYTES)
			return error_set(e, ERR_INVALID,
			                 "line longer than %d bytes",
			                 LIM_FRONT_LINE_BYTES);
		if (is_fence(p, len))
			break;
		val = trim(p, &len);
		if (len == 0 || *val == '#')
			continue;
		colon = memchr(val, ':', len);
		if (colon == NULL)
			return error_set(e, ERR_INVALID,
			                 "expected 'key: value', got '%.*s'",
			                 (int)(len > 60 ? 60 : len), val);
		klen = (size_t)(colon - val);
		key = trim(val, &klen);
		k = -1;
		for (int i = 0; i < FRONT__MAX; i++)
			if (strlen(front_key_names[i]) == klen &&
			    memcmp(front_key_names[i], key, klen) == 0)
				k = i;
		if (k < 0)
			return error_set(
				e, ERR_INVALID,
				"unknown key '%.*s' (known: title, slug, "
				"section, tags, source, date, status, "
				"type, audio, transcript, chapters, video, "
				"poster, image, order, cover, epub, pdf)",
				(int)(klen > 40 ? 40 : klen), key);
		if (out->value[k] != NULL)
			return error_set(e, ERR_INVALID,
			                 "'%s' given twice (first on line %d)",
			                 front_key_names[k], out->line[k]);
		vlen = len - (size_t)(colon + 1 - val);
		val = trim(colon + 1, &vlen);
		if (vlen >= 2 && (val[0] == '"' || val[0] == '\'') &&
		    val[vlen - 1] == val[0]) {
			val++;
			vlen -= 2;
		}
		if (memchr(val, '\0', vlen) != NULL)
			return error_set(e, ERR_INVALID, "NUL byte in value");
		out->value[k] = arena_strndup(a, val, vlen);
		out->line[k] = lineno;
	}
	out->end_line = lineno;
	out->body = next;
	out->body_len = (size_t)(end - next);
	return 0;
}
