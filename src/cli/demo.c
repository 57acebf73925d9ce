/*
 * gazette demo: a site shaped like the reference article page (DESIGN.md
 * section 1), with generated content.  Every sentence is assembled here
 * from the word lists below; no prose is copied from anywhere.  The random
 * sequence is fixed, so two demo sites hold the same text (dates follow
 * the clock, so "popular in the last 90 days" always has data).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "demo.h"
#include "../store/podcast.h"
#include "../render/md.h"
#include "../store/comments.h"
#include "../store/posts.h"
#include "../store/site.h"
#include "../store/views.h"
#include "../util/clock.h"
#include "../util/limits.h"
#include "../util/num.h"
#include "../util/text.h"
#include "../util/banned.h"

#define DEMO_POSTS    60
#define DEMO_COMMENTS 400
#define DEMO_MAX      100000
#define DAY           86400

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t
rnd(uint32_t n)
{
	/* xorshift64*: reproducible, good enough for sample text */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

#define PICK(arr) (arr[rnd(sizeof(arr) / sizeof(arr[0]))])

static const char *const speakers[] = {"MODERATOR",         "SENATOR HALVERSON",
                                       "DR. OKAFOR",        "MS. LINDQVIST",
                                       "MR. PETROVSKY",     "AMBASSADOR REYES",
                                       "PROFESSOR ADEYEMI", "GENERAL MARSH",
                                       "CORRESPONDENT",     "MINISTER VALDÉS"};
static const char *const subjects[] = {
	"the committee",        "the ministry",         "our delegation",
	"the regional council", "the grain board",      "the central bank",
	"the port authority",   "the inspectorate",     "the coalition",
	"the energy regulator", "the river commission", "the observer mission"};
static const char *const verbs[] = {"has reviewed",
                                    "cannot confirm",
                                    "will publish",
                                    "has questioned",
                                    "is still waiting for",
                                    "has rejected",
                                    "welcomed",
                                    "asked again about",
                                    "did not comment on",
                                    "has agreed to examine"};
static const char *const objects[] =
	{"the pipeline agreement",        "last week's shipping figures",
         "the draft resolution",          "the ceasefire proposal",
         "the audit of the reserve fund", "the harvest estimates",
         "the border crossing schedule",  "the election observers' report",
         "the new tariff schedule",       "the satellite images",
         "the hospital supply list",      "the transcript of the hearing"};
static const char *const tails[] =
	{"before the end of the month",   "in a closed session",
         "according to two officials",    "without giving a date",
         "despite repeated requests",     "after the briefing",
         "as the talks resumed",          "for the third time this year",
         "while the markets were closed", "in a written answer"};
static const char *const title_a[] = {"Transcript:",       "Briefing:",
                                      "Hearing:",          "Interview:",
                                      "Press Conference:", "Analysis:",
                                      "Statement:",        "Q&A:"};
static const char *const title_b[] =
	{"Grain Corridor",     "Energy Talks",       "Port Inspections",
         "Border Crossings",   "Reserve Fund Audit", "River Commission",
         "Tariff Schedule",    "Satellite Evidence", "Hospital Supplies",
         "Election Observers", "Pipeline Agreement", "Shipping Figures"};
static const char *const title_c[] = {"Questions Remain",  "What Was Said",
                                      "Full Exchange",     "The Key Answers",
                                      "Day Two",           "Officials Respond",
                                      "Points of Dispute", "Before the Vote"};
static const char *const tags[] = {"Transcripts", "Diplomacy", "Energy",
                                   "Trade",       "Elections", "Agriculture",
                                   "Shipping",    "Health",    "Finance",
                                   "Media"};
static const char *const commenters[] = {"Marguerite",    "old_sailor",
                                         "Tomasz K.",     "Ingrid",
                                         "Paulo",         "nightowl",
                                         "R. Abernathy",  "Ksenia",
                                         "Wendell",       "Farida",
                                         "the_librarian", "Jun"};
static const char *const remarks[] =
	{"Thank you for posting the full transcript",
         "The second answer contradicts what was said last month",
         "Does anyone have the original recording",
         "This is the part the evening news left out",
         "Worth reading twice",
         "The figures in the third paragraph do not add up",
         "I would like to see the committee's written reply",
         "Good catch on the dates",
         "Same pattern as the spring hearing",
         "Is there a translation of the annex"};

static int
sentence(struct buf *b)
{
	const char *s = PICK(subjects);

	return buf_printf(b, "%c%s %s %s %s.", s[0] - 32, s + 1, PICK(verbs),
	                  PICK(objects), PICK(tails));
}

