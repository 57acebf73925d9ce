/*
 * Server-rendered SVG bar charts (chart.h).  Coordinates are in the
 * viewBox's units with two decimals, enough for LIM_POPULAR_DAYS bars
 * across CHART_WIDTH.
 */
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "html.h"
#include "../util/banned.h"

/* The plot inside the viewBox: room for the y labels on the left and the
 * x labels below. */
#define MARGIN_LEFT   56
#define MARGIN_RIGHT  24
#define MARGIN_TOP    12
#define MARGIN_BOTTOM 36
#define PLOT_W        (CHART_WIDTH - MARGIN_LEFT - MARGIN_RIGHT)
#define PLOT_H        (CHART_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM)
#define BASELINE      (MARGIN_TOP + PLOT_H)

/* Presentation attributes: what the chart looks like without admin.css
 * (a feed reader, a saved page); the classes let the CSS restyle it. */
#define BAR_FILL  "#2b6cb0"
#define LINE_GREY "#d0d4da"
#define TEXT_GREY "#5f6b7a"

void
chart_scale(int64_t max, int64_t *top, int64_t *step)
{
	static const int64_t mant[] = {1, 2, 5};

	if (max <= 0) {
		*top = 1;
		*step = 1;
		return;
	}
	for (int64_t mag = 1;; mag *= 10) {
		for (size_t i = 0; i < sizeof(mant) / sizeof(mant[0]); i++) {
			int64_t s = mant[i] * mag;
			int64_t k = max / s + (max % s != 0);

			if (k > 4)
				continue;
			if (s > INT64_MAX / k)
				goto overflow;
			*top = k * s;
			*step = s;
			return;
		}
		if (mag > INT64_MAX / 50)
			break;
	}
overflow:
	*top = max;
	*step = max;
}

/* A tick's number, short: 950, 1.5k, 20M. */
static void
compact(int64_t v, char *out, size_t n)
{
	static const char *const suffix[] = {"", "k", "M", "G", "T", "P", "E"};
	double d = (double)v;
	size_t i = 0;

	if (v < 10000) {
		snprintf(out, n, "%lld", (long long)v);
		return;
	}
	while (d >= 999.5 && i + 1 < sizeof(suffix) / sizeof(suffix[0])) {
		d /= 1000;
		i++;
	}
	snprintf(out, n, "%.3g%s", d, suffix[i]);
}

static int
y_axis(struct buf *b, int64_t top, int64_t step)
{
	for (int64_t v = 0;; v += step) {
		double y = BASELINE - (double)v / (double)top * PLOT_H;
		char num[32];

		compact(v, num, sizeof(num));
		if (buf_printf(
			    b,
			    "<line class=\"gridline\" x1=\"%d\" y1=\"%.2f\" "
			    "x2=\"%d\" y2=\"%.2f\" stroke=\"" LINE_GREY
			    "\"/><text class=\"ytick\" x=\"%d\" y=\"%.2f\" "
			    "text-anchor=\"end\" dominant-baseline=\"middle\" "
			    "font-size=\"11\" fill=\"" TEXT_GREY "\">%s</text>",
			    MARGIN_LEFT, y, CHART_WIDTH - MARGIN_RIGHT, y,
			    MARGIN_LEFT - 6, y, num) == -1)
			return -1;
		if (v >= top || step > top - v)
			break;
	}
	return 0;
}

