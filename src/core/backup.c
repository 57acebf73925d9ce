/*
 * Backups with the media: one tar archive by libarchive, holding the
 * database copy store_backup() made ("gazette.db") and the files of
 * media/ ("media/..."); restoring one, or a database alone.
 *
 * A restore reads an archive as hostile input: only the names a backup
 * holds are taken, every one checked before anything is written (no
 * absolute path, no "." or ".." component, no link or device), and files
 * are made by us with O_EXCL | O_NOFOLLOW in a staging folder inside the
 * site (".restore-XXXXXX") that is renamed into place once the whole
 * archive has been read, or removed.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backup.h"
#include "../util/limits.h"
#include "../util/banned.h"

#define DB_NAME    "gazette.db"
#define MEDIA_NAME "media"

static int
arc_error(struct error *e, struct archive *a, const char *what,
          const char *path)
{
	return error_set(e, ERR_IO, "%s '%s': %s", what, path,
	                 archive_error_string(a) ? archive_error_string(a)
	                                         : "archive error");
}

/* Copy the file at path into a's current entry. */
static int
add_file_data(struct archive *a, const char *path, struct error *e)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc = 0;

	if (fd == -1)
		return error_set(e, ERR_IO, "cannot read '%s': %s", path,
		                 strerror(errno));
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (archive_write_data(a, chunk, (size_t)n) != n) {
			rc = arc_error(e, a, "cannot archive", path);
			break;
		}
	if (n < 0 && rc == 0)
		rc = error_set(e, ERR_IO, "cannot read '%s': %s", path,
		               strerror(errno));
	close(fd);
	return rc;
}

/* The database copy at path as the entry "gazette.db". */
static int
add_db(struct archive *a, const char *path, struct error *e)
{
	struct archive_entry *en = archive_entry_new();
	struct stat sb;
	int rc = -1;

	if (stat(path, &sb) == -1) {
		error_set(e, ERR_IO, "cannot read '%s': %s", path,
		          strerror(errno));
		goto out;
	}
	archive_entry_copy_stat(en, &sb);
	archive_entry_set_pathname(en, DB_NAME);
	archive_entry_set_uname(en, "");
	archive_entry_set_gname(en, "");
	if (archive_write_header(a, en) != ARCHIVE_OK) {
		arc_error(e, a, "cannot archive", path);
		goto out;
	}
	rc = add_file_data(a, path, e);
out:
	archive_entry_free(en);
	return rc;
}

/* Every folder and regular file under dir/media as "media/...". */
static int
add_media(struct archive *a, const char *dir, struct backup_report *r,
          struct error *e)
{
	char root[4096];
	struct archive *disk = archive_read_disk_new();
	size_t skip = strlen(dir) + 1;
	int rc = -1, step;

	snprintf(root, sizeof(root), "%s/%s", dir, MEDIA_NAME);
	archive_read_disk_set_symlink_physical(disk); /* never follow */
	if (archive_read_disk_open(disk, root) != ARCHIVE_OK) {
		/* A site without media/ has nothing to add. */
		rc = errno == ENOENT ? 0
		                     : arc_error(e, disk, "cannot read", root);
		goto out;
	}
	for (;;) {
		struct archive_entry *en = archive_entry_new();
		const char *name;
		mode_t type;

		step = archive_read_next_header2(disk, en);
		if (step == ARCHIVE_EOF) {
			archive_entry_free(en);
			break;
		}
		if (step != ARCHIVE_OK) {
			arc_error(e, disk, "cannot read", root);
			archive_entry_free(en);
			goto out;
		}
		archive_read_disk_descend(disk);
		name = archive_entry_sourcepath(en);
		type = archive_entry_filetype(en);
		/* Links and the like are no part of what the site serves. */
		if ((type != AE_IFREG && type != AE_IFDIR) ||
		    strlen(name) < skip) {
			archive_entry_free(en);
			continue;
		}
		archive_entry_set_pathname(en, name + skip);
		archive_entry_set_uname(en, "");
		archive_entry_set_gname(en, "");
		if (archive_write_header(a, en) != ARCHIVE_OK ||
		    (type == AE_IFREG && add_file_data(a, name, e) == -1)) {
			if (e->msg[0] == '\0')
				arc_error(e, a, "cannot archive", name);
			archive_entry_free(en);
			goto out;
		}
		if (type == AE_IFREG)
			r->files++;
		archive_entry_free(en);
	}
	rc = 0;
out:
	archive_read_close(disk);
	archive_read_free(disk);
	return rc;
}

