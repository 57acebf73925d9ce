#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netaddr.h"
#include "num.h"
#include "banned.h"

static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
                                         0, 0, 0, 0, 0xff, 0xff};

static int
is_mapped(const struct netaddr *a)
{
	return memcmp(a->b, mapped, sizeof(mapped)) == 0;
}

int
netaddr_parse(const char *s, size_t n, struct netaddr *a)
{
	char text[INET6_ADDRSTRLEN];
	struct in_addr a4;

	if (n == 0 || n >= sizeof(text))
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, &a4) == 1) {
		memcpy(a->b, mapped, sizeof(mapped));
		memcpy(a->b + 12, &a4, 4);
		return 0;
	}
	return inet_pton(AF_INET6, text, a->b) == 1 ? 0 : -1;
}

int
netaddr_of(const struct sockaddr *sa, struct netaddr *a)
{
	if (sa == NULL)
		return -1;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;

		memcpy(a->b, mapped, sizeof(mapped));
		memcpy(a->b + 12, &in->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;

		memcpy(a->b, &in6->sin6_addr, 16);
		return 0;
	}
	return -1;
}

void
netaddr_client(struct netaddr *a)
{
	if (!is_mapped(a))
		memset(a->b + 8, 0, 8);
}

void
netaddr_client_text(const char *ip, char *out, size_t n)
{
	char text[INET6_ADDRSTRLEN];
	struct netaddr a;

	if (netaddr_parse(ip, strlen(ip), &a) == -1) {
		snprintf(out, n, "%s", ip);
		return;
	}
	netaddr_client(&a);
	if (memcmp(a.b, mapped, sizeof(mapped)) == 0)
		inet_ntop(AF_INET, a.b + 12, text, sizeof(text));
	else
		inet_ntop(AF_INET6, a.b, text, sizeof(text));
	snprintf(out, n, "%s", text);
}

int
netaddr_equal(const struct netaddr *a, const struct netaddr *b)
{
	return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

/* Do a and b agree in their first bits bits? */
static int
prefix_equal(const struct netaddr *a, const struct netaddr *b, unsigned bits)
{
	size_t whole = bits / 8;
	unsigned rest = bits % 8;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));

	if (memcmp(a->b, b->b, whole) != 0)
		return 0;
	return rest == 0 || ((a->b[whole] ^ b->b[whole]) & mask) == 0;
}

/* One entry, ADDR or ADDR/BITS, the n bytes at s. */
static int
netset_add1(struct netset *set, const char *s, size_t n, struct error *e)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	struct netaddr a;
	char bits[8];
	int64_t b = 128;

	if (netaddr_parse(s, alen, &a) == -1)
		return error_set(e, ERR_INVALID, "'%.*s' is not an address",
		                 (int)alen, s);
	if (slash != NULL) {
		size_t blen = n - alen - 1;
		int64_t max = is_mapped(&a) ? 32 : 128;

		if (blen == 0 || blen >= sizeof(bits))
			return error_set(e, ERR_INVALID, "'%.*s': bad prefix",
			                 (int)n, s);
		memcpy(bits, slash + 1, blen);
		bits[blen] = '\0';
		if (num_parse(bits, 0, max, &b) == -1)
			return error_set(e, ERR_INVALID,
			                 "'%.*s': the prefix is 0 to %lld bits",
			                 (int)n, s, (long long)max);
		if (is_mapped(&a))
			b += 96;
	}
	/* 10.0.0.1/8 is most likely a typo for a single address or for
	 * 10.0.0.0/8: say so rather than guess. */
	for (unsigned i = (unsigned)b; i < 128; i++)
		if (a.b[i / 8] & (0x80 >> (i % 8)))
			return error_set(e, ERR_INVALID,
			                 "'%.*s': bits set past the prefix",
			                 (int)n, s);
	if (set->n == LIM_TRUSTED_PROXIES)
		return error_set(e, ERR_INVALID, "more than %d networks",
		                 LIM_TRUSTED_PROXIES);
	set->net[set->n].a = a;
	set->net[set->n].bits = (unsigned)b;
	set->n++;
	return 0;
}

int
netset_add(struct netset *set, const char *list, struct error *e)
{
	const char *p = list;

	for (;;) {
		size_t n;

		p += strspn(p, ", \t");
		if (*p == '\0')
			return 0;
		n = strcspn(p, ", \t");
		if (netset_add1(set, p, n, e) == -1)
			return -1;
		p += n;
	}
}

int
netset_has(const struct netset *set, const struct netaddr *a)
{
	for (size_t i = 0; i < set->n; i++)
		if (prefix_equal(a, &set->net[i].a, set->net[i].bits))
			return 1;
	return 0;
}
