/*
 * gazette episode attach ID [--audio FILE] [--transcript FILE]
 *                           [--chapters FILE]
 *
 * Add files to the media library and attach them to a podcast episode
 * (core/episodes.c): the
 * audio's size, type and duration are read from it, a transcript must be
 * WebVTT or SRT, chapters Podcasting 2.0's JSON.  Prints
 * ID<TAB>AUDIO-URL<TAB>SECONDS.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "../core/episodes.h"
#include "../store/podcast.h"
#include "../util/num.h"
#include "../util/banned.h"

int
cmd_episode(struct conf *c, int argc, char **argv)
{
	struct episode_files f = {0};
	const struct cli_flag flags[] = {{"audio", &f.audio, NULL},
	                                 {"transcript", &f.transcript, NULL},
	                                 {"chapters", &f.chapters, NULL},
	                                 {NULL, NULL, NULL}};
	struct episode ep;
	struct store *st;
	struct arena *a;
	struct error e;
	int64_t id;
	int rc, npos;

	if (argc < 2 || strcmp(argv[1], "attach") != 0)
		return cli_usage_of("episode");
	rc = cli_args("episode attach", argc, argv, 2, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos != 1 ||
	    (f.audio == NULL && f.transcript == NULL && f.chapters == NULL))
		return cli_usage_of("episode attach");
	if (num_parse(argv[2], 1, INT64_MAX, &id) == -1)
		return cli_usage("episode attach: '%s' is not a post id",
		                 argv[2]);
	st = site_open(c, &e);
	if (st == NULL)
		return cli_fail(&e);
	a = arena_new();
	rc = 0;
	if (episodes_attach(st, a, c->site, id, &f, &e) == -1 ||
	    store_episode_get(st, a, id, &ep, &e) == -1)
		rc = cli_fail(&e);
	else
		printf("%lld\t%s\t%lld\n", (long long)id, ep.audio_url,
		       (long long)ep.duration_s);
	arena_free(a);
	store_close(st);
	return rc;
}
