#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "limits.h"
#include "text.h"
#include "banned.h"

static int
is_alnum(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	n = max;
	/* Step back over continuation bytes to the start of a character. */
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/*
 * Typographic punctuation that WordPress's sanitize_title() also turns into
 * separators: U+00A0, U+00AB, U+00BB, U+2010..U+2015 (dashes),
 * U+2018..U+201F (quotes), U+2026 (ellipsis).  Returns its UTF-8 length at
 * s, or 0.
 */
static size_t
punct_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	if (n >= 2 && s[0] == 0xC2 &&
	    (s[1] == 0xA0 || s[1] == 0xAB || s[1] == 0xBB))
		return 2;
	if (n >= 3 && s[0] == 0xE2 && s[1] == 0x80 &&
	    ((s[2] >= 0x90 && s[2] <= 0x9F) || s[2] == 0xA6))
		return 3;
	return 0;
}

/*
 * Latin letters NFD does not take apart, as WordPress's remove_accents()
 * writes them (lower case: the title is lower-cased first).
 */
static const char *
latin_plain(ucs4_t c)
{
	switch (c) {
	case 0xDF: /* ß */
		return "ss";
	case 0xE6: /* æ */
		return "ae";
	case 0x153: /* œ */
		return "oe";
	case 0xF8: /* ø */
		return "o";
	case 0x111: /* đ */
	case 0xF0:  /* ð */
		return "d";
	case 0xFE: /* þ */
		return "th";
	case 0x142: /* ł */
		return "l";
	case 0x131: /* dotless ı */
		return "i";
	default:
		return NULL;
	}
}

/*
 * The title lower-cased (Unicode's full case mapping, libunistring), its
 * Latin letters without their accents (NFD, then the combining marks that
 * follow a Latin letter dropped: "Café Über" is "cafe uber"; other
 * scripts keep theirs, and Hangul comes back whole), in NFC.  NULL when
 * the title is not UTF-8.
 */
static char *
slug_fold(struct arena *a, const char *title, size_t n, size_t *out_n)
{
	size_t ln = 0, cn = 0, k = 0;
	uint8_t *low = u8_tolower((const uint8_t *)title, n, NULL, UNINORM_NFD,
	                          NULL, &ln);
	uint8_t *plain, *nfc;
	char *out;
	int latin = 0;

	if (low == NULL)
		return NULL;
	plain = malloc(2 * ln + 1); /* a letter of 2 bytes may give 2 */
	if (plain == NULL)
		abort();
	for (size_t i = 0; i < ln;) {
		ucs4_t c;
		int len = u8_mbtouc(&c, low + i, ln - i);
		const char *rep = latin_plain(c);
		const uc_script_t *sc;

		if (uc_is_general_category(c, UC_CATEGORY_Mn) && latin) {
			i += (size_t)len;
			continue;
		}
		if (rep != NULL) {
			memcpy(plain + k, rep, strlen(rep));
			k += strlen(rep);
		} else {
			memcpy(plain + k, low + i, (size_t)len);
			k += (size_t)len;
		}
		if (!uc_is_general_category(c, UC_CATEGORY_M)) {
			sc = uc_script(c);
			latin = sc != NULL && strcmp(sc->name, "Latin") == 0;
		}
		i += (size_t)len;
	}
	free(low);
	nfc = u8_normalize(UNINORM_NFC, plain, k, NULL, &cn);
	free(plain);
	if (nfc == NULL)
		return NULL;
	out = arena_alloc(a, cn + 1);
	memcpy(out, nfc, cn);
	out[cn] = '\0';
	free(nfc);
	*out_n = cn;
	return out;
}

/* The ASCII pass over a folded title: runs of what is no letter or digit
 * become one '-', apostrophes vanish. */
static char *
slug_dashes(struct arena *a, const char *title, size_t n)
{
	char *out = arena_alloc(a, n + 1);
	size_t len = 0;
	int dash = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)title[i];
		size_t skip = punct_len(title + i, n - i);

		if (skip > 0) {
			dash = 1;
			i += skip - 1;
			continue;
		}
		if (is_alnum(c) || c >= 0x80) {
			if (dash && len > 0)
				out[len++] = '-';
			dash = 0;
			out[len++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		} else if (c != '\'')
			dash = 1; /* "Don't" -> "dont", as WordPress does */
	}
	if (!utf8_valid(out, len))
		len = 0;
	len = utf8_cut(out, len, LIM_SLUG_BYTES);
	while (len > 0 && out[len - 1] == '-')
		len--;
	out[len] = '\0';
	return out;
}

