/*
 * Adding a file to the media library (media.h): the type sniffed by
 * libmagic, the kind's size limit, the content-addressed name, the copies
 * of an image (image.c), and nothing left behind when any step fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "../store/media.h"
#include "../util/alloc.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

const char *const media_kind_names[MEDIA_KIND__MAX] = {"image", "audio",
                                                       "video", "document",
                                                       "text"};

static const int64_t media_kind_limit[MEDIA_KIND__MAX] = {LIM_MEDIA_IMAGE_BYTES,
                                                          LIM_MEDIA_AUDIO_BYTES,
                                                          LIM_MEDIA_VIDEO_BYTES,
                                                          LIM_MEDIA_DOC_BYTES,
                                                          LIM_MEDIA_TEXT_BYTES};

/*
 * What is accepted: libmagic's type of the content, and where one type
 * covers several formats (MP4 holds audio or video; text may be a
 * transcript), the name's extension picks among the rows; a row with no
 * extensions takes any name.  The first matching row wins.
 */
static const struct media_type {
	const char *sniffed;
	const char *exts; /* " ext ext " or NULL: any */
	const char *ext;  /* the stored file's */
	const char *mime; /* served as */
	enum media_kind kind;
} media_types[] = {
	{"image/jpeg", NULL, "jpg", "image/jpeg", MEDIA_IMAGE},
	{"image/png", NULL, "png", "image/png", MEDIA_IMAGE},
	{"image/webp", NULL, "webp", "image/webp", MEDIA_IMAGE},
	{"image/gif", NULL, "gif", "image/gif", MEDIA_IMAGE},
	{"audio/mpeg", NULL, "mp3", "audio/mpeg", MEDIA_AUDIO},
	{"video/mp4", " m4a m4b aac ", "m4a", "audio/mp4", MEDIA_AUDIO},
	{"audio/x-m4a", NULL, "m4a", "audio/mp4", MEDIA_AUDIO},
	{"audio/mp4", NULL, "m4a", "audio/mp4", MEDIA_AUDIO},
	{"audio/x-hx-aac-adts", NULL, "aac", "audio/aac", MEDIA_AUDIO},
	{"audio/ogg", " opus ", "opus", "audio/ogg", MEDIA_AUDIO},
	{"audio/ogg", NULL, "ogg", "audio/ogg", MEDIA_AUDIO},
	{"audio/flac", NULL, "flac", "audio/flac", MEDIA_AUDIO},
	{"audio/x-wav", NULL, "wav", "audio/wav", MEDIA_AUDIO},
	{"video/mp4", NULL, "mp4", "video/mp4", MEDIA_VIDEO},
	{"video/webm", NULL, "webm", "video/webm", MEDIA_VIDEO},
	{"application/pdf", NULL, "pdf", "application/pdf", MEDIA_DOC},
	{"application/epub+zip", NULL, "epub", "application/epub+zip",
         MEDIA_DOC},
	{"text/vtt", NULL, "vtt", "text/vtt", MEDIA_TEXT},
	{"text/plain", " vtt ", "vtt", "text/vtt", MEDIA_TEXT},
	{"text/plain", " srt ", "srt", "application/x-subrip", MEDIA_TEXT},
	/* file 5.44 names a SubRip file so (its own magic, not the name) */
	{"application/x-subrip", NULL, "srt", "application/x-subrip",
         MEDIA_TEXT},
	{"application/json", " json ", "json", "application/json", MEDIA_TEXT},
};
#define NTYPES (sizeof(media_types) / sizeof(media_types[0]))

/* The first 32 hex digits of the SHA-256 name a file: 128 bits. */
#define HASH_HEX 32

