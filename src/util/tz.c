/*
 * The site's time zone as a table of offsets (tz.h, decision 085).
 *
 * The C library reads a zone only through the TZ variable and tzset(),
 * process-wide state that localtime_r() consults and that setenv() races
 * with every getenv() of other threads; so the zone is read by GLib's
 * GTimeZone (glib 2.74: g_time_zone_new_identifier reads the TZif file of
 * the system's zoneinfo, its POSIX rule for the years past the file's
 * transitions included), once per change, into our own sorted table.
 */
#include <glib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tz.h"
#include "alloc.h"
#include "limits.h"
#include "banned.h"

/* The table spans 1900 to 2200; outside it the nearest end's offset
 * holds (zones had local mean time before, and no rule is known after). */
#define TZ_FIRST INT64_C(-2208988800) /* 1900-01-01T00:00:00Z */
#define TZ_LAST  INT64_C(7258118400)  /* 2200-01-01T00:00:00Z */
/* The scan's step: two transitions closer than this would be one; none
 * in the tz database is (the closest are weeks apart). */
#define TZ_STEP 86400

struct tz_table {
	char name[LIM_TZ_NAME_BYTES + 1];
	size_t n;
	int64_t *at; /* at[0] = INT64_MIN; at[i] is when off[i] begins */
	int32_t *off;
	struct tz_table *next; /* every table made, for tz_use to find */
};

static struct tz_table utc = {.name = "UTC",
                              .n = 1,
                              .at = (int64_t[]){INT64_MIN},
                              .off = (int32_t[]){0}};
static _Atomic(struct tz_table *) current = &utc;
static pthread_mutex_t made_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz_table *made; /* under made_lock */

static const char *
zoneinfo_dir(void)
{
	const char *d = getenv("TZDIR");

	return d != NULL && *d == '/' ? d : "/usr/share/zoneinfo";
}

/* The file starts as a TZif file does (RFC 8536 section 3.1): GLib
 * asserts it, loudly, before reading a file as a zone. */
static int
tzif(const char *path)
{
	char magic[4];
	FILE *f = fopen(path, "rb");
	int ok;

	if (f == NULL)
		return 0;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

int
tz_valid(const char *name)
{
	char path[4096];
	struct stat sb;
	GTimeZone *z;
	size_t n;

	if (name == NULL)
		return 0;
	n = strlen(name);
	if (n == 0 || n > LIM_TZ_NAME_BYTES || name[0] == '/' || name[0] == '.')
		return 0;
	/* IANA names: letters, digits, "/", "_", "-", "+"; no "..". */
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '/' || c == '_' ||
		      c == '-' || c == '+' || c == '.'))
			return 0;
		if (c == '.' && (name[i - 1] == '/' || name[i - 1] == '.'))
			return 0;
	}
	/* A file of the zoneinfo, so GLib never reads name as a POSIX rule
	 * ("EST5" or "XYZ-3" would be accepted as one). */
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", zoneinfo_dir(),
	                     name) >= sizeof(path) ||
	    stat(path, &sb) == -1 || !S_ISREG(sb.st_mode) || !tzif(path))
		return 0;
	z = g_time_zone_new_identifier(name);
	if (z == NULL)
		return 0;
	g_time_zone_unref(z);
	return 1;
}

static int32_t
zone_offset(GTimeZone *z, int64_t t)
{
	return g_time_zone_get_offset(
		z, g_time_zone_find_interval(z, G_TIME_TYPE_UNIVERSAL, t));
}

static int
zone_interval(GTimeZone *z, int64_t t)
{
	return g_time_zone_find_interval(z, G_TIME_TYPE_UNIVERSAL, t);
}

struct grow {
	struct tz_table *t;
	size_t cap;
};

