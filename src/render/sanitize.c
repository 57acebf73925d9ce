/*
 * The allow-list sanitizer.  gumbo parses the input as the children of a
 * <div> (the HTML5 fragment algorithm, as innerHTML would), so what we
 * check is what a browser will build; then the tree is walked without
 * recursion (parent links and index_within_parent), and each element is
 * kept (tag and allowed attributes written again), unwrapped (tag
 * dropped, children kept) or dropped with everything inside it.
 *
 * Decisions, with the reasons:
 * - Text is always written escaped, so nothing in it can become markup,
 *   and comments are dropped (conditional comments, "--!>" tricks).
 * - script, style, template, noscript, object, embed, applet, frames,
 *   form controls with text of their own (textarea, select), head
 *   elements and everything in the SVG and MathML namespaces are dropped
 *   with their contents: their text is code, or markup a browser reads
 *   differently from us (mXSS through namespace confusion).
 * - Other unknown or refused elements (form, blink, font, center ...)
 *   are unwrapped: a reader keeps their words.
 * - No style attribute at all: CSS can overlay the page, fetch URLs and,
 *   in old browsers, run script; WordPress's alignment comes through
 *   class (alignleft, wp-caption ...), which is kept.  No id or name:
 *   they clobber DOM globals our scripts read.
 * - URL attributes (href, src, cite, poster, srcset candidates) keep
 *   http, https, mailto and relative URLs only (sanitize_url_ok); a
 *   refused href is left out, an img or media source without a usable
 *   src is dropped.
 * - iframe only with a player URL of render/video.h, written with our
 *   own attributes (sandbox, lazy loading), never the input's.
 */
#include <assert.h>
#include <gumbo.h>
#include <string.h>
#include <strings.h>

#include "sanitize.h"
#include "html.h"
#include "video.h"
#include "../util/limits.h"
#include "../util/banned.h"

enum act { ACT_KEEP, ACT_UNWRAP, ACT_DROP };

enum attr_kind {
	A_TEXT, /* any text */
	A_URL,  /* sanitize_url_ok */
	A_SRCSET,
	A_NUM,   /* digits, optionally a trailing % (old width="100%") */
	A_BOOL,  /* written as the name alone */
	A_TOKEN, /* letters, digits and - only (lang, preload, scope ...) */
	A_MIME,  /* type of a media source */
};

struct attr_rule {
	const char *name;
	enum attr_kind kind;
};

/* Allowed on every kept element. */
static const struct attr_rule global_attrs[] = {
	{"class", A_TEXT},
	{"title", A_TEXT},
	{"lang", A_TOKEN},
	{"dir", A_TOKEN},
};

struct el_rule {
	GumboTag tag;
	struct attr_rule attrs[8];
};

