/*
 * render/chart.h: the SVG of known series, read back with a small parser
 * of its own (the bars, their heights and titles, the axis labels):
 * one bar per point, heights proportional to the values, every caller's
 * text escaped, the empty state, one huge value beside small ones, the
 * y scale, and the buffer's cap (all or nothing).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/chart.h"
#include "util/buf.h"
#include "util/banned.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct chart_opts OPTS = {
	.title = "Views per day",
	.unit = "view",
	.units = "views",
	.empty = "No views yet.",
};

/* Occurrences of needle in hay. */
static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(hay, needle); p != NULL;
	     p = strstr(p + strlen(needle), needle))
		n++;
	return n;
}

/* The number in attribute name="..." of the i-th element that starts
 * with tag (such as "<rect class=\"bar\""). */
static double
attr(const char *svg, const char *tag, size_t i, const char *name)
{
	const char *p = strstr(svg, tag), *end, *v;
	char key[32];

	for (size_t k = 0; p != NULL && k < i; k++)
		p = strstr(p + 1, tag);
	assert_non_null(p);
	end = strchr(p, '>');
	assert_non_null(end);
	snprintf(key, sizeof(key), " %s=\"", name);
	v = strstr(p, key);
	assert_non_null(v);
	assert_true(v < end);
	return strtod(v + strlen(key), NULL);
}

/* The text of the i-th <g class="col">'s <title>. */
static void
col_title(const char *svg, size_t i, char *out, size_t n)
{
	const char *p = strstr(svg, "<g class=\"col\"><title>"), *end;

	for (size_t k = 0; p != NULL && k < i; k++)
		p = strstr(p + 1, "<g class=\"col\"><title>");
	assert_non_null(p);
	p += strlen("<g class=\"col\"><title>");
	end = strstr(p, "</title>");
	assert_non_null(end);
	assert_true((size_t)(end - p) < n);
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
}

static char *
render(const struct chart_point *pts, size_t n, const struct chart_opts *o)
{
	struct buf b;
	char *s;

	buf_init(&b, 1024 * 1024);
	assert_int_equal(chart_bars(&b, pts, n, o), 0);
	s = strdup(buf_str(&b));
	buf_release(&b);
	return s;
}

static void
known_series(void **state)
{
	static const struct chart_point pts[] = {
		{"2024-05-29", "May 29", 0},  {"2024-05-30", "May 30", 5},
		{"2024-05-31", "May 31", 10}, {"2024-06-01", "Jun 1", 2},
		{"2024-06-02", "Jun 2", 1},
	};
	char *svg = render(pts, NELEM(pts), &OPTS);
	double plot, base, w0;
	char t[128];

	(void)state;
	assert_int_equal(strncmp(svg, "<svg class=\"chart\"", 18), 0);
	assert_int_equal(count(svg, "<svg"), 1);
	assert_non_null(strstr(svg, "</svg>"));
	assert_int_equal(count(svg, "<rect class=\"bar\""), NELEM(pts));
	assert_int_equal(count(svg, "<g class=\"col\">"), NELEM(pts));
	assert_int_equal(count(svg, "<rect class=\"hit\""), NELEM(pts));
	/* the chart's own name comes first */
	assert_non_null(strstr(svg, "<title>Views per day</title>"));
	/* no style attribute, no script: the admin's CSP allows neither */
	assert_null(strstr(svg, "style="));
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "<style"));

	/* Heights: the hit areas span the plot; max 10 is a scale of 0..10,
	 * so each bar is value / 10 of it, standing on the same baseline. */
	plot = attr(svg, "<rect class=\"hit\"", 0, "height");
	assert_true(plot > 100);
	base = attr(svg, "<rect class=\"hit\"", 0, "y") + plot;
	for (size_t i = 0; i < NELEM(pts); i++) {
		double h = attr(svg, "<rect class=\"bar\"", i, "height");
		double y = attr(svg, "<rect class=\"bar\"", i, "y");

		assert_true(fabs(h - plot * (double)pts[i].value / 10.0) <
		            0.02);
		assert_true(fabs(y + h - base) < 0.02);
		assert_true(attr(svg, "<rect class=\"hit\"", i, "height") ==
		            plot);
	}
	/* left to right, equal widths, no overlap */
	w0 = attr(svg, "<rect class=\"hit\"", 0, "width");
	for (size_t i = 1; i < NELEM(pts); i++) {
		double x0 = attr(svg, "<rect class=\"hit\"", i - 1, "x");
		double x1 = attr(svg, "<rect class=\"hit\"", i, "x");

		assert_true(fabs(x1 - x0 - w0) < 0.02);
		assert_true(attr(svg, "<rect class=\"bar\"", i, "width") <= w0);
	}

	/* titles: "LABEL: N views", singular for one */
	col_title(svg, 0, t, sizeof(t));
	assert_string_equal(t, "2024-05-29: 0 views");
	col_title(svg, 2, t, sizeof(t));
	assert_string_equal(t, "2024-05-31: 10 views");
	col_title(svg, 4, t, sizeof(t));
	assert_string_equal(t, "2024-06-02: 1 view");

	/* the y axis: 0, 5 and 10; the x axis: every tick of 5 points,
	 * the newest included */
	assert_int_equal(count(svg, "class=\"ytick\""), 3);
	assert_non_null(strstr(svg, "\">0</text>"));
	assert_non_null(strstr(svg, "\">5</text>"));
	assert_non_null(strstr(svg, "\">10</text>"));
	assert_int_equal(count(svg, "class=\"xtick\""), NELEM(pts));
	assert_non_null(strstr(svg, "\">Jun 2</text>"));
	free(svg);
}

