/*
 * /media/PATH: files in SITE/media (uploads, book downloads, covers,
 * podcast audio), sent with sendfile, with HEAD, validators and single byte
 * ranges (RFC 9110 section 14) so audio players can seek and downloads
 * resume.  The path is checked segment by segment: no "..", no hidden
 * files, nothing outside the media folder, and no symlink followed below
 * it (media_open).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "../media/media.h"
#include "../util/log.h"
#include "../util/mime.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

/* Every segment a plain name: no empty, ".", "..", or hidden one. */
static int
media_path_valid(const char *p)
{
	if (*p == '\0' || strlen(p) > LIM_URL_BYTES)
		return 0;
	while (*p != '\0') {
		size_t n = strcspn(p, "/");

		if (n == 0 || p[0] == '.' || memchr(p, '\\', n) != NULL)
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return p[-1] != '/';
}

/*
 * Open rel (media_path_valid) under SITE/media without following a
 * symlink at any step: each directory is opened from the one before with
 * O_NOFOLLOW | O_DIRECTORY, and the file with O_NOFOLLOW.  O_NOFOLLOW on
 * the whole path covers only its last component: with SITE/media/lnk -> /,
 * "lnk/etc/passwd" was served.  SITE/media itself may be a link (an
 * operator's choice, onto a bigger disk); nothing beneath it is followed.
 * O_NONBLOCK: a FIFO put there must not hold a worker in open().
 *
 * openat2() with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS would do this in
 * one call, but it needs Linux 5.6, glibc 2.36 has no wrapper for it, and
 * container seccomp profiles older than it answer ENOSYS or EPERM, so this
 * walk would be needed as the fallback anyway; a path here is two or three
 * segments deep.  -1 with errno set.
 */
static int
media_open(struct arena *a, const char *dir, const char *rel)
{
	int fd = open(arena_printf(a, "%s/media", dir),
	              O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	while (fd != -1) {
		size_t n = strcspn(rel, "/");
		const char *name = arena_strndup(a, rel, n);
		int next, err;

		if (rel[n] == '\0')
			next = openat(fd, name,
			              O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
			                      O_CLOEXEC);
		else
			next = openat(fd, name,
			              O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			                      O_CLOEXEC);
		err = errno;
		close(fd);
		errno = err;
		if (rel[n] == '\0')
			return next;
		fd = next;
		rel += n + 1;
	}
	return -1;
}

/*
 * The type from the system's table (util/mime.h), text with its charset;
 * a name it does not know goes out as application/octet-stream, which
 * with nosniff (every answer carries it) no browser runs as HTML.
 */
static const char *
media_type(struct arena *a, const char *name)
{
	const char *t = mime_by_name(name);

	if (t == NULL)
		return "application/octet-stream";
	if (strncmp(t, "text/", 5) == 0)
		return arena_printf(a, "%s; charset=utf-8", t);
	return t;
}

/*
 * Types a browser would run script in when opened at our origin: a file
 * placed by hand or imported may be one (uploads refuse them, media.h).
 * They go out as downloads in a sandbox with nothing allowed.
 */
static int
media_active(const char *type)
{
	static const char *const active[] = {"image/svg+xml",
	                                     "text/html",
	                                     "application/xhtml+xml",
	                                     "text/xml",
	                                     "application/xml",
	                                     "text/javascript",
	                                     "application/javascript"};

	for (size_t i = 0; i < sizeof(active) / sizeof(active[0]); i++)
		if (strncmp(type, active[i], strlen(active[i])) == 0)
			return 1;
	return 0;
}

/*
 * "bytes=A-B", "bytes=A-" or "bytes=-N" against size: 1 with [*from,
 * *to], 0 when the header does not apply (absent, several ranges, another
 * unit: send the whole file), -1 when unsatisfiable (416).
 */
static int
parse_range(const char *h, uint64_t size, uint64_t *from, uint64_t *to)
{
	char a[24], b[24];
	const char *dash;
	int64_t x, y;

	if (h == NULL || strncmp(h, "bytes=", 6) != 0 || strchr(h, ',') != NULL)
		return 0;
	h += 6;
	dash = strchr(h, '-');
	if (dash == NULL || (size_t)(dash - h) >= sizeof(a) ||
	    strlen(dash + 1) >= sizeof(b))
		return 0;
	snprintf(a, sizeof(a), "%.*s", (int)(dash - h), h);
	snprintf(b, sizeof(b), "%s", dash + 1);
	if (*a == '\0') { /* the last N bytes */
		if (num_parse(b, 0, INT64_MAX, &y) == -1)
			return 0;
		/* The last 0 bytes are no bytes: unsatisfiable (RFC 9110
		 * section 14.1.1), not the whole file. */
		if (size == 0 || y == 0)
			return -1;
		*from = (uint64_t)y >= size ? 0 : size - (uint64_t)y;
		*to = size - 1;
		return 1;
	}
	if (num_parse(a, 0, INT64_MAX, &x) == -1)
		return 0;
	if (*b == '\0')
		y = INT64_MAX;
	else if (num_parse(b, 0, INT64_MAX, &y) == -1 || y < x)
		return 0;
	if ((uint64_t)x >= size)
		return -1;
	*from = (uint64_t)x;
	*to = (uint64_t)y >= size ? size - 1 : (uint64_t)y;
	return 1;
}

void
media_get(void *ctx, struct req *r, struct resp *rs)
{
	struct site *s = ctx;
	struct arena *a = r->arena;
	const char *rel = url_decode(a, r->path + 7, strlen(r->path + 7), 0);
	const char *ifr;
	struct stat sb;
	uint64_t from = 0, to = 0;
	int fd, range;

	if (rel == NULL || !media_path_valid(rel)) {
		page_not_found(s, r, rs);
		return;
	}
	fd = media_open(a, s->dir, rel);
	if (fd == -1 || fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		if (fd != -1)
			close(fd);
		else if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP)
			log_error("media %s/media/%s: %s", s->dir, rel,
			          strerror(errno));
		page_not_found(s, r, rs);
		return;
	}
	rs->content_type = media_type(a, rel);
	/* A content-addressed name (media_add) never gets other bytes. */
	rs->cache_control = media_path_immutable(rel)
	                            ? "public, max-age=31536000, immutable"
	                            : "public, max-age=86400";
	if (media_active(rs->content_type)) {
		(void)resp_header(rs, "Content-Disposition", "attachment");
		(void)resp_header(rs, "Content-Security-Policy",
		                  "sandbox; default-src 'none'");
	}
	rs->last_modified = (int64_t)sb.st_mtime;
	snprintf(rs->etag, sizeof(rs->etag), "\"%llx-%llx\"",
	         (unsigned long long)sb.st_size,
	         (unsigned long long)sb.st_mtime);
	(void)resp_header(rs, "Accept-Ranges", "bytes");
	range = parse_range(req_header(r, "Range"), (uint64_t)sb.st_size, &from,
	                    &to);
	/* If-Range names the file as it was; a changed file goes whole. */
	ifr = req_header(r, "If-Range");
	if (range != 0 && ifr != NULL && strcmp(ifr, rs->etag) != 0)
		range = 0;
	if (range == -1) {
		close(fd);
		rs->status = 416;
		rs->cache_control = "no-store";
		(void)resp_header(rs, "Content-Range",
		                  arena_printf(a, "bytes */%llu",
		                               (unsigned long long)sb.st_size));
		return;
	}
	rs->file_fd = fd;
	rs->file_offset = range ? from : 0;
	rs->file_length = range ? to - from + 1 : (uint64_t)sb.st_size;
	if (range) {
		rs->status = 206;
		(void)resp_header(rs, "Content-Range",
		                  arena_printf(a, "bytes %llu-%llu/%llu",
		                               (unsigned long long)from,
		                               (unsigned long long)to,
		                               (unsigned long long)sb.st_size));
	}
}