static const struct el_rule el_rules[] = {
	{GUMBO_TAG_P, {{0}}},
	{GUMBO_TAG_BR, {{0}}},
	{GUMBO_TAG_WBR, {{0}}},
	{GUMBO_TAG_H1, {{0}}},
	{GUMBO_TAG_H2, {{0}}},
	{GUMBO_TAG_H3, {{0}}},
	{GUMBO_TAG_H4, {{0}}},
	{GUMBO_TAG_H5, {{0}}},
	{GUMBO_TAG_H6, {{0}}},
	{GUMBO_TAG_A, {{"href", A_URL}, {"rel", A_TEXT}}},
	{GUMBO_TAG_IMG,
         {{"src", A_URL},
          {"alt", A_TEXT},
          {"width", A_NUM},
          {"height", A_NUM},
          {"srcset", A_SRCSET},
          {"sizes", A_TEXT}}},
	{GUMBO_TAG_FIGURE, {{0}}},
	{GUMBO_TAG_FIGCAPTION, {{0}}},
	{GUMBO_TAG_BLOCKQUOTE, {{"cite", A_URL}}},
	{GUMBO_TAG_CITE, {{0}}},
	{GUMBO_TAG_Q, {{"cite", A_URL}}},
	{GUMBO_TAG_UL, {{0}}},
	{GUMBO_TAG_OL,
         {{"start", A_NUM}, {"reversed", A_BOOL}, {"type", A_TOKEN}}},
	{GUMBO_TAG_LI, {{"value", A_NUM}}},
	{GUMBO_TAG_DL, {{0}}},
	{GUMBO_TAG_DT, {{0}}},
	{GUMBO_TAG_DD, {{0}}},
	{GUMBO_TAG_TABLE, {{0}}},
	{GUMBO_TAG_CAPTION, {{0}}},
	{GUMBO_TAG_THEAD, {{0}}},
	{GUMBO_TAG_TBODY, {{0}}},
	{GUMBO_TAG_TFOOT, {{0}}},
	{GUMBO_TAG_TR, {{0}}},
	{GUMBO_TAG_TH,
         {{"colspan", A_NUM}, {"rowspan", A_NUM}, {"scope", A_TOKEN}}},
	{GUMBO_TAG_TD, {{"colspan", A_NUM}, {"rowspan", A_NUM}}},
	{GUMBO_TAG_PRE, {{0}}},
	{GUMBO_TAG_CODE, {{0}}},
	{GUMBO_TAG_KBD, {{0}}},
	{GUMBO_TAG_SAMP, {{0}}},
	{GUMBO_TAG_VAR, {{0}}},
	{GUMBO_TAG_EM, {{0}}},
	{GUMBO_TAG_STRONG, {{0}}},
	{GUMBO_TAG_B, {{0}}},
	{GUMBO_TAG_I, {{0}}},
	{GUMBO_TAG_U, {{0}}},
	{GUMBO_TAG_S, {{0}}},
	{GUMBO_TAG_STRIKE, {{0}}},
	{GUMBO_TAG_BIG, {{0}}},
	{GUMBO_TAG_TT, {{0}}},
	{GUMBO_TAG_DEL, {{"datetime", A_TEXT}, {"cite", A_URL}}},
	{GUMBO_TAG_INS, {{"datetime", A_TEXT}, {"cite", A_URL}}},
	{GUMBO_TAG_SUB, {{0}}},
	{GUMBO_TAG_SUP, {{0}}},
	{GUMBO_TAG_SMALL, {{0}}},
	{GUMBO_TAG_MARK, {{0}}},
	{GUMBO_TAG_ABBR, {{0}}},
	{GUMBO_TAG_ACRONYM, {{0}}},
	{GUMBO_TAG_DFN, {{0}}},
	{GUMBO_TAG_ADDRESS, {{0}}},
	{GUMBO_TAG_TIME, {{"datetime", A_TEXT}}},
	{GUMBO_TAG_HR, {{0}}},
	{GUMBO_TAG_SPAN, {{0}}},
	{GUMBO_TAG_DIV, {{0}}},
	{GUMBO_TAG_DETAILS, {{"open", A_BOOL}}},
	{GUMBO_TAG_SUMMARY, {{0}}},
	{GUMBO_TAG_AUDIO,
         {{"src", A_URL},
          {"controls", A_BOOL},
          {"loop", A_BOOL},
          {"preload", A_TOKEN}}},
	{GUMBO_TAG_VIDEO,
         {{"src", A_URL},
          {"controls", A_BOOL},
          {"loop", A_BOOL},
          {"preload", A_TOKEN},
          {"poster", A_URL},
          {"width", A_NUM},
          {"height", A_NUM}}},
	{GUMBO_TAG_SOURCE, {{"src", A_URL}, {"type", A_MIME}}},
};

/* Dropped with everything inside them. */
static const GumboTag drop_tags[] = {
	GUMBO_TAG_SCRIPT,   GUMBO_TAG_STYLE,    GUMBO_TAG_TEMPLATE,
	GUMBO_TAG_NOSCRIPT, GUMBO_TAG_OBJECT,   GUMBO_TAG_EMBED,
	GUMBO_TAG_APPLET,   GUMBO_TAG_FRAME,    GUMBO_TAG_FRAMESET,
	GUMBO_TAG_NOEMBED,  GUMBO_TAG_NOFRAMES, GUMBO_TAG_TEXTAREA,
	GUMBO_TAG_SELECT,   GUMBO_TAG_TITLE,    GUMBO_TAG_HEAD,
	GUMBO_TAG_META,     GUMBO_TAG_LINK,     GUMBO_TAG_BASE,
	GUMBO_TAG_PARAM,    GUMBO_TAG_SVG,      GUMBO_TAG_MATH,
	GUMBO_TAG_IFRAME,   GUMBO_TAG_INPUT,    GUMBO_TAG_BUTTON,
};

