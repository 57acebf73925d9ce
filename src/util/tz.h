#ifndef GAZETTE_TZ_H
#define GAZETTE_TZ_H
/*
 * The site's time zone (setting timezone, decision 085): an IANA name of
 * the system's zoneinfo, read once per change by GLib's GTimeZone into a
 * table of offsets, which every date a reader sees is converted with.
 *
 * tz_use() builds (or finds again) the table and publishes it with one
 * atomic store; tz_offset() and tz_from_local() read the published table
 * with one atomic load and a binary search: no lock, no tzset(), no
 * environment, so renders on any thread may call them while another
 * thread changes the zone.  Tables are kept for the life of the process
 * (one per zone used, at most every zone of the system), so a reader
 * never holds a freed one.
 */
#include <stdint.h>

#include "error.h"

/* 1 when name is a zone of the system's zoneinfo ("UTC",
 * "Pacific/Auckland"); 0 for anything else, a POSIX TZ rule included. */
int tz_valid(const char *name);
/* Make name the zone of the process (NULL or "": UTC).  -1 and the zone
 * unchanged when it is not valid. */
int tz_use(const char *name, struct error *e);
/* The zone in use: "UTC" until tz_use(). */
const char *tz_name(void);
/* Seconds east of UTC at instant t in the zone in use. */
int32_t tz_offset(int64_t t);
/* The instant whose wall-clock time in the zone in use is local (seconds
 * since 1970-01-01 00:00 read as UTC).  In a gap (clocks put forward)
 * local is read with the offset before it, so a gap's first second is the
 * instant of the change (a day whose midnight is skipped starts then); in
 * an overlap (clocks put back) the earlier instant. */
int64_t tz_from_local(int64_t local);

#endif
