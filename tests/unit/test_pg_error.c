/* tests/unit/test_pg_error.c — what a SQLSTATE means for the batch in
 * the PostgreSQL backend (plugins/postgres/pg_error.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "postgres/pg.h"

static void test_retry_codes(void **unused)
{
    (void)unused;
    /* Connection exceptions, shutdowns, deadlock, serialization. */
    const char *retry[] = {"08000", "08003", "08006", "08001", "08004", "08P01", "57P01", "57P02", "57P03",
                           "40001", "40P01", "55P03", "57014", "53300", "53100", "53200", "53000"};
    for (size_t i = 0; i < sizeof retry / sizeof retry[0]; i++)
        assert_int_equal(pg_classify(retry[i], false), SQL_RETRY);
}

static void test_data_codes(void **unused)
{
    (void)unused;
    const char *data[] = {"23505", "23502", "23503", "23514", "23P01", "22P02", "22003", "22001",
                          "22007", "22008", "22021", "22000", "22004", "21000"};
    for (size_t i = 0; i < sizeof data / sizeof data[0]; i++)
        assert_int_equal(pg_classify(data[i], false), SQL_DATA_ERROR);
}

static void test_fatal_codes(void **unused)
{
    (void)unused;
    /* Syntax, undefined table/column, permission, auth, config limit,
     * in-failed-transaction, internal; no SQLSTATE on a live connection. */
    const char *fatal[] = {"42601", "42P01", "42703", "42501", "28P01", "3D000", "53400", "25P02",
                           "XX000", "42P10", "0A000", "40000", "57000", "2", "235050", ""};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        assert_int_equal(pg_classify(fatal[i], false), SQL_FATAL);
    assert_int_equal(pg_classify(NULL, false), SQL_FATAL);
}

static void test_connection_bad_wins(void **unused)
{
    (void)unused;
    /* A lost connection is a retry whatever the server said last. */
    assert_int_equal(pg_classify(NULL, true), SQL_RETRY);
    assert_int_equal(pg_classify("", true), SQL_RETRY);
    assert_int_equal(pg_classify("23505", true), SQL_RETRY);
    assert_int_equal(pg_classify("42601", true), SQL_RETRY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_retry_codes),
        cmocka_unit_test(test_data_codes),
        cmocka_unit_test(test_fatal_codes),
        cmocka_unit_test(test_connection_bad_wins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
