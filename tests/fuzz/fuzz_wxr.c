/*
 * WordPress export files come from other sites: the input is a WXR file,
 * imported into a new in-memory site through the same wxr_import() the
 * CLI calls (its reading thread when the first byte is even, the calling
 * thread alone when odd: both must hold).  Besides memory errors and
 * leaks, the driver traps when a refusal is anything but ERR_INVALID
 * (malformed or not WXR: whatever the bytes, the database must never be
 * what fails), and when importing a file that went in a second time adds
 * anything: re-import matches by WordPress id and must skip it all.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "import/wxr.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a file: wxr_import() streams from a path. */
static int input_fd = -1;
static char input[64];
/*
 * A new site per input, copied from one made at start: making one runs
 * every migration, which took 100 ms, twenty times the import of a small
 * file.
 */
static char dir[64], site[96], wal[96], shm[96];
static char *blank;
static size_t blank_len;

static void
remove_site(void)
{
	unlink(site);
	unlink(wal);
	unlink(shm);
	rmdir(dir);
}

static void
set_up(void)
{
	struct store *s;
	struct error e;
	FILE *f;
	long n;

	input_fd = memfd_create("fuzz_wxr", 0);
	snprintf(dir, sizeof(dir), "%s", "/tmp/fuzz_wxr-XXXXXX");
	if (input_fd == -1 || mkdtemp(dir) == NULL)
		__builtin_trap();
	snprintf(input, sizeof(input), "/proc/self/fd/%d", input_fd);
	snprintf(site, sizeof(site), "%s/gazette.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", site);
	snprintf(shm, sizeof(shm), "%s-shm", site);
	atexit(remove_site);
	s = store_open(site, 1, &e);
	if (s == NULL)
		__builtin_trap();
	store_close(s);
	f = fopen(site, "rb");
	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0)
		__builtin_trap();
	rewind(f);
	blank_len = (size_t)n;
	blank = malloc(blank_len);
	if (blank == NULL || fread(blank, 1, blank_len, f) != blank_len)
		__builtin_trap();
	fclose(f);
}

static struct store *
new_site(void)
{
	struct error e;
	struct store *s;
	int fd;

	unlink(wal);
	unlink(shm);
	fd = open(site, O_WRONLY | O_TRUNC);
	if (fd == -1 || write(fd, blank, blank_len) != (ssize_t)blank_len)
		__builtin_trap();
	close(fd);
	s = store_open(site, 0, &e);
	if (s == NULL)
		__builtin_trap();
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wxr_options o = {0};
	struct wxr_report r, again;
	struct store *s;
	struct error e;

	if (input_fd == -1)
		set_up();
	if (ftruncate(input_fd, 0) == -1 ||
	    pwrite(input_fd, data, size, 0) != (ssize_t)size)
		__builtin_trap();
	s = new_site();
	o.site_url = "https://new.example";
	o.one_thread = size > 0 && data[0] & 1;
	if (wxr_import(s, input, &o, &r, &e) == -1) {
		if (e.code != ERR_INVALID)
			__builtin_trap(); /* the database failed on our input */
	} else {
		if (wxr_import(s, input, &o, &again, &e) == -1)
			__builtin_trap(); /* it went in once */
		for (int k = 0; k < WXR_KIND__MAX; k++)
			if (again.added[k] != 0)
				__builtin_trap(); /* a second import added some
				                   */
	}
	store_close(s);
	return 0;
}