char *
slug_from_title(struct arena *a, const char *title)
{
	size_t n = strlen(title);
	char *folded;

	if (!utf8_valid(title, n))
		return arena_strdup(a, "");
	folded = slug_fold(a, title, n, &n);
	return slug_dashes(a, folded != NULL ? folded : "", n);
}

int
slug_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > LIM_SLUG_BYTES || !utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80 || is_alnum(c) || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			continue;
		return 0;
	}
	return strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int
url_safe(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

size_t
url_encode_to(char *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (url_safe(c))
			out[k++] = (char)c;
		else {
			out[k++] = '%';
			out[k++] = hex[c >> 4];
			out[k++] = hex[c & 15];
		}
	}
	return k;
}

int
url_encode(struct buf *b, const char *s, size_t n)
{
	/* Runs of bytes that stay as they are go in whole. */
	for (size_t i = 0; i < n;) {
		size_t j = i;
		char esc[3];

		while (j < n && url_safe((unsigned char)s[j]))
			j++;
		if (buf_add(b, s + i, j - i) == -1)
			return -1;
		if (j == n)
			break;
		if (buf_add(b, esc, url_encode_to(esc, s + j, 1)) == -1)
			return -1;
		i = j + 1;
	}
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A byte no redirect target may hold, even percent-encoded. */
static int
redirect_bad_byte(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '\\';
}

/*
 * The WHATWG URL parser, which browsers follow, strips TAB, LF and CR
 * anywhere in a URL and leading C0 controls and spaces, and reads '\\' as
 * '/' in http(s) URLs: "/\t/x", "/\\x" and "/\r\n/x" all become "//x",
 * another host.  So the check is made on the bytes and on them decoded
 * once, which is what a browser or the next server may see.
 */
int
url_local_path(const char *s)
{
	size_t n, d = 0; /* d: the index in the decoded path */

	if (s == NULL || s[0] != '/')
		return 0;
	n = strlen(s);
	if (n > LIM_URL_BYTES || !utf8_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++, d++) {
		unsigned char c = (unsigned char)s[i];

		if (redirect_bad_byte(c) || c == ' ')
			return 0;
		if (c == '%') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = hi >= 0 ? hexval(s[i + 2]) : -1;

			if (lo < 0)
				return 0;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
			if (redirect_bad_byte(c))
				return 0;
		}
		/* The second character of the path, decoded or not, must not
		 * make it "//host" (an authority). */
		if (d == 1 && c == '/')
			return 0;
	}
	return 1;
}

char *
url_decode(struct arena *a, const char *s, size_t n, int plus)
{
	char *out = arena_alloc(a, n + 1);
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '%') {
			int hi, lo;

			if (n - i < 3)
				return NULL;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return NULL;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus)
			c = ' ';
		else if (c == '\0')
			return NULL;
		out[len++] = c;
	}
	out[len] = '\0';
	return out;
}

int
utf8_valid(const char *s, size_t n)
{
	return utf8_valid_len(s, n) == n;
}

size_t
utf8_valid_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t need;
		unsigned int cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else
			return i;
		if (n - i - 1 < need)
			return i;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += need + 1;
	}
	return n;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

const char *
text_trim(struct arena *a, const char *s)
{
	size_t n;

	if (s == NULL)
		return "";
	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

int
text_has_control(const char *s, int multiline)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (multiline && (c == '\n' || c == '\r' || c == '\t'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return 1;
	}
	return 0;
}

int
url_is_http(const char *s)
{
	return (strncmp(s, "http://", 7) == 0 && s[7] != '\0') ||
	       (strncmp(s, "https://", 8) == 0 && s[8] != '\0');
}

const char *
tags_split(struct arena *a, const char *s, size_t max_items, size_t max_bytes,
           const char ***out, size_t *n)
{
	size_t cap = 8;

	*out = arena_alloc(a, cap * sizeof(**out));
	*n = 0;
	while (*s != '\0') {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		const char *t = s;

		while (len > 0 && (*t == ' ' || *t == '\t')) {
			t++;
			len--;
		}
		while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t'))
			len--;
		if (len > max_bytes)
			return arena_printf(a,
			                    "A tag is at most %zu bytes; "
			                    "'%.*s…' is longer.",
			                    max_bytes, 40, t);
		if (len > 0) {
			if (*n == max_items)
				return arena_printf(a, "At most %zu tags.",
				                    max_items);
			if (*n == cap) {
				const char **g =
					arena_alloc(a, 2 * cap * sizeof(*g));

				memcpy(g, *out, cap * sizeof(*g));
				*out = g;
				cap *= 2;
			}
			(*out)[(*n)++] = arena_strndup(a, t, len);
		}
		if (comma == NULL)
			break;
		s = comma + 1;
	}
	return NULL;
}
