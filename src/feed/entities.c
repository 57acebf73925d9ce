/*
 * Feeds use HTML's named entities (&nbsp;, &hellip;, &copy;) that XML
 * does not declare, and libxml2 drops an undeclared reference with its
 * text.  Before parsing, each is rewritten as the numeric reference it
 * stands for, or, when HTML has no such name, as "&amp;name;" so the
 * text keeps it as written (feedparser's "entities" cases).  Names the
 * document declares itself, and the five XML has, are left alone; so is
 * a UTF-16 or UTF-32 body, whose references are not ASCII bytes.  An
 * upper-case "&#X41;", which XML refuses, becomes "&#x41;", and a bare
 * "&" that starts no reference "&amp;"; CDATA sections and comments
 * are left as they are.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "../util/buf.h"
#include "../util/banned.h"

/* U+00A0 to U+00FF in order. */
static const char *const latin1[96] = {
	"nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar",
	"sect",   "uml",    "copy",   "ordf",   "laquo",  "not",    "shy",
	"reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",   "acute",
	"micro",  "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",
	"frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",
	"Atilde", "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute",
	"Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",
	"Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",
	"Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
	"szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",
	"aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave",
	"iacute", "icirc",  "iuml",   "eth",    "ntilde", "ograve", "oacute",
	"ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave", "uacute",
	"ucirc",  "uuml",   "yacute", "thorn",  "yuml",
};

static const struct {
	const char *name;
	unsigned cp;
} other[] = {
	{"OElig", 338},   {"oelig", 339},  {"Scaron", 352},  {"scaron", 353},
	{"Yuml", 376},    {"fnof", 402},   {"circ", 710},    {"tilde", 732},
	{"ensp", 8194},   {"emsp", 8195},  {"thinsp", 8201}, {"zwnj", 8204},
	{"zwj", 8205},    {"lrm", 8206},   {"rlm", 8207},    {"ndash", 8211},
	{"mdash", 8212},  {"lsquo", 8216}, {"rsquo", 8217},  {"sbquo", 8218},
	{"ldquo", 8220},  {"rdquo", 8221}, {"bdquo", 8222},  {"dagger", 8224},
	{"Dagger", 8225}, {"bull", 8226},  {"hellip", 8230}, {"permil", 8240},
	{"prime", 8242},  {"Prime", 8243}, {"lsaquo", 8249}, {"rsaquo", 8250},
	{"oline", 8254},  {"frasl", 8260}, {"euro", 8364},   {"trade", 8482},
	{"larr", 8592},   {"uarr", 8593},  {"rarr", 8594},   {"darr", 8595},
	{"harr", 8596},   {"empty", 8709}, {"minus", 8722},  {"infin", 8734},
	{"ne", 8800},     {"le", 8804},    {"ge", 8805},     {"loz", 9674},
	{"spades", 9824}, {"clubs", 9827}, {"hearts", 9829}, {"diams", 9830},
	{"alpha", 945},   {"beta", 946},   {"gamma", 947},   {"delta", 948},
	{"pi", 960},      {"mu", 956},     {"sigma", 963},   {"omega", 969},
};

static unsigned
code_point(const char *name, size_t n)
{
	for (size_t i = 0; i < 96; i++)
		if (strlen(latin1[i]) == n && memcmp(latin1[i], name, n) == 0)
			return 0xa0 + (unsigned)i;
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (strlen(other[i].name) == n &&
		    memcmp(other[i].name, name, n) == 0)
			return other[i].cp;
	return 0;
}

static int
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* Does the document declare entity name[0..n) itself? */
static int
declared(const char *body, size_t len, const char *name, size_t n)
{
	const char *p = body, *end = body + len;

	while ((p = memmem(p, (size_t)(end - p), "<!ENTITY", 8)) != NULL) {
		p += 8;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
		                   *p == '\r' || *p == '%'))
			p++;
		if ((size_t)(end - p) > n && memcmp(p, name, n) == 0 &&
		    !name_char(p[n]))
			return 1;
	}
	return 0;
}

const char *
feed_xml_entities(struct arena *a, const char *body, size_t n, size_t *out_n)
{
	struct buf b;
	size_t i, from = 0;
	const char *r;

	*out_n = n;
	if ((n >= 1 && body[0] == '\0') || (n >= 2 && body[1] == '\0') ||
	    (n >= 2 && (unsigned char)body[0] >= 0xfe))
		return body;
	buf_init(&b, (size_t)-1);
	for (i = 0; i + 2 < n; i++) {
		size_t k;
		unsigned cp;
		int rc;

		/* CDATA sections and comments hold no references */
		if (body[i] == '<' && n - i > 9 &&
		    memcmp(body + i, "<![CDATA[", 9) == 0) {
			const char *e = memmem(body + i, n - i, "]]>", 3);

			i = e != NULL ? (size_t)(e - body) + 2 : n;
			continue;
		}
		if (body[i] == '<' && n - i > 4 &&
		    memcmp(body + i, "<!--", 4) == 0) {
			const char *e =
				memmem(body + i + 4, n - i - 4, "-->", 3);

			i = e != NULL ? (size_t)(e - body) + 2 : n;
			continue;
		}
		if (body[i] != '&')
			continue;
		if (body[i + 1] == '#') {
			if (body[i + 2] != 'X')
				continue;
			rc = buf_add(&b, body + from, i + 2 - from) |
			     buf_putc(&b, 'x');
			from = i + 3;
			(void)rc; /* no cap */
			continue;
		}
		for (k = i + 1; k < n && k - i < 40 && name_char(body[k]); k++)
			;
		if (k >= n || body[k] != ';' || k == i + 1) {
			/* a bare & ("?a=1&b=2") is text, as browsers read it */
			rc = buf_add(&b, body + from, i - from) |
			     buf_puts(&b, "&amp;");
			(void)rc;
			from = i + 1;
			continue;
		}
		if ((k - i - 1 == 3 && memcmp(body + i + 1, "amp", 3) == 0) ||
		    (k - i - 1 == 2 && (memcmp(body + i + 1, "lt", 2) == 0 ||
		                        memcmp(body + i + 1, "gt", 2) == 0)) ||
		    (k - i - 1 == 4 &&
		     (memcmp(body + i + 1, "quot", 4) == 0 ||
		      memcmp(body + i + 1, "apos", 4) == 0)) ||
		    declared(body, n, body + i + 1, k - i - 1))
			continue;
		cp = code_point(body + i + 1, k - i - 1);
		rc = buf_add(&b, body + from, i - from);
		rc |= cp != 0 ? buf_printf(&b, "&#%u;", cp)
		              : buf_puts(&b, "&amp;");
		(void)rc;
		from = cp != 0 ? k + 1 : i + 1;
	}
	if (from == 0) {
		buf_release(&b);
		return body;
	}
	if (buf_add(&b, body + from, n - from) == -1)
		abort();
	*out_n = b.len;
	r = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return r;
}