struct san {
	struct buf *b;
	unsigned flags;
	int err;
	/* The kept elements open around the walk, innermost last: what a
	 * parser reading the output has open (none is deeper than
	 * LIM_SANITIZE_DEPTH). */
	const GumboNode *open[LIM_SANITIZE_DEPTH];
	size_t nopen;
};

int
sanitize_url_ok(const char *url)
{
	char scheme[8];
	size_t n = 0;

	/*
	 * Browsers drop leading C0 controls and spaces and every tab and
	 * newline inside a URL (WHATWG URL, "basic URL parser"), so
	 * "jav&#9;ascript:" is javascript:.  Skip those while reading the
	 * scheme; an entity was decoded by the parser already.  Other C0
	 * controls and DEL are not skipped: put_esc() writes them as U+FFFD,
	 * which no browser drops, so the URL the reader gets has a character
	 * there (it was skipped once, and " &#14; https://x" passed, then
	 * failed when the output was sanitized again: fuzz_sanitize).
	 */
	for (const unsigned char *p = (const unsigned char *)url; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\f' ||
		    *p == '\r')
			continue;
		if (*p == '/' || *p == '?' || *p == '#' || *p == '\\')
			return 1; /* relative: no scheme before these */
		if (*p == ':') {
			if (n == 0)
				return 0;
			scheme[n] = '\0';
			return strcasecmp(scheme, "http") == 0 ||
			       strcasecmp(scheme, "https") == 0 ||
			       strcasecmp(scheme, "mailto") == 0;
		}
		if (n + 1 < sizeof(scheme))
			scheme[n] = (char)*p;
		else
			scheme[0] = '-'; /* too long for any we allow */
		if (n + 1 < sizeof(scheme))
			n++;
	}
	return 1; /* no colon at all: a relative path */
}

/* Every candidate URL of a srcset ("url 2x, url 640w") passes. */
static int
srcset_ok(const char *v)
{
	const char *p = v;

	while (*p) {
		char url[2048];
		size_t n;

		p += strspn(p, " \t\r\n\f,");
		n = strcspn(p, " \t\r\n\f");
		if (n == 0)
			break;
		if (n >= sizeof(url))
			return 0;
		memcpy(url, p, n);
		url[n] = '\0';
		if (url[n - 1] == ',')
			url[n - 1] = '\0';
		if (!sanitize_url_ok(url))
			return 0;
		p += n;
		p += strcspn(p, ","); /* the descriptor */
	}
	return 1;
}

static int
value_ok(enum attr_kind k, const char *v)
{
	size_t n;

	switch (k) {
	case A_TEXT:
	case A_BOOL:
		return 1;
	case A_URL:
		return sanitize_url_ok(v);
	case A_SRCSET:
		return srcset_ok(v);
	case A_NUM:
		n = strspn(v, "0123456789");
		return n > 0 && n <= 6 &&
		       (v[n] == '\0' || strcmp(v + n, "%") == 0);
	case A_TOKEN:
		n = strspn(v, "abcdefghijklmnopqrstuvwxyz"
		              "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");
		return n > 0 && n <= 35 && v[n] == '\0';
	case A_MIME:
		n = strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789/+.-");
		return n > 0 && n <= 100 && v[n] == '\0';
	}
	return 0;
}

static const struct el_rule *
rule_of(GumboTag tag)
{
	for (size_t i = 0; i < sizeof(el_rules) / sizeof(el_rules[0]); i++)
		if (el_rules[i].tag == tag)
			return &el_rules[i];
	return NULL;
}

static const char *
attr_get(const GumboElement *el, const char *name)
{
	const GumboAttribute *at = gumbo_get_attribute(&el->attributes, name);

	return at != NULL ? at->value : NULL;
}

static int
is_void(GumboTag tag)
{
	return tag == GUMBO_TAG_BR || tag == GUMBO_TAG_WBR ||
	       tag == GUMBO_TAG_HR || tag == GUMBO_TAG_IMG ||
	       tag == GUMBO_TAG_SOURCE;
}