/* A transcript body: bold speaker labels, italic editorial notes and
 * <...> elisions, as on the reference page. */
static int
transcript(struct buf *b, int paragraphs)
{
	if (buf_printf(b, "*Editor's note: the transcript below was lightly "
	                  "edited for length; elisions are marked.*\n\n") == -1)
		return -1;
	for (int i = 0; i < paragraphs; i++) {
		int n = 1 + (int)rnd(3);

		if (buf_printf(b, "**%s:** ", PICK(speakers)) == -1)
			return -1;
		for (int k = 0; k < n; k++)
			if (sentence(b) == -1 || buf_putc(b, ' ') == -1)
				return -1;
		if (rnd(5) == 0 && buf_printf(b, "\\<...\\> ") == -1)
			return -1;
		if (buf_puts(b, "\n\n") == -1)
			return -1;
		if (rnd(7) == 0 && buf_printf(b, "*(Crosstalk.)*\n\n") == -1)
			return -1;
	}
	return buf_printf(b, "*End of transcript.*\n");
}

struct demo {
	const char *dir; /* the site folder */
	struct store *st;
	struct arena *a;
	struct error *e;
	int64_t now;
	int64_t sec[8];
};

static int
add_post(struct demo *d, struct post *p, const char *md, int64_t *id)
{
	struct buf html;
	int rc;

	buf_init(&html, 4 * (size_t)LIM_POST_SRC_BYTES);
	if (md_render(md, strlen(md), 0, &html, d->e) == -1) {
		buf_release(&html);
		return -1;
	}
	p->body_src = arena_strdup(d->a, md);
	p->body_html = arena_strndup(d->a, buf_str(&html), html.len);
	p->body_format = "markdown";
	if (p->slug == NULL)
		p->slug = slug_from_title(d->a, p->title);
	if (p->updated_at == 0)
		p->updated_at = p->published_at;
	buf_release(&html);
	rc = store_post_add(d->st, p, id, d->e);
	return rc;
}

static int
add_sections(struct demo *d)
{
	static const struct {
		const char *slug, *name;
		enum section_kind kind;
		int show_newest;
	} secs[] = {
		{"news", "All News", SECTION_POSTS, 0},
		{"watch", "Watch", SECTION_VIDEO, 1},
		{"dashboard", "Dashboard", SECTION_DASHBOARD, 0},
		{"cafe", "Cafe", SECTION_DISCUSSION, 1},
		{"non-msm-news", "Non-MSM News", SECTION_AGGREGATOR, 1},
		{"podcasts", "Podcasts", SECTION_PODCAST, 0},
	};

	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		struct section s = {0,
		                    secs[i].slug,
		                    secs[i].name,
		                    secs[i].kind,
		                    (int)i,
		                    secs[i].show_newest,
		                    0};

		if (store_section_add(d->st, &s, &d->sec[i], d->e) == -1)
			return -1;
	}
	return 0;
}

static int
add_pages(struct demo *d)
{
	static const char *const pages[][2] = {
		{"About", "This site publishes full transcripts of briefings, "
	                  "hearings and interviews, so readers can judge what "
	                  "was said for themselves."},
		{"Values", "We publish sources in full, mark every edit, and "
	                   "correct mistakes in the open."},
		{"Terminology",
	         "A glossary of the abbreviations and names that "
	         "recur in our transcripts."},
		{"Moderation Policy", "Comments are welcome and moderated. "
	                              "Stay on topic, argue with ideas rather "
	                              "than people, and do not post personal "
	                              "information. First comments are held "
	                              "for review."},
		{"Submission Guidelines",
	         "Send transcripts with a link to the "
	         "original recording. We check every "
	         "submission against its source "
	         "before publishing. [Submit an article](/submit/)."},
		{"Interview Requests", "To request an interview, write to the "
	                               "editors with the subject, the dates "
	                               "and a way to reach you."},
	};

	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
		struct post p = {0};
		int64_t id;
		char *md = arena_printf(d->a, "%s\n\n", pages[i][1]);

		p.type = POST_PAGE;
		p.status = POST_PUBLISHED;
		p.title = pages[i][0];
		p.published_at = d->now - 400 * DAY;
		/* Differing last-updated dates, as on the reference. */
		p.updated_at = d->now - (int64_t)(3 + 17 * i) * DAY;
		p.comments_open = 0;
		if (add_post(d, &p, md, &id) == -1)
			return -1;
	}
	return 0;
}

