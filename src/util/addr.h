#ifndef GAZETTE_ADDR_H
#define GAZETTE_ADDR_H
/*
 * The shape of the addresses people type: mail addresses, web addresses,
 * host names.  One function each, so the comment form, the submission
 * form, the users screen, the settings and the mailer agree on what an
 * address is.  Only the shape is checked; nothing is looked up.
 */
#include <stddef.h>

/*
 * 1 if s[0..n) is a mail address we may put in a header and an SMTP path:
 * at most LIM_EMAIL_BYTES, one '@' with something before it, a domain
 * with a '.' that neither starts nor ends it, and printable ASCII without
 * space or the characters that would end the path or the header field
 * (<>()[],;:\ and '"').
 */
int email_valid(const char *s, size_t n);
/* 1 if s is an absolute http:// or https:// URL with a host and no white
 * space, control byte, '"', '<', '>' or '\\'. */
int url_valid(const char *s);
/* 1 if h is a host name (letters, digits, '-', '.', not starting with '.'
 * or '-') or an IPv6 address in brackets, at most 253 bytes. */
int host_valid(const char *h);

#endif
