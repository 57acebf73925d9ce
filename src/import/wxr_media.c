/*
 * The pictures of an imported site (wxr.h, wxr_media): files from a copy
 * of the old wp-content/uploads stored through media/ (the same rules as
 * any upload), and the old URLs in bodies pointed at them, so the old
 * host can be switched off.
 */
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wxr.h"
#include "../media/media.h"
#include "../store/import.h"
#include "../store/media.h"
#include "../store/store.h"
#include "../util/arena.h"
#include "../util/buf.h"
#include "../util/limits.h"
#include "../util/text.h"
#include "../util/banned.h"

#define UPLOADS "wp-content/uploads/"

/* The files and keys seen: a hash table (hsearch_r) of keys to the stored
 * path, or to "" for a file missing from the folder. */
struct wm {
	struct store *s;
	struct arena *a;
	const char *site_dir, *dir, *host, *base;
	size_t hostn;
	struct hsearch_data h;
	size_t cap, used;
	struct wxr_media_report *r;
	wxr_media_fetch fetch;
	void *fetch_ctx;
};

static const char *
wm_get(struct wm *m, const char *key)
{
	ENTRY q = {(char *)(uintptr_t)key, NULL}, *hit = NULL;

	if (hsearch_r(q, FIND, &hit, &m->h) == 0 || hit == NULL)
		return NULL;
	return hit->data;
}

static void
wm_put(struct wm *m, const char *key, const char *path)
{
	ENTRY q, *hit = NULL;

	if (m->used >= m->cap || wm_get(m, key) != NULL)
		return;
	q.key = arena_strdup(m->a, key);
	q.data = (void *)(uintptr_t)arena_strdup(m->a, path);
	if (hsearch_r(q, ENTER, &hit, &m->h) != 0)
		m->used++;
}

/*
 * The key of an uploads path: WordPress's copies of one image,
 * NAME-300x200.EXT and NAME-scaled.EXT (5.3's big-image threshold), lead
 * to NAME.EXT; the extension compared ignoring case.
 */
