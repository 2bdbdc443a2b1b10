/* tests/unit/test_mysql_backend.c — the pure parts of the mysql backend:
 * classifying errors by number and SQLSTATE (plugins/mysql/my_classify.c),
 * column types from information_schema (my_types.c) and identifier
 * quoting (my_text.c). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "mysql/my_backend.h"

static void test_connection_loss_is_retry(void **unused)
{
    (void)unused;
    assert_int_equal(my_classify(CR_SERVER_GONE_ERROR, "HY000"), SQL_RETRY);
    assert_int_equal(my_classify(CR_SERVER_LOST, "HY000"), SQL_RETRY);
    assert_int_equal(my_classify(CR_CONN_HOST_ERROR, "HY000"), SQL_RETRY);
    assert_int_equal(my_classify(CR_CONNECTION_ERROR, "HY000"), SQL_RETRY);
    assert_int_equal(my_classify(ER_SERVER_SHUTDOWN, "08S01"), SQL_RETRY);
    assert_int_equal(my_classify(ER_CONNECTION_KILLED, "70100"), SQL_RETRY);
    assert_int_equal(my_classify(ER_QUERY_INTERRUPTED, "70100"), SQL_RETRY);
    assert_int_equal(my_classify(ER_LOCK_DEADLOCK, "40001"), SQL_RETRY);
    assert_int_equal(my_classify(ER_LOCK_WAIT_TIMEOUT, "HY000"), SQL_RETRY);
    /* By class, for numbers not listed. */
    assert_int_equal(my_classify(9999, "08004"), SQL_RETRY);
    assert_int_equal(my_classify(9999, "40001"), SQL_RETRY);
}

static void test_data_errors(void **unused)
{
    (void)unused;
    assert_int_equal(my_classify(ER_BAD_NULL_ERROR, "23000"), SQL_DATA_ERROR);
    assert_int_equal(my_classify(ER_DUP_ENTRY, "23000"), SQL_DATA_ERROR);
    assert_int_equal(my_classify(ER_WARN_DATA_OUT_OF_RANGE, "22003"), SQL_DATA_ERROR);
    /* Strict mode errors whose SQLSTATE is not of class 22 / 23. */
    assert_int_equal(my_classify(WARN_DATA_TRUNCATED, "01000"), SQL_DATA_ERROR);
    assert_int_equal(my_classify(ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, "HY000"), SQL_DATA_ERROR);
    assert_int_equal(my_classify(ER_NO_DEFAULT_FOR_FIELD, "HY000"), SQL_DATA_ERROR);
    assert_int_equal(my_classify(ER_NO_REFERENCED_ROW_2, "23000"), SQL_DATA_ERROR);
    assert_int_equal(my_classify(ER_CONSTRAINT_FAILED, "23000"), SQL_DATA_ERROR);
    assert_int_equal(my_classify(9999, "22007"), SQL_DATA_ERROR);
    assert_int_equal(my_classify(9999, "23505"), SQL_DATA_ERROR);
}

static void test_everything_else_is_fatal(void **unused)
{
    (void)unused;
    assert_int_equal(my_classify(1146, "42S02"), SQL_FATAL); /* no such table */
    assert_int_equal(my_classify(1064, "42000"), SQL_FATAL); /* syntax */
    assert_int_equal(my_classify(1142, "42000"), SQL_FATAL); /* INSERT denied */
    assert_int_equal(my_classify(0, NULL), SQL_FATAL);
    assert_int_equal(my_classify(0, ""), SQL_FATAL);
}

