/* tests/unit/test_sql_sink.c — the SQL sink's write() against a fake
 * server (sql_fake.c): one transaction per batch, bisection that finds
 * exactly the refused records in O(k log n) statements and writes the
 * others once, retry marks on a lost connection (at COMMIT too), groups
 * per column set, upsert keys, the table cache, name matching. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config/schema.h"
#include "sink_impl.h"
#include "sql_fake.h"
#include "sql_harness.h"

static void insert_writes_one_transaction(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"trips\"}"), SLUICE_OK);
    assert_int_equal(fake.connects, 0); /* lazily, at the first write */
    BATCH("{\"id\": 1, \"fare\": \"12.50\", \"note\": \"a\", \"other\": 5}", "{\"id\": 2, \"fare\": 3, \"note\": \"b\"}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "done");
    assert_string_equal(sql_test_outcome(1), "done");
    assert_int_equal(fake_count("trips:id=1,fare=12.50,note=a"), 1);
    assert_int_equal(fake_count("trips:id=2,fare=3,note=b"), 1);
    assert_int_equal(fake.begins, 1);
    assert_int_equal(fake.commits, 1);
    assert_int_equal(fake.writes, 1);
    assert_int_equal(fake.bulk_writes, 1);
    assert_int_equal(fake.savepoints, 1);
    assert_int_equal(fake.releases, 1);
    /* the next batch: same connection, table described once per run */
    BATCH("{\"id\": 3}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_int_equal(fake_count("trips:id=3"), 1);
    assert_int_equal(fake.connects, 1);
    assert_int_equal(fake.describes, 1);
}

/* 64 rows, 3 refused by the server: exactly those are record errors, the
 * others are committed once, in O(k log n) statements. */
static void bisection_finds_refused_rows(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"trips\"}"), SLUICE_OK);
    static char text[64][64];
    const char *recs[64];
    for (int i = 0; i < 64; i++) {
        snprintf(text[i], sizeof text[i], "{\"id\": %d, \"note\": \"%s\"}", i, i == 5 || i == 40 ? "bad" : "x");
        if (i == 41)
            snprintf(text[i], sizeof text[i], "{\"id\": 7, \"note\": \"x\"}"); /* a duplicate of id 7 */
        recs[i] = text[i];
    }
    sql_test_batch(recs, 64);
    assert_int_equal(sql_test_write(), SLUICE_OK);
    for (int i = 0; i < 64; i++) {
        if (i == 5 || i == 40)
            assert_string_equal(sql_test_outcome((size_t)i),
                                "SQL_05 SQLSTATE 23514: new row violates check constraint \"no_bad\"");
        else if (i == 41)
            assert_string_equal(sql_test_outcome((size_t)i),
                                "SQL_05 SQLSTATE 23505: duplicate key value violates unique constraint");
        else
            assert_string_equal(sql_test_outcome((size_t)i), "done");
    }
    assert_int_equal(fake.n_committed, 61);
    for (int i = 0; i < 64; i++) {
        char row[64];
        snprintf(row, sizeof row, "trips:id=%d,note=x", i);
        assert_int_equal(fake_count(row), i == 5 || i == 40 || i == 41 ? 0 : 1);
    }
    /* 1 bulk attempt, then at most 2 attempts per level per bad row */
    assert_true(fake.writes <= 1 + 2 * 3 * 6);
    assert_int_equal(fake.bulk_writes, 1);
    assert_int_equal(fake.savepoints, fake.writes);
    assert_int_equal(fake.max_depth, 1); /* never one savepoint per row up front */
    assert_int_equal(fake.commits, 1);
}

static void single_bad_row(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"trips\"}"), SLUICE_OK);
    BATCH("{\"id\": 1, \"note\": \"bad\"}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "SQL_05 SQLSTATE 23514: new row violates check constraint \"no_bad\"");
    assert_int_equal(fake.writes, 1);
    assert_int_equal(fake.n_committed, 0);
}

/* COMMIT loses the connection: everything is retried, refused rows too,
 * and the next offer writes each row once. */
