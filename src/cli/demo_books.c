/*
 * The demo's free book downloads: a one-page PDF and a one-chapter EPUB
 * per book, written into SITE/media/books/.  Both are built here from the
 * book's generated text.  The EPUB is a zip whose entries are stored
 * uncompressed (the EPUB container allows it, and "mimetype" must be
 * stored anyway), so zlib's crc32 is all it needs.
 */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "demo.h"
#include "../util/banned.h"

static int
put16(struct buf *b, unsigned v)
{
	unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

	return buf_add(b, x, 2);
}

static int
put32(struct buf *b, unsigned long v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8),
	                      (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};

	return buf_add(b, x, 4);
}

struct zentry {
	const char *name, *data;
	unsigned long crc, offset;
};

/* A zip (PKWARE APPNOTE 4.3) of stored entries. */
static int
zip_stored(struct buf *b, struct zentry *z, size_t n)
{
	unsigned long cd, cdlen;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(z[i].data);

		z[i].crc = crc32(0L, (const Bytef *)z[i].data, (uInt)len);
		z[i].offset = (unsigned long)b->len;
		if (put32(b, 0x04034b50) == -1 || put16(b, 10) == -1 ||
		    put16(b, 0) == -1 || put16(b, 0) == -1 ||
		    put16(b, 0) == -1 || put16(b, 0x21) == -1 ||
		    put32(b, z[i].crc) == -1 ||
		    put32(b, (unsigned long)len) == -1 ||
		    put32(b, (unsigned long)len) == -1 ||
		    put16(b, (unsigned)strlen(z[i].name)) == -1 ||
		    put16(b, 0) == -1 || buf_puts(b, z[i].name) == -1 ||
		    buf_add(b, z[i].data, len) == -1)
			return -1;
	}
	cd = (unsigned long)b->len;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(z[i].data);

		if (put32(b, 0x02014b50) == -1 || put16(b, 20) == -1 ||
		    put16(b, 10) == -1 || put16(b, 0) == -1 ||
		    put16(b, 0) == -1 || put16(b, 0) == -1 ||
		    put16(b, 0x21) == -1 || put32(b, z[i].crc) == -1 ||
		    put32(b, (unsigned long)len) == -1 ||
		    put32(b, (unsigned long)len) == -1 ||
		    put16(b, (unsigned)strlen(z[i].name)) == -1 ||
		    put16(b, 0) == -1 || put16(b, 0) == -1 ||
		    put16(b, 0) == -1 || put16(b, 0) == -1 ||
		    put32(b, 0) == -1 || put32(b, z[i].offset) == -1 ||
		    buf_puts(b, z[i].name) == -1)
			return -1;
	}
	cdlen = (unsigned long)b->len - cd;
	if (put32(b, 0x06054b50) == -1 || put16(b, 0) == -1 ||
	    put16(b, 0) == -1 || put16(b, (unsigned)n) == -1 ||
	    put16(b, (unsigned)n) == -1 || put32(b, cdlen) == -1 ||
	    put32(b, cd) == -1 || put16(b, 0) == -1)
		return -1;
	return 0;
}

int
demo_epub(struct buf *b, struct arena *a, const char *title, const char *text)
{
	struct zentry z[] = {
		{"mimetype", "application/epub+zip", 0, 0},
		{"META-INF/container.xml",
	         "<?xml version=\"1.0\"?>\n<container version=\"1.0\" "
	         "xmlns=\"urn:oasis:names:tc:opendocument:xmlns:container\">"
	         "<rootfiles><rootfile full-path=\"OEBPS/book.opf\" "
	         "media-type=\"application/oebps-package+xml\"/></rootfiles>"
	         "</container>\n",
	         0, 0},
		{"OEBPS/book.opf",
	         arena_printf(
			 a,
			 "<?xml version=\"1.0\"?>\n<package version=\"3.0\" "
			 "xmlns=\"http://www.idpf.org/2007/opf\" "
			 "unique-identifier=\"id\"><metadata "
			 "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
			 "<dc:identifier id=\"id\">urn:gazette:demo:%s"
			 "</dc:identifier><dc:title>%s</dc:title>"
			 "<dc:language>en</dc:language><meta "
			 "property=\"dcterms:modified\">2026-01-01T00:00:00Z"
			 "</meta></metadata><manifest><item id=\"c1\" "
			 "href=\"book.xhtml\" "
			 "media-type=\"application/xhtml+xml\"/><item "
			 "id=\"nav\" href=\"nav.xhtml\" "
			 "media-type=\"application/xhtml+xml\" "
			 "properties=\"nav\"/></manifest><spine><itemref "
			 "idref=\"c1\"/></spine></package>\n",
			 title, title),
	         0, 0},
		{"OEBPS/nav.xhtml",
	         "<?xml version=\"1.0\"?>\n<html "
	         "xmlns=\"http://www.w3.org/1999/xhtml\" "
	         "xmlns:epub=\"http://www.idpf.org/2007/ops\"><head><title>"
	         "Contents</title></head><body><nav epub:type=\"toc\"><ol><li>"
	         "<a href=\"book.xhtml\">Chapter 1</a></li></ol></nav></body>"
	         "</html>\n",
	         0, 0},
		{"OEBPS/book.xhtml",
	         arena_printf(
			 a,
			 "<?xml version=\"1.0\"?>\n<html "
			 "xmlns=\"http://www.w3.org/1999/xhtml\"><head>"
			 "<title>%s</title></head><body><h1>%s</h1><p>%s</p>"
			 "</body></html>\n",
			 title, title, text),
	         0, 0},
	};

	return zip_stored(b, z, sizeof(z) / sizeof(z[0]));
}

/* A one-page PDF 1.4 with the title and text in Helvetica. */
int
demo_pdf(struct buf *b, struct arena *a, const char *title, const char *text)
{
	const char *stream = arena_printf(
		a,
		"BT /F1 18 Tf 72 740 Td (%s) Tj /F1 11 Tf 0 -30 Td (%.90s) Tj ET",
		title, text);
	const char *objs[5];
	size_t off[5];

	objs[0] = "<< /Type /Catalog /Pages 2 0 R >>";
	objs[1] = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
	objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
		  "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>";
	objs[3] = arena_printf(a, "<< /Length %zu >>\nstream\n%s\nendstream",
	                       strlen(stream), stream);
	objs[4] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
	if (buf_puts(b, "%PDF-1.4\n") == -1)
		return -1;
	for (int i = 0; i < 5; i++) {
		off[i] = b->len;
		if (buf_printf(b, "%d 0 obj\n%s\nendobj\n", i + 1, objs[i]) ==
		    -1)
			return -1;
	}
	{
		size_t xref = b->len;

		if (buf_puts(b, "xref\n0 6\n0000000000 65535 f \n") == -1)
			return -1;
		for (int i = 0; i < 5; i++)
			if (buf_printf(b, "%010zu 00000 n \n", off[i]) == -1)
				return -1;
		return buf_printf(b,
		                  "trailer\n<< /Size 6 /Root 1 0 R >>\n"
		                  "startxref\n%zu\n%%%%EOF\n",
		                  xref);
	}
}
