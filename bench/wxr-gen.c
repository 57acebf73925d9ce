/*
 * The WordPress export of bench/import.sh: a WXR 1.2 file shaped like a
 * busy news blog's, on stdout.
 *
 *   cc -O2 -o wxr-gen bench/wxr-gen.c
 *   ./wxr-gen -p 50000 -c 500000 > big.xml
 *
 * 20 authors, 40 categories (a third of them children of another), 2,000
 * tags; P posts with 2-6 KB of HTML (paragraphs of words, links, some
 * bold and italics), 1-3 categories and 0-5 tags, four postmeta each (one
 * of them a view count), a page every 50 posts; C comments spread over
 * the posts the way a comment section is (a few posts get hundreds, up to
 * MAX_THREAD, most a handful: a Zipf draw), each 80-1,200 bytes, half of them replies to
 * an earlier comment of the same post (so threads nest), 90% approved,
 * the rest pending, spam or trash, a third with an akismet commentmeta.
 * Deterministic: the same arguments give the same file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AUTHORS    20
#define CATEGORIES 40
#define TAGS       2000
#define WORDS      4096
/* The most comments one post gets: the busiest posts of a busy site. */
#define MAX_THREAD 2000

static uint64_t rng = 0x9e3779b97f4a7c15u;
static char words[WORDS][12];

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double
uniform(void)
{
	return (double)(next() >> 11) / (double)(1ull << 53);
}

static unsigned
below(unsigned n)
{
	return (unsigned)(next() % n);
}

static void
make_words(void)
{
	static const char c[] = "bdfgklmnprstvz", v[] = "aeiou";

	for (int i = 0; i < WORDS; i++) {
		int syl = 1 + i % 4, n = 0;
		unsigned k = (unsigned)i * 2654435761u;

		for (int s = 0; s < syl; s++) {
			words[i][n++] = c[k % 14];
			words[i][n++] = v[(k / 14) % 5];
			k /= 70;
			k += (unsigned)i;
		}
		words[i][n] = '\0';
	}
}

/* A word drawn with Zipf-like frequency (most text is common words). */
static const char *
word(void)
{
	double u = uniform();

	return words[(unsigned)(u * u * u * WORDS)];
}

/* About n bytes of paragraphs of text. */
static void
prose(size_t n, int html)
{
	size_t out = 0;
	int in_p = 0, sentence = 0;

	while (out < n) {
		const char *w = word();

		if (html && !in_p) {
			fputs("<p>", stdout);
			in_p = 1;
		}
		if (html && below(60) == 0) {
			out += (size_t)printf(" <a href=\"https://example.org/%s/"
			                      "%u\">%s</a>",
			                      w, below(100000), w);
		} else if (html && below(80) == 0) {
			out += (size_t)printf(" <strong>%s</strong>", w);
		} else if (html && below(80) == 0) {
			out += (size_t)printf(" <em>%s</em>", w);
		} else
			out += (size_t)printf(sentence == 0 ? "%c%s" : " %c%s",
			                      sentence == 0 ? w[0] - 32 : w[0],
			                      w + 1);
		if (++sentence > 8 + (int)below(10)) {
			putchar('.');
			sentence = 0;
			if (below(5) == 0) {
				fputs(html ? "</p>\n\n" : "\n\n", stdout);
				in_p = 0;
			}
		}
	}
	if (html && in_p)
		fputs(".</p>", stdout);
}

static void
date(int64_t t, const char *indent, const char *el)
{
	int64_t days = t / 86400, s = t % 86400;
	/* civil_from_days (Howard Hinnant) */
	int64_t z = days + 719468, era = z / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = (int64_t)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;

	printf("%s<%s><![CDATA[%04lld-%02u-%02u %02lld:%02lld:%02lld]]></%s>\n",
	       indent, el, (long long)(y + (m <= 2)), m, d, (long long)(s / 3600),
	       (long long)(s / 60 % 60), (long long)(s % 60), el);
}

static void
usage(void)
{
	fputs("usage: wxr-gen [-p POSTS] [-c COMMENTS]\n", stderr);
	exit(2);
}