static int
tag_in(GumboTag tag, const GumboTag *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (set[i] == tag)
			return 1;
	return 0;
}

/*
 * Would a parser reading our output close one of the kept elements open
 * around n when it meets n's start tag ("in body" insertion mode, HTML
 * 13.2.6.4.7)?  The input's tree can hold such nesting only across an
 * element we unwrap (a <center> between two <dt>, a <marquee> between a
 * <p> and a <div>); written without it, the two would come back as
 * siblings, and a second pass would give other output.  The elements
 * open are kept ones, so only allow-listed tags need naming here.
 */
static int
closes_open(const struct san *s, GumboTag tag)
{
	/* start tags that close a p in button scope */
	static const GumboTag close_p[] = {
		GUMBO_TAG_ADDRESS, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_DETAILS,
		GUMBO_TAG_DIV,     GUMBO_TAG_DL,         GUMBO_TAG_FIGCAPTION,
		GUMBO_TAG_FIGURE,  GUMBO_TAG_OL,         GUMBO_TAG_P,
		GUMBO_TAG_SUMMARY, GUMBO_TAG_UL,         GUMBO_TAG_H1,
		GUMBO_TAG_H2,      GUMBO_TAG_H3,         GUMBO_TAG_H4,
		GUMBO_TAG_H5,      GUMBO_TAG_H6,         GUMBO_TAG_PRE,
		GUMBO_TAG_LI,      GUMBO_TAG_DD,         GUMBO_TAG_DT,
		GUMBO_TAG_TABLE,   GUMBO_TAG_HR,
	};
	/* the kept elements that bound "button scope" */
	static const GumboTag scope[] = {
		GUMBO_TAG_CAPTION,
		GUMBO_TAG_TABLE,
		GUMBO_TAG_TD,
		GUMBO_TAG_TH,
	};
	/* the kept "special" elements, which stop the search for an open
	 * li, dd or dt (address, div and p do not) */
	static const GumboTag special[] = {
		GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_CAPTION, GUMBO_TAG_DD,
		GUMBO_TAG_DETAILS,    GUMBO_TAG_DL,      GUMBO_TAG_DT,
		GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE,  GUMBO_TAG_H1,
		GUMBO_TAG_H2,         GUMBO_TAG_H3,      GUMBO_TAG_H4,
		GUMBO_TAG_H5,         GUMBO_TAG_H6,      GUMBO_TAG_LI,
		GUMBO_TAG_OL,         GUMBO_TAG_PRE,     GUMBO_TAG_SUMMARY,
		GUMBO_TAG_TABLE,      GUMBO_TAG_TBODY,   GUMBO_TAG_TD,
		GUMBO_TAG_TFOOT,      GUMBO_TAG_TH,      GUMBO_TAG_THEAD,
		GUMBO_TAG_TR,         GUMBO_TAG_UL,
	};
	static const GumboTag headings[] = {
		GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3,
		GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6,
	};
	static const GumboTag dd_dt[] = {GUMBO_TAG_DD, GUMBO_TAG_DT};
	GumboTag open;

	if (tag_in(tag, close_p, sizeof(close_p) / sizeof(close_p[0])))
		for (size_t i = s->nopen; i-- > 0;) {
			open = s->open[i]->v.element.tag;
			if (open == GUMBO_TAG_P)
				return 1;
			if (tag_in(open, scope,
			           sizeof(scope) / sizeof(scope[0])))
				break;
		}
	if (tag_in(tag, headings, 6) && s->nopen > 0 &&
	    tag_in(s->open[s->nopen - 1]->v.element.tag, headings, 6))
		return 1;
	if (tag == GUMBO_TAG_LI || tag == GUMBO_TAG_DD || tag == GUMBO_TAG_DT)
		for (size_t i = s->nopen; i-- > 0;) {
			open = s->open[i]->v.element.tag;
			if (tag == GUMBO_TAG_LI ? open == GUMBO_TAG_LI
			                        : tag_in(open, dd_dt, 2))
				return 1;
			if (tag_in(open, special,
			           sizeof(special) / sizeof(special[0])))
				break;
		}
	return 0;
}

