/*
 * Podcasts: the podcast feed (/podcast/feed/ for every episode, and a
 * podcast section's /category/SLUG/feed/) and an episode's audio, show
 * notes' transcript and chapters on its page and in lists.
 *
 * The feed is RSS 2.0 with Apple's itunes namespace and Podcasting 2.0's
 * podcast namespace (render/xml.c writes the tags).  Its items' GUIDs are
 * the site's (URL/?p=ID, feeds.c): a title or slug edited later does not
 * make apps download an episode twice.  podcast:guid is the UUIDv5 of the
 * feed's URL without its scheme and trailing slash, in the namespace
 * Podcasting 2.0 gives (ead4c236-bf58-58c6-a2c6-a6b28d128cb6), so it is
 * the value any directory computes from the same URL.
 */
#include <string.h>

#include "internal.h"
#include "../core/settings.h"
#include "../render/xml.h"
#include "../store/podcast.h"
#include "../util/clock.h"
#include "../util/html_text.h"
#include "../util/log.h"
#include "../util/uuid.h"
#include "../util/banned.h"

#define PODCAST_GUID_NS "ead4c236-bf58-58c6-a2c6-a6b28d128cb6"

/* url as an absolute URL: a site path gets the site's base. */
static const char *
absolute(struct site *s, struct arena *a, const char *url)
{
	if (url == NULL || *url == '\0')
		return "";
	return url[0] == '/' ? arena_printf(a, "%s%s", s->url, url) : url;
}

const char *
podcast_guid(struct arena *a, const char *feed_url)
{
	const char *p = strstr(feed_url, "://");
	size_t n;
	char out[UUID_TEXT];

	p = p != NULL ? p + 3 : feed_url;
	n = strlen(p);
	while (n > 0 && p[n - 1] == '/')
		n--;
	if (uuid_v5(PODCAST_GUID_NS, p, n, out) == -1)
		return "";
	return arena_strdup(a, out);
}

/* "Name <addr>" or "addr" into its parts. */
static void
owner_split(struct arena *a, const char *v, const char **name,
            const char **email)
{
	const char *lt = v ? strrchr(v, '<') : NULL;
	size_t n;

	*name = *email = "";
	if (v == NULL || *v == '\0')
		return;
	if (lt == NULL) {
		*email = v;
		return;
	}
	n = (size_t)(lt - v);
	while (n > 0 && v[n - 1] == ' ')
		n--;
	*name = arena_strndup(a, v, n);
	*email = arena_strndup(a, lt + 1, strlen(lt + 1) - 1);
}

void
podcast_feed(struct site *s, struct req *r, struct resp *rs,
             const struct section *sec)
{
	struct arena *a = r->arena;
	struct xml_podcast *pc = arena_zalloc(a, sizeof(*pc));
	struct xml_feed f = {0};
	struct xml_entry *v;
	struct episode_item *it;
	const char *base = "/podcast/";
	size_t n;
	struct error e;

	if (sec != NULL)
		base = site_scope_path(a, "category", sec->slug);
	if (store_episodes_feed(s->store, a, sec ? sec->id : 0, clock_now(),
	                        LIM_PODCAST_ITEMS, &it, &n, &e) == -1) {
		log_error("podcast feed: %s", e.msg);
		buf_reset(&rs->body);
		rs->status = 500;
		rs->content_type = "text/plain; charset=utf-8";
		if (buf_puts(&rs->body, "internal error\n") == -1)
			return;
		return;
	}
	f.format = XML_RSS;
	f.title = sec ? arena_printf(a, "%s \xE2\x80\x93 %s", site_title(s, a),
	                             sec->name)
	              : site_title(s, a);
	f.link = sec ? arena_printf(a, "%s%s", s->url, base)
	             : arena_printf(a, "%s/", s->url);
	f.self = arena_printf(a, "%s%sfeed/", s->url, base);
	f.description = site_tagline(s, a);
	f.author = site_title(s, a);
	f.podcast = pc;
	pc->image = settings_str(s->store, a, "podcast_image");
	pc->author = settings_str(s->store, a, "podcast_author");
	if (pc->author == NULL || *pc->author == '\0')
		pc->author = site_title(s, a);
	owner_split(a, settings_str(s->store, a, "podcast_owner"),
	            &pc->owner_name, &pc->owner_email);
	pc->category = settings_str(s->store, a, "podcast_category");
	pc->explicit_ = settings_str(s->store, a, "podcast_explicit");
	pc->language = settings_str(s->store, a, "podcast_language");
	pc->locked = settings_str(s->store, a, "podcast_locked");
	pc->guid = podcast_guid(a, f.self);
	pc->funding_url = settings_str(s->store, a, "support_url");
	pc->funding_text = i18n_text(site_cat(s), "Support the show");
	v = arena_zalloc(a, (n ? n : 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		const struct post *p = &it[i].post;
		const struct episode *ep = &it[i].ep;
		struct xml_episode *x = arena_zalloc(a, sizeof(*x));
		const char *link =
			arena_printf(a, "%s%s", s->url, site_permalink(a, p));

		v[i].title = p->title;
		v[i].link = link;
		v[i].id =
			arena_printf(a, "%s/?p=%lld", s->url, (long long)p->id);
		v[i].author = p->author_name;
		/* Apple shows the description: the excerpt, else the
		 * show notes as text (the HTML goes in content:encoded). */
		v[i].summary = *p->excerpt ? p->excerpt
		                           : html_to_text(a, p->body_html,
		                                          strlen(p->body_html));
		v[i].content_html = p->body_html;
		v[i].published = p->published_at;
		v[i].updated = p->updated_at;
		v[i].episode = x;
		x->url = absolute(s, a, ep->audio_url);
		x->type = *ep->audio_mime ? ep->audio_mime : "audio/mpeg";
		x->bytes = ep->audio_bytes;
		x->duration_s = ep->duration_s;
		x->transcript_url = absolute(s, a, ep->transcript_url);
		x->transcript_type = ep->transcript_type;
		x->chapters_url = absolute(s, a, ep->chapters_url);
	}
	site_feed_send(rs, &f, v, n);
}

void
podcast_feed_get(void *ctx, struct req *r, struct resp *rs)
{
	podcast_feed(ctx, r, rs, NULL);
}

void
episode_model(struct site *s, struct arena *a, struct tval *pm, int64_t id)
{
	struct episode ep;
	struct error e;

	if (store_episode_get(s->store, a, id, &ep, &e) == -1 ||
	    *ep.audio_url == '\0')
		return;
	tval_set_str(a, pm, "audio_url", ep.audio_url);
	tval_set_str(a, pm, "audio_type", ep.audio_mime);
	if (ep.duration_s > 0) {
		tval_set_str(a, pm, "duration",
		             duration_text(a, ep.duration_s));
		tval_set_str(a, pm, "duration_iso",
		             arena_printf(a, "PT%lldS",
		                          (long long)ep.duration_s));
	}
	if (*ep.transcript_url != '\0') {
		tval_set_str(a, pm, "transcript_url", ep.transcript_url);
		/* <track> plays WebVTT only. */
		if (strcmp(ep.transcript_type, "text/vtt") == 0)
			tval_set_str(a, pm, "track_url", ep.transcript_url);
	}
	if (*ep.chapters_url != '\0')
		tval_set_str(a, pm, "chapters_url", ep.chapters_url);
}
