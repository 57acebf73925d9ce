/* Stub: replaced by the spam-control work of the comments issue. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "spam.h"
#include "../util/alloc.h"
#include "../util/banned.h"

struct spam {
	struct store *st;
};

struct spam *
spam_new(struct store *st)
{
	struct spam *sp = xcalloc(1, sizeof(*sp));

	sp->st = st;
	return sp;
}

void
spam_free(struct spam *sp)
{
	free(sp);
}

int
spam_rate_check(struct spam *sp, const char *ip, int per_minute,
                int per_hour, int64_t now, int *retry_after, struct error *e)
{
	(void)sp;
	(void)ip;
	(void)per_minute;
	(void)per_hour;
	(void)now;
	(void)e;
	*retry_after = 0;
	return 0;
}

void
spam_body_hash(const char *body, unsigned char out[SPAM_HASH_BYTES])
{
	crypto_generichash(out, SPAM_HASH_BYTES, (const unsigned char *)body,
	                   strlen(body), NULL, 0);
}

int
spam_is_duplicate(struct spam *sp, int64_t post_id, const char *email,
                  const unsigned char hash[SPAM_HASH_BYTES], int64_t now,
                  int64_t window, struct error *e)
{
	(void)sp;
	(void)post_id;
	(void)email;
	(void)hash;
	(void)now;
	(void)window;
	(void)e;
	return 0;
}

double
spam_score(struct spam *sp, const char *text)
{
	(void)sp;
	(void)text;
	return 0.5;
}

int
spam_learn(struct spam *sp, const char *text, int is_spam, struct error *e)
{
	(void)sp;
	(void)text;
	(void)is_spam;
	(void)e;
	return 0;
}