/* The archive is written to tmp; its format follows name's ending. */
static int
archive_make(const char *db, const char *dir, const char *name,
             const char *dest, struct backup_report *r, struct error *e)
{
	struct archive *a = archive_write_new();
	int fd = -1, rc = -1;

	/* ".tar.gz", ".tgz", ".tar.xz"...; else plain POSIX tar (a failed
	 * guess leaves the handle unusable: start again). */
	if (archive_write_set_format_filter_by_ext(a, name) != ARCHIVE_OK) {
		archive_write_free(a);
		a = archive_write_new();
		if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK) {
			arc_error(e, a, "cannot write", dest);
			goto out;
		}
	}
	/* 0600, as the database: the archive holds it. */
	fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	          0600);
	if (fd == -1) {
		error_set(e, ERR_IO, "cannot create '%s': %s", dest,
		          strerror(errno));
		goto out;
	}
	if (archive_write_open_fd(a, fd) != ARCHIVE_OK) {
		arc_error(e, a, "cannot write", dest);
		goto out;
	}
	if (add_db(a, db, e) == -1 || add_media(a, dir, r, e) == -1)
		goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		arc_error(e, a, "cannot write", dest);
		goto out;
	}
	rc = 0;
out:
	archive_write_free(a);
	if (fd != -1)
		close(fd);
	return rc;
}

int
backup_make(struct store *st, const char *dir, const char *dest, int media,
            struct backup_report *r, struct error *e)
{
	char db[4200], tmp[4200];
	struct stat sb;
	int fd, rc = -1;

	memset(r, 0, sizeof(*r));
	error_clear(e);
	if (!media) {
		if (store_backup(st, dest, e) == -1)
			return -1;
		if (stat(dest, &sb) == 0)
			r->bytes = (int64_t)sb.st_size;
		return 0;
	}
	if (lstat(dest, &sb) == 0)
		return error_set(e, ERR_CONFLICT,
		                 "'%s' exists; name a new file", dest);
	snprintf(db, sizeof(db), "%s.db-partial", dest);
	snprintf(tmp, sizeof(tmp), "%s.partial", dest);
	(void)unlink(db);
	(void)unlink(tmp);
	if (store_backup(st, db, e) == -1)
		return -1;
	if (archive_make(db, dir, dest, tmp, r, e) == -1)
		goto out;
	fd = open(tmp, O_RDONLY | O_CLOEXEC);
	if (fd == -1 || fsync(fd) == -1) {
		error_set(e, ERR_IO, "cannot sync '%s': %s", tmp,
		          strerror(errno));
		if (fd != -1)
			close(fd);
		goto out;
	}
	close(fd);
	if (rename(tmp, dest) == -1) {
		error_set(e, ERR_IO, "cannot rename '%s' to '%s': %s", tmp,
		          dest, strerror(errno));
		goto out;
	}
	if (stat(dest, &sb) == 0)
		r->bytes = (int64_t)sb.st_size;
	rc = 0;
out:
	(void)unlink(db);
	if (rc == -1)
		(void)unlink(tmp);
	return rc;
}

/* ---- restore ---------------------------------------------------------- */

/*
 * Is name one a backup holds: "gazette.db", "media", or a path under
 * "media/" of plain components (no "", ".", "..")?  A trailing slash (a
 * folder) is allowed.
 */
static int
name_ok(const char *name, int is_dir)
{
	const char *p;

	if (!is_dir && strcmp(name, DB_NAME) == 0)
		return 1;
	if (strncmp(name, MEDIA_NAME, 5) != 0)
		return 0;
	p = name + 5;
	if (*p == '\0' || strcmp(p, "/") == 0)
		return is_dir;
	if (*p != '/')
		return 0;
	for (p++; *p != '\0';) {
		size_t n = strcspn(p, "/");

		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		p += n;
		if (*p == '/') {
			p++;
			if (*p == '\0' && !is_dir)
				return 0;
		}
	}
	return 1;
}