static void retry_at_commit(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"trips\"}"), SLUICE_OK);
    fake.retry_commit = 1;
    BATCH("{\"id\": 1}", "{\"id\": 2, \"note\": \"bad\"}", "{\"id\": \"x\"}", "{\"id\": 3}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "retry");
    assert_string_equal(sql_test_outcome(1), "retry");
    assert_string_equal(sql_test_outcome(2), "SQL_04 field '/id' for column \"id\" (int4): 'x' is not an integer");
    assert_string_equal(sql_test_outcome(3), "retry");
    assert_int_equal(fake.n_committed, 0);
    assert_int_equal(fake.disconnects, 1);
    BATCH("{\"id\": 1}", "{\"id\": 2, \"note\": \"bad\"}", "{\"id\": 3}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "done");
    assert_string_equal(sql_test_outcome(1), "SQL_05 SQLSTATE 23514: new row violates check constraint \"no_bad\"");
    assert_int_equal(fake.connects, 2);
    assert_int_equal(fake.describes, 1); /* the cache outlives the connection */
    assert_int_equal(fake_count("trips:id=1"), 1);
    assert_int_equal(fake_count("trips:id=3"), 1);
}

static void retry_while_writing_and_connecting(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"${record:value('/t')}\"}"), SLUICE_OK);
    fake.retry_connect = 1;
    BATCH("{\"t\": \"trips\", \"id\": 1}", "{\"t\": \"\", \"id\": 2}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "retry");
    assert_string_equal(sql_test_outcome(1), "retry");
    fake.retry_write = 1;
    BATCH("{\"t\": \"trips\", \"id\": 1}", "{\"t\": \"\", \"id\": 2}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "retry");
    assert_string_equal(sql_test_outcome(1), "SQL_01 table: the expression gave an empty name");
    assert_int_equal(fake.rollbacks, 0);
    assert_int_equal(fake.disconnects, 1);
    fake.retry_describe = 1;
    sql_sink_destroy(T.sink);
    T.sink = NULL;
    assert_int_equal(sql_sink_init(&T.ctx, T.config, &fake_backend, &T.sink), SLUICE_OK);
    sql_sink_set_inline(T.sink);
    BATCH("{\"t\": \"\"}", "{\"t\": \"trips\", \"id\": 1}", "{\"t\": \"trips\", \"id\": 2}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "SQL_01 table: the expression gave an empty name");
    assert_string_equal(sql_test_outcome(1), "retry");
    assert_string_equal(sql_test_outcome(2), "retry");
    assert_int_equal(fake.n_committed, 0);
}

static void fatal_stops_the_pipeline(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"trips\"}"), SLUICE_OK);
    fake.fatal_write = 1;
    BATCH("{\"id\": 1}");
    assert_int_equal(sql_test_write(), SLUICE_ERROR);
    assert_string_equal(stage_ctx_error(&T.ctx),
                        "writing to table \"trips\": SQLSTATE 42501: permission denied for table trips");
    assert_int_equal(fake.rollbacks, 1);
    fake.fatal_write = 0;
    sql_sink_destroy(T.sink);
    config_free(T.config);
    assert_int_equal(sql_test_start("{\"table\": \"${record:value('/t')}\"}"), SLUICE_OK);
    BATCH("{\"t\": \"trips\", \"id\": 1}", "{\"t\": \"forbidden\", \"id\": 2}");
    assert_int_equal(sql_test_write(), SLUICE_ERROR);
    assert_string_equal(stage_ctx_error(&T.ctx),
                        "reading the columns of table \"forbidden\": SQLSTATE 42501: permission denied for schema s");
    fake.fatal_connect = 1;
    assert_int_equal(sql_test_write(), SLUICE_ERROR);
    assert_string_equal(stage_ctx_error(&T.ctx), "connecting to fake: password authentication failed");
}

/* Absent fields are left out (their DEFAULT applies): one group, hence
 * one statement, per column set, rows in batch order within it. */
static void groups_by_column_set(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"${record:value('/t')}\"}"), SLUICE_OK);
    BATCH("{\"t\": \"trips\", \"id\": 1, \"note\": \"a\"}", "{\"t\": \"trips\", \"id\": 2}",
          "{\"t\": \"nokey\", \"note\": \"n\"}", "{\"t\": \"trips\", \"note\": \"c\", \"id\": 3}",
          "{\"t\": \"trips\", \"id\": 4, \"note\": null}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(fake.shapes, "trips:2:3 trips:1:1 nokey:1:1");
    assert_int_equal(fake.n_committed, 5);
    assert_string_equal(fake.committed[0], "trips:id=1,note=a");
    assert_string_equal(fake.committed[1], "trips:id=3,note=c");
    assert_string_equal(fake.committed[2], "trips:id=4,note=NULL");
    assert_string_equal(fake.committed[3], "trips:id=2");
    assert_string_equal(fake.committed[4], "nokey:note=n");
    assert_int_equal(fake.describes, 2);
}

