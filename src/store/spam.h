#ifndef GAZETTE_STORE_SPAM_H
#define GAZETTE_STORE_SPAM_H
/*
 * What the comment spam filter learns and asks: token counts of spam and
 * ham, and duplicates (store_spam.c).
 */
#include "comments.h"

/* The documents the classifier has learnt as spam and as ham. */
int store_spam_totals(struct store *s, int64_t *spam_docs, int64_t *ham_docs,
                      struct error *e);
/*
 * For each of tokens[0..n), the spam and ham documents it was in:
 * spam[i] and ham[i] (0 for a token never learnt).
 */
int store_spam_tokens(struct store *s, const char *const *tokens, size_t n,
                      int64_t *spam, int64_t *ham, struct error *e);
/*
 * Learn one document, its tokens[0..n) distinct: each token's spam (is_spam)
 * or ham count and the document total of that kind go up by one, all in one
 * transaction.
 */
int store_spam_learn(struct store *s, const char *const *tokens, size_t n,
                     int is_spam, struct error *e);
/*
 * *found 1 when a comment not in the trash, created after since, has
 * body_hash hash and is on post_id or (when email is not "") by email
 * (case-insensitive ASCII); 0 when none.
 */
int store_spam_duplicate(struct store *s, int64_t post_id, const char *email,
                         const unsigned char hash[COMMENT_HASH_BYTES],
                         int64_t since, int *found, struct error *e);
#endif
