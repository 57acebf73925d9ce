#ifndef GAZETTE_MIME_H
#define GAZETTE_MIME_H
/*
 * A file's media type by its extension, from the system's table
 * (/etc/mime.types, Debian's media-types package), read once on first
 * use.  Not a list of our own: the system's knows .svg, .avif, .webm,
 * .opus and the rest, and is kept up to date by the distribution.
 */

/* The type of a file named name ("a/b.MP3" -> "audio/mpeg", the
 * extension compared ignoring ASCII case), or NULL when the table has
 * none or the name has no extension. */
const char *mime_by_name(const char *name);

/* Read the table from path instead (tests); before the first lookup. */
void mime_table_path(const char *path);

#endif
