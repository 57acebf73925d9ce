/*
 * The corpus of bench/search.sh: N posts of about W words as SQL for the
 * sqlite3 shell (on stdout), and the queries to measure (to the file -q).
 *
 *   cc -O2 -o search-gen bench/search-gen.c -lm
 *   ./search-gen -n 100000 -w 800 -q queries.txt | sqlite3 site/gazette.db
 *
 * Words: filler drawn from a Zipf distribution (s = 1) over FILLER words
 * made of consonant-vowel syllables ("bako", "tesimu"), as in running text;
 * and three classes of marked words, each put into a post with a fixed
 * probability so that its share of posts is known: rare ("qua....", in
 * about 0.05% of posts), medium ("quo....", ~2%) and common ("qui....",
 * ~30%).  Half the time a class word is followed by its partner (word
 * i ^ 1), so the phrase "w_i w_partner" occurs in about a third of the
 * posts holding w_i.  No filler word starts with "qu" and every class word
 * has seven letters, so a prefix of a class word matches only that word.
 * Deterministic: the same arguments give the same corpus.
 *
 * There are hundreds of words in most classes (classes[].words), so that a
 * benchmark can send hundreds of different queries of each kind: a cache
 * of results cannot answer most of them.
 *
 * queries.txt: a first line "# search-gen VERSION -n N -w W" (what the
 * bench_corpus setting holds), then one "CLASS KIND QUERY" line per query
 * (KIND one, three or phrase), QUERY already percent-encoded for a URL, in
 * a shuffled order: every class word alone (common adds the filler words
 * in 25-35% of posts), two three-word queries per partner pair ("a d b",
 * d another word of the class) and every partner pair as a phrase; class
 * "all" is the 20 most frequent filler words, each in nearly every post.
 *
 * The corpus is marked in the settings table (bench_corpus), so that a
 * benchmark reusing a site can tell whether its queries fit it.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FILLER          30000
#define CORPUS_VERSION  2
#define MAX_CLASS_WORDS 400
#define ALL_WORDS       20
#define SECTIONS        4

static const char consonants[] = "bdfgklmnprstvz";
static const char vowels[] = "aeiou";

static uint64_t rng = 0x9e3779b97f4a7c15u;

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

/* Syllable k of 70 into out; its length. */
static int
syllable(unsigned k, char *out)
{
	out[0] = consonants[k % 14];
	out[1] = vowels[(k / 14) % 5];
	return 2;
}

static void
filler_word(unsigned i, char *out)
{
	int n = 0;

	n += syllable(i % 70, out + n);
	n += syllable((i / 70) % 70, out + n);
	if (i >= 70 * 70)
		n += syllable((i / 4900) % 70, out + n);
	out[n] = '\0';
}

static const struct cls {
	const char *name, *prefix;
	double p; /* chance a post gets the word (its partner adds half) */
	unsigned words; /* how many words of the class (even) */
} classes[] = {
	{"rare", "qua", 0.00034, 400},
	{"medium", "quo", 0.0134, 400},
	{"common", "qui", 0.2126, 100},
};
#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

static void
class_word(const struct cls *c, unsigned i, char *out)
{
	int n = (int)strlen(c->prefix);

	memcpy(out, c->prefix, (size_t)n);
	n += syllable(i % 70, out + n);
	n += syllable(i / 70, out + n);
	out[n] = '\0';
}

static double cdf[FILLER];
static char words[FILLER][8];