/*
 * Is a table's part right inside the kept part it belongs to (anything
 * else: yes)?  A table unwrapped (closes_open: a <table> in a <p> across
 * a <marquee>) would leave its rows and cells outside any table, where a
 * parser reading our output drops their tags, and a second pass would
 * give other output (fuzz_sanitize: "<p><marquee><table><td>").  Such a
 * part is unwrapped too, its content kept.
 */
static int
table_part_placed(const struct san *s, GumboTag tag)
{
	GumboTag up = s->nopen > 0 ? s->open[s->nopen - 1]->v.element.tag
	                           : GUMBO_TAG_UNKNOWN;

	switch (tag) {
	case GUMBO_TAG_CAPTION:
	case GUMBO_TAG_COLGROUP:
	case GUMBO_TAG_TBODY:
	case GUMBO_TAG_THEAD:
	case GUMBO_TAG_TFOOT:
		return up == GUMBO_TAG_TABLE;
	case GUMBO_TAG_COL:
		return up == GUMBO_TAG_COLGROUP || up == GUMBO_TAG_TABLE;
	case GUMBO_TAG_TR:
		return up == GUMBO_TAG_TBODY || up == GUMBO_TAG_THEAD ||
		       up == GUMBO_TAG_TFOOT || up == GUMBO_TAG_TABLE;
	case GUMBO_TAG_TD:
	case GUMBO_TAG_TH:
		return up == GUMBO_TAG_TR;
	default:
		return 1;
	}
}

/* A width or height of 0 or 1 pixel: a tracking pixel's ("1", "1px"). */
static int
tiny(const char *v)
{
	if (v == NULL)
		return 0;
	while (*v == ' ')
		v++;
	if (*v != '0' && *v != '1')
		return 0;
	v++;
	if (strncmp(v, "px", 2) == 0)
		v += 2;
	while (*v == ' ')
		v++;
	return *v == '\0';
}

static enum act
decide(const struct san *s, const GumboNode *n, int depth)
{
	const GumboElement *el = &n->v.element;
	const char *src;

	if (n->type == GUMBO_NODE_TEMPLATE)
		return ACT_DROP;
	if (el->tag_namespace != GUMBO_NAMESPACE_HTML)
		return ACT_DROP;
	if (el->tag == GUMBO_TAG_IFRAME) {
		src = attr_get(el, "src");
		return src != NULL && video_player_allowed(src) ? ACT_KEEP
		                                                : ACT_DROP;
	}
	for (size_t i = 0; i < sizeof(drop_tags) / sizeof(drop_tags[0]); i++)
		if (drop_tags[i] == el->tag)
			return ACT_DROP;
	if (rule_of(el->tag) == NULL || depth >= LIM_SANITIZE_DEPTH ||
	    closes_open(s, el->tag) || !table_part_placed(s, el->tag))
		return ACT_UNWRAP;
	/*
	 * The adoption agency can leave a link inside a link in the tree,
	 * which no parser builds again from markup: written out, it would
	 * reparse differently (the stuff mutation XSS is made of).
	 */
	if (el->tag == GUMBO_TAG_A)
		for (const GumboNode *up = n->parent; up != NULL;
		     up = up->parent)
			if (up->type == GUMBO_NODE_ELEMENT &&
			    up->v.element.tag == GUMBO_TAG_A)
				return ACT_UNWRAP;
	if (el->tag == GUMBO_TAG_IMG || el->tag == GUMBO_TAG_SOURCE) {
		src = attr_get(el, "src");
		if (src == NULL || *src == '\0' || !sanitize_url_ok(src))
			return ACT_DROP;
		if (el->tag == GUMBO_TAG_IMG && (s->flags & SANITIZE_FEED) &&
		    (tiny(attr_get(el, "width")) ||
		     tiny(attr_get(el, "height"))))
			return ACT_DROP;
	}
	return ACT_KEEP;
}

static void
put(struct san *s, const char *str)
{
	if (!s->err && buf_puts(s->b, str) == -1)
		s->err = 1;
}

/*
 * The length of the well-formed UTF-8 sequence at p (before end), its
 * code point in *cp; 0 when the bytes there are not one.
 */
