/*
 * util/i18n: the embedded catalogs are complete (every message of every
 * shipped language translated, every plural form present, none fuzzy —
 * msgfmt leaves fuzzy entries out of a .mo, so a fuzzy one shows as a
 * missing one here), their Plural-Forms is the rule i18n.c applies, the
 * Russian plural forms come out right for the numbers that tell the rule
 * apart, and dates and templates are translated.  scripts/i18n-extract --check
 * (meson test i18n_catalogs) holds the .po files against the sources
 * themselves.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/embed.h"
#include "util/error.h"
#include "util/i18n.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static void
languages_are_shipped(void **state)
{
	(void)state;
	assert_string_equal(i18n_languages[0], "en");
	for (size_t i = 0; i18n_languages[i] != NULL; i++) {
		const struct i18n *c = i18n_get(i18n_languages[i]);

		assert_non_null(c);
		assert_string_equal(i18n_lang(c), i18n_languages[i]);
		/* English has no catalog; every other language has one. */
		if (i > 0) {
			char name[16];

			snprintf(name, sizeof(name), "%s.mo",
			         i18n_languages[i]);
			assert_non_null(embed_find(embed_locale, name));
			assert_true(i18n_count(c) > 100);
		}
	}
	assert_null(i18n_get("de"));
	assert_null(i18n_get(""));
	assert_null(i18n_get(NULL));
	assert_null(i18n_get("ru-RU")); /* only the tags shipped */
}

/* Every entry of every catalog: a translation, all of its plural forms
 * non-empty, and the same "%d"/"%s" and mustache tags as its msgid. */
static void
catalogs_are_complete(void **state)
{
	(void)state;
	for (size_t l = 1; i18n_languages[l] != NULL; l++) {
		const struct i18n *c = i18n_get(i18n_languages[l]);
		struct arena *a = arena_new();
		const char *pf = i18n_plural_forms(a, c);
		int nplurals = pf[strlen("nplurals=")] - '0';

		assert_true(strncmp(pf, "nplurals=", 9) == 0);
		for (size_t i = 0; i < i18n_count(c); i++) {
			const char *id, *str, *p;
			size_t n, forms = 0;

			i18n_entry(c, i, &id, &str, &n);
			if (*id == '\0')
				continue; /* the header */
			if (n == 0)
				fail_msg("%s: '%s' is untranslated",
				         i18n_languages[l], id);
			for (p = str; p < str + n + 1; p += strlen(p) + 1) {
				if (*p == '\0')
					fail_msg("%s: '%s' has an empty form",
					         i18n_languages[l], id);
				if ((strstr(id, "%d") != NULL) !=
				            (strstr(p, "%d") != NULL) ||
				    (strstr(id, "%s") != NULL) !=
				            (strstr(p, "%s") != NULL) ||
				    (strstr(id, "{{") != NULL) !=
				            (strstr(p, "{{") != NULL))
					fail_msg("%s: '%s' -> '%s' loses a "
					         "placeholder",
					         i18n_languages[l], id, p);
				forms++;
			}
			/* A message with a plural has nplurals forms. */
			assert_true(forms == 1 || forms == (size_t)nplurals);
		}
		arena_free(a);
	}
}

/* The .po's Plural-Forms is what i18n.c applies (gettext's manual,
 * "Plural forms", for Russian). */
static void
plural_forms_header_matches_the_rule(void **state)
{
	struct arena *a = arena_new();

	(void)state;
	assert_string_equal(
		i18n_plural_forms(a, i18n_get("ru")),
		"nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
		"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);");
	assert_string_equal(i18n_plural_forms(a, i18n_get("en")), "");
	arena_free(a);
}

static void
russian_plurals(void **state)
{
	static const struct {
		int64_t n;
		const char *views, *comments;
	} cases[] = {
		{0, "0 просмотров", "0 комментариев"},
		{1, "1 просмотр", "1 комментарий"},
		{2, "2 просмотра", "2 комментария"},
		{4, "4 просмотра", "4 комментария"},
		{5, "5 просмотров", "5 комментариев"},
		{11, "11 просмотров", "11 комментариев"},
		{12, "12 просмотров", "12 комментариев"},
		{14, "14 просмотров", "14 комментариев"},
		{21, "21 просмотр", "21 комментарий"},
		{22, "22 просмотра", "22 комментария"},
		{25, "25 просмотров", "25 комментариев"},
		{101, "101 просмотр", "101 комментарий"},
		{111, "111 просмотров", "111 комментариев"},
		{112, "112 просмотров", "112 комментариев"},
		{1001, "1001 просмотр", "1001 комментарий"},
		{16554, "16554 просмотра", "16554 комментария"},
		{INT64_MAX, "9223372036854775807 просмотров",
	         "9223372036854775807 комментариев"},
	};
	const struct i18n *ru = i18n_get("ru");
	struct arena *a = arena_new();

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		assert_string_equal(i18n_num(a, ru, "%d View", "%d Views",
		                             cases[i].n),
		                    cases[i].views);
		assert_string_equal(i18n_num(a, ru, "%d Comment", "%d Comments",
		                             cases[i].n),
		                    cases[i].comments);
	}
	arena_free(a);
}