/* Write b to SITE/media/name and record it; *id of the media row. */
static int
media_file(struct demo *d, const char *name, const char *mime,
           const struct buf *b, const char *title, int64_t *id)
{
	const char *dir = arena_printf(d->a, "%s/media/books", d->dir);
	const char *path = arena_printf(d->a, "%s/media/%s", d->dir, name);
	FILE *f;
	int fd;

	/* Published files: 0644 in a 0755 tree (the umask may narrow them),
	 * whatever the site folder around them is. */
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return error_set(d->e, ERR_IO, "cannot create '%s': %s", dir,
		                 strerror(errno));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	          0644);
	f = fd == -1 ? NULL : fdopen(fd, "wb");
	if (f == NULL || fwrite(b->p, 1, b->len, f) != b->len) {
		if (f != NULL)
			fclose(f);
		else if (fd != -1)
			close(fd);
		return error_set(d->e, ERR_IO, "cannot write '%s'", path);
	}
	if (fclose(f) != 0)
		return error_set(d->e, ERR_IO, "cannot write '%s'", path);
	return store_media_add(d->st, name, mime, (int64_t)b->len, title, id,
	                       d->e);
}

/* A book's free EPUB and PDF, made from its text. */
static int
book_files(struct demo *d, int64_t id, const char *slug, const char *title,
           const char *text)
{
	struct buf epub, pdf;
	int64_t epub_id = 0, pdf_id = 0;
	int rc = -1;

	buf_init(&epub, 1024 * 1024);
	buf_init(&pdf, 1024 * 1024);
	if (demo_epub(&epub, d->a, title, text) == -1 ||
	    demo_pdf(&pdf, d->a, title, text) == -1) {
		error_set(d->e, ERR_IO, "demo: book file too large");
		goto out;
	}
	if (media_file(d, arena_printf(d->a, "books/%s.epub", slug),
	               "application/epub+zip", &epub, title, &epub_id) == -1 ||
	    media_file(d, arena_printf(d->a, "books/%s.pdf", slug),
	               "application/pdf", &pdf, title, &pdf_id) == -1)
		goto out;
	rc = store_book_files(d->st, id, epub_id, pdf_id, 0, d->e);
out:
	buf_release(&epub);
	buf_release(&pdf);
	return rc;
}

static int
add_books_and_episodes(struct demo *d)
{
	static const char *const books[] = {"The Long Corridor: Reports "
	                                    "from the Grain Route",
	                                    "Minutes of the Unreported"};

	for (size_t i = 0; i < 2; i++) {
		struct post p = {0};
		int64_t id;
		struct buf b;

		buf_init(&b, LIM_POST_SRC_BYTES);
		if (buf_printf(&b, "A collection of the site's reporting. ") ==
		            -1 ||
		    sentence(&b) == -1 || buf_puts(&b, "\n") == -1) {
			buf_release(&b);
			return error_set(d->e, ERR_IO, "demo: text too long");
		}
		p.type = POST_BOOK;
		p.status = POST_PUBLISHED;
		p.title = books[i];
		p.published_at = d->now - (int64_t)(200 + 100 * i) * DAY;
		if (add_post(d, &p, buf_str(&b), &id) == -1 ||
		    store_book_set(d->st, id,
		                   arena_printf(d->a,
		                                "https://books.example.com/"
		                                "order/%zu",
		                                i + 1),
		                   d->e) == -1 ||
		    book_files(d, id, p.slug, p.title, buf_str(&b)) == -1) {
			buf_release(&b);
			return -1;
		}
		buf_release(&b);
	}
	for (int i = 0; i < 3; i++) {
		struct post p = {0};
		int64_t id;

		p.type = POST_EPISODE;
		p.status = POST_PUBLISHED;
		p.section_id = d->sec[5];
		p.title = arena_printf(d->a, "Podcast Episode %d: %s", i + 1,
		                       PICK(title_b));
		p.slug = arena_printf(d->a, "podcast-episode-%d", i + 1);
		p.published_at = d->now - (int64_t)(5 + 14 * i) * DAY;
		if (add_post(d, &p, "Show notes will follow.\n", &id) == -1 ||
		    store_episode_set(d->st, id,
		                      arena_printf(d->a,
		                                   "/media/podcast-%d.mp3",
		                                   i + 1),
		                      1800 + 300 * i, d->e) == -1)
			return -1;
	}
	return 0;
}

