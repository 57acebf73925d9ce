#ifndef GAZETTE_NETADDR_H
#define GAZETTE_NETADDR_H
/*
 * IP addresses as 16 bytes, IPv4 ones as IPv4-mapped IPv6 (::ffff:a.b.c.d),
 * so that one comparison serves both families and a peer an IPv6 socket
 * sees as ::ffff:127.0.0.1 is 127.0.0.1; and sets of networks, such as
 * gazette.conf's trusted_proxies.  Plain values: nothing is allocated.
 */
#include <stddef.h>

#include "error.h"
#include "limits.h"

struct sockaddr;

struct netaddr {
	unsigned char b[16];
};

/* The n bytes at s, an IPv4 or IPv6 address and nothing else, into *a:
 * 0, or -1. */
int netaddr_parse(const char *s, size_t n, struct netaddr *a);
/* The address of an AF_INET or AF_INET6 socket address: 0, or -1. */
int netaddr_of(const struct sockaddr *sa, struct netaddr *a);
/*
 * Narrow a to what names one client when counting per client: an IPv4
 * address stays whole, an IPv6 one keeps its /64, the block one subscriber
 * gets, so that stepping through one's own prefix buys nothing.
 */
void netaddr_client(struct netaddr *a);
/* The text of ip's client part (netaddr_client: "2001:db8::" for any
 * address of 2001:db8::/64) into out, or ip itself when it is not an
 * address; cut to n bytes. */
void netaddr_client_text(const char *ip, char *out, size_t n);
/* a and b are the same address. */
int netaddr_equal(const struct netaddr *a, const struct netaddr *b);

/* Addresses and networks; empty when zeroed. */
struct netset {
	size_t n;
	struct {
		struct netaddr a;
		unsigned bits; /* of the 128 of the mapped form */
	} net[LIM_TRUSTED_PROXIES];
};

/*
 * Add each entry of list, ADDR or ADDR/BITS separated by commas or white
 * space ("127.0.0.1, ::1, 10.0.0.0/8"), to set: 0, or -1 with ERR_INVALID
 * naming the entry (not an address, bits out of range, host bits set, more
 * than LIM_TRUSTED_PROXIES entries).
 */
int netset_add(struct netset *set, const char *list, struct error *e);
/* Is a in one of set's networks? */
int netset_has(const struct netset *set, const struct netaddr *a);

#endif