static void upsert_keys(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"${record:value('/t')}\", \"operation\": \"upsert\"}"), SLUICE_OK);
    BATCH("{\"t\": \"trips\", \"id\": 1, \"note\": \"a\"}", "{\"t\": \"trips\", \"note\": \"b\"}",
          "{\"t\": \"nokey\", \"note\": \"n\"}", "{\"t\": \"trips\", \"id\": 1, \"note\": \"c\"}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "done");
    assert_string_equal(sql_test_outcome(1), "SQL_06 upsert into table \"trips\": no field for key column \"id\"");
    assert_string_equal(sql_test_outcome(2), "SQL_06 upsert into table \"nokey\" needs key_columns: it has no primary key");
    assert_string_equal(sql_test_outcome(3), "done");
    assert_int_equal(fake.n_committed, 1);
    assert_string_equal(fake.committed[0], "trips:id=1,note=c");
    assert_string_equal(fake.shapes, "trips:2:1 trips:2:1"); /* one key twice: two statements, in order */
}

/* Upsert keeps the batch's order for a key across column sets too: a
 * row repeating a key runs in a later generation of statements. */
static void upsert_order_across_shapes(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"trips\", \"operation\": \"upsert\"}"), SLUICE_OK);
    BATCH("{\"id\": 1, \"note\": \"a\"}", "{\"id\": 1, \"fare\": 1}", "{\"id\": 2, \"small\": 3}",
          "{\"id\": 2, \"fare\": 2}", "{\"id\": 3, \"fare\": 3}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(fake.shapes, "trips:2:1 trips:2:1 trips:2:1 trips:2:2"); /* A0 C0 B0 B1 */
    assert_int_equal(fake.n_committed, 3);
    assert_int_equal(fake_count("trips:id=1,fare=1"), 1);
    assert_int_equal(fake_count("trips:id=2,fare=2"), 1);
    assert_int_equal(fake_count("trips:id=3,fare=3"), 1);
}

static void upsert_key_columns_config(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"${record:value('/t')}\", \"operation\": \"upsert\","
                           " \"key_columns\": [\"NOTE\"]}"),
                     SLUICE_OK);
    BATCH("{\"t\": \"nokey\", \"note\": \"n\"}", "{\"t\": \"trips\", \"id\": 1}", "{\"t\": \"Mixed\", \"id\": 1}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "done");
    assert_string_equal(sql_test_outcome(1), "SQL_06 upsert into table \"trips\": no field for key column \"note\"");
    assert_string_equal(sql_test_outcome(2), "SQL_06 key_columns: table \"Mixed\" has no column \"NOTE\"");
}

/* A constant table that cannot take the upsert stops the pipeline at
 * the first write, before any record is written. */
static void constant_table_without_keys_fails(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"nokey\", \"operation\": \"upsert\"}"), SLUICE_OK);
    BATCH("{\"note\": \"n\"}");
    assert_int_equal(sql_test_write(), SLUICE_ERROR);
    assert_string_equal(stage_ctx_error(&T.ctx), "upsert into table \"nokey\" needs key_columns: it has no primary key");
    assert_int_equal(fake.begins, 0);
}

/* Exact names first, then the one column equal ignoring case; two
 * columns equal ignoring case take only exact names. */
