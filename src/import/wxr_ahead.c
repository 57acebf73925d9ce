/*
 * WXR import: reading ahead, the second thread that parses the file and
 * renders posts' and comments' HTML while the importing thread writes
 * the elements before it (the queue between them is bounded by
 * LIM_WXR_AHEAD_ITEMS elements and LIM_WXR_AHEAD_BYTES).
 */
#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "wxr_internal.h"
#include "wp.h"
#include "../util/html_text.h"
#include "../util/arena.h"
#include "../util/limits.h"
#include "../util/banned.h"

/* What the reading thread rendered of element n, or NULL (struct pre). */
const void *
wxr_pre_of(const struct wxr *w, const xmlNode *n)
{
	return w->ahead && n != NULL ? n->_private : NULL;
}

/* ---- reading ahead ------------------------------------------------------ */

/*
 * A second thread reads the file: it parses, copies each element out of
 * the reader's document (which frees its own as it moves on) and renders
 * the HTML of posts and comments, while this thread writes the elements
 * before it.  Parsing and rendering were about half of a big import's CPU
 * time and the database the other half; on two cores they overlap.  The
 * copies belong to no document, so the threads share nothing but the
 * queue.  A file with a DTD of its own is read in one thread as before:
 * its entities live in the reader's document, where a copy cannot follow.
 */
struct slot {
	xmlNodePtr n;    /* a copy, in no document */
	struct arena *a; /* what was rendered for it */
	int64_t bytes;   /* of the file read once it was */
	int64_t size;    /* of the file it took */
};

struct ahead {
	xmlTextReaderPtr rd;
	struct wxr w;        /* the reading thread's: base URLs, XML error */
	struct wxr_report r; /* its skips, not reported (the writer's are) */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a slot filled or taken, or a flag changed */
	struct slot slot[LIM_WXR_AHEAD_ITEMS];
	/* slots filled and taken so far (slot i % LIM_WXR_AHEAD_ITEMS);
	 * freed: of the taken ones, whose copies the reading thread has
	 * freed (it frees them itself: a free in another thread than the
	 * malloc costs glibc a lock, and the writer is the busier one) */
	size_t filled, taken, freed;
	int64_t queued; /* bytes of the file in the queue */
	int done;       /* the reader is at the end, or stopped */
	int failed;     /* at malformed XML (w.x* say where) */
	int stop;       /* the writer gave up */
	int drain;      /* read on without copying, to find malformed XML */
};

/* What the writer will need rendered of element n (a copy), in w->a. */
static void
ahead_render(struct wxr *w, xmlNode *n)
{
	if (wxr_base_url(w, n) || !wxr_is_el(n, NULL, "item"))
		return;
	wxr_base_fallback(w);
	for (xmlNode *c = n->children; c != NULL && !w->too_big; c = c->next) {
		if (wxr_is_el(c, NS_CONTENT, "encoded")) {
			struct pre *p = arena_alloc(w->a, sizeof(*p));
			const char *src = wxr_text_of(w, c, 0);

			p->body_src = wxr_rewrite_links(w, src);
			/* a [gallery] looks its attachments up in the
			 * database: the writer renders those */
			p->html = w->too_big || strstr(p->body_src,
			                               "[gallery") != NULL
			                  ? NULL
			                  : wxr_render(w, p->body_src, 0, 0);
			p->text = p->html ? html_to_text(w->a, p->html,
			                                 strlen(p->html))
			                  : NULL;
			c->_private = p;
		} else if (wxr_is_wp(c, "comment"))
			for (xmlNode *f = c->children; f != NULL; f = f->next)
				if (wxr_is_wp(f, "comment_content")) {
					struct pre *p =
						arena_alloc(w->a, sizeof(*p));

					p->body_src = wxr_text_of(w, f, 0);
					p->html = w->too_big
					                  ? NULL
					                  : wxr_render(
								    w,
								    p->body_src,
								    0,
								    WP_COMMENT);
					f->_private = p;
				}
	}
}

/* Wait for a free slot; NULL when the writer gave up. */
static struct slot *
ahead_room(struct ahead *h)
{
	struct slot *sl = NULL;
	size_t taken;

	pthread_mutex_lock(&h->mu);
	while (!h->stop &&
	       (h->filled - h->taken == LIM_WXR_AHEAD_ITEMS ||
	        (h->filled > h->taken && h->queued >= LIM_WXR_AHEAD_BYTES)))
		pthread_cond_wait(&h->cv, &h->mu);
	taken = h->taken;
	if (!h->stop)
		sl = &h->slot[h->filled % LIM_WXR_AHEAD_ITEMS];
	pthread_mutex_unlock(&h->mu);
	for (; h->freed < taken; h->freed++) {
		struct slot *done = &h->slot[h->freed % LIM_WXR_AHEAD_ITEMS];

		xmlFreeNode(done->n);
		done->n = NULL;
		arena_reset(done->a);
	}
	return sl;
}