static void
english_plurals_and_fallbacks(void **state)
{
	struct arena *a = arena_new();
	const struct i18n *en = i18n_get("en"), *ru = i18n_get("ru");

	(void)state;
	assert_string_equal(i18n_num(a, en, "%d View", "%d Views", 1),
	                    "1 View");
	assert_string_equal(i18n_num(a, en, "%d View", "%d Views", 0),
	                    "0 Views");
	assert_string_equal(i18n_num(a, NULL, "%d View", "%d Views", 2),
	                    "2 Views");
	assert_string_equal(i18n_text(en, "Search"), "Search");
	assert_string_equal(i18n_text(ru, "Search"), "Поиск");
	/* A message no catalog has answers itself. */
	assert_string_equal(i18n_text(ru, "no such message"),
	                    "no such message");
	assert_string_equal(i18n_num(a, ru, "%d thing", "%d things", 5),
	                    "5 things");
	assert_string_equal(i18n_ctext(ru, "date", "April"), "апреля");
	assert_string_equal(i18n_text(ru, "April"), "Апрель");
	arena_free(a);
}

/* The CLDR categories views.js asks Intl.PluralRules for, each with a
 * number whose form is that category's. */
static void
categories_for_the_script(void **state)
{
	const char *names[I18N_CATEGORIES];
	int64_t samples[I18N_CATEGORIES];

	(void)state;
	assert_int_equal(i18n_categories(i18n_get("en"), names, samples), 2);
	assert_string_equal(names[0], "one");
	assert_string_equal(names[1], "other");
	assert_int_equal(i18n_categories(i18n_get("ru"), names, samples), 4);
	assert_string_equal(names[1], "few");
	assert_int_equal(i18n_plural_index(i18n_get("ru"), samples[0]), 0);
	assert_int_equal(i18n_plural_index(i18n_get("ru"), samples[1]), 1);
	assert_int_equal(i18n_plural_index(i18n_get("ru"), samples[2]), 2);
}

static void
dates(void **state)
{
	struct arena *a = arena_new();

	(void)state;
	assert_string_equal(i18n_date(a, NULL, 2022, 4, 27), "April 27, 2022");
	assert_string_equal(i18n_date(a, i18n_get("ru"), 2022, 4, 27),
	                    "27 апреля 2022 г.");
	assert_string_equal(i18n_date(a, i18n_get("ru"), 2026, 12, 7),
	                    "7 декабря 2026 г.");
	assert_string_equal(i18n_month(a, NULL, 2022, 4), "April 2022");
	assert_string_equal(i18n_month(a, i18n_get("ru"), 2022, 5), "Май 2022");
	assert_string_equal(i18n_date(a, NULL, 2022, 13, 1), "");
	assert_string_equal(i18n_date(a, NULL, 2022, 0, 1), "");
	assert_string_equal(i18n_month(a, NULL, 2022, 0), "");
	arena_free(a);
}

static void
templates_translate_once(void **state)
{
	static const char src[] = "<p>{{#_}}Page {{page}} of {{pages}}{{/_}}"
				  "</p><b>{{#_}}unknown text{{/_}}</b>{{x}}";
	struct buf b;
	struct error e;

	(void)state;
	buf_init(&b, 1024);
	assert_int_equal(i18n_tmpl(i18n_get("ru"), src, strlen(src), &b, &e),
	                 0);
	assert_string_equal(buf_str(&b),
	                    "<p>Страница {{page}} из "
	                    "{{pages}}</p><b>unknown text</b>{{x}}");
	buf_reset(&b);
	assert_int_equal(i18n_tmpl(NULL, src, strlen(src), &b, &e), 0);
	assert_string_equal(buf_str(&b), "<p>Page {{page}} of {{pages}}</p>"
	                                 "<b>unknown text</b>{{x}}");
	buf_reset(&b);
	assert_int_equal(i18n_tmpl(NULL, "a{{#_}}b", 8, &b, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	buf_release(&b);
	/* Past the output's cap: ERR_TOO_BIG, never a write past it. */
	buf_init(&b, 8);
	assert_int_equal(i18n_tmpl(i18n_get("ru"), src, strlen(src), &b, &e),
	                 -1);
	assert_int_equal(e.code, ERR_TOO_BIG);
	buf_release(&b);
}

static void
substitutions(void **state)
{
	struct arena *a = arena_new();

	(void)state;
	assert_string_equal(i18n_sub(a, "Tag: %s", "x"), "Tag: x");
	/* An argument holding "%s" is not searched again. */
	assert_string_equal(i18n_sub2(a, "%s by %s", "50%s", "Ann"),
	                    "50%s by Ann");
	assert_string_equal(i18n_sub(a, "none", "x"), "none");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(languages_are_shipped),
		cmocka_unit_test(catalogs_are_complete),
		cmocka_unit_test(plural_forms_header_matches_the_rule),
		cmocka_unit_test(russian_plurals),
		cmocka_unit_test(english_plurals_and_fallbacks),
		cmocka_unit_test(categories_for_the_script),
		cmocka_unit_test(dates),
		cmocka_unit_test(templates_translate_once),
		cmocka_unit_test(substitutions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
