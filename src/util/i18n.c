/*
 * Message catalogs (i18n.h, decision 082).  The .mo file's layout is GNU
 * gettext's ("The Format of GNU MO Files", gettext manual section 10.3): a
 * magic number that also tells the byte order, the number of strings, and
 * two tables of (length, offset) pairs, originals and translations, with
 * each string NUL-terminated.  Its own hash table is left alone: ours is
 * made at load, so a lookup does not depend on the file's being right.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "alloc.h"
#include "embed.h"
#include "log.h"
#include "banned.h"

#define MO_MAGIC 0x950412deu

struct entry {
	const char *id, *str;
	size_t idlen, strlen;
};

struct lang_def {
	const char *code;
	/* Plural-Forms exactly as the .po must declare it (test_i18n). */
	const char *plural_forms;
	int (*plural)(int64_t n);
	const char *categories[I18N_CATEGORIES];
	int64_t samples[I18N_CATEGORIES];
};

struct i18n {
	const struct lang_def *def;
	const char *mo; /* the embedded file */
	size_t nentries;
	struct entry *entries;
	size_t mask;    /* slots - 1 */
	int32_t *slots; /* index into entries, or -1 */
	/* i18n_date's pattern and months (in the form a date takes), looked
	 * up once when the catalog is made. */
	const char *date_pat, *date_months[12];
};

static int
plural_en(int64_t n)
{
	return n != 1;
}

/* The rule gettext's manual gives for Russian ("Plural forms"), which is
 * CLDR's one/few/many for whole numbers. */
static int
plural_ru(int64_t n)
{
	if (n < 0)
		n = -n;
	if (n % 10 == 1 && n % 100 != 11)
		return 0;
	if (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20))
		return 1;
	return 2;
}

static const struct lang_def langs[] = {
	{"en",
         "nplurals=2; plural=(n != 1);",
         plural_en,
         {"one", "other"},
         {1, 5}},
	{"ru",
         "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
         "n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
         plural_ru,
         {"one", "few", "many", "other"},
         {1, 2, 5, 5}},
};
#define NLANGS (sizeof(langs) / sizeof(langs[0]))

const char *const i18n_languages[] = {"en", "ru", NULL};

/* Months in the form a date takes (Russian's genitive, "апреля"): the
 * same msgids with the context "date". */
static const char *const months_date[12] =
	{NC_("date", "January"),   NC_("date", "February"),
         NC_("date", "March"),     NC_("date", "April"),
         NC_("date", "May"),       NC_("date", "June"),
         NC_("date", "July"),      NC_("date", "August"),
         NC_("date", "September"), NC_("date", "October"),
         NC_("date", "November"),  NC_("date", "December")};

static const char *const months[12] = {N_("January"),   N_("February"),
                                       N_("March"),     N_("April"),
                                       N_("May"),       N_("June"),
                                       N_("July"),      N_("August"),
                                       N_("September"), N_("October"),
                                       N_("November"),  N_("December")};

static struct i18n catalogs[NLANGS];
static pthread_once_t catalogs_once = PTHREAD_ONCE_INIT;

/* FNV-1a over n bytes. */
static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211u;
	}
	return h;
}

