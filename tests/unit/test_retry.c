/* tests/unit/test_retry.c — full-jitter backoff and the retry budget
 * (plugins/aws/retry.c), the AWS SDKs' standard retry mode. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "aws/retry.h"

static const aws_retry_policy standard = AWS_RETRY_POLICY_STANDARD;

static void test_backoff_bounds(void **unused)
{
    (void)unused;
    uint64_t rng = 42;
    uint32_t max_seen[8] = {0};
    for (int round = 0; round < 2000; round++) {
        for (int i = 0; i < 8; i++) {
            uint32_t d = aws_retry_backoff_ms(&standard, i, false, &rng);
            uint32_t ceiling = 100u << i;
            if (ceiling > 20000)
                ceiling = 20000;
            assert_in_range(d, 0, ceiling);
            if (d > max_seen[i])
                max_seen[i] = d;
        }
    }
    /* Full jitter covers the whole range: the largest of 2000 draws is
     * close to the ceiling. */
    assert_true(max_seen[0] > 90);
    assert_true(max_seen[3] > 700);
    assert_true(max_seen[7] > 11000);
    for (int i = 0; i < 1000; i++)
        assert_in_range(aws_retry_backoff_ms(&standard, 60, true, &rng), 0, 20000);
}

static void test_backoff_throttled_base(void **unused)
{
    (void)unused;
    uint64_t rng = 7;
    uint32_t max = 0;
    for (int i = 0; i < 2000; i++) {
        uint32_t d = aws_retry_backoff_ms(&standard, 0, true, &rng);
        assert_in_range(d, 0, 500);
        if (d > max)
            max = d;
    }
    assert_true(max > 400);
}

static void test_budget_take_give(void **unused)
{
    (void)unused;
    aws_retry_budget b;
    aws_retry_budget_init(&b, 12);
    assert_true(aws_retry_budget_take(&b, AWS_RETRY_COST));
    assert_true(aws_retry_budget_take(&b, AWS_RETRY_COST));
    assert_int_equal(aws_retry_budget_available(&b), 2);
    assert_false(aws_retry_budget_take(&b, AWS_RETRY_COST));
    assert_int_equal(aws_retry_budget_available(&b), 2);
    aws_retry_budget_give(&b, 100);
    assert_int_equal(aws_retry_budget_available(&b), 12);
    aws_retry_budget_destroy(&b);
}

static aws_error err_of(aws_error_kind kind)
{
    aws_error e;
    memset(&e, 0, sizeof e);
    e.kind = kind;
    return e;
}

static void test_should_retry(void **unused)
{
    (void)unused;
    aws_retry_budget b;
    aws_retry_budget_init(&b, AWS_RETRY_BUDGET_CAPACITY);
    uint64_t rng = 1;
    aws_retry_state s = {&standard, &b, &rng, 1, 0};
    uint32_t delay;
    const char *why;
    aws_error throttled = err_of(AWS_ERROR_THROTTLING), client = err_of(AWS_ERROR_CLIENT),
              timeout = err_of(AWS_ERROR_TIMEOUT);

    assert_false(aws_retry_should_retry(&s, &client, &delay, &why));
    assert_string_equal(why, "not retryable");
    assert_int_equal(aws_retry_budget_available(&b), 500);

    assert_true(aws_retry_should_retry(&s, &throttled, &delay, &why));
    assert_in_range(delay, 0, 500);
    assert_int_equal(aws_retry_budget_available(&b), 495);
    s.attempts = 2;
    assert_true(aws_retry_should_retry(&s, &timeout, &delay, &why));
    assert_in_range(delay, 0, 200);
    assert_int_equal(aws_retry_budget_available(&b), 485);
    s.attempts = 3;
    assert_false(aws_retry_should_retry(&s, &throttled, &delay, &why));
    assert_string_equal(why, "attempts used up");
    /* Success after a retry returns that retry's cost. */
    aws_retry_succeeded(&s);
    assert_int_equal(aws_retry_budget_available(&b), 495);
    /* Success at the first attempt adds one token (capped at capacity). */
    aws_retry_state first = {&standard, &b, &rng, 1, 0};
    aws_retry_succeeded(&first);
    assert_int_equal(aws_retry_budget_available(&b), 496);
    aws_retry_budget_destroy(&b);
}

/* An outage: calls keep failing, each retrying once, until the budget is
 * empty; then no call retries; successes refill it. */
static void test_budget_exhaustion(void **unused)
{
    (void)unused;
    aws_retry_budget b;
    aws_retry_budget_init(&b, AWS_RETRY_BUDGET_CAPACITY);
    uint64_t rng = 3;
    aws_retry_policy many = {1000, 0, 0, 0};
    aws_error transient = err_of(AWS_ERROR_TRANSIENT);
    int retries = 0;
    uint32_t delay;
    const char *why = NULL;
    aws_retry_state s = {&many, &b, &rng, 1, 0};
    while (aws_retry_should_retry(&s, &transient, &delay, &why)) {
        retries++;
        s.attempts++;
    }
    assert_int_equal(retries, AWS_RETRY_BUDGET_CAPACITY / AWS_RETRY_COST);
    assert_string_equal(why, "retry budget exhausted");
    for (int i = 0; i < AWS_RETRY_COST; i++) {
        aws_retry_state ok = {&many, &b, &rng, 1, 0};
        aws_retry_succeeded(&ok);
    }
    aws_retry_state again = {&many, &b, &rng, 1, 0};
    assert_true(aws_retry_should_retry(&again, &transient, &delay, &why));
    aws_retry_budget_destroy(&b);
}

static void test_no_budget(void **unused)
{
    (void)unused;
    uint64_t rng = aws_retry_rng_seed();
    aws_retry_state s = {&standard, NULL, &rng, 1, 0};
    aws_error e = err_of(AWS_ERROR_EXPIRED_TOKEN);
    uint32_t delay;
    const char *why;
    assert_true(aws_retry_should_retry(&s, &e, &delay, &why));
    aws_retry_succeeded(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_bounds),
        cmocka_unit_test(test_backoff_throttled_base),
        cmocka_unit_test(test_budget_take_give),
        cmocka_unit_test(test_should_retry),
        cmocka_unit_test(test_budget_exhaustion),
        cmocka_unit_test(test_no_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