static void test_connect(void **unused)
{
    (void)unused;
    assert_int_equal(my_classify_connect(1045, "28000"), SQL_FATAL); /* access denied */
    assert_int_equal(my_classify_connect(1049, "42000"), SQL_FATAL); /* unknown database */
    assert_int_equal(my_classify_connect(CR_SSL_CONNECTION_ERROR, "HY000"), SQL_FATAL);
    assert_int_equal(my_classify_connect(CR_UNKNOWN_HOST, "HY000"), SQL_FATAL);
    assert_int_equal(my_classify_connect(CR_CONN_HOST_ERROR, "HY000"), SQL_RETRY);
    assert_int_equal(my_classify_connect(ER_CON_COUNT_ERROR, "08004"), SQL_RETRY);
    /* An init_query refused for its data is still no reason to wait. */
    assert_int_equal(my_classify_connect(ER_DUP_ENTRY, "23000"), SQL_FATAL);
}

static sql_column typed(const char *data_type, const char *column_type)
{
    sql_column col = {0};
    my_column_type(&col, data_type, column_type);
    return col;
}

static void test_column_types(void **unused)
{
    (void)unused;
    assert_int_equal(typed("tinyint", "tinyint(1)").type, SQL_TYPE_BOOL);
    sql_column c = typed("tinyint", "tinyint(4)");
    assert_int_equal(c.type, SQL_TYPE_INT);
    assert_int_equal(c.min, -128);
    assert_int_equal(c.max, 127);
    c = typed("tinyint", "tinyint(3) unsigned");
    assert_int_equal(c.min, 0);
    assert_int_equal(c.max, 255);
    c = typed("mediumint", "mediumint(8) unsigned");
    assert_int_equal(c.max, 16777215);
    c = typed("int", "int(11)");
    assert_int_equal(c.min, INT32_MIN);
    assert_int_equal(c.max, INT32_MAX);
    c = typed("int", "int(10) unsigned");
    assert_int_equal(c.max, UINT32_MAX);
    c = typed("bigint", "bigint(20) unsigned");
    assert_int_equal(c.min, 0);
    assert_int_equal(c.max, INT64_MAX);
    assert_int_equal(typed("double", "double").type, SQL_TYPE_FLOAT);
    assert_int_equal(typed("float", "float").type, SQL_TYPE_FLOAT);
    assert_int_equal(typed("decimal", "decimal(10,2)").type, SQL_TYPE_DECIMAL);
    assert_int_equal(typed("date", "date").type, SQL_TYPE_DATE);
    assert_int_equal(typed("time", "time(3)").type, SQL_TYPE_TIME);
    assert_int_equal(typed("datetime", "datetime(6)").type, SQL_TYPE_TIMESTAMP);
    assert_int_equal(typed("timestamp", "timestamp").type, SQL_TYPE_TIMESTAMP);
    assert_int_equal(typed("varbinary", "varbinary(16)").type, SQL_TYPE_BYTES);
    assert_int_equal(typed("longblob", "longblob").type, SQL_TYPE_BYTES);
    assert_int_equal(typed("json", "json").type, SQL_TYPE_JSON);
    assert_int_equal(typed("varchar", "varchar(20)").type, SQL_TYPE_TEXT);
    assert_int_equal(typed("enum", "enum('a','b')").type, SQL_TYPE_TEXT);
    c = typed("year", "year(4)");
    assert_int_equal(c.type, SQL_TYPE_INT);
    assert_int_equal(c.max, 2155);
}

static void test_identifier_quoting(void **unused)
{
    (void)unused;
    my_text t = {0};
    assert_true(my_text_ident(&t, "card"));
    assert_string_equal(t.data, "`card`");
    my_text_reset(&t);
    assert_true(my_text_ident(&t, "a`b``c"));
    assert_string_equal(t.data, "`a``b````c`");
    my_text_reset(&t);
    assert_true(my_text_ident(&t, "x; DROP TABLE y"));
    assert_string_equal(t.data, "`x; DROP TABLE y`");
    my_text_reset(&t);
    assert_true(my_text_ident(&t, "`"));
    assert_string_equal(t.data, "````");
    my_text_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connection_loss_is_retry), cmocka_unit_test(test_data_errors),
        cmocka_unit_test(test_everything_else_is_fatal), cmocka_unit_test(test_connect),
        cmocka_unit_test(test_column_types),             cmocka_unit_test(test_identifier_quoting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