static int
add_comments(struct demo *d, int64_t post_id, int64_t published, int n)
{
	int64_t ids[64], threads[64];
	int depths[64];
	int count = 0;

	for (int i = 0; i < n && i < 64; i++) {
		struct comment c = {0};
		struct buf b, html;
		int parent = count > 0 && rnd(3) == 0
		                     ? (int)rnd((uint32_t)count)
		                     : -1;

		buf_init(&b, 4096);
		buf_init(&html, 8192);
		if (buf_printf(&b, "%s. ", PICK(remarks)) == -1 ||
		    sentence(&b) == -1 ||
		    md_render(b.p, b.len, MD_UGC, &html, d->e) == -1) {
			buf_release(&b);
			buf_release(&html);
			return -1;
		}
		c.post_id = post_id;
		c.parent_id = parent >= 0 ? ids[parent] : 0;
		c.depth = parent >= 0 ? depths[parent] + 1 : 0;
		c.thread_id = parent >= 0 ? threads[parent] : 0;
		c.author_name = PICK(commenters);
		c.body_src = b.p;
		c.body_html = html.p;
		c.status = rnd(20) == 0 ? COMMENT_PENDING : COMMENT_APPROVED;
		c.created_at = published + 600 + (int64_t)rnd(3 * DAY);
		if (c.created_at > d->now)
			c.created_at = d->now;
		if (store_comment_add(d->st, &c, &ids[count], d->e) == -1) {
			buf_release(&b);
			buf_release(&html);
			return -1;
		}
		threads[count] = parent >= 0 ? threads[parent] : ids[count];
		depths[count++] = c.depth;
		buf_release(&b);
		buf_release(&html);
	}
	return 0;
}

static int
add_posts(struct demo *d, long nposts, long ncomments, int64_t *first)
{
	for (long i = 0; i < nposts; i++) {
		struct post p = {0};
		struct buf b;
		int64_t id;
		const char *tg[3];
		int kind = (int)(i % 10);
		/* Spread over about four months, newest first. */
		int64_t at = d->now - 3600 - (int64_t)i * (120 * DAY) / nposts;

		buf_init(&b, LIM_POST_SRC_BYTES);
		p.type = POST_POST;
		p.status = POST_PUBLISHED;
		p.published_at = at - (at % 3600);
		p.comments_open = 1;
		if (kind == 3) {
			p.section_id = d->sec[3];
			p.title = arena_printf(d->a, "Open Thread %ld: %s",
			                       nposts - i, PICK(title_b));
			if (buf_printf(&b, "The floor is open. ") == -1 ||
			    sentence(&b) == -1 || buf_puts(&b, "\n") == -1)
				goto fail;
		} else if (kind == 6) {
			p.section_id = d->sec[1];
			p.title = arena_printf(d->a, "Watch: %s – %s",
			                       PICK(title_b), PICK(title_c));
			if (transcript(&b, 3) == -1)
				goto fail;
		} else {
			p.section_id = d->sec[0];
			p.title =
				arena_printf(d->a, "%s %s – %s", PICK(title_a),
			                     PICK(title_b), PICK(title_c));
			p.source_url = arena_printf(
				d->a, "https://transcripts.example.org/%ld/%s",
				2020 + i % 3, slug_from_title(d->a, p.title));
			if (transcript(&b, 6 + (int)rnd(10)) == -1)
				goto fail;
		}
		p.slug = arena_printf(d->a, "%s-%ld",
		                      slug_from_title(d->a, p.title), i + 1);
		{
			struct buf ex;

			buf_init(&ex, 1024);
			if (sentence(&ex) == 0)
				p.excerpt = arena_strdup(d->a, buf_str(&ex));
			buf_release(&ex);
		}
		tg[0] = PICK(tags);
		tg[1] = tags[(i * 7) % 10];
		tg[2] = "Transcripts";
		p.tags = tg;
		p.ntags = 3;
		p.sticky = 0;
		if (add_post(d, &p, buf_str(&b), &id) == -1)
			goto fail;
		/* A Watch post's video: a YouTube page, shown as a facade
		 * (site/watch.c) that loads nothing from YouTube unasked. */
		if (kind == 6) {
			struct video v = {0};

			v.url = arena_printf(d->a,
			                     "https://www.youtube.com/"
			                     "watch?v=demo%07ld",
			                     i + 1);
			v.duration_s = 240 + (int64_t)(i * 97 % 3000);
			if (store_video_put(d->st, id, &v, d->e) == -1)
				goto fail;
		}
		buf_release(&b);
		if (i == 0)
			*first = id;
		if (add_comments(d, id, p.published_at,
		                 (int)(ncomments / nposts +
		                       (rnd(2) ? ncomments % nposts > i
		                               : 0))) == -1)
			return -1;
		/* Views: a bucket for each of a few days after publishing. */
		for (int k = 0; k < 5; k++) {
			int64_t day = time_day(p.published_at) + k;

			if (day > time_day(d->now))
				break;
			if (store_views_add(d->st, id, day,
			                    (int64_t)rnd(4000) / (k + 1) + 10,
			                    d->e) == -1)
				return -1;
		}
		continue;
	fail:
		buf_release(&b);
		return error_set(d->e, ERR_IO, "demo: text too long");
	}
	return 0;
}

