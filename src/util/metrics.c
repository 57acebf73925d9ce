#include <stdatomic.h>
#include <stdlib.h>

#include "alloc.h"
#include "metrics.h"
#include "banned.h"

#define STATUS_MIN 100
#define STATUS_N   500 /* 100..599 */

const char *const metric_route_names[ROUTE_CLASS__MAX] = {
	"page", "feed", "api", "admin", "form", "asset", "health", "refused",
};

const uint64_t metric_latency_us[METRIC_LATENCY_BUCKETS] = {
	1000,   2500,   5000,    10000,   25000,   50000,    100000,
	250000, 500000, 1000000, 2500000, 5000000, 10000000,
};

struct block {
	_Atomic uint64_t counts[METRIC__MAX];
	_Atomic uint64_t requests[ROUTE_CLASS__MAX][STATUS_N];
	_Atomic uint64_t latency[METRIC_LATENCY_BUCKETS + 1];
	_Atomic uint64_t latency_sum;
	struct block *next;
};

static _Atomic(struct block *) blocks;
static _Thread_local struct block *mine;

static struct block *
block_of_thread(void)
{
	struct block *b = mine, *head;

	if (b != NULL)
		return b;
	b = xcalloc(1, sizeof(*b));
	head = atomic_load(&blocks);
	do
		b->next = head;
	while (!atomic_compare_exchange_weak(&blocks, &head, b));
	mine = b;
	return b;
}

/* Only this thread writes its block: a load and a store, no locked add. */
static void
bump(_Atomic uint64_t *p, uint64_t n)
{
	atomic_store_explicit(p,
	                      atomic_load_explicit(p, memory_order_relaxed) + n,
	                      memory_order_relaxed);
}

void
metrics_add(enum metric m, uint64_t n)
{
	bump(&block_of_thread()->counts[m], n);
}

void
metrics_request(enum metric_route rc, int status, uint64_t us)
{
	struct block *b = block_of_thread();
	int i = 0;

	if (status < STATUS_MIN || status >= STATUS_MIN + STATUS_N)
		status = 599;
	bump(&b->requests[rc][status - STATUS_MIN], 1);
	while (i < METRIC_LATENCY_BUCKETS && us > metric_latency_us[i])
		i++;
	bump(&b->latency[i], 1);
	bump(&b->latency_sum, us);
}

uint64_t
metrics_sum(enum metric m)
{
	uint64_t n = 0;

	for (struct block *b = atomic_load(&blocks); b != NULL; b = b->next)
		n += atomic_load_explicit(&b->counts[m], memory_order_relaxed);
	return n;
}

uint64_t
metrics_requests(enum metric_route rc, int status)
{
	uint64_t n = 0;

	if (status < STATUS_MIN || status >= STATUS_MIN + STATUS_N)
		return 0;
	for (struct block *b = atomic_load(&blocks); b != NULL; b = b->next)
		n += atomic_load_explicit(&b->requests[rc][status - STATUS_MIN],
		                          memory_order_relaxed);
	return n;
}

void
metrics_latency(uint64_t buckets[METRIC_LATENCY_BUCKETS + 1], uint64_t *sum_us,
                uint64_t *count)
{
	*sum_us = *count = 0;
	for (int i = 0; i <= METRIC_LATENCY_BUCKETS; i++)
		buckets[i] = 0;
	for (struct block *b = atomic_load(&blocks); b != NULL; b = b->next) {
		for (int i = 0; i <= METRIC_LATENCY_BUCKETS; i++) {
			uint64_t n = atomic_load_explicit(&b->latency[i],
			                                  memory_order_relaxed);

			buckets[i] += n;
			*count += n;
		}
		*sum_us += atomic_load_explicit(&b->latency_sum,
		                                memory_order_relaxed);
	}
}