static void
table_add(struct grow *g, int64_t at, int32_t off)
{
	struct tz_table *t = g->t;

	if (t->n > 0 && t->off[t->n - 1] == off)
		return; /* a change of name or of DST flag only */
	if (t->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		t->at = xrealloc(t->at, g->cap * sizeof(*t->at));
		t->off = xrealloc(t->off, g->cap * sizeof(*t->off));
	}
	t->at[t->n] = at;
	t->off[t->n++] = off;
}

/* The transitions in (lo, hi], where lo's interval is not hi's: halved
 * until each is found to the second, in order. */
static void
scan(GTimeZone *z, struct grow *g, int64_t lo, int ilo, int64_t hi, int ihi)
{
	int64_t mid;
	int imid;

	if (hi - lo == 1) {
		table_add(g, hi, zone_offset(z, hi));
		return;
	}
	mid = lo + (hi - lo) / 2;
	imid = zone_interval(z, mid);
	if (imid != ilo)
		scan(z, g, lo, ilo, mid, imid);
	if (imid != ihi)
		scan(z, g, mid, imid, hi, ihi);
}

static struct tz_table *
table_make(const char *name)
{
	GTimeZone *z = g_time_zone_new_identifier(name);
	struct tz_table *t;
	struct grow g = {0};
	int64_t at;
	int i;

	if (z == NULL)
		return NULL;
	t = xcalloc(1, sizeof(*t));
	g.t = t;
	snprintf(t->name, sizeof(t->name), "%s", name);
	table_add(&g, INT64_MIN, zone_offset(z, TZ_FIRST));
	i = zone_interval(z, TZ_FIRST);
	for (at = TZ_FIRST; at < TZ_LAST; at += TZ_STEP) {
		int inext = zone_interval(z, at + TZ_STEP);

		if (inext != i)
			scan(z, &g, at, i, at + TZ_STEP, inext);
		i = inext;
	}
	g_time_zone_unref(z);
	return t;
}

int
tz_use(const char *name, struct error *e)
{
	struct tz_table *t;

	if (name == NULL || *name == '\0')
		name = "UTC";
	if (strcmp(atomic_load(&current)->name, name) == 0)
		return 0;
	if (!tz_valid(name))
		return error_set(e, ERR_INVALID,
		                 "unknown time zone '%s' (a name of %s)", name,
		                 zoneinfo_dir());
	pthread_mutex_lock(&made_lock);
	if (strcmp(name, "UTC") == 0)
		t = &utc;
	else
		for (t = made; t != NULL && strcmp(t->name, name) != 0;
		     t = t->next)
			;
	if (t == NULL) {
		t = table_make(name);
		if (t != NULL) {
			t->next = made;
			made = t;
		}
	}
	if (t != NULL)
		atomic_store(&current, t);
	pthread_mutex_unlock(&made_lock);
	if (t == NULL)
		return error_set(e, ERR_INVALID, "cannot read time zone '%s'",
		                 name);
	return 0;
}

const char *
tz_name(void)
{
	return atomic_load(&current)->name;
}

static int32_t
table_offset(const struct tz_table *t, int64_t at)
{
	size_t lo = 0, hi = t->n; /* the answer is in [lo, hi) */

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->at[mid] <= at)
			lo = mid;
		else
			hi = mid;
	}
	return t->off[lo];
}

int32_t
tz_offset(int64_t t)
{
	return table_offset(atomic_load_explicit(&current,
	                                         memory_order_acquire),
	                    t);
}

int64_t
tz_from_local(int64_t local)
{
	const struct tz_table *t =
		atomic_load_explicit(&current, memory_order_acquire);
	/* The offsets a day either side: no zone changes twice in two days. */
	int32_t before = table_offset(t, local - 86400 - 14 * 3600);
	int32_t after = table_offset(t, local + 86400 + 14 * 3600);
	int64_t ta = local - before, tb = local - after;
	int oka = table_offset(t, ta) == before;
	int okb = table_offset(t, tb) == after;

	if (oka && okb)
		return ta < tb ? ta : tb;
	if (okb)
		return tb;
	return ta; /* valid, or in a gap: read with the offset before it */
}