static int
add_block(struct demo *d, int pos, const char *kind, json_t *cfg)
{
	char *text = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = text ? store_block_add(d->st, "sidebar", pos, kind, text, d->e)
	              : error_set(d->e, ERR_IO, "demo: json");

	free(text);
	json_decref(cfg);
	return rc;
}

static int
add_blocks(struct demo *d)
{
	int pos = 0;

	if (add_block(d, pos++, "support",
	              json_pack("{s:s,s:s}", "label", "Support", "url",
	                        "https://donate.example.com/")) ||
	    add_block(d, pos++, "search", json_object()) ||
	    add_block(d, pos++, "archives", json_object()) ||
	    add_block(d, pos++, "pages",
	              json_pack("{s:s,s:[s,s,s,s,s,s]}", "title", "About",
	                        "pages", "about", "values", "terminology",
	                        "moderation-policy", "submission-guidelines",
	                        "interview-requests")) ||
	    add_block(d, pos++, "text",
	              json_pack("{s:s,s:s,s:s}", "title", "Community", "icon",
	                        "chat", "markdown",
	                        "Join the **Cafe** for open threads.")) ||
	    add_block(d, pos++, "books", json_object()) ||
	    add_block(d, pos++, "popular",
	              json_pack("{s:i,s:i}", "days", 90, "limit", 10)) ||
	    add_block(d, pos++, "podcasts", json_pack("{s:i}", "limit", 3)) ||
	    add_block(d, pos++, "recent_comments",
	              json_pack("{s:i}", "limit", 5)))
		return -1;
	return 0;
}

int
cmd_demo(struct conf *c, int argc, char **argv)
{
	struct error e;
	struct demo d = {0};
	int64_t n, first = 0;
	long nposts = DEMO_POSTS, ncomments = DEMO_COMMENTS;
	const char *posts = NULL, *comments = NULL;
	const struct cli_flag flags[] = {{"title", &c->title, NULL},
	                                 {"posts", &posts, NULL},
	                                 {"comments", &comments, NULL},
	                                 {NULL, NULL, NULL}};
	int npos, rc;

	rc = cli_args("demo", argc, argv, 1, flags, &npos);
	if (rc != CLI_GO)
		return rc;
	if (npos > 0)
		return cli_usage("demo: unexpected argument '%s'", argv[1]);
	if (posts != NULL) {
		if (num_parse(posts, 0, DEMO_MAX, &n) == -1)
			return cli_usage("--posts takes 0 to %d", DEMO_MAX);
		nposts = (long)n;
	}
	if (comments != NULL) {
		if (num_parse(comments, 0, DEMO_MAX, &n) == -1)
			return cli_usage("--comments takes 0 to %d", DEMO_MAX);
		ncomments = (long)n;
	}
	if (c->title == NULL)
		c->title = "The Daily Transcript";
	d.st = site_create(c, &e);
	if (d.st == NULL)
		return cli_fail(&e);
	d.a = arena_new();
	d.dir = c->site;
	d.e = &e;
	d.now = clock_now();
	if (store_begin(d.st, &e) == -1)
		goto fail;
	if (store_setting_set(d.st, "tagline",
	                      "Full transcripts. Read what was actually said.",
	                      &e) == -1 ||
	    add_sections(&d) == -1 || add_pages(&d) == -1 ||
	    add_books_and_episodes(&d) == -1 ||
	    (nposts > 0 && add_posts(&d, nposts, ncomments, &first) == -1) ||
	    add_blocks(&d) == -1)
		goto rollback;
	if (first != 0 &&
	    (store_setting_set(d.st, "site_message",
	                       "Read the newest transcript", &e) == -1 ||
	     store_setting_set(d.st, "site_message_post",
	                       arena_printf(d.a, "%lld", (long long)first),
	                       &e) == -1))
		goto rollback;
	if (store_commit(d.st, &e) == -1 || store_analyze(d.st, &e) == -1)
		goto fail;
	arena_free(d.a);
	store_close(d.st);
	return 0;
rollback:
	store_rollback(d.st);
fail:
	arena_free(d.a);
	store_close(d.st);
	return cli_fail(&e);
}