static const struct media_type *
type_find(const char *sniffed, const char *name)
{
	const char *dot = strrchr(name, '.');
	char ext[16] = "";

	if (dot != NULL && strlen(dot + 1) + 3 <= sizeof(ext)) {
		snprintf(ext, sizeof(ext), " %s ", dot + 1);
		for (char *p = ext; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
	}
	for (size_t i = 0; i < NTYPES; i++) {
		const struct media_type *t = &media_types[i];

		if (strcmp(t->sniffed, sniffed) != 0)
			continue;
		if (t->exts == NULL || (*ext && strstr(t->exts, ext) != NULL))
			return t;
	}
	return NULL;
}

/* A name as an uploader gave it: a file's name, not a path. */
static int
name_check(const char *name, struct error *e)
{
	size_t n = strlen(name);

	if (n == 0 || n > LIM_MEDIA_NAME_BYTES)
		return error_set(e, ERR_INVALID,
		                 "file name must be 1 to %d bytes",
		                 LIM_MEDIA_NAME_BYTES);
	if (!utf8_valid(name, n))
		return error_set(e, ERR_INVALID, "file name is not UTF-8");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return error_set(e, ERR_INVALID,
			                 "file name has a control character");
	if (strchr(name, '/') != NULL || strchr(name, '\\') != NULL ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return error_set(e, ERR_INVALID,
		                 "file name '%s' is a path, not a name", name);
	return 0;
}

/*
 * libmagic's MIME type of buf.  A magic_t is not thread-safe and loading
 * the database is cheap next to an upload, so each call has its own.
 * Compressed files are not looked into.
 */
static int
sniff(const void *buf, size_t n, char *out, size_t outn, struct error *e)
{
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS |
	                       MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF |
	                       MAGIC_NO_CHECK_CDF);
	const char *t;

	if (m == NULL)
		return error_set(e, ERR_IO, "libmagic: %s", strerror(errno));
	if (magic_load(m, NULL) != 0) {
		error_set(e, ERR_IO, "libmagic: %s", magic_error(m));
		magic_close(m);
		return -1;
	}
	t = magic_buffer(m, buf, n);
	snprintf(out, outn, "%s", t != NULL ? t : "application/octet-stream");
	magic_close(m);
	return 0;
}

static int
mkdir_p(const char *path, mode_t mode, struct error *e)
{
	if (mkdir(path, mode) == -1 && errno != EEXIST)
		return error_set(e, ERR_IO, "creating '%s': %s", path,
		                 strerror(errno));
	return 0;
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read up to n bytes (fewer only at the end of the file). */
static ssize_t
read_full(int fd, void *p, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/*
 * Copy src (open as fd) into the new file tmp, hashing it; the first bytes
 * decide the type (*type) and with it the limit, checked as bytes arrive.
 */
static int
copy_in(int fd, const char *name, const char *tmp, int out,
        const struct media_type **type, char hex[65], int64_t *bytes,
        struct error *e)
{
	crypto_hash_sha256_state h;
	unsigned char sum[crypto_hash_sha256_BYTES];
	char sniffed[128];
	char *buf = xmalloc(LIM_MEDIA_SNIFF_BYTES);
	int64_t total, limit;
	ssize_t n;
	int rc = -1;

	crypto_hash_sha256_init(&h);
	n = read_full(fd, buf, LIM_MEDIA_SNIFF_BYTES);
	if (n == -1) {
		error_set(e, ERR_IO, "reading '%s': %s", name, strerror(errno));
		goto out;
	}
	if (n == 0) {
		error_set(e, ERR_INVALID, "'%s' is empty", name);
		goto out;
	}
	if (sniff(buf, (size_t)n, sniffed, sizeof(sniffed), e) == -1)
		goto out;
	*type = type_find(sniffed, name);
	if (*type == NULL) {
		error_set(e, ERR_INVALID,
		          "'%s' is %s, which the media library does not accept",
		          name, sniffed);
		goto out;
	}
	limit = media_kind_limit[(*type)->kind];
	total = 0;
	while (n > 0) {
		if ((int64_t)n > limit - total) {
			error_set(e, ERR_TOO_BIG,
			          "'%s' is larger than %lld bytes, the limit "
			          "for a%s %s file",
			          name, (long long)limit,
			          (*type)->kind == MEDIA_IMAGE ||
			                          (*type)->kind == MEDIA_AUDIO
			                  ? "n"
			                  : "",
			          media_kind_names[(*type)->kind]);
			goto out;
		}
		total += n;
		crypto_hash_sha256_update(&h, (unsigned char *)buf, (size_t)n);
		if (write_all(out, buf, (size_t)n) == -1) {
			error_set(e, ERR_IO, "writing '%s': %s", tmp,
			          strerror(errno));
			goto out;
		}
		n = read_full(fd, buf, 64 * 1024);
		if (n == -1) {
			error_set(e, ERR_IO, "reading '%s': %s", name,
			          strerror(errno));
			goto out;
		}
	}
	if (fsync(out) == -1) {
		error_set(e, ERR_IO, "writing '%s': %s", tmp, strerror(errno));
		goto out;
	}
	crypto_hash_sha256_final(&h, sum);
	sodium_bin2hex(hex, 65, sum, sizeof(sum));
	*bytes = total;
	rc = 0;
out:
	free(buf);
	return rc;
}

static void
file_from_row(struct arena *a, const struct media_row *r,
              struct media_file *out)
{
	out->id = r->id;
	out->path = r->path;
	out->url = arena_printf(a, "/media/%s", r->path);
	out->mime = r->mime;
	out->kind = MEDIA_DOC;
	for (size_t i = 0; i < NTYPES; i++)
		if (strcmp(media_types[i].mime, r->mime) == 0) {
			out->kind = media_types[i].kind;
			break;
		}
	out->bytes = r->bytes;
	out->width = r->width;
	out->height = r->height;
	out->existed = 0;
}

/* media_add(), or with fill_id the imported row fill_id made to name
 * the file (media_import_file). */
static int
media_put(struct store *s, struct arena *a, const char *site_dir,
          const char *src, const char *name, const char *alt, int64_t fill_id,
          struct media_file *out, struct error *e)
{
	const struct media_type *type = NULL;
	const char *media, *tmpdir, *dir, *stem;
	char tmp[PATH_MAX], hex[65];
	const char *placed[2 * (MEDIA_NWIDTHS + 1)] = {NULL};
	size_t nplaced = 0;
	struct image_set set;
	struct media_row row, old;
	struct error e2;
	struct stat sb;
	int64_t bytes;
	int fd = -1, tfd = -1, rc = -1;

	set.n = 0;
	tmp[0] = '\0';
	if (name == NULL) {
		const char *slash = strrchr(src, '/');

		name = slash != NULL ? slash + 1 : src;
	}
	if (name_check(name, e) == -1)
		return -1;
	if (alt == NULL)
		alt = "";
	if (strlen(alt) > LIM_MEDIA_ALT_BYTES || !utf8_valid(alt, strlen(alt)))
		return error_set(e, ERR_INVALID,
		                 "alt text must be UTF-8 of at most %d bytes",
		                 LIM_MEDIA_ALT_BYTES);
	fd = open(src, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1)
		return error_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
		                 "opening '%s': %s", src, strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		error_set(e, ERR_INVALID, "'%s' is not a file", src);
		goto out;
	}
	media = arena_printf(a, "%s/media", site_dir);
	tmpdir = arena_printf(a, "%s/.tmp", media);
	if (mkdir_p(media, 0755, e) == -1 || mkdir_p(tmpdir, 0700, e) == -1)
		goto out;
	snprintf(tmp, sizeof(tmp), "%s/up-XXXXXX", tmpdir);
	tfd = mkstemp(tmp);
	if (tfd == -1) {
		error_set(e, ERR_IO, "creating a file in '%s': %s", tmpdir,
		          strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	if (copy_in(fd, name, tmp, tfd, &type, hex, &bytes, e) == -1)
		goto out;
	close(tfd);
	tfd = -1;

	if (store_media_by_sha(s, a, hex, &old, &e2) == 0) {
		file_from_row(a, &old, out);
		out->existed = 1;
		rc = 0;
		goto out;
	}
	if (e2.code != ERR_NOT_FOUND) {
		*e = e2;
		goto out;
	}
	stem = arena_printf(a, "%.2s/%.*s", hex, HASH_HEX, hex);
	memset(&row, 0, sizeof(row));
	row.mime = type->mime;
	row.sha256 = hex;
	row.title = name;
	row.alt = alt;
	row.created_at = clock_now();
	row.path = arena_printf(a, "%s.%s", stem, type->ext);
	if (type->kind == MEDIA_IMAGE) {
		if (image_make(tmp, type->mime, name, tmpdir, &set, e) == -1)
			goto out;
		row.width = set.width;
		row.height = set.height;
	}
	dir = arena_printf(a, "%s/%.2s", media, hex);
	if (mkdir_p(dir, 0755, e) == -1)
		goto out;
	if (type->kind == MEDIA_IMAGE) {
		for (size_t i = 0; i < set.n; i++) {
			const char *rel =
				arena_printf(a, "%s%s", stem, set.c[i].suffix);
			const char *to = arena_printf(a, "%s/%s", media, rel);

			if (chmod(set.c[i].tmp, 0644) == -1 ||
			    rename(set.c[i].tmp, to) == -1) {
				error_set(e, ERR_IO, "placing '%s': %s", to,
				          strerror(errno));
				goto out;
			}
			placed[nplaced++] = to;
			set.c[i].tmp[0] = '\0';
		}
		set.n = 0;
		if (nplaced == 0 || stat(placed[0], &sb) == -1) {
			error_set(e, ERR_IO, "reading the copies of '%s': %s",
			          name, strerror(errno));
			goto out;
		}
		row.bytes = (int64_t)sb.st_size;
	} else {
		const char *to = arena_printf(a, "%s/%s", media, row.path);

		if (chmod(tmp, 0644) == -1 || rename(tmp, to) == -1) {
			error_set(e, ERR_IO, "placing '%s': %s", to,
			          strerror(errno));
			goto out;
		}
		tmp[0] = '\0';
		placed[nplaced++] = to;
		row.bytes = bytes;
	}
	if (fill_id != 0) {
		row.id = fill_id;
		if (store_media_fill(s, &row, e) == -1)
			goto out;
	} else if (store_media_put(s, &row, &row.id, e) == -1)
		goto out;
	file_from_row(a, &row, out);
	nplaced = 0;
	rc = 0;
out:
	for (size_t i = 0; i < nplaced; i++)
		unlink(placed[i]);
	for (size_t i = 0; i < set.n; i++)
		if (set.c[i].tmp[0] != '\0')
			unlink(set.c[i].tmp);
	if (tfd != -1)
		close(tfd);
	if (tmp[0] != '\0')
		unlink(tmp);
	if (fd != -1)
		close(fd);
	return rc;
}

int
media_add(struct store *s, struct arena *a, const char *site_dir,
          const char *src, const char *name, const char *alt,
          struct media_file *out, struct error *e)
{
	return media_put(s, a, site_dir, src, name, alt, 0, out, e);
}

int
media_import_file(struct store *s, struct arena *a, const char *site_dir,
                  const char *src, int64_t id, struct media_file *out,
                  struct error *e)
{
	return media_put(s, a, site_dir, src, NULL, "", id, out, e);
}

const char *
media_variant(struct arena *a, const char *path, int width, int webp)
{
	const char *dot = strrchr(path, '.');
	int stem = dot != NULL ? (int)(dot - path) : (int)strlen(path);

	if (width == 0)
		return webp ? arena_printf(a, "%.*s.webp", stem, path) : path;
	return arena_printf(a, "%.*s-%d.%s", stem, path, width,
	                    webp ? "webp" : (dot != NULL ? dot + 1 : ""));
}

const char *
media_srcset(struct arena *a, const char *path, const char *mime, int w,
             int webp)
{
	const char *out = "";

	if (w <= 0 || strncmp(mime, "image/", 6) != 0 ||
	    !media_path_immutable(path))
		return "";
	for (int i = 0; i < MEDIA_NWIDTHS && media_widths[i] < w; i++)
		out = arena_printf(a, "%s/media/%s %dw, ", out,
		                   media_variant(a, path, media_widths[i],
		                                 webp),
		                   media_widths[i]);
	return arena_printf(a, "%s/media/%s %dw", out,
	                    media_variant(a, path, 0, webp), w);
}

static int
is_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') ||
		      (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

int
media_path_immutable(const char *path)
{
	const char *p = path + 3 + HASH_HEX;

	if (strlen(path) < 3 + HASH_HEX + 2 || !is_hex(path, 2) ||
	    path[2] != '/' || !is_hex(path + 3, HASH_HEX) ||
	    memcmp(path, path + 3, 2) != 0)
		return 0;
	if (*p == '-') {
		p++;
		if (!(*p >= '1' && *p <= '9'))
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p++ != '.' || *p == '\0')
		return 0;
	for (; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return 0;
	return 1;
}

int
media_delete(struct store *s, struct arena *a, const char *site_dir, int64_t id,
             struct error *e)
{
	struct media_row r;

	if (store_media_get(s, a, id, &r, e) == -1 ||
	    store_media_delete(s, id, e) == -1)
		return -1;
	/* Only what media_add() made: an imported row may name a file an
	 * operator placed by hand, or a URL. */
	if (!media_path_immutable(r.path))
		return 0;
	for (int webp = 0; webp <= 1; webp++) {
		unlink(arena_printf(a, "%s/media/%s", site_dir,
		                    media_variant(a, r.path, 0, webp)));
		for (int i = 0; i < MEDIA_NWIDTHS; i++)
			unlink(arena_printf(a, "%s/media/%s", site_dir,
			                    media_variant(a, r.path,
			                                  media_widths[i],
			                                  webp)));
	}
	return 0;
}