static size_t
utf8_at(const unsigned char *p, const unsigned char *end, unsigned *cp)
{
	unsigned min;
	size_t n;

	if (*p < 0x80) {
		*cp = *p;
		return 1;
	}
	if (*p >= 0xc2 && *p <= 0xdf) {
		n = 2, *cp = *p & 0x1fu, min = 0x80;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		n = 3, *cp = *p & 0x0fu, min = 0x800;
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		n = 4, *cp = *p & 0x07u, min = 0x10000;
	} else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[i] & 0x3fu);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * A code point past ASCII that HTML's input stream keeps as it is: gumbo
 * turns C1 controls and noncharacters into U+FFFD.
 */
static int
kept_as_is(unsigned cp)
{
	return cp > 0x9f && !(cp >= 0xfdd0 && cp <= 0xfdef) &&
	       (cp & 0xfffe) != 0xfffe;
}

/*
 * Text and attribute values, escaped.  A character reference may have
 * decoded to a character that a parser would change when it reads our
 * output again (a raw U+0003, U+0085 or U+FFFE becomes U+FFFD, a raw CR a
 * line feed), and gumbo writes a reference past U+10FFFF as bytes that
 * are not UTF-8 (&#xDDDDDDDD): each is written as that parser would read
 * it, so sanitizing the output again changes nothing.
 */
static void
put_esc(struct san *s, const char *str, size_t n)
{
	const unsigned char *p = (const unsigned char *)str, *end = p + n;
	size_t start = 0, i = 0;

	while (i < n && !s->err) {
		unsigned char c = p[i];
		const char *rep;
		size_t k = 1;
		unsigned cp;

		if (c == '\r')
			rep = "&#13;";
		else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') ||
		         c == 0x7F)
			rep = "\xEF\xBF\xBD"; /* U+FFFD */
		else if (c < 0x80) {
			i++;
			continue;
		} else {
			k = utf8_at(p + i, end, &cp);
			if (k > 0 && kept_as_is(cp)) {
				i += k;
				continue;
			}
			rep = "\xEF\xBF\xBD";
			k = k > 0 ? k : 1;
		}
		if (html_escape(s->b, str + start, i - start) == -1 ||
		    buf_puts(s->b, rep) == -1)
			s->err = 1;
		i += k;
		start = i;
	}
	if (!s->err && html_escape(s->b, str + start, n - start) == -1)
		s->err = 1;
}

static void
put_attr(struct san *s, const char *name, const char *value)
{
	put(s, " ");
	put(s, name);
	if (value == NULL)
		return;
	put(s, "=\"");
	put_esc(s, value, strlen(value));
	put(s, "\"");
}

static void
open_iframe(struct san *s, const GumboElement *el)
{
	const char *w = attr_get(el, "width"), *h = attr_get(el, "height");
	const char *t = attr_get(el, "title");

	put(s, "<iframe");
	put_attr(s, "src", attr_get(el, "src"));
	if (w != NULL && value_ok(A_NUM, w))
		put_attr(s, "width", w);
	if (h != NULL && value_ok(A_NUM, h))
		put_attr(s, "height", h);
	put_attr(s, "title", t != NULL ? t : "Video");
	put(s, " loading=\"lazy\" allowfullscreen"
	       " referrerpolicy=\"strict-origin-when-cross-origin\""
	       " sandbox=\"allow-scripts allow-same-origin allow-presentation"
	       " allow-popups\">");
}

static void
open_tag(struct san *s, const GumboNode *n)
{
	const GumboElement *el = &n->v.element;
	const struct el_rule *r = rule_of(el->tag);
	const char *name = gumbo_normalized_tagname(el->tag);

	if (el->tag == GUMBO_TAG_IFRAME) {
		open_iframe(s, el);
		return;
	}
	put(s, "<");
	put(s, name);
	/* in the input's order, so the output is stable and diffable */
	for (unsigned i = 0; i < el->attributes.length; i++) {
		const GumboAttribute *at = el->attributes.data[i];
		const struct attr_rule *ok = NULL;

		if (at->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE)
			continue;
		for (size_t g = 0;
		     g < sizeof(global_attrs) / sizeof(*global_attrs); g++)
			if (strcmp(at->name, global_attrs[g].name) == 0)
				ok = &global_attrs[g];
		for (size_t k = 0; ok == NULL && r != NULL && k < 8 &&
		                   r->attrs[k].name != NULL;
		     k++)
			if (strcmp(at->name, r->attrs[k].name) == 0)
				ok = &r->attrs[k];
		if (ok == NULL || !value_ok(ok->kind, at->value))
			continue;
		if (el->tag == GUMBO_TAG_A && strcmp(at->name, "rel") == 0 &&
		    (s->flags & (SANITIZE_UGC | SANITIZE_FEED)))
			continue; /* replaced below */
		put_attr(s, at->name, ok->kind == A_BOOL ? NULL : at->value);
	}
	if (el->tag == GUMBO_TAG_A && (s->flags & SANITIZE_FEED))
		put_attr(s, "rel", "noopener nofollow ugc");
	else if (el->tag == GUMBO_TAG_A && (s->flags & SANITIZE_UGC))
		put_attr(s, "rel", "nofollow ugc");
	if ((el->tag == GUMBO_TAG_A || el->tag == GUMBO_TAG_IMG) &&
	    (s->flags & SANITIZE_FEED))
		put_attr(s, "referrerpolicy", "no-referrer");
	put(s, ">");
}