static void
labels_are_escaped(void **state)
{
	static const struct chart_point pts[] = {
		{"<script>alert(1)</script>", "<b>&\"'", 3},
		{"a&b", NULL, 4},
	};
	struct chart_opts o = OPTS;
	char *svg;
	char t[256];

	(void)state;
	o.title = "</title><script>x</script>";
	o.units = "<i>views</i>";
	svg = render(pts, NELEM(pts), &o);
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "<b>"));
	assert_null(strstr(svg, "<i>"));
	assert_non_null(
		strstr(svg,
	               "<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;"));
	col_title(svg, 0, t, sizeof(t));
	assert_string_equal(t, "&lt;script&gt;alert(1)&lt;/script&gt;: 3 "
	                       "&lt;i&gt;views&lt;/i&gt;");
	col_title(svg, 1, t, sizeof(t));
	assert_string_equal(t, "a&amp;b: 4 &lt;i&gt;views&lt;/i&gt;");
	assert_non_null(strstr(svg, ">&lt;b&gt;&amp;&quot;&#39;</text>"));
	/* a point without a tick has no label, and is still a bar */
	assert_int_equal(count(svg, "class=\"xtick\""), 1);
	assert_int_equal(count(svg, "<rect class=\"bar\""), 2);

	/* the empty state's text is escaped too */
	free(svg);
	o.empty = "<img src=x onerror=alert(1)>";
	svg = render(NULL, 0, &o);
	assert_string_equal(svg, "<p class=\"chart-empty\">&lt;img src=x "
	                         "onerror=alert(1)&gt;</p>");
	free(svg);
}

static void
empty_series(void **state)
{
	struct chart_point zeros[90];
	char *svg;

	(void)state;
	svg = render(NULL, 0, &OPTS);
	assert_string_equal(svg, "<p class=\"chart-empty\">No views yet.</p>");
	free(svg);
	/* ninety days without a view: the same empty state, not a flat
	 * chart; a negative value counts as 0 */
	for (size_t i = 0; i < NELEM(zeros); i++)
		zeros[i] = (struct chart_point){"d", "t", i == 3 ? -5 : 0};
	svg = render(zeros, NELEM(zeros), &OPTS);
	assert_string_equal(svg, "<p class=\"chart-empty\">No views yet.</p>");
	free(svg);
	/* one view among them: a chart of all ninety bars */
	zeros[89].value = 1;
	svg = render(zeros, NELEM(zeros), &OPTS);
	assert_int_equal(count(svg, "<rect class=\"bar\""), 90);
	assert_true(count(svg, "class=\"xtick\"") <= CHART_MAX_TICKS);
	assert_true(attr(svg, "<rect class=\"bar\"", 3, "height") == 0);
	free(svg);
}