int
main(int argc, char **argv)
{
	long posts = 50000, comments = 500000, cid = 0, left;
	int64_t t0 = 1262304000; /* 2010-01-01 */
	int64_t *first; /* first comment id of each post's comments */
	double *weight, total = 0;
	long *count;
	int opt;

	while ((opt = getopt(argc, argv, "p:c:")) != -1) {
		if (opt == 'p')
			posts = strtol(optarg, NULL, 10);
		else if (opt == 'c')
			comments = strtol(optarg, NULL, 10);
		else
			usage();
	}
	if (posts < 1 || comments < 0 || comments > posts * MAX_THREAD)
		usage();
	make_words();
	/* Comments per post: weights from a Zipf draw, then scaled. */
	weight = calloc((size_t)posts, sizeof(*weight));
	count = calloc((size_t)posts, sizeof(*count));
	first = calloc((size_t)posts, sizeof(*first));
	if (weight == NULL || count == NULL || first == NULL)
		return 1;
	for (long i = 0; i < posts; i++) {
		weight[i] = 1.0 / (1.0 + (double)below((unsigned)posts));
		total += weight[i];
	}
	left = comments;
	for (long i = 0; i < posts; i++) {
		count[i] = (long)((double)comments * weight[i] / total);
		if (count[i] > MAX_THREAD)
			count[i] = MAX_THREAD;
		if (count[i] > left)
			count[i] = left;
		left -= count[i];
	}
	/* what the cap and the rounding left over, one more each */
	for (long i = 0; left > 0; i = (i + 1) % posts)
		if (count[i] < MAX_THREAD) {
			count[i]++;
			left--;
		}

	printf("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
	       "<rss version=\"2.0\"\n"
	       "\txmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"\n"
	       "\txmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
	       "\txmlns:wfw=\"http://wellformedweb.org/CommentAPI/\"\n"
	       "\txmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	       "\txmlns:wp=\"http://wordpress.org/export/1.2/\">\n"
	       "<channel>\n\t<title>Bench News</title>\n"
	       "\t<link>https://news.example.com</link>\n"
	       "\t<description>Generated by bench/wxr-gen.c</description>\n"
	       "\t<language>en-US</language>\n"
	       "\t<wp:wxr_version>1.2</wp:wxr_version>\n"
	       "\t<wp:base_site_url>https://news.example.com</wp:base_site_url>\n"
	       "\t<wp:base_blog_url>https://news.example.com</wp:base_blog_url>\n");
	for (int a = 1; a <= AUTHORS; a++)
		printf("\t<wp:author><wp:author_id>%d</wp:author_id>"
		       "<wp:author_login><![CDATA[author%d]]></wp:author_login>"
		       "<wp:author_email><![CDATA[author%d@example.com]]>"
		       "</wp:author_email><wp:author_display_name><![CDATA["
		       "Author %d]]></wp:author_display_name>"
		       "</wp:author>\n",
		       a, a, a, a);
	for (int c = 1; c <= CATEGORIES; c++) {
		int parent = c > CATEGORIES / 3 * 2 ? c - CATEGORIES / 3 * 2 : 0;

		printf("\t<wp:category><wp:term_id>%d</wp:term_id>"
		       "<wp:category_nicename><![CDATA[cat-%d]]>"
		       "</wp:category_nicename><wp:category_parent><![CDATA[",
		       c, c);
		if (parent)
			printf("cat-%d", parent);
		printf("]]></wp:category_parent><wp:cat_name><![CDATA[Category "
		       "%d]]></wp:cat_name></wp:category>\n",
		       c);
	}
	for (int t = 1; t <= TAGS; t++)
		printf("\t<wp:tag><wp:term_id>%d</wp:term_id><wp:tag_slug><![CDATA["
		       "tag-%d]]></wp:tag_slug><wp:tag_name><![CDATA[%s %d]]>"
		       "</wp:tag_name></wp:tag>\n",
		       CATEGORIES + t, t, words[t % WORDS], t);

	for (long i = 0; i < posts; i++) {
		long id = 100 + i;
		int page = i % 50 == 49;
		int64_t t = t0 + i * 3000 + below(3000);
		const char *w1 = word(), *w2 = word(), *w3 = word();

		printf("\t<item>\n\t\t<title>%c%s %s %s %ld</title>\n", w1[0] - 32,
		       w1 + 1, w2, w3, id);
		printf("\t\t<link>https://news.example.com/?p=%ld</link>\n", id);
		printf("\t\t<dc:creator><![CDATA[author%u]]></dc:creator>\n",
		       1 + below(AUTHORS));
		printf("\t\t<guid isPermaLink=\"false\">https://news.example.com/"
		       "?p=%ld</guid>\n",
		       id);
		fputs("\t\t<description></description>\n"
		      "\t\t<content:encoded><![CDATA[",
		      stdout);
		prose(2000 + below(4000), 1);
		fputs("]]></content:encoded>\n\t\t<excerpt:encoded><![CDATA[",
		      stdout);
		if (below(4) == 0)
			prose(120, 0);
		fputs("]]></excerpt:encoded>\n", stdout);
		printf("\t\t<wp:post_id>%ld</wp:post_id>\n", id);
		date(t, "\t\t", "wp:post_date");
		date(t, "\t\t", "wp:post_date_gmt");
		printf("\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n"
		       "\t\t<wp:ping_status><![CDATA[open]]></wp:ping_status>\n"
		       "\t\t<wp:post_name><![CDATA[%s-%s-%s-%ld]]></wp:post_name>\n"
		       "\t\t<wp:status><![CDATA[%s]]></wp:status>\n"
		       "\t\t<wp:post_parent>0</wp:post_parent>\n"
		       "\t\t<wp:menu_order>0</wp:menu_order>\n"
		       "\t\t<wp:post_type><![CDATA[%s]]></wp:post_type>\n"
		       "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n"
		       "\t\t<wp:is_sticky>0</wp:is_sticky>\n",
		       w1, w2, w3, id, below(20) == 0 ? "draft" : "publish",
		       page ? "page" : "post");
		if (!page) {
			unsigned nc = 1 + below(3), nt = below(6);

			for (unsigned k = 0; k < nc; k++) {
				unsigned c = 1 + below(CATEGORIES);

				printf("\t\t<category domain=\"category\" "
				       "nicename=\"cat-%u\"><![CDATA[Category "
				       "%u]]></category>\n",
				       c, c);
			}
			for (unsigned k = 0; k < nt; k++) {
				unsigned g = 1 + below(TAGS);

				printf("\t\t<category domain=\"post_tag\" "
				       "nicename=\"tag-%u\"><![CDATA[%s %u]]>"
				       "</category>\n",
				       g, words[g % WORDS], g);
			}
		}
		printf("\t\t<wp:postmeta><wp:meta_key><![CDATA[_edit_last]]>"
		       "</wp:meta_key><wp:meta_value><![CDATA[%u]]>"
		       "</wp:meta_value></wp:postmeta>\n"
		       "\t\t<wp:postmeta><wp:meta_key><![CDATA[post_views_count]]>"
		       "</wp:meta_key><wp:meta_value><![CDATA[%u]]>"
		       "</wp:meta_value></wp:postmeta>\n"
		       "\t\t<wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]>"
		       "</wp:meta_key><wp:meta_value><![CDATA[%u]]>"
		       "</wp:meta_value></wp:postmeta>\n"
		       "\t\t<wp:postmeta><wp:meta_key><![CDATA[_wp_old_slug]]>"
		       "</wp:meta_key><wp:meta_value><![CDATA[%s-%ld]]>"
		       "</wp:meta_value></wp:postmeta>\n",
		       1 + below(AUTHORS), below(50000), below(100000), w2, id);
		first[i] = cid + 1;
		for (long k = 0; k < count[i]; k++) {
			long my = ++cid;
			long parent = k > 0 && below(2) ? first[i] + below((unsigned)k)
			                                : 0;
			unsigned st = below(100);
			const char *w = word();

			printf("\t\t<wp:comment>\n"
			       "\t\t\t<wp:comment_id>%ld</wp:comment_id>\n"
			       "\t\t\t<wp:comment_author><![CDATA[%c%s %u]]>"
			       "</wp:comment_author>\n"
			       "\t\t\t<wp:comment_author_email><![CDATA[%s%u@"
			       "mail.example.net]]></wp:comment_author_email>\n"
			       "\t\t\t<wp:comment_author_url>%s</wp:comment_author_url>\n"
			       "\t\t\t<wp:comment_author_IP><![CDATA[192.0.2.%u]]>"
			       "</wp:comment_author_IP>\n",
			       my, w[0] - 32, w + 1, below(1000), w, below(1000),
			       below(4) ? "" : "https://blog.example.net/",
			       below(250));
			date(t + 60 + k * 120, "\t\t\t", "wp:comment_date");
			date(t + 60 + k * 120, "\t\t\t", "wp:comment_date_gmt");
			fputs("\t\t\t<wp:comment_content><![CDATA[", stdout);
			prose(80 + below(below(2) ? 300 : 1120), 0);
			printf("]]></wp:comment_content>\n"
			       "\t\t\t<wp:comment_approved><![CDATA[%s]]>"
			       "</wp:comment_approved>\n"
			       "\t\t\t<wp:comment_type><![CDATA[comment]]>"
			       "</wp:comment_type>\n"
			       "\t\t\t<wp:comment_parent>%ld</wp:comment_parent>\n"
			       "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n",
			       st < 90   ? "1"
			       : st < 95 ? "0"
			       : st < 98 ? "spam"
			                 : "trash",
			       parent);
			if (below(3) == 0)
				printf("\t\t\t<wp:commentmeta><wp:meta_key><![CDATA["
				       "akismet_result]]></wp:meta_key>"
				       "<wp:meta_value><![CDATA[false]]>"
				       "</wp:meta_value></wp:commentmeta>\n");
			fputs("\t\t</wp:comment>\n", stdout);
		}
		fputs("\t</item>\n", stdout);
	}
	fputs("</channel>\n</rss>\n", stdout);
	free(weight);
	free(count);
	free(first);
	return ferror(stdout) ? 1 : 0;
}