static void *
ahead_run(void *arg)
{
	struct ahead *h = arg;
	int64_t last = 0;
	int ret = 1, drain = 0; /* on the root element */

	while (ret == 1) {
		struct slot *sl;
		xmlNodePtr n;

		if (drain ||
		    xmlTextReaderNodeType(h->rd) != XML_READER_TYPE_ELEMENT ||
		    xmlTextReaderDepth(h->rd) != 2) {
			ret = xmlTextReaderRead(h->rd);
			continue;
		}
		n = xmlTextReaderExpand(h->rd);
		if (n == NULL || h->w.xerr) {
			ret = -1;
			break;
		}
		sl = ahead_room(h);
		if (sl == NULL)
			break;
		pthread_mutex_lock(&h->mu);
		drain = h->drain;
		pthread_mutex_unlock(&h->mu);
		if (drain)
			continue;
		sl->n = xmlDocCopyNode(n, NULL, 1);
		if (sl->n == NULL) {
			ret = -1;
			break;
		}
		h->w.a = sl->a;
		h->w.too_big = 0;
		ahead_render(&h->w, sl->n);
		sl->bytes = xmlTextReaderByteConsumed(h->rd);
		sl->size = sl->bytes - last;
		last = sl->bytes;
		pthread_mutex_lock(&h->mu);
		h->filled++;
		h->queued += sl->size;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
		ret = xmlTextReaderNext(h->rd);
	}
	pthread_mutex_lock(&h->mu);
	if (!h->stop && (ret == -1 || h->w.xerr)) {
		wxr_xml_position(&h->w, h->rd);
		h->failed = 1;
	}
	h->done = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

/* The writer's side: the elements in order, as read_file() does them. */
static int
ahead_write(struct wxr *w, struct ahead *h, int64_t size, struct error *e)
{
	struct wxr_progress pr = {0, 0, size};
	int rc = 0;

	for (;;) {
		struct slot *sl;

		pthread_mutex_lock(&h->mu);
		while (h->filled == h->taken && !h->done)
			pthread_cond_wait(&h->cv, &h->mu);
		sl = h->filled > h->taken
		             ? &h->slot[h->taken % LIM_WXR_AHEAD_ITEMS]
		             : NULL;
		pthread_mutex_unlock(&h->mu);
		if (sl == NULL)
			break;
		if (rc == 0) {
			arena_reset(w->a);
			w->too_big = 0;
			if (wxr_channel_child(w, sl->n, e) == -1) {
				rc = -1;
				pthread_mutex_lock(&h->mu);
				/* A file that is also malformed (malformed.xml)
				 * is reported as malformed: read on. */
				if (w->not_wxr)
					h->drain = 1;
				else
					h->stop = 1;
				pthread_mutex_unlock(&h->mu);
			} else {
				pr.items++;
				pr.bytes = sl->bytes;
				if (w->o != NULL && w->o->progress != NULL)
					w->o->progress(w->o->ctx, &pr);
			}
		}
		pthread_mutex_lock(&h->mu);
		h->taken++;
		h->queued -= sl->size;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
	if (h->failed) {
		w->xerr = 1;
		w->xline = h->w.xline;
		w->xcol = h->w.xcol;
		memcpy(w->xmsg, h->w.xmsg, sizeof(w->xmsg));
		return wxr_xml_report(w, e);
	}
	if (rc == -1)
		return -1;
	if (!w->have_version)
		return wxr_not_wxr(w, e);
	return 0;
}

/* The file with the reading thread, from the root element on. */
int
wxr_read_ahead(struct wxr *w, xmlTextReaderPtr rd, int64_t size,
               struct error *e)
{
	struct ahead *h = calloc(1, sizeof(*h));
	int rc = -1;

	if (h == NULL)
		return error_set(e, ERR_IO, "out of memory");
	h->rd = rd;
	h->w.o = w->o;
	h->w.r = &h->r;
	h->w.path = w->path;
	for (size_t i = 0; i < LIM_WXR_AHEAD_ITEMS; i++)
		h->slot[i].a = arena_new();
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	/* libxml2's errors now come from the reading thread */
	xmlTextReaderSetStructuredErrorHandler(rd, wxr_on_xml_error, &h->w);
	w->ahead = 1;
	if (pthread_create(&h->thread, NULL, ahead_run, h) != 0) {
		error_set(e, ERR_IO, "cannot start the reading thread");
		goto out;
	}
	rc = ahead_write(w, h, size, e);
	pthread_join(h->thread, NULL);
out:
	w->ahead = 0;
	for (size_t i = 0; i < LIM_WXR_AHEAD_ITEMS; i++) {
		xmlFreeNode(h->slot[i].n);
		arena_free(h->slot[i].a);
	}
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
	return rc;
}