static void
one_huge_value(void **state)
{
	static const struct chart_point pts[] = {
		{"a", "a", 1},
		{"b", "b", INT64_MAX},
		{"c", "c", 3},
		{"d", "d", 0},
	};
	char *svg = render(pts, NELEM(pts), &OPTS);
	double plot = attr(svg, "<rect class=\"hit\"", 0, "height");
	char t[128];

	(void)state;
	assert_null(strstr(svg, "=\"nan"));
	assert_null(strstr(svg, "=\"inf"));
	assert_null(strstr(svg, "=\"-"));
	assert_int_equal(count(svg, "<rect class=\"bar\""), NELEM(pts));
	/* the huge one fills the plot; the small ones stay visible (one
	 * unit tall), the zero stays zero */
	assert_true(fabs(attr(svg, "<rect class=\"bar\"", 1, "height") - plot) <
	            0.02);
	assert_true(attr(svg, "<rect class=\"bar\"", 0, "height") == 1);
	assert_true(attr(svg, "<rect class=\"bar\"", 2, "height") == 1);
	assert_true(attr(svg, "<rect class=\"bar\"", 3, "height") == 0);
	col_title(svg, 1, t, sizeof(t));
	assert_string_equal(t, "b: 9223372036854775807 views");
	/* its axis label is short */
	assert_non_null(strstr(svg, "\">9.22E</text>"));

	/* a million beside a few: 0, 500k, 1M */
	{
		static const struct chart_point big[] = {{"x", "x", 999999},
		                                         {"y", "y", 7}};

		free(svg);
		svg = render(big, NELEM(big), &OPTS);
		assert_non_null(strstr(svg, "\">500k</text>"));
		assert_non_null(strstr(svg, "\">1M</text>"));
		assert_true(attr(svg, "<rect class=\"bar\"", 1, "height") == 1);
	}
	free(svg);
}

static void
scale(void **state)
{
	static const struct {
		int64_t max, top, step;
	} cases[] = {
		{0, 1, 1},
		{1, 1, 1},
		{3, 3, 1},
		{4, 4, 1},
		{5, 6, 2},
		{7, 8, 2},
		{10, 10, 5},
		{11, 15, 5},
		{21, 30, 10},
		{99, 100, 50},
		{12345, 15000, 5000},
		{999999, 1000000, 500000},
		{INT64_MAX, INT64_MAX, INT64_MAX},
		{INT64_MAX / 2, INT64_C(6000000000000000000),
	         INT64_C(2000000000000000000)},
	};

	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		int64_t top, step;

		chart_scale(cases[i].max, &top, &step);
		assert_int_equal(top, cases[i].top);
		assert_int_equal(step, cases[i].step);
		assert_true(top >= cases[i].max);
		assert_true(top / step <= 4);
	}
}

static void
all_or_nothing_at_the_cap(void **state)
{
	static const struct chart_point pts[] = {{"a", "a", 1}, {"b", "b", 2}};
	struct buf b;

	(void)state;
	buf_init(&b, 600);
	assert_int_equal(buf_puts(&b, "before"), 0);
	assert_int_equal(chart_bars(&b, pts, NELEM(pts), &OPTS), -1);
	assert_string_equal(buf_str(&b), "before");
	assert_int_equal(b.len, 6);
	buf_release(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_series),
		cmocka_unit_test(labels_are_escaped),
		cmocka_unit_test(empty_series),
		cmocka_unit_test(one_huge_value),
		cmocka_unit_test(scale),
		cmocka_unit_test(all_or_nothing_at_the_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
