/* tests/unit/test_sql_bisect.c — the batch transaction's invariants on
 * random batches against the fake server (sql_fake.c): whatever rows the
 * server refuses (none, a few, most, all; scattered or adjacent), exactly
 * those are record errors, every other row is committed exactly once,
 * savepoints never nest, and the statements stay within 1 + 2 k log2 n
 * for k refused rows out of n; with COMMIT failing, every row is retried
 * and nothing is committed. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sql_fake.h"
#include "sql_harness.h"

#define MAX_ROWS 300

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static int log2_ceil(size_t n)
{
    int k = 0;
    while (((size_t)1 << k) < n)
        k++;
    return k;
}

/* One random batch of n rows, each bad with probability per_mille / 1000;
 * bad[] says which. */
static void random_batch(size_t n, unsigned per_mille, bool *bad)
{
    static char text[MAX_ROWS][64];
    const char *recs[MAX_ROWS];
    for (size_t i = 0; i < n; i++) {
        bad[i] = next() % 1000 < per_mille;
        snprintf(text[i], sizeof text[i], "{\"id\": %zu, \"note\": \"%s\"}", i, bad[i] ? "bad" : "ok");
        recs[i] = text[i];
    }
    sql_test_batch(recs, n);
}

static void one_trial(size_t n, unsigned per_mille, bool lose_commit)
{
    bool bad[MAX_ROWS], connected = fake.connected;
    fake_reset(); /* counters and rows; the sink keeps its connection */
    fake.connected = connected;
    fake.retry_commit = lose_commit;
    random_batch(n, per_mille, bad);
    assert_int_equal(sql_test_write(), SLUICE_OK);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char row[64];
        snprintf(row, sizeof row, "trips:id=%zu,note=ok", i);
        const char *got = sql_test_outcome(i);
        if (lose_commit)
            assert_string_equal(got, "retry");
        else if (bad[i])
            assert_string_equal(got, "SQL_05 SQLSTATE 23514: new row violates check constraint \"no_bad\"");
        else
            assert_string_equal(got, "done");
        assert_int_equal(fake_count(row), bad[i] || lose_commit ? 0 : 1);
        k += bad[i];
    }
    assert_int_equal(fake.n_committed, lose_commit ? 0 : n - k);
    assert_int_equal(fake.max_depth, 1);
    assert_int_equal(fake.savepoints, fake.writes);
    assert_int_equal(fake.bulk_writes, 1);
    assert_true(fake.writes <= 1 + 2 * (int)k * log2_ceil(n));
    if (k == 0)
        assert_int_equal(fake.writes, 1);
}

static void random_batches(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"trips\"}"), SLUICE_OK);
    static const unsigned rates[] = {0, 1, 10, 100, 500, 1000};
    for (int trial = 0; trial < 300; trial++) {
        size_t n = 1 + next() % MAX_ROWS;
        one_trial(n, rates[trial % 6], trial % 10 == 9);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(random_batches, sql_test_setup, sql_test_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
