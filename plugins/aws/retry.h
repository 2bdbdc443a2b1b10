/* plugins/aws/retry.h — when and how long to wait before trying an AWS call
 * again: the AWS SDKs' "standard" retry mode.
 *
 *   https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html
 *
 * - Full-jitter exponential backoff: before retry i (0 for the first),
 *   wait random(0, 1) * min(cap, base * 2^i), with a larger base after a
 *   throttling error (the Java SDK v2's standard mode: 100 ms, 500 ms when
 *   throttled, 20 s cap).  Jitter spreads out clients that failed together.
 *   https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 * - A retry budget (the SDKs' "retry quota"), a token bucket shared by every
 *   call of one client: a retry takes 5 tokens (10 after a timeout); a call
 *   that succeeds gives back what its last retry took, or 1 token when it
 *   needed none; an empty bucket means no more retries until calls succeed
 *   again.  During an outage this stops retries from multiplying the load.
 * - At most max_attempts attempts per call, the first included. */
#ifndef SLUICE_AWS_RETRY_H
#define SLUICE_AWS_RETRY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "aws_error.h"

typedef struct aws_retry_policy {
    int max_attempts;           /* attempts per call, the first included */
    uint32_t base_ms;           /* backoff base */
    uint32_t throttled_base_ms; /* backoff base after a throttling error */
    uint32_t cap_ms;            /* the longest wait */
} aws_retry_policy;

#define AWS_RETRY_POLICY_STANDARD {3, 100, 500, 20000}

#define AWS_RETRY_BUDGET_CAPACITY 500
#define AWS_RETRY_COST 5
#define AWS_RETRY_TIMEOUT_COST 10
#define AWS_RETRY_NO_RETRY_INCREMENT 1

/* The token bucket.  Shared between threads (its own lock). */
typedef struct aws_retry_budget {
    pthread_mutex_t lock;
    unsigned capacity;
    unsigned available;
} aws_retry_budget;

void aws_retry_budget_init(aws_retry_budget *b, unsigned capacity);
void aws_retry_budget_destroy(aws_retry_budget *b);
/* Takes `cost` tokens: true, or false (nothing taken) when fewer are left. */
bool aws_retry_budget_take(aws_retry_budget *b, unsigned cost);
/* Gives back `n` tokens, never above the capacity. */
void aws_retry_budget_give(aws_retry_budget *b, unsigned n);
unsigned aws_retry_budget_available(aws_retry_budget *b);

/* The state of one call's retries; per call, on the caller's stack. */
typedef struct aws_retry_state {
    const aws_retry_policy *policy;
    aws_retry_budget *budget; /* NULL: no budget (every retry allowed) */
    uint64_t *rng;            /* the thread's random state (aws_retry_rng_seed) */
    int attempts;             /* attempts made so far */
    unsigned held;            /* tokens the last retry took */
} aws_retry_state;

/* A seed for the jitter's random state, different per thread and run. */
uint64_t aws_retry_rng_seed(void);

/* The wait before retry `retry_index` (0-based), full jitter. */
uint32_t aws_retry_backoff_ms(const aws_retry_policy *p, int retry_index, bool throttled,
                              uint64_t *rng);

/* After a failed attempt with error e: true and the wait in *delay_ms when
 * the call should be tried again (the budget's tokens taken), false when
 * not (not retryable, attempts used up, budget empty) with the reason in
 * *why (a static string). */
bool aws_retry_should_retry(aws_retry_state *s, const aws_error *e, uint32_t *delay_ms,
                            const char **why);

/* After a successful attempt: gives back to the budget. */
void aws_retry_succeeded(aws_retry_state *s);

#endif