static unsigned
zipf(void)
{
	double u = uniform();
	unsigned lo = 0, hi = FILLER - 1;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;

		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The share of posts of w words expected to hold filler word i. */
static double
filler_share(unsigned i, long w)
{
	return 1.0 -
	       pow(1.0 - (cdf[i] - (i > 0 ? cdf[i - 1] : 0.0)), (double)w);
}

struct query {
	const char *cls, *kind;
	char q[96];
	uint64_t key; /* the shuffle's order */
};

static struct query qs[4 * 3 * MAX_CLASS_WORDS + FILLER];
static size_t nqs;

static void
query_add(const char *cls, const char *kind, const char *q)
{
	struct query *x = &qs[nqs++];

	x->cls = cls;
	x->kind = kind;
	snprintf(x->q, sizeof(x->q), "%s", q);
	/* Its own sequence (splitmix64 of the index): the corpus must not
	 * depend on whether queries are written. */
	x->key = (uint64_t)nqs * 0x9e3779b97f4a7c15u;
	x->key = (x->key ^ (x->key >> 30)) * 0xbf58476d1ce4e5b9u;
	x->key = (x->key ^ (x->key >> 27)) * 0x94d049bb133111ebu;
	x->key ^= x->key >> 31;
}

static int
query_cmp(const void *a, const void *b)
{
	const struct query *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

static void
queries(FILE *f, long n, long w)
{
	char a[16], b[16], d[16], q[96];

	for (size_t c = 0; c < NCLASSES; c++) {
		const struct cls *k = &classes[c];

		for (unsigned i = 0; i < k->words; i++) {
			class_word(k, i, a);
			query_add(k->name, "one", a);
		}
		for (unsigned i = 0; i + 1 < k->words; i += 2) {
			class_word(k, i, a);
			class_word(k, i + 1, b);
			snprintf(q, sizeof(q), "%%22%s%%20%s%%22", a, b);
			query_add(k->name, "phrase", q);
			for (unsigned j = 1; j <= 2; j++) {
				class_word(k, (i + 2 * j) % k->words, d);
				snprintf(q, sizeof(q), "%s%%20%s%%20%s", a, d,
				         b);
				query_add(k->name, "three", q);
			}
		}
	}
	for (unsigned i = 0; i < FILLER; i++) {
		double sh = filler_share(i, w);

		if (i < ALL_WORDS)
			query_add("all", "one", words[i]);
		else if (sh >= 0.25 && sh <= 0.35)
			query_add("common", "one", words[i]);
	}
	qsort(qs, nqs, sizeof(qs[0]), query_cmp);
	fprintf(f, "# search-gen %d -n %ld -w %ld\n", CORPUS_VERSION, n, w);
	for (size_t i = 0; i < nqs; i++)
		fprintf(f, "%s %s %s\n", qs[i].cls, qs[i].kind, qs[i].q);
}

int
main(int argc, char **argv)
{
	long n = 100000, w = 800;
	const char *qfile = NULL;
	int ch;
	double h = 0, acc = 0;
	char *body;
	size_t cap;
	FILE *qf;

	while ((ch = getopt(argc, argv, "n:w:q:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'w':
			w = strtol(optarg, NULL, 10);
			break;
		case 'q':
			qfile = optarg;
			break;
		default:
			fprintf(stderr,
			        "usage: search-gen [-n POSTS] [-w WORDS] "
			        "[-q QUERIES]\n");
			return 2;
		}
	}
	if (n < 1 || w < 10) {
		fprintf(stderr, "search-gen: bad -n or -w\n");
		return 2;
	}
	for (unsigned i = 0; i < FILLER; i++) {
		h += 1.0 / (i + 1);
		filler_word(i, words[i]);
	}
	for (unsigned i = 0; i < FILLER; i++) {
		acc += 1.0 / (i + 1) / h;
		cdf[i] = acc;
	}
	cdf[FILLER - 1] = 1.0;
	if (qfile != NULL) {
		qf = fopen(qfile, "w");
		if (qf == NULL) {
			perror(qfile);
			return 1;
		}
		queries(qf, n, w);
		fclose(qf);
	}
	cap = (size_t)w * 16 + 4096;
	body = malloc(cap);
	if (body == NULL)
		return 1;
	/* A bulk load: a big page cache for the index's b-trees, and no
	 * syncs (a crash means generating again). */
	printf("PRAGMA foreign_keys = OFF;\nPRAGMA cache_size = -1000000;\n"
	       "PRAGMA synchronous = OFF;\nBEGIN;\n");
	printf("INSERT OR REPLACE INTO settings(key, value) VALUES "
	       "('bench_corpus', 'search-gen %d -n %ld -w %ld');\n",
	       CORPUS_VERSION, n, w);
	for (int s = 1; s <= SECTIONS; s++)
		printf("INSERT OR IGNORE INTO sections(id, slug, name) "
		       "VALUES (%d, 'bench%d', 'Bench %d');\n",
		       s, s, s);
	for (long id = 1; id <= n; id++) {
		size_t len = 0;
		char title[128], cw[16];
		long pos_class[NCLASSES * MAX_CLASS_WORDS];
		int npc = 0;
		/* Spread over ten years ending 2025-01-01. */
		long long t =
			1420070400LL + (long long)(id * (315360000LL / n));

		/* Which class words this post gets, and where. */
		for (size_t c = 0; c < NCLASSES; c++)
			for (unsigned i = 0; i < classes[c].words; i++)
				if (uniform() < classes[c].p)
					pos_class[npc++] =
						(long)(c * MAX_CLASS_WORDS + i);
		title[0] = '\0';
		for (int k = 0; k < 6; k++) {
			strcat(title, words[zipf()]);
			strcat(title, k < 5 ? " " : "");
		}
		title[0] = (char)(title[0] - 'a' + 'A');
		for (long k = 0; k < w; k++) {
			const char *word = words[zipf()];
			size_t wl = strlen(word);

			/* npc words left for w - k places: all are placed. */
			if (npc > 0 &&
			    (long)(next() % (unsigned long)(w - k)) < npc) {
				long pc = pos_class[--npc];
				const struct cls *c =
					&classes[pc / MAX_CLASS_WORDS];
				unsigned i = (unsigned)(pc % MAX_CLASS_WORDS);

				class_word(c, i, cw);
				memcpy(body + len, cw, strlen(cw));
				len += strlen(cw);
				body[len++] = ' ';
				if (next() & 1) {
					class_word(c, i ^ 1, cw);
					memcpy(body + len, cw, strlen(cw));
					len += strlen(cw);
					body[len++] = ' ';
				}
			}
			memcpy(body + len, word, wl);
			len += wl;
			body[len++] = (k % 15 == 14) ? '.' : ' ';
			if (k % 15 == 14)
				body[len++] = ' ';
			if (len + 64 > cap)
				break;
		}
		/* Class words not placed yet go at the end. */
		while (npc > 0) {
			long pc = pos_class[--npc];

			class_word(&classes[pc / MAX_CLASS_WORDS],
			           (unsigned)(pc % MAX_CLASS_WORDS), cw);
			body[len++] = ' ';
			memcpy(body + len, cw, strlen(cw));
			len += strlen(cw);
		}
		body[len] = '\0';
		printf("INSERT INTO posts(id, type, status, section_id, slug, "
		       "title, body_src, body_html, published_at, updated_at, "
		       "activity_at) VALUES (%ld, 'post', 'published', %ld, "
		       "'p%ld', '%s', '%s', '', %lld, %lld, %lld);\n",
		       id, 1 + id % SECTIONS, id, title, body, t, t, t);
		if (id % 20000 == 0)
			printf("COMMIT;\nBEGIN;\n");
	}
	printf("COMMIT;\n");
	free(body);
	return 0;
}
