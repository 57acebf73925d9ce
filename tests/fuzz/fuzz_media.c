/*
 * The upload path (media/media.h) on hostile bytes: libmagic sniffs them,
 * libvips decodes what claims to be an image, and whatever happens the
 * call returns; on a refusal nothing is left in SITE/media, and a stored
 * file is deleted again (so a long run does not fill the disk).  The
 * first byte picks the name the uploader gave, since the extension
 * chooses between formats that share a container.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vips/vips.h>

#include "media/media.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char site[64] = "/tmp/gazette-fuzz-media-XXXXXX";
static char input[128];
static struct store *store;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct error e;

	(void)argc;
	(void)argv;
	if (mkdtemp(site) == NULL)
		abort();
	snprintf(input, sizeof(input), "%s/input", site);
	store = store_open(":memory:", 1, &e);
	if (store == NULL)
		abort();
	media_init();
	vips_concurrency_set(1);
	return 0;
}

/* Entries under dir other than "." and ".."; empty folders count as 0. */
static int
files_under(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char p[512];

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >=
		    (int)sizeof(p))
			abort();
		if (de->d_type == DT_DIR)
			n += files_under(p);
		else
			n++;
	}
	closedir(d);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"a.jpg", "a.m4a",  "a.vtt",
	                                    "a.srt", "a.json", "a.opus",
	                                    "a.mp3", "a",      "a.png",
	                                    "a.gif"};
	char media[128];
	struct arena *a;
	struct media_file f;
	struct error e;
	FILE *out;
	int rc;

	if (size < 1)
		return 0;
	out = fopen(input, "wb");
	if (out == NULL)
		abort();
	if (fwrite(data + 1, 1, size - 1, out) != size - 1 || fclose(out) != 0)
		abort();
	a = arena_new();
	rc = media_add(store, a, site, input,
	               names[data[0] % (sizeof(names) / sizeof(names[0]))], "",
	               &f, &e);
	snprintf(media, sizeof(media), "%s/media", site);
	if (rc == 0) {
		if (f.bytes <= 0 || strncmp(f.url, "/media/", 7) != 0 ||
		    !media_path_immutable(f.path))
			__builtin_trap();
		if (media_delete(store, a, site, f.id, &e) == -1)
			__builtin_trap();
	} else if (e.code == ERR_OK || e.msg[0] == '\0')
		__builtin_trap(); /* a refusal says why */
	/* Nothing left behind: refused, or stored and deleted again. */
	if (files_under(media) != 0)
		__builtin_trap();
	arena_free(a);
	return 0;
}
