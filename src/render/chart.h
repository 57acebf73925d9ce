#ifndef GAZETTE_CHART_H
#define GAZETTE_CHART_H
/*
 * Bar charts as inline SVG, drawn on the server: no chart library, no
 * external asset, no script and no style attribute (the admin's CSP
 * forbids both), so the colours are presentation attributes that
 * static/admin.css may override through the classes.
 *
 * One bar per point, left to right, heights proportional to the values on
 * a scale from 0 to a round number at or above the largest; a bar whose
 * value is not 0 is at least one unit tall, so a small day beside a huge
 * one stays visible.  Each bar is a <g class="col"> whose <title> says
 * "LABEL: N UNITS" (the tooltip, and the bar's accessible name), holding a
 * transparent full-height <rect class="hit"> (so a day of 0 can be hovered
 * too) and the <rect class="bar">.  The y axis has 2 to 5 labelled ticks;
 * the x axis shows the ticks of at most CHART_MAX_TICKS points, counted
 * back from the last one, so the newest day always has its label.
 * Every text that comes from the caller is escaped.
 */
#include <stddef.h>
#include <stdint.h>

#include "../util/buf.h"

#define CHART_WIDTH     800 /* the viewBox; the SVG scales to its box */
#define CHART_HEIGHT    260
#define CHART_MAX_TICKS 8 /* labels under the x axis */

struct chart_point {
	const char *label; /* the bar's title, before ": N units" */
	const char *tick;  /* its label under the axis, when one is shown */
	int64_t value;     /* below 0 counts as 0 */
};

struct chart_opts {
	const char *title;        /* the chart's accessible name */
	const char *unit, *units; /* "view", "views" */
	const char *empty;        /* said instead when every value is 0 */
};

/*
 * Append the chart of pts[0..n) to b; when n is 0 or every value is 0,
 * append <p class="chart-empty">EMPTY</p> instead.  0, or -1 when b
 * reached its cap (b is then as it was).
 */
int chart_bars(struct buf *b, const struct chart_point *pts, size_t n,
               const struct chart_opts *o) __attribute__((warn_unused_result));

/* The top of the y scale for max and its tick step (exposed for tests):
 * the least k * step >= max with step 1, 2 or 5 times a power of ten and
 * k at most 4; max itself (step max) where that would overflow. */
void chart_scale(int64_t max, int64_t *top, int64_t *step);

#endif
