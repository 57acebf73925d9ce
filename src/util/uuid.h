#ifndef GAZETTE_UUID_H
#define GAZETTE_UUID_H
/*
 * Name-based UUIDs, version 5 (RFC 9562 section 5.5: SHA-1 over the
 * namespace's 16 bytes and the name), as Podcasting 2.0's podcast:guid is
 * made.  SHA-1 from libavutil, which media/audio.c links already.
 */
#include <stddef.h>

#define UUID_TEXT 37 /* 36 characters and the NUL */

/* ns in its text form ("ead4c236-bf58-..."); out the lowercase text.
 * -1 when ns is not a UUID. */
int uuid_v5(const char *ns, const char *name, size_t len, char out[UUID_TEXT]);

#endif
