#include <string.h>

#include "addr.h"
#include "limits.h"
#include "banned.h"

int
email_valid(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n), *dot;

	if (n == 0 || n > LIM_EMAIL_BYTES || at == NULL || at == s ||
	    at == s + n - 1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || strchr("<>()[],;:\\\"", c) ||
		    (c == '@' && s + i != at))
			return 0;
	}
	dot = memchr(at, '.', (size_t)(s + n - at));
	return dot != NULL && dot > at + 1 && s[n - 1] != '.';
}

int
url_valid(const char *u)
{
	const char *h;

	if (strncmp(u, "https://", 8) == 0)
		h = u + 8;
	else if (strncmp(u, "http://", 7) == 0)
		h = u + 7;
	else
		return 0;
	if (*h == '\0' || *h == '/' || *h == '?' || *h == '#' || *h == ':')
		return 0;
	for (const char *p = u; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '"' ||
		    *p == '<' || *p == '>' || *p == '\\')
			return 0;
	return 1;
}

int
host_valid(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 253)
		return 0;
	if (h[0] == '[')
		return n > 2 && h[n - 1] == ']' &&
		       strspn(h + 1, "0123456789abcdefABCDEF:.") == n - 2;
	for (size_t i = 0; i < n; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		      (h[i] >= 'A' && h[i] <= 'Z') ||
		      (h[i] >= '0' && h[i] <= '9') || h[i] == '-' ||
		      h[i] == '.'))
			return 0;
	return h[0] != '.' && h[0] != '-';
}
