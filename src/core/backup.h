#ifndef GAZETTE_BACKUP_H
#define GAZETTE_BACKUP_H
/*
 * gazette backup and gazette restore.  A backup is the database alone (a
 * SQLite file, made by store_backup() while the server runs), or with
 * the site's media one tar archive holding "gazette.db" and "media/...".
 * Either is written beside its name and renamed into place when whole.
 */
#include "../store/store.h"

/* What backup_make() and backup_restore() did, for the CLI's line. */
struct backup_report {
	int64_t files; /* media files archived or restored */
	int64_t bytes; /* the archive's or database's bytes */
};

/*
 * A backup of the site in dir (its store st) to the new file dest; with
 * media, an archive whose format and compression follow dest's ending
 * (".tar", ".tar.gz", ".tgz", ".tar.zst"...; other names: plain tar).
 */
int backup_make(struct store *st, const char *dir, const char *dest, int media,
                struct backup_report *r, struct error *e);
/*
 * A backup (a database or an archive from backup_make) into the site
 * folder dir, made if missing, which must have no database and no media
 * yet (ERR_CONFLICT).  An archive may hold gazette.db, media/ and files
 * under it, nothing else; anything else (an absolute path, "..", a link,
 * a device) refuses the whole archive (ERR_INVALID) and leaves dir as it
 * was.
 */
int backup_restore(const char *src, const char *dir, struct backup_report *r,
                   struct error *e);

#endif