static const char *
wm_key(struct arena *a, const char *rel)
{
	const char *dot = strrchr(rel, '.'), *slash = strrchr(rel, '/');
	size_t n;
	char *k;

	if (dot == NULL || (slash != NULL && dot < slash))
		return rel;
	n = (size_t)(dot - rel);
	if (n > 7 && strncmp(dot - 7, "-scaled", 7) == 0)
		n -= 7;
	else {
		size_t i = n;

		while (i > 0 && rel[i - 1] >= '0' && rel[i - 1] <= '9')
			i--;
		if (i < n && i > 1 && rel[i - 1] == 'x') {
			size_t j = i - 1;

			while (j > 0 && rel[j - 1] >= '0' && rel[j - 1] <= '9')
				j--;
			if (j < i - 1 && j > 0 && rel[j - 1] == '-')
				n = j - 1;
		}
	}
	k = arena_printf(a, "%.*s%s", (int)n, rel, dot);
	for (char *p = k + n; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

/* An uploads path as a relative path under dir: decoded, UTF-8, plain
 * segments only.  NULL when it is not one. */
static const char *
wm_rel(struct arena *a, const char *p, size_t n)
{
	const char *rel = url_decode(a, p, n, 0), *q;

	if (rel == NULL || *rel == '\0' || !utf8_valid(rel, strlen(rel)) ||
	    strlen(rel) > LIM_URL_BYTES)
		return NULL;
	for (q = rel; *q;) {
		size_t k = strcspn(q, "/");

		if (k == 0 || q[0] == '.' || memchr(q, '\\', k) != NULL)
			return NULL;
		for (size_t i = 0; i < k; i++)
			if ((unsigned char)q[i] < 0x20)
				return NULL;
		q += k;
		if (*q == '/')
			q++;
	}
	return q[-1] == '/' ? NULL : rel;
}

static const char *wm_name(const char *rel);

/*
 * The stored path for rel: looked up, else stored from dir (fill_id: the
 * attachment's row, or 0 for a file only a body names).  NULL when it is
 * missing or refused (counted once each), or -1 in *rc on a failure.
 */
static const char *
wm_file(struct wm *m, const char *rel, const char *url, int64_t fill_id,
        int *rc, struct error *e)
{
	const char *key = wm_key(m->a, rel), *have, *src;
	char fetched[4200] = "";
	struct media_file f;
	struct error e2;
	struct stat sb;
	int added;

	have = wm_get(m, rel);
	if (have == NULL)
		have = wm_get(m, key);
	if (have != NULL)
		return *have ? have : NULL;
	m->r->found++;
	src = m->dir != NULL ? arena_printf(m->a, "%s/%s", m->dir, rel) : "";
	if (*src == '\0' || stat(src, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		int fd;

		if (m->fetch == NULL || url == NULL) {
			m->r->missing++;
			wm_put(m, rel, "");
			return NULL;
		}
		/* Asked of the old host, into the upload folder (hidden). */
		snprintf(fetched, sizeof(fetched), "%s/media/.tmp/fetch-XXXXXX",
		         m->site_dir);
		fd = mkstemp(fetched);
		if (fd == -1) {
			*rc = error_set(e, ERR_IO, "creating '%s': %s", fetched,
			                strerror(errno));
			return NULL;
		}
		close(fd);
		if (m->fetch(m->fetch_ctx, url, fetched, &e2) == -1) {
			unlink(fetched);
			m->r->missing++;
			snprintf(m->r->why, sizeof(m->r->why), "%.*s",
			         (int)sizeof(m->r->why) - 1, e2.msg);
			wm_put(m, rel, "");
			return NULL;
		}
		m->r->fetched++;
		src = fetched;
	}
	added = fill_id != 0 ? media_import_file(m->s, m->a, m->site_dir, src,
	                                         fill_id, &f, &e2)
	                     : media_add(m->s, m->a, m->site_dir, src,
	                                 wm_name(rel), "", &f, &e2);
	if (*fetched != '\0')
		unlink(fetched);
	if (added == -1) {
		if (e2.code == ERR_IO) {
			*e = e2;
			*rc = -1;
			return NULL;
		}
		m->r->refused++;
		snprintf(m->r->why, sizeof(m->r->why), "%.*s",
		         (int)sizeof(m->r->why) - 1, e2.msg);
		wm_put(m, rel, "");
		return NULL;
	}
	wm_put(m, rel, f.path);
	wm_put(m, key, f.path);
	/* The old address of the file redirects to the new one. */
	if (store_import_legacy_path(m->s,
	                             arena_printf(m->a, "/" UPLOADS "%s", rel),
	                             0, 0,
	                             arena_printf(m->a, "/media/%s", f.path),
	                             e) == -1) {
		*rc = -1;
		return NULL;
	}
	return f.path;
}

/* The last segment of rel: the file's own name (a fetched file's
 * temporary name says nothing). */
static const char *
wm_name(const char *rel)
{
	const char *slash = strrchr(rel, '/');

	return slash != NULL ? slash + 1 : rel;
}

/* Where the URL around text[at] (which is "wp-content/uploads/") starts,
 * when it is on the old host or relative; NULL otherwise. */
static const char *
url_start(struct wm *m, const char *text, const char *at)
{
	const char *p = at, *h, *slash;

	if (p == text || p[-1] != '/')
		return NULL;
	while (p > text && strchr("\"'( \t\r\n=<>", p[-1]) == NULL)
		p--;
	if (p == at - 1)
		return p; /* "/wp-content/uploads/..." */
	if (strncasecmp(p, "https://", 8) == 0)
		h = p + 8;
	else if (strncasecmp(p, "http://", 7) == 0)
		h = p + 7;
	else if (strncmp(p, "//", 2) == 0)
		h = p + 2;
	else
		return NULL;
	slash = strchr(h, '/');
	if (slash == NULL || slash > at)
		return NULL;
	if (strncasecmp(h, "www.", 4) == 0 && m->hostn > 0 &&
	    strncasecmp(m->host, "www.", 4) != 0)
		h += 4;
	if ((size_t)(slash - h) != m->hostn ||
	    strncasecmp(h, m->host, m->hostn) != 0)
		return NULL;
	return p;
}

/* The URL [start, end) to fetch: as written when absolute, else on the
 * old site's base URL. */
static const char *
wm_url(struct wm *m, const char *start, const char *end)
{
	const char *base = m->base;
	size_t n = strlen(base);

	if (*start != '/' || start[1] == '/')
		return arena_printf(m->a, "%s%.*s",
		                    strncmp(start, "//", 2) == 0 ? "https:"
		                                                 : "",
		                    (int)(end - start), start);
	/* The base's own path (a site in a folder) is in the link already. */
	{
		const char *h = strstr(base, "://"), *slash;

		slash = h != NULL ? strchr(h + 3, '/') : NULL;
		if (slash != NULL)
			n = (size_t)(slash - base);
	}
	return arena_printf(m->a, "%.*s%.*s", (int)n, base, (int)(end - start),
	                    start);
}

/* text with its uploads URLs rewritten (counted when count is set); text
 * itself when none was. */
static const char *
wm_rewrite(struct wm *m, const char *text, int count, int *rc, struct error *e)
{
	struct buf b;
	const char *p = text, *done = text, *at, *out = text;
	int changed = 0;

	buf_init(&b, 2 * strlen(text) + LIM_POST_SRC_BYTES);
	while ((at = strstr(p, UPLOADS)) != NULL) {
		const char *start = url_start(m, text, at), *rel, *path;
		const char *end = at + strlen(UPLOADS);

		end += strcspn(end, "\"'<> \t\r\n)?#&\\");
		p = end > at ? end : at + 1;
		if (start == NULL || start < done)
			continue;
		rel = wm_rel(m->a, at + strlen(UPLOADS),
		             (size_t)(end - at - strlen(UPLOADS)));
		if (rel == NULL)
			continue;
		path = wm_file(m, rel, wm_url(m, start, end), 0, rc, e);
		if (*rc == -1)
			break;
		if (path == NULL)
			continue;
		if (buf_add(&b, done, (size_t)(start - done)) == -1 ||
		    buf_printf(&b, "/media/%s", path) == -1) {
			*rc = error_set(e, ERR_TOO_BIG, "a body is too big");
			break;
		}
		done = end;
		changed = 1;
		m->r->rewritten += count;
	}
	if (*rc == 0 && changed) {
		if (buf_puts(&b, done) == -1)
			*rc = error_set(e, ERR_TOO_BIG, "a body is too big");
		else
			out = arena_strndup(m->a, buf_str(&b), b.len);
	}
	buf_release(&b);
	return out;
}

int
wxr_media(struct store *s, const char *site_dir, const char *dir,
          const char *base_url, wxr_media_fetch fetch, void *fetch_ctx,
          struct wxr_media_report *r, struct error *e)
{
	struct wm m = {0};
	struct media_remote *rows;
	struct media_body *bodies;
	struct stat sb;
	size_t n, nb;
	const char *h;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (dir != NULL && (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode)))
		return error_set(e, ERR_INVALID, "--media '%s': not a folder",
		                 dir);
	m.fetch = fetch;
	m.fetch_ctx = fetch_ctx;
	m.base = base_url;
	m.s = s;
	m.a = arena_new();
	/* Where fetched files wait (media_add makes it too). */
	(void)mkdir(arena_printf(m.a, "%s/media", site_dir), 0755);
	(void)mkdir(arena_printf(m.a, "%s/media/.tmp", site_dir), 0700);
	m.site_dir = site_dir;
	m.dir = dir;
	m.r = r;
	h = strstr(base_url, "://");
	m.host = h != NULL ? h + 3 : "";
	m.hostn = strcspn(m.host, "/");
	if (store_media_remote(s, m.a, &rows, &n, e) == -1 ||
	    store_media_bodies(s, m.a, UPLOADS, &bodies, &nb, e) == -1)
		goto out;
	/* Keys for every attachment (two each) and for the files bodies
	 * name, which are fewer than the bodies' bytes over a short URL. */
	m.cap = 2 * n + 65536;
	if (hcreate_r(m.cap + m.cap / 4, &m.h) == 0) {
		error_set(e, ERR_IO, "hcreate: %s", strerror(errno));
		goto out;
	}
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *at = strstr(rows[i].url, UPLOADS), *rel;

		if (at == NULL)
			continue;
		at += strlen(UPLOADS);
		rel = wm_rel(m.a, at, strcspn(at, "?#"));
		if (rel != NULL)
			(void)wm_file(&m, rel, rows[i].url, rows[i].id, &rc, e);
	}
	for (size_t i = 0; i < nb && rc == 0; i++) {
		struct media_body b = bodies[i];

		/* Links counted as readers see them, in the HTML. */
		b.src = wm_rewrite(&m, bodies[i].src, 0, &rc, e);
		if (rc == 0)
			b.html = wm_rewrite(&m, bodies[i].html, 1, &rc, e);
		if (rc == 0)
			b.protected_html =
				wm_rewrite(&m, bodies[i].protected_html, 1, &rc,
			                   e);
		if (rc == -1)
			break;
		if (b.src == bodies[i].src && b.html == bodies[i].html &&
		    b.protected_html == bodies[i].protected_html)
			continue;
		b.html = media_html_images(s, m.a, b.html, e);
		if (b.html != NULL && *b.protected_html != '\0')
			b.protected_html =
				media_html_images(s, m.a, b.protected_html, e);
		if (b.html == NULL || b.protected_html == NULL ||
		    store_media_body_set(s, &b, e) == -1)
			rc = -1;
	}
	if (rc == 0 && store_media_featured_from_meta(s, &r->featured, e) == -1)
		rc = -1;
	hdestroy_r(&m.h);
out:
	arena_free(m.a);
	return rc;
}
