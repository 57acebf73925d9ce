/* Version 5 UUIDs (see uuid.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libavutil/mem.h>
#include <libavutil/sha.h>

#include "uuid.h"
#include "banned.h"

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
uuid_v5(const char *ns, const char *name, size_t len, char out[UUID_TEXT])
{
	uint8_t raw[16], d[20];
	struct AVSHA *sha;
	size_t k = 0;
	int o = 0;

	if (strlen(ns) != 36)
		return -1;
	for (size_t i = 0; i < 36; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (ns[i] != '-')
				return -1;
			continue;
		}
		hi = hex((unsigned char)ns[i]);
		lo = hex((unsigned char)ns[++i]);
		if (hi < 0 || lo < 0)
			return -1;
		raw[k++] = (uint8_t)(hi << 4 | lo);
	}
	sha = av_sha_alloc();
	if (sha == NULL)
		return -1;
	av_sha_init(sha, 160);
	av_sha_update(sha, raw, sizeof(raw));
	av_sha_update(sha, (const uint8_t *)name, len);
	av_sha_final(sha, d);
	av_free(sha);
	d[6] = (uint8_t)((d[6] & 0x0f) | 0x50);
	d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		snprintf(out + o, 3, "%02x", d[i]);
		o += 2;
	}
	out[o] = '\0';
	return 0;
}