static void
close_tag(struct san *s, const GumboNode *n)
{
	GumboTag tag = n->v.element.tag;

	if (is_void(tag))
		return;
	put(s, "</");
	put(s, gumbo_normalized_tagname(tag));
	put(s, ">");
}

static int
is_element(const GumboNode *n)
{
	return n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE;
}

static int
is_text(const GumboNode *n)
{
	return n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
	       n->type == GUMBO_NODE_CDATA;
}

/*
 * Does the first character written inside pre (kept, open, at depth - 1)
 * start a text with a newline?  The parser eats one newline right after
 * <pre>, so then one more is written.  That text may sit in elements we
 * unwrap, or after ones we drop (<pre><font>\nx, <pre><!-- -->\nx): look
 * through them as the walk will, up to the first kept element or text.
 */
static int
pre_starts_with_newline(const struct san *s, const GumboNode *pre, int depth)
{
	const GumboNode *n = pre->v.element.children.data[0];

	for (;;) {
		if (is_text(n) && n->v.text.text[0] != '\0')
			return n->v.text.text[0] == '\n';
		if (is_element(n)) {
			enum act act = decide(s, n, depth);

			if (act == ACT_KEEP)
				return 0;
			if (act == ACT_UNWRAP &&
			    n->v.element.children.length > 0) {
				n = n->v.element.children.data[0];
				depth++;
				continue;
			}
		}
		while (n->index_within_parent + 1 >=
		       n->parent->v.element.children.length) {
			n = n->parent;
			depth--;
			if (n == pre)
				return 0;
		}
		n = n->parent->v.element.children
		            .data[n->index_within_parent + 1];
	}
}

/*
 * The children of the fragment's root, in document order, no recursion.
 * A kept element with children is pushed on s->open while the walk is
 * inside it, and closed when the walk leaves it.  A kept iframe is
 * written empty: a parser reads its content as raw text, so text we
 * escaped would come back with the escapes as text (and browsers show an
 * iframe's document, never its content).
 */
static void
walk(struct san *s, const GumboNode *root)
{
	const GumboVector *top = &root->v.element.children;
	const GumboNode *n = top->length > 0 ? top->data[0] : NULL;
	int depth = 0;

	while (n != NULL && !s->err) {
		if (is_text(n))
			put_esc(s, n->v.text.text, strlen(n->v.text.text));
		else if (is_element(n)) {
			const GumboElement *el = &n->v.element;
			enum act act = decide(s, n, depth);
			int in = act != ACT_DROP && el->children.length > 0 &&
			         !(act == ACT_KEEP &&
			           el->tag == GUMBO_TAG_IFRAME);

			if (act == ACT_KEEP) {
				open_tag(s, n);
				if (!in)
					close_tag(s, n);
			}
			if (act == ACT_KEEP && in) {
				assert(s->nopen < LIM_SANITIZE_DEPTH);
				s->open[s->nopen++] = n;
				if (el->tag == GUMBO_TAG_PRE &&
				    pre_starts_with_newline(s, n, depth + 1))
					put(s, "\n");
			}
			if (in) {
				n = el->children.data[0];
				depth++;
				continue;
			}
		}
		/* the next sibling, closing the parents we leave */
		for (;;) {
			const GumboNode *parent = n->parent;
			const GumboVector *kids = &parent->v.element.children;

			if (n->index_within_parent + 1 < kids->length) {
				n = kids->data[n->index_within_parent + 1];
				break;
			}
			if (parent == root) {
				n = NULL;
				break;
			}
			n = parent;
			depth--;
			if (s->nopen > 0 && s->open[s->nopen - 1] == n) {
				s->nopen--;
				close_tag(s, n);
			}
		}
	}
}