static int
column(struct buf *b, const struct chart_point *p, const struct chart_opts *o,
       double x, double w, int64_t top)
{
	int64_t v = p->value > 0 ? p->value : 0;
	double h = (double)v / (double)top * PLOT_H;
	double gap = w > 3 ? w * 0.15 : 0;

	if (v > 0 && h < 1)
		h = 1;
	if (h > PLOT_H)
		h = PLOT_H;
	if (buf_puts(b, "<g class=\"col\"><title>") == -1 ||
	    html_puts(b, p->label ? p->label : "") == -1 ||
	    buf_printf(b, ": %lld ", (long long)v) == -1 ||
	    html_puts(b, v == 1 ? o->unit : o->units) == -1 ||
	    buf_printf(b,
	               "</title><rect class=\"hit\" x=\"%.2f\" y=\"%d\" "
	               "width=\"%.2f\" height=\"%d\" fill=\"transparent\"/>"
	               "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" "
	               "width=\"%.2f\" height=\"%.2f\" fill=\"" BAR_FILL
	               "\"/></g>\n",
	               x, MARGIN_TOP, w, PLOT_H, x + gap / 2, BASELINE - h,
	               w - gap, h) == -1)
		return -1;
	return 0;
}

static int
x_ticks(struct buf *b, const struct chart_point *pts, size_t n, double w)
{
	size_t every = (n + CHART_MAX_TICKS - 1) / CHART_MAX_TICKS;

	for (size_t k = 0; k < n; k += every) {
		size_t i = n - 1 - k;
		double x = MARGIN_LEFT + w * ((double)i + 0.5);

		if (pts[i].tick == NULL || *pts[i].tick == '\0')
			continue;
		if (buf_printf(b,
		               "<line class=\"axis\" x1=\"%.2f\" y1=\"%d\" "
		               "x2=\"%.2f\" y2=\"%d\" stroke=\"" LINE_GREY
		               "\"/><text class=\"xtick\" x=\"%.2f\" y=\"%d\" "
		               "text-anchor=\"middle\" font-size=\"11\" "
		               "fill=\"" TEXT_GREY "\">",
		               x, BASELINE, x, BASELINE + 4, x,
		               BASELINE + 18) == -1 ||
		    html_puts(b, pts[i].tick) == -1 ||
		    buf_puts(b, "</text>") == -1)
			return -1;
	}
	return 0;
}

static int
bars(struct buf *b, const struct chart_point *pts, size_t n,
     const struct chart_opts *o, int64_t max)
{
	int64_t top, step;
	double w = (double)PLOT_W / (double)n;

	chart_scale(max, &top, &step);
	if (buf_printf(
		    b,
		    "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" "
		    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
		    "preserveAspectRatio=\"xMidYMid meet\"><title>",
		    CHART_WIDTH, CHART_HEIGHT, CHART_WIDTH,
		    CHART_HEIGHT) == -1 ||
	    html_puts(b, o->title ? o->title : "") == -1 ||
	    buf_puts(b, "</title>\n") == -1 || y_axis(b, top, step) == -1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (column(b, &pts[i], o, MARGIN_LEFT + w * (double)i, w,
		           top) == -1)
			return -1;
	if (buf_printf(b,
	               "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" "
	               "y2=\"%d\" stroke=\"" TEXT_GREY "\"/>",
	               MARGIN_LEFT, BASELINE, CHART_WIDTH - MARGIN_RIGHT,
	               BASELINE) == -1 ||
	    x_ticks(b, pts, n, w) == -1 || buf_puts(b, "</svg>") == -1)
		return -1;
	return 0;
}

static int
empty_state(struct buf *b, const struct chart_opts *o)
{
	if (buf_puts(b, "<p class=\"chart-empty\">") == -1 ||
	    html_puts(b, o->empty ? o->empty : "") == -1 ||
	    buf_puts(b, "</p>") == -1)
		return -1;
	return 0;
}

int
chart_bars(struct buf *b, const struct chart_point *pts, size_t n,
           const struct chart_opts *o)
{
	size_t len0 = b->len;
	int64_t max = 0;
	int rc;

	for (size_t i = 0; i < n; i++)
		if (pts[i].value > max)
			max = pts[i].value;
	if (max == 0)
		rc = empty_state(b, o);
	else
		rc = bars(b, pts, n, o, max);
	if (rc == -1 && b->p != NULL) {
		/* All or nothing: never half a chart. */
		b->len = len0;
		b->p[len0] = '\0';
	}
	return rc;
}
