/* plugins/aws/retry.c — see retry.h. */
#include "config.h"

#include "retry.h"

#include <time.h>
#include <unistd.h>

void aws_retry_budget_init(aws_retry_budget *b, unsigned capacity)
{
    pthread_mutex_init(&b->lock, NULL);
    b->capacity = b->available = capacity;
}

void aws_retry_budget_destroy(aws_retry_budget *b)
{
    pthread_mutex_destroy(&b->lock);
}

bool aws_retry_budget_take(aws_retry_budget *b, unsigned cost)
{
    pthread_mutex_lock(&b->lock);
    bool ok = b->available >= cost;
    if (ok)
        b->available -= cost;
    pthread_mutex_unlock(&b->lock);
    return ok;
}

void aws_retry_budget_give(aws_retry_budget *b, unsigned n)
{
    pthread_mutex_lock(&b->lock);
    b->available = b->capacity - b->available < n ? b->capacity : b->available + n;
    pthread_mutex_unlock(&b->lock);
}

unsigned aws_retry_budget_available(aws_retry_budget *b)
{
    pthread_mutex_lock(&b->lock);
    unsigned n = b->available;
    pthread_mutex_unlock(&b->lock);
    return n;
}

/* splitmix64: small, fast and good enough to spread waits; the jitter needs
 * no cryptographic quality. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t aws_retry_rng_seed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t seed = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    seed ^= (uint64_t)getpid() << 32;
    seed ^= (uint64_t)(uintptr_t)&ts; /* differs between threads' stacks */
    return seed;
}

uint32_t aws_retry_backoff_ms(const aws_retry_policy *p, int retry_index, bool throttled,
                              uint64_t *rng)
{
    uint64_t ceiling = throttled ? p->throttled_base_ms : p->base_ms;
    for (int i = 0; i < retry_index && ceiling < p->cap_ms; i++)
        ceiling *= 2;
    if (ceiling > p->cap_ms)
        ceiling = p->cap_ms;
    /* Full jitter: uniform in [0, ceiling]. */
    return (uint32_t)(next_random(rng) % (ceiling + 1));
}

bool aws_retry_should_retry(aws_retry_state *s, const aws_error *e, uint32_t *delay_ms,
                            const char **why)
{
    *delay_ms = 0;
    if (!aws_error_retryable(e)) {
        *why = "not retryable";
        return false;
    }
    if (s->attempts >= s->policy->max_attempts) {
        *why = "attempts used up";
        return false;
    }
    unsigned cost = e->kind == AWS_ERROR_TIMEOUT ? AWS_RETRY_TIMEOUT_COST : AWS_RETRY_COST;
    if (s->budget && !aws_retry_budget_take(s->budget, cost)) {
        *why = "retry budget exhausted";
        return false;
    }
    s->held = s->budget ? cost : 0;
    *delay_ms = aws_retry_backoff_ms(s->policy, s->attempts - 1,
                                     e->kind == AWS_ERROR_THROTTLING, s->rng);
    *why = NULL;
    return true;
}

void aws_retry_succeeded(aws_retry_state *s)
{
    if (!s->budget)
        return;
    aws_retry_budget_give(s->budget, s->held ? s->held : AWS_RETRY_NO_RETRY_INCREMENT);
    s->held = 0;
}