/*
 * The bytes of one character of plain text at p (before end): ASCII but
 * '<', '&', controls other than tab and newline, and DEL; or a
 * well-formed UTF-8 sequence that the input stream keeps as it is
 * (kept_as_is), and no byte order mark.  0 for anything else.
 */
static size_t
plain_char(const unsigned char *p, const unsigned char *end)
{
	unsigned cp;
	size_t n;

	if (*p < 0x80)
		return (*p >= 0x20 && *p != '<' && *p != '&' && *p != 0x7f) ||
		                       *p == '\t' || *p == '\n'
		               ? 1
		               : 0;
	n = utf8_at(p, end, &cp);
	return n > 0 && kept_as_is(cp) && cp != 0xfeff ? n : 0;
}

/*
 * Text with no markup but the paragraphs and line breaks wpautop adds
 * (most comments): "<p>" and "</p>" taking turns, "<br />" or "<br>"
 * anywhere, and plain_char text.  Parsed as a fragment that is exactly
 * the tree those tags spell, so the walk would write it back with the
 * text escaped and <br /> as <br>: this writes the same without building
 * the tree.  0 when src is not such text (nothing written), 1 when done,
 * -1 past out's cap.  tests/unit/test_sanitize.c and the fuzz driver
 * compare it with the full parse (SANITIZE_FULL_PARSE).
 */
static int
simple_text(struct buf *out, const char *src, size_t n)
{
	const unsigned char *p = (const unsigned char *)src, *end = p + n;
	const char *text;
	size_t k;
	int in_p = 0;

	while (p < end) {
		if (*p != '<') {
			k = plain_char(p, end);
			if (k == 0)
				return 0;
			p += k;
		} else if (!in_p && (size_t)(end - p) >= 3 &&
		           memcmp(p, "<p>", 3) == 0) {
			in_p = 1;
			p += 3;
		} else if (in_p && (size_t)(end - p) >= 4 &&
		           memcmp(p, "</p>", 4) == 0) {
			in_p = 0;
			p += 4;
		} else if ((size_t)(end - p) >= 6 &&
		           memcmp(p, "<br />", 6) == 0)
			p += 6;
		else if ((size_t)(end - p) >= 4 && memcmp(p, "<br>", 4) == 0)
			p += 4;
		else
			return 0;
	}
	if (in_p)
		return 0; /* the parser would close it */
	for (p = (const unsigned char *)src; p < end;) {
		text = (const char *)p;
		while (p < end && *p != '<')
			p++;
		if (html_escape(out, text, (size_t)((const char *)p - text)) ==
		    -1)
			return -1;
		if (p == end)
			break;
		k = p[1] == '/' ? 4 : p[1] == 'p' ? 3 : p[3] == ' ' ? 6 : 4;
		if (buf_puts(out, k == 4 && p[1] == '/' ? "</p>"
		                  : k == 3              ? "<p>"
		                                        : "<br>") == -1)
			return -1;
		p += k;
	}
	return 1;
}

int
sanitize_html(struct buf *out, const char *src, size_t n, unsigned flags)
{
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *g;
	struct san s = {.b = out, .flags = flags};
	int simple;

	if (!(flags & SANITIZE_FULL_PARSE)) {
		simple = simple_text(out, src, n);
		if (simple != 0)
			return simple == 1 ? 0 : -1;
	}
	/* The children of a <div>, as the body of a page holds them. */
	opt.fragment_context = GUMBO_TAG_DIV;
	opt.fragment_namespace = GUMBO_NAMESPACE_HTML;
	opt.max_errors = 0; /* we never read the error list */
	g = gumbo_parse_with_options(&opt, src, n);
	if (g == NULL)
		return -1;
	walk(&s, g->root);
	gumbo_destroy_output(&opt, g);
	return s.err ? -1 : 0;
}