/* mkdir -p of path's folders below base (path is base/...). */
static int
parents_make(const char *base, char *path, struct error *e)
{
	size_t skip = strlen(base) + 1;

	for (char *p = path + skip; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			error_set(e, ERR_IO, "cannot make '%s': %s", path,
			          strerror(errno));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static int
entry_extract(struct archive *a, struct archive_entry *en, const char *stage,
              const char *src, struct backup_report *r, struct error *e)
{
	const char *name = archive_entry_pathname(en);
	mode_t type = archive_entry_filetype(en);
	char path[4096];
	const void *block;
	size_t len;
	la_int64_t off;
	int fd, step, rc = -1;

	if (name == NULL || (type != AE_IFREG && type != AE_IFDIR) ||
	    archive_entry_hardlink(en) != NULL ||
	    !name_ok(name, type == AE_IFDIR))
		return error_set(e, ERR_INVALID,
		                 "'%s' is not a gazette backup: it holds '%s'",
		                 src, name ? name : "(no name)");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", stage, name) >=
	    sizeof(path))
		return error_set(e, ERR_INVALID, "'%s': name too long: '%s'",
		                 src, name);
	if (parents_make(stage, path, e) == -1)
		return -1;
	if (type == AE_IFDIR) {
		if (mkdir(path, 0755) == -1 && errno != EEXIST)
			return error_set(e, ERR_IO, "cannot make '%s': %s",
			                 path, strerror(errno));
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	          strcmp(name, DB_NAME) == 0 ? 0600 : 0644);
	if (fd == -1)
		return error_set(e, errno == EEXIST ? ERR_INVALID : ERR_IO,
		                 "'%s': cannot make '%s': %s", src, name,
		                 strerror(errno));
	while ((step = archive_read_data_block(a, &block, &len, &off)) ==
	       ARCHIVE_OK) {
		if (lseek(fd, (off_t)off, SEEK_SET) == (off_t)-1 ||
		    write(fd, block, len) != (ssize_t)len) {
			error_set(e, ERR_IO, "cannot write '%s': %s", path,
			          strerror(errno));
			goto out;
		}
	}
	if (step != ARCHIVE_EOF) {
		arc_error(e, a, "cannot read", src);
		e->code = ERR_INVALID;
		goto out;
	}
	if (strcmp(name, DB_NAME) != 0)
		r->files++;
	rc = 0;
out:
	close(fd);
	return rc;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void
rm_tree(const char *path)
{
	(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Does dir/name exist as anything but an empty folder? */
static int
taken(const char *dir, const char *name)
{
	char path[4200];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (lstat(path, &sb) == -1)
		return 0;
	if (!S_ISDIR(sb.st_mode))
		return 1;
	return rmdir(path) == -1; /* empty: gone, made again below */
}

static int
archive_restore(const char *src, const char *dir, const char *stage,
                struct backup_report *r, struct error *e)
{
	struct archive *a = archive_read_new();
	struct archive_entry *en;
	char from[4400], to[4400];
	int rc = -1, step;

	archive_read_support_filter_all(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_zip(a);
	if (archive_read_open_filename(a, src, 65536) != ARCHIVE_OK) {
		arc_error(e, a, "cannot read", src);
		e->code = ERR_INVALID;
		goto out;
	}
	while ((step = archive_read_next_header(a, &en)) == ARCHIVE_OK)
		if (entry_extract(a, en, stage, src, r, e) == -1)
			goto out;
	if (step != ARCHIVE_EOF) {
		arc_error(e, a, "cannot read", src);
		e->code = ERR_INVALID;
		goto out;
	}
	snprintf(from, sizeof(from), "%s/%s", stage, DB_NAME);
	snprintf(to, sizeof(to), "%s/%s", dir, DB_NAME);
	if (access(from, F_OK) == -1) {
		error_set(e, ERR_INVALID,
		          "'%s' is not a gazette backup: no gazette.db", src);
		goto out;
	}
	if (store_restore(from, to, e) == -1)
		goto out;
	snprintf(from, sizeof(from), "%s/%s", stage, MEDIA_NAME);
	snprintf(to, sizeof(to), "%s/%s", dir, MEDIA_NAME);
	if (access(from, F_OK) == -1 && mkdir(from, 0755) == -1) {
		error_set(e, ERR_IO, "cannot make '%s': %s", from,
		          strerror(errno));
		goto undo;
	}
	if (rename(from, to) == -1) {
		error_set(e, ERR_IO, "cannot rename '%s' to '%s': %s", from, to,
		          strerror(errno));
		goto undo;
	}
	rc = 0;
	goto out;
undo:
	snprintf(to, sizeof(to), "%s/%s", dir, DB_NAME);
	(void)unlink(to);
out:
	archive_read_free(a);
	return rc;
}

int
backup_restore(const char *src, const char *dir, struct backup_report *r,
               struct error *e)
{
	char stage[4200], path[4200], head[16];
	struct stat sb;
	ssize_t n;
	int fd, rc;

	memset(r, 0, sizeof(*r));
	error_clear(e);
	fd = open(src, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return error_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
		                 "cannot read '%s': %s", src, strerror(errno));
	n = read(fd, head, sizeof(head));
	if (fstat(fd, &sb) == 0)
		r->bytes = (int64_t)sb.st_size;
	close(fd);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return error_set(e, ERR_IO, "cannot make '%s': %s", dir,
		                 strerror(errno));
	if (taken(dir, DB_NAME) || taken(dir, DB_NAME "-wal"))
		return error_set(e, ERR_CONFLICT,
		                 "'%s' has a database already; restore into "
		                 "an empty site folder",
		                 dir);
	if (n == (ssize_t)sizeof(head) &&
	    memcmp(head, "SQLite format 3", 16) == 0) {
		snprintf(path, sizeof(path), "%s/%s", dir, DB_NAME);
		if (store_restore(src, path, e) == -1)
			return -1;
		snprintf(path, sizeof(path), "%s/%s", dir, MEDIA_NAME);
		(void)mkdir(path, 0755);
		return 0;
	}
	if (taken(dir, MEDIA_NAME))
		return error_set(e, ERR_CONFLICT,
		                 "'%s' has media already; restore into an "
		                 "empty site folder",
		                 dir);
	snprintf(stage, sizeof(stage), "%s/.restore-XXXXXX", dir);
	if (mkdtemp(stage) == NULL)
		return error_set(e, ERR_IO, "cannot make a folder in '%s': %s",
		                 dir, strerror(errno));
	rc = archive_restore(src, dir, stage, r, e);
	rm_tree(stage);
	return rc;
}
