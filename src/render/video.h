#ifndef GAZETTE_VIDEO_H
#define GAZETTE_VIDEO_H
/*
 * The allow-listed video providers of the Watch embed: a page URL a
 * writer pastes (https://www.youtube.com/watch?v=ID, https://youtu.be/ID,
 * https://vimeo.com/ID, ...) maps to the provider's player URL, and only
 * player URLs of these providers may appear in an <iframe>.  Everything
 * else is a plain link.
 */
#include <stddef.h>

#include "../util/arena.h"

/*
 * The player URL (https, no query beyond what the provider needs) for a
 * page URL of a known provider, in a; NULL when url is not one.
 */
const char *video_player_url(struct arena *a, const char *url, size_t n);

/*
 * The player URL of a PeerTube video (https://HOST/w/ID or
 * https://HOST/videos/watch/ID) on one of hosts (the setting
 * video_peertube_hosts: names separated by commas or white space), in a;
 * NULL otherwise.  Not in video_players: the sanitizer's list is fixed.
 */
const char *video_peertube_url(struct arena *a, const char *url,
                               const char *hosts);
/* "YouTube", "Vimeo", ... for a player URL ("PeerTube" for the rest). */
const char *video_provider_name(const char *player);

/* 1 when src is a player URL of an allow-listed provider, else 0. */
int video_player_allowed(const char *src);

/* The player URL prefixes video_player_allowed() takes, NULL-terminated. */
extern const char *const video_players[];
/*
 * Their origins, for the frame-src of the site's Content-Security-Policy
 * (site/headers.c): the policy lets frames load from these alone.  A unit
 * test holds it to video_players.
 */
#define VIDEO_PLAYER_ORIGINS                                                   \
	"https://www.youtube-nocookie.com https://www.youtube.com "            \
	"https://player.vimeo.com https://www.dailymotion.com "                \
	"https://rumble.com https://odysee.com"

#endif
