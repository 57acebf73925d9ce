/*
 * bench/river.sh's parser figure: every file under the directories given
 * (the fixture corpus) read into memory once, then parsed with
 * feed_parse() over and over for at least -s seconds; prints
 *
 *	files N feeds N items N bytes N passes N seconds S
 *
 * (feeds: the files that parsed as one; items: their entries, per pass).
 * Built by meson as build/bench/feed-parse, never installed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "feed/feed.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/limits.h"

struct file {
	char *body;
	size_t n;
};

static struct file *files;
static size_t nfiles, capfiles;

static void
add_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (f == NULL || fstat(fileno(f), &st) == -1 || st.st_size <= 0 ||
	    st.st_size > LIM_FEED_BYTES) {
		if (f != NULL)
			fclose(f);
		return;
	}
	if (nfiles == capfiles) {
		capfiles = capfiles ? 2 * capfiles : 256;
		files = realloc(files, capfiles * sizeof(*files));
		if (files == NULL)
			exit(1);
	}
	files[nfiles].n = (size_t)st.st_size;
	files[nfiles].body = malloc(files[nfiles].n);
	if (files[nfiles].body == NULL ||
	    fread(files[nfiles].body, 1, files[nfiles].n, f) != files[nfiles].n)
		exit(1);
	nfiles++;
	fclose(f);
}

static void
walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL) {
		add_file(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(path);
		else if (S_ISREG(st.st_mode))
			add_file(path);
	}
	closedir(d);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	double seconds = 3, t0, t;
	size_t feeds = 0, items = 0, bytes = 0, passes = 0;
	int i = 1;

	if (argc > 2 && strcmp(argv[1], "-s") == 0) {
		seconds = atof(argv[2]);
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: feed-parse [-s SECONDS] DIR...\n");
		return 2;
	}
	for (; i < argc; i++)
		walk(argv[i]);
	if (nfiles == 0) {
		fprintf(stderr, "feed-parse: no files\n");
		return 1;
	}
	t0 = now();
	do {
		size_t f = 0, it = 0;

		for (size_t k = 0; k < nfiles; k++) {
			struct arena *a = arena_new();
			struct feed_doc doc;
			struct error e;

			if (feed_parse(a, files[k].body, files[k].n, NULL,
			               "https://feeds.example/feed", &doc,
			               &e) == 0) {
				f++;
				it += doc.n_entries;
			}
			arena_free(a);
		}
		feeds = f;
		items = it;
		passes++;
		t = now() - t0;
	} while (t < seconds);
	for (size_t k = 0; k < nfiles; k++)
		bytes += files[k].n;
	printf("files %zu feeds %zu items %zu bytes %zu passes %zu seconds "
	       "%.3f\n",
	       nfiles, feeds, items, bytes, passes, t);
	return 0;
}
