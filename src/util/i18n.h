#ifndef GAZETTE_I18N_H
#define GAZETTE_I18N_H
/*
 * The reader's site in the site's language (setting `language`, decision
 * 082): message catalogs in GNU gettext's .mo format, compiled from po/LANG.po
 * by msgfmt at build time and embedded in the binary, read once into a
 * hash table each.  A catalog lives as long as the process and is never
 * changed after it is made, so any thread may look up in it without a
 * lock; a lookup is one hash and one string comparison.
 *
 * English is the source language: its msgids are the texts, so "en" has
 * no catalog of its own and every lookup in it answers the msgid.  A
 * msgid the catalog lacks also answers itself (never an empty page).
 *
 * Strings are marked for xgettext (scripts/i18n-extract) by the calls
 * below, with the msgid a literal: i18n_text:2, i18n_ctext:2c,3,
 * i18n_plural:2,3, i18n_num:3,4, and N_() where a message is chosen in
 * one place and translated where it is shown.
 */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "error.h"

/* A message marked for the catalog but translated where it is shown. */
#define N_(s) s
/* The same with a context (i18n_ctext's), for xgettext. */
#define NC_(ctx, s) s

struct i18n;

/* The languages shipped, NULL-terminated BCP 47 tags ("en", "ru"). */
extern const char *const i18n_languages[];

/* The catalog of lang, or NULL when lang is not shipped.  Made on first
 * use from the embedded .mo; never freed. */
const struct i18n *i18n_get(const char *lang);
/* The tag it was made for ("en" for NULL). */
const char *i18n_lang(const struct i18n *c);
/* The Plural-Forms header its .mo declares ("" for English). */
const char *i18n_plural_forms(struct arena *a, const struct i18n *c);
/* Entries in it, and the i-th msgid and msgstr (plural forms joined by
 * NUL: *n is the whole length), for the tests' completeness check. */
size_t i18n_count(const struct i18n *c);
void i18n_entry(const struct i18n *c, size_t i, const char **id,
                const char **str, size_t *n);

/* msgid's translation, or msgid itself.  c may be NULL (English). */
const char *i18n_text(const struct i18n *c, const char *msgid);
/* The same with a context (msgctxt), for words translated apart. */
const char *i18n_ctext(const struct i18n *c, const char *ctx,
                       const char *msgid);
/* The form for n of a message with a plural (ngettext), "%d" left in. */
const char *i18n_plural(const struct i18n *c, const char *one,
                        const char *other, int64_t n);
/* The plural form's index the language's rule gives n (gettext's
 * Plural-Forms, written once per language in i18n.c). */
int i18n_plural_index(const struct i18n *c, int64_t n);
/* i18n_plural with its "%d" replaced by n, in a. */
const char *i18n_num(struct arena *a, const struct i18n *c, const char *one,
                     const char *other, int64_t n);
/* s with its first "%s" replaced by arg, in a (a translated text cannot
 * be a printf format: its bytes came from a file). */
const char *i18n_sub(struct arena *a, const char *s, const char *arg);
/* The same with its first two "%s" (one pass: arg1 is not searched). */
const char *i18n_sub2(struct arena *a, const char *s, const char *arg1,
                      const char *arg2);
/* The text of s before and after its "%d" ("" and s when it has none). */
void i18n_split(struct arena *a, const char *s, const char **before,
                const char **after);

/*
 * The CLDR plural categories (Intl.PluralRules, which the page's script
 * asks) of c's language, each with a number it covers, so the server can
 * give a script every form it may need: "one" 1, "few" 2, ... .  Returns
 * how many; names[i] and samples[i] up to I18N_CATEGORIES.
 */
#define I18N_CATEGORIES 4
size_t i18n_categories(const struct i18n *c, const char **names,
                       int64_t *samples);

/* A month of a year: "April 2022", "Апрель 2022"; m 1-12. */
const char *i18n_month(struct arena *a, const struct i18n *c, int y, int m);
/* A date as readers see it: "April 27, 2022" in English, "27 апреля
 * 2022 г." in Russian; y, m (1-12), d as time_ymd gives them. */
const char *i18n_date(struct arena *a, const struct i18n *c, int y, int m,
                      int d);

/*
 * A template's source with each {{#_}}TEXT{{/_}} replaced by TEXT's
 * translation (TEXT may hold mustache tags; the translation keeps them),
 * appended to out: templates are translated once when they are compiled,
 * never per page.  -1 with ERR_INVALID for an unclosed {{#_}}, ERR_TOO_BIG
 * past out's cap.
 */
int i18n_tmpl(const struct i18n *c, const char *src, size_t n, struct buf *out,
              struct error *e);

#endif
