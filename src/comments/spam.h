#ifndef GAZETTE_SPAM_H
#define GAZETTE_SPAM_H
/*
 * Spam control with no third-party service; nothing leaves the server.
 *
 * - Rate limits per client address, in memory: at most per_minute comments
 *   in any 60 s and per_hour in any 3600 s (sliding windows).
 * - Duplicate bodies: a hash of the normalised body (case, white space and
 *   punctuation folded) compared with recent comments.
 * - A naive Bayes classifier over word tokens, trained by moderators'
 *   "spam" and "not spam" decisions (tables spam_tokens, spam_totals),
 *   scoring a new comment from 0 (ham) to 1 (spam).
 *
 * Thread-safe; one per process.
 */
#include <stddef.h>
#include <stdint.h>

#include "../store/store.h"
#include "../util/error.h"

#define SPAM_HASH_BYTES 32
/*
 * The classifier says nothing (0.5) until it has learnt this many spam and
 * this many ham documents: with fewer, one moderator's few decisions would
 * hold every comment that shares a word with them.  Three of each is
 * enough to recognise a spam run that a moderator has marked a handful of.
 */
#define SPAM_MIN_DOCS 3

struct spam;

struct spam *spam_new(struct store *st);
void spam_free(struct spam *sp);

/*
 * Count one comment from ip at now.  0 when it is within both limits
 * (and it is counted); -1 with ERR_RATE_LIMITED and *retry_after (seconds
 * until the oldest counted comment leaves the window that is full) when
 * not (then it is not counted).  A limit of 0 means no limit; limits
 * above LIM_RATE_EVENTS count as LIM_RATE_EVENTS (what is remembered per
 * address).  IPv6 addresses count per /64.  At most LIM_RATE_CLIENTS
 * addresses are remembered; past that the one not heard from for the
 * longest is forgotten.
 */
int spam_rate_check(struct spam *sp, const char *ip, int per_minute,
                    int per_hour, int64_t now, int *retry_after,
                    struct error *e);

/* The hash of body after normalisation, for comments.body_hash. */
void spam_body_hash(const char *body, unsigned char out[SPAM_HASH_BYTES]);
/*
 * 1 when a comment with the same body hash was posted on post_id, or by
 * email (when not empty) anywhere, in the last window seconds (any
 * status but trash); 0 when not; -1 on a database error.
 */
int spam_is_duplicate(struct spam *sp, int64_t post_id, const char *email,
                      const unsigned char hash[SPAM_HASH_BYTES], int64_t now,
                      int64_t window, struct error *e);

/*
 * The probability that text is spam, from the classifier's counts (0.5
 * when it has not learnt enough to say: fewer than SPAM_MIN_DOCS
 * documents of either kind).
 */
double spam_score(struct spam *sp, const char *text);
/* Learn text as spam (is_spam 1) or ham (0); a text without a word teaches
 * nothing. */
int spam_learn(struct spam *sp, const char *text, int is_spam, struct error *e);

#endif