static void column_names_and_overrides(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"${record:value('/t')}\","
                           " \"columns\": [{\"field\": \"/x/y\", \"column\": \"Note\"}]}"),
                     SLUICE_OK);
    BATCH("{\"t\": \"trips\", \"ID\": 1, \"Fare\": 2, \"note\": \"ignored\", \"x\": {\"y\": \"over\"}}",
          "{\"t\": \"trips\", \"ID\": 2}", "{\"t\": \"Mixed\", \"Fare\": 1}", "{\"t\": \"Mixed\", \"FARE\": 2, \"ID\": 3}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "done");
    assert_string_equal(sql_test_outcome(1), "done");
    assert_string_equal(sql_test_outcome(2), "SQL_03 columns[0]: table \"Mixed\" has no column \"Note\"");
    assert_int_equal(fake_count("trips:id=1,fare=2,note=over"), 1);
    assert_int_equal(fake_count("trips:id=2"), 1); /* the override's field absent: column left out */
    BATCH("{\"t\": \"trips\", \"id\": 9, \"FARE\": 1, \"fare\": 2, \"Fare\": 3}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_int_equal(fake_count("trips:id=9,fare=2"), 1); /* the exact name wins */
}

static void no_matching_column(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"Mixed\"}"), SLUICE_OK);
    BATCH("{\"Fare\": 1, \"other\": 2}", "[1, 2]", "{\"FARE\": 2, \"ID\": 3}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "SQL_03 no field of the record matches a column of table \"Mixed\"");
    assert_string_equal(sql_test_outcome(1), "SQL_03 no field of the record matches a column of table \"Mixed\"");
    assert_string_equal(sql_test_outcome(2), "done");
    assert_int_equal(fake_count("Mixed:FARE=2,id=3"), 1);
}

/* A name that is no table never reaches SQL; negatives last one batch. */
static void unknown_tables(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"${record:value('/t')}\"}"), SLUICE_OK);
    BATCH("{\"t\": \"x; DROP TABLE y\", \"id\": 1}", "{\"t\": \"trips\", \"id\": 2}",
          "{\"t\": \"x; DROP TABLE y\", \"id\": 3}", "{\"t\": \"trips\", \"id\": 4}", "{\"id\": 5}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "SQL_02 table \"x; DROP TABLE y\" does not exist");
    assert_string_equal(sql_test_outcome(2), "SQL_02 table \"x; DROP TABLE y\" does not exist");
    assert_string_equal(sql_test_outcome(4), "SQL_01 table: the expression gave an empty name");
    assert_int_equal(fake.describes, 2);
    BATCH("{\"t\": \"x; DROP TABLE y\", \"id\": 1}", "{\"t\": \"trips\", \"id\": 6}",
          "{\"t\": \"trips\\u0000x\", \"id\": 7}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_int_equal(fake.describes, 3); /* the negative asked again, trips not */
    assert_string_equal(sql_test_outcome(2), "SQL_02 table \"trips\\0...\" does not exist (a NUL byte in the name)");
    assert_int_equal(fake.n_committed, 3);
}

static void conversion_errors(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"trips\"}"), SLUICE_OK);
    BATCH("{\"id\": 1, \"fare\": \"abc\"}", "{\"id\": 2, \"small\": 40000}", "{\"id\": 3, \"at\": \"2023-02-30\"}",
          "{\"id\": 4, \"ok\": \"maybe\"}",
          "{\"id\": 5, \"at\": \"2013-01-13T06:36:00.5+02:00\", \"ok\": \"YES\", \"fare\": 1.50, \"small\": \"-7\"}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome(0), "SQL_04 field '/fare' for column \"fare\" (numeric): 'abc' is not a number");
    assert_string_equal(sql_test_outcome(1), "SQL_04 field '/small' for column \"small\" (int2): 40000 is out of range [-32768, 32767]");
    assert_string_equal(sql_test_outcome(2), "SQL_04 field '/at' for column \"at\" (timestamptz): '2023-02-30' is not a "
                                    "timestamp (RFC 3339 or yyyy-MM-dd HH:mm:ss)");
    assert_string_equal(sql_test_outcome(3), "SQL_04 field '/ok' for column \"ok\" (bool): 'maybe' is not a boolean");
    assert_string_equal(sql_test_outcome(4), "done");
    assert_int_equal(fake_count("trips:id=5,fare=1.50,at=2013-01-13 04:36:00.5,small=-7,ok=true"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(insert_writes_one_transaction, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(bisection_finds_refused_rows, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(single_bad_row, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(retry_at_commit, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(retry_while_writing_and_connecting, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(fatal_stops_the_pipeline, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(groups_by_column_set, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(upsert_keys, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(upsert_order_across_shapes, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(upsert_key_columns_config, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(constant_table_without_keys_fails, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(column_names_and_overrides, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(no_matching_column, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(unknown_tables, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(conversion_errors, sql_test_setup, sql_test_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