static uint32_t
word(const unsigned char *p, int swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
	             (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;

	if (swap)
		v = (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) |
		    (v << 24);
	return v;
}

/* The string of table entry i at off: 0, or -1 when it lies outside the
 * file or is not NUL-terminated. */
static int
mo_string(const unsigned char *mo, size_t len, size_t off, size_t i, int swap,
          const char **s, size_t *n)
{
	size_t at = off + i * 8;
	uint32_t sn, so;

	if (at > len || len - at < 8)
		return -1;
	sn = word(mo + at, swap);
	so = word(mo + at + 4, swap);
	if (so > len || len - so <= sn || mo[so + sn] != '\0')
		return -1;
	*s = (const char *)mo + so;
	*n = sn;
	return 0;
}

static int
mo_load(struct i18n *c, const char *data, size_t len)
{
	const unsigned char *mo = (const unsigned char *)data;
	uint32_t n, oo, to;
	size_t slots = 16;
	int swap;

	if (len < 28)
		return -1;
	if (word(mo, 0) == MO_MAGIC)
		swap = 0;
	else if (word(mo, 1) == MO_MAGIC)
		swap = 1;
	else
		return -1;
	n = word(mo + 8, swap);
	oo = word(mo + 12, swap);
	to = word(mo + 16, swap);
	if (n > len / 16)
		return -1;
	c->entries = xcalloc(n ? n : 1, sizeof(*c->entries));
	for (uint32_t i = 0; i < n; i++) {
		struct entry *en = &c->entries[i];

		if (mo_string(mo, len, oo, i, swap, &en->id, &en->idlen) ==
		            -1 ||
		    mo_string(mo, len, to, i, swap, &en->str, &en->strlen) ==
		            -1)
			return -1;
	}
	c->nentries = n;
	while (slots < (size_t)n * 2)
		slots *= 2;
	c->mask = slots - 1;
	c->slots = xcalloc(slots, sizeof(*c->slots));
	memset(c->slots, 0xff, slots * sizeof(*c->slots));
	for (uint32_t i = 0; i < n; i++) {
		/* A plural entry's key is its singular msgid, as in gettext. */
		size_t k = hash(c->entries[i].id, strlen(c->entries[i].id)) &
		           c->mask;

		while (c->slots[k] != -1)
			k = (k + 1) & c->mask;
		c->slots[k] = (int32_t)i;
	}
	return 0;
}

static const struct entry *find(const struct i18n *c, const char *key,
                                size_t n);

static void
catalogs_load(void)
{
	for (size_t i = 0; i < NLANGS; i++) {
		char name[32];
		const struct embed_file *f;

		catalogs[i].def = &langs[i];
		catalogs[i].date_pat = "{month} {day}, {year}";
		memcpy(catalogs[i].date_months, months_date,
		       sizeof(months_date));
		snprintf(name, sizeof(name), "%s.mo", langs[i].code);
		f = embed_find(embed_locale, name);
		if (f == NULL)
			continue; /* English: the msgids themselves */
		catalogs[i].mo = f->data;
		if (mo_load(&catalogs[i], f->data, f->len) == -1) {
			log_error("i18n: the embedded catalog '%s' is not a "
			          "valid .mo file; its language shows English",
			          name);
			free(catalogs[i].entries);
			free(catalogs[i].slots);
			catalogs[i].entries = NULL;
			catalogs[i].slots = NULL;
			catalogs[i].nentries = 0;
		}
		/* TRANSLATORS: {month} {day} {year}, as a date is read. */
		catalogs[i].date_pat =
			i18n_text(&catalogs[i], "{month} {day}, {year}");
		for (size_t m = 0; m < 12; m++)
			catalogs[i].date_months[m] =
				i18n_ctext(&catalogs[i], "date",
			                   months_date[m]);
	}
}

const struct i18n *
i18n_get(const char *lang)
{
	pthread_once(&catalogs_once, catalogs_load);
	for (size_t i = 0; lang != NULL && i < NLANGS; i++)
		if (strcmp(langs[i].code, lang) == 0)
			return &catalogs[i];
	return NULL;
}

const char *
i18n_lang(const struct i18n *c)
{
	return c ? c->def->code : "en";
}

const char *
i18n_plural_forms(struct arena *a, const struct i18n *c)
{
	const char *h, *p, *end;

	if (c == NULL || c->slots == NULL)
		return "";
	h = find(c, "", 0) ? find(c, "", 0)->str : "";
	p = strstr(h, "Plural-Forms:");
	if (p == NULL)
		return "";
	p += strlen("Plural-Forms:");
	while (*p == ' ')
		p++;
	end = strchr(p, '\n');
	return arena_strndup(a, p, end ? (size_t)(end - p) : strlen(p));
}

size_t
i18n_count(const struct i18n *c)
{
	return c ? c->nentries : 0;
}

void
i18n_entry(const struct i18n *c, size_t i, const char **id, const char **str,
           size_t *n)
{
	*id = c->entries[i].id;
	*str = c->entries[i].str;
	*n = c->entries[i].strlen;
}

/* The entry whose msgid is key[0..n), or NULL. */
static const struct entry *
find(const struct i18n *c, const char *key, size_t n)
{
	size_t k;

	if (c == NULL || c->slots == NULL)
		return NULL;
	for (k = hash(key, n) & c->mask; c->slots[k] != -1;
	     k = (k + 1) & c->mask) {
		const struct entry *en = &c->entries[c->slots[k]];

		if (strlen(en->id) == n && memcmp(en->id, key, n) == 0)
			return en;
	}
	return NULL;
}

const char *
i18n_text(const struct i18n *c, const char *msgid)
{
	const struct entry *en = find(c, msgid, strlen(msgid));

	return en && en->strlen > 0 ? en->str : msgid;
}

const char *
i18n_ctext(const struct i18n *c, const char *ctx, const char *msgid)
{
	char key[256];
	int n = snprintf(key, sizeof(key), "%s\004%s", ctx, msgid);
	const struct entry *en;

	if (n < 0 || (size_t)n >= sizeof(key))
		return msgid;
	en = find(c, key, (size_t)n);
	return en && en->strlen > 0 ? en->str : msgid;
}

int
i18n_plural_index(const struct i18n *c, int64_t n)
{
	return c ? c->def->plural(n) : plural_en(n);
}

const char *
i18n_plural(const struct i18n *c, const char *one, const char *other, int64_t n)
{
	const struct entry *en = find(c, one, strlen(one));
	const char *s, *end;
	int k;

	if (en == NULL || en->strlen == 0)
		return plural_en(n) ? other : one;
	k = c->def->plural(n);
	s = en->str;
	end = en->str + en->strlen;
	/* The forms are joined by NUL; a missing one falls back to the
	 * English text rather than to another form. */
	while (k-- > 0) {
		s += strlen(s) + 1;
		if (s > end)
			return plural_en(n) ? other : one;
	}
	return *s ? s : (plural_en(n) ? other : one);
}

const char *
i18n_num(struct arena *a, const struct i18n *c, const char *one,
         const char *other, int64_t n)
{
	const char *s = i18n_plural(c, one, other, n);
	const char *p = strstr(s, "%d");

	if (p == NULL)
		return s;
	return arena_printf(a, "%.*s%lld%s", (int)(p - s), s, (long long)n,
	                    p + 2);
}

const char *
i18n_sub(struct arena *a, const char *s, const char *arg)
{
	const char *p = strstr(s, "%s");

	if (p == NULL)
		return s;
	return arena_printf(a, "%.*s%s%s", (int)(p - s), s, arg, p + 2);
}

const char *
i18n_sub2(struct arena *a, const char *s, const char *arg1, const char *arg2)
{
	const char *p = strstr(s, "%s"), *q;

	if (p == NULL)
		return s;
	q = strstr(p + 2, "%s");
	if (q == NULL)
		return i18n_sub(a, s, arg1);
	return arena_printf(a, "%.*s%s%.*s%s%s", (int)(p - s), s, arg1,
	                    (int)(q - (p + 2)), p + 2, arg2, q + 2);
}

void
i18n_split(struct arena *a, const char *s, const char **before,
           const char **after)
{
	const char *p = strstr(s, "%d");

	if (p == NULL) {
		*before = "";
		*after = s;
		return;
	}
	*before = arena_strndup(a, s, (size_t)(p - s));
	*after = p + 2;
}

size_t
i18n_categories(const struct i18n *c, const char **names, int64_t *samples)
{
	const struct lang_def *d = c ? c->def : &langs[0];
	size_t n = 0;

	for (; n < I18N_CATEGORIES && d->categories[n] != NULL; n++) {
		names[n] = d->categories[n];
		samples[n] = d->samples[n];
	}
	return n;
}

const char *
i18n_month(struct arena *a, const struct i18n *c, int y, int m)
{
	/* TRANSLATORS: a month of a year, as in an archive's title. */
	const char *pat = i18n_text(c, "{month} {year}");
	const char *p = strstr(pat, "{month}");
	const char *q = strstr(pat, "{year}");

	if (m < 1 || m > 12)
		return "";
	if (p == NULL || q == NULL || q < p) /* a translation gone wrong */
		return arena_printf(a, "%s %d", i18n_text(c, months[m - 1]), y);
	return arena_printf(a, "%.*s%s%.*s%d%s", (int)(p - pat), pat,
	                    i18n_text(c, months[m - 1]), (int)(q - (p + 7)),
	                    p + 7, y, q + 6);
}

/* Append s to out[*n..cap) as far as it fits (dates are short). */
static void
put(char *out, size_t cap, size_t *n, const char *s, size_t len)
{
	if (len > cap - 1 - *n)
		len = cap - 1 - *n;
	memcpy(out + *n, s, len);
	*n += len;
}

const char *
i18n_date(struct arena *a, const struct i18n *c, int y, int m, int d)
{
	char out[128], num[16];
	size_t n = 0;
	const char *pat;

	if (m < 1 || m > 12)
		return "";
	if (c == NULL)
		c = i18n_get("en");
	/* The pattern and the months were looked up once, at load. */
	for (pat = c->date_pat; *pat != '\0';) {
		if (strncmp(pat, "{month}", 7) == 0) {
			put(out, sizeof(out), &n, c->date_months[m - 1],
			    strlen(c->date_months[m - 1]));
			pat += 7;
		} else if (strncmp(pat, "{day}", 5) == 0) {
			int k = snprintf(num, sizeof(num), "%d", d);

			put(out, sizeof(out), &n, num, (size_t)k);
			pat += 5;
		} else if (strncmp(pat, "{year}", 6) == 0) {
			int k = snprintf(num, sizeof(num), "%d", y);

			put(out, sizeof(out), &n, num, (size_t)k);
			pat += 6;
		} else {
			put(out, sizeof(out), &n, pat++, 1);
		}
	}
	return arena_strndup(a, out, n);
}

int
i18n_tmpl(const struct i18n *c, const char *src, size_t n, struct buf *out,
          struct error *e)
{
	static const char open[] = "{{#_}}", close[] = "{{/_}}";
	const char *p = src, *end = src + n;

	while (p < end) {
		const char *o = memmem(p, (size_t)(end - p), open, 6);
		const char *t, *x;
		char *msgid;

		if (o == NULL)
			break;
		if (buf_add(out, p, (size_t)(o - p)) == -1)
			goto big;
		t = o + 6;
		x = memmem(t, (size_t)(end - t), close, 6);
		if (x == NULL)
			return error_set(e, ERR_INVALID,
			                 "unclosed {{#_}} at byte %zu",
			                 (size_t)(o - src));
		msgid = xmalloc((size_t)(x - t) + 1);
		memcpy(msgid, t, (size_t)(x - t));
		msgid[x - t] = '\0';
		if (buf_puts(out, i18n_text(c, msgid)) == -1) {
			free(msgid);
			goto big;
		}
		free(msgid);
		p = x + 6;
	}
	if (buf_add(out, p, (size_t)(end - p)) == -1)
		goto big;
	return 0;
big:
	return error_set(e, ERR_TOO_BIG,
	                 "a translated template is over %zu "
	                 "bytes",
	                 out->max);
}
