/* tests/unit/test_sql_io_thread.c — the SQL sink with its I/O thread
 * (plugins/sql/io_thread.c) against the fake server: two batches in
 * flight as the core's flush contract allows (write N, write N+1, flush
 * N, flush N+1), their outcomes and rows; the connection handed back to
 * the runner for a table-cache miss; retry and fatal inside the thread;
 * destroy with batches not flushed.  The same overlap runs inline too.
 *
 * `fake` is touched by the test only when no job is queued or running
 * (after a flush), so the thread and the test never use it at once. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "record/record_impl.h"
#include "sink_impl.h"
#include "sql_fake.h"
#include "sql_harness.h"

#define FILL(b, a, ...)                                                                                     \
    do {                                                                                                    \
        static const char *const recs_[] = {__VA_ARGS__};                                                    \
        sql_test_fill(b, a, recs_, sizeof recs_ / sizeof *recs_);                                            \
    } while (0)

/* write(N) write(N+1) flush(N) flush(N+1), a refused row in N. */
static void two_in_flight(void)
{
    FILL(T.b, T.a, "{\"id\": 1}", "{\"id\": 2, \"note\": \"bad\"}", "{\"id\": \"x\"}", "{\"id\": 3}");
    FILL(T.b2, T.a2, "{\"id\": 4}", "{\"id\": 5, \"note\": \"n\"}");
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_write(T.sink, T.b2), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_OK);
    assert_string_equal(sql_test_outcome_of(T.b, 0), "done");
    assert_string_equal(sql_test_outcome_of(T.b, 1),
                        "SQL_05 SQLSTATE 23514: new row violates check constraint \"no_bad\"");
    assert_string_equal(sql_test_outcome_of(T.b, 2),
                        "SQL_04 field '/id' for column \"id\" (int4): 'x' is not an integer");
    assert_string_equal(sql_test_outcome_of(T.b, 3), "done");
    assert_int_equal(sql_sink_flush(T.sink, T.b2), SLUICE_OK);
    assert_string_equal(sql_test_outcome_of(T.b2, 0), "done");
    assert_string_equal(sql_test_outcome_of(T.b2, 1), "done");
    assert_int_equal(fake.n_committed, 4);
    assert_string_equal(fake.committed[0], "trips:id=1"); /* batches commit in write order */
    assert_string_equal(fake.committed[1], "trips:id=3");
    assert_string_equal(fake.committed[2], "trips:id=4");
    assert_string_equal(fake.committed[3], "trips:id=5,note=n");
    assert_int_equal(fake.begins, 2);
    assert_int_equal(fake.commits, 2);
    assert_int_equal(fake.connects, 1);
    assert_int_equal(fake.describes, 1);
}

static void overlap_threaded(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start_threaded("{\"table\": \"trips\"}"), SLUICE_OK);
    fake.write_delay_us = 2000; /* N+1 is planned while N is written */
    two_in_flight();
}

static void overlap_inline(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start("{\"table\": \"trips\"}"), SLUICE_OK);
    two_in_flight();
}

/* N+1 names a table not cached yet: the runner waits for N's job, then
 * describes on the connection; the next batches never wait. */
static void cache_miss_takes_the_connection_back(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start_threaded("{\"table\": \"${record:value('/t')}\"}"), SLUICE_OK);
    fake.write_delay_us = 2000; /* N's job is still running when N+1 misses */
    for (int round = 0; round < 50; round++) {
        FILL(T.b, T.a, "{\"t\": \"trips\", \"id\": 1}");
        FILL(T.b2, T.a2, "{\"t\": \"nokey\", \"note\": \"n\"}", "{\"t\": \"nope\", \"note\": \"n\"}");
        assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
        assert_int_equal(sql_sink_write(T.sink, T.b2), SLUICE_OK);
        assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_OK);
        assert_int_equal(sql_sink_flush(T.sink, T.b2), SLUICE_OK);
        assert_string_equal(sql_test_outcome_of(T.b, 0), round ? "SQL_05 SQLSTATE 23505: duplicate key value violates "
                                                                 "unique constraint"
                                                               : "done");
        assert_string_equal(sql_test_outcome_of(T.b2, 0), "done");
        assert_string_equal(sql_test_outcome_of(T.b2, 1), "SQL_02 table \"nope\" does not exist");
    }
    assert_int_equal(fake.connects, 1);
    assert_int_equal(fake.describes, 2 + 50); /* trips and nokey once; the negative per batch */
    assert_int_equal(fake_count("trips:id=1"), 1);
    assert_int_equal(fake_count("nokey:note=n"), 50);
    assert_int_equal(fake_overlaps(), 0);
}

/* The connection is lost at N's COMMIT while N+1 waits: N is offered
 * again, N+1 reconnects and commits. */
static void retry_in_the_thread(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start_threaded("{\"table\": \"trips\"}"), SLUICE_OK);
    fake.retry_commit = 1;
    fake.write_delay_us = 2000; /* N+1 is queued while N runs */
    FILL(T.b, T.a, "{\"id\": 1}", "{\"id\": \"x\"}", "{\"id\": 2, \"note\": \"bad\"}");
    FILL(T.b2, T.a2, "{\"id\": 3}");
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_write(T.sink, T.b2), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b2), SLUICE_OK);
    assert_string_equal(sql_test_outcome_of(T.b, 0), "retry");
    assert_string_equal(sql_test_outcome_of(T.b, 1),
                        "SQL_04 field '/id' for column \"id\" (int4): 'x' is not an integer");
    assert_string_equal(sql_test_outcome_of(T.b, 2), "retry"); /* its refusal was never committed */
    /* N+1 was queued before N's retry was settled: not run, retried after
     * N's records, so that the two never land out of order. */
    assert_string_equal(sql_test_outcome_of(T.b2, 0), "retry");
    assert_int_equal(fake.disconnects, 1);
    assert_int_equal(fake.connects, 1);
    assert_int_equal(fake.n_committed, 0);
    /* The core's next offers (N's records, then N+1's) are written. */
    FILL(T.b, T.a, "{\"id\": 1}", "{\"id\": 2, \"note\": \"bad\"}");
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_OK);
    FILL(T.b2, T.a2, "{\"id\": 3}");
    assert_int_equal(sql_sink_write(T.sink, T.b2), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b2), SLUICE_OK);
    assert_string_equal(sql_test_outcome_of(T.b, 0), "done");
    assert_string_equal(sql_test_outcome_of(T.b, 1),
                        "SQL_05 SQLSTATE 23514: new row violates check constraint \"no_bad\"");
    assert_string_equal(sql_test_outcome_of(T.b2, 0), "done");
    assert_int_equal(fake.connects, 2);
    assert_string_equal(fake.committed[0], "trips:id=1");
    assert_string_equal(fake.committed[1], "trips:id=3");
    assert_int_equal(fake.n_committed, 2);
}

static void wait_job_finished(uint64_t k)
{
    sql_sink *s = T.sink;
    for (;;) {
        pthread_mutex_lock(&s->jobs.lock);
        bool done = s->jobs.finished[k % 3] > k;
        pthread_mutex_unlock(&s->jobs.lock);
        if (done)
            return;
        usleep(100);
    }
}

/* write(N), write(N+1), flush(N), flush(N+1) with N's COMMIT lost: N+1
 * was queued behind N, so it is retried too, not written.  Threaded, N
 * has finished before N+1 is queued, and flush(N) may come before the
 * thread gets to N+1: the skip is decided at enqueue.  Inline, jobs run
 * only when flushed. */
static void retried_behind(bool threaded)
{
    const char *config = "{\"table\": \"trips\"}";
    assert_int_equal(threaded ? sql_test_start_threaded(config) : sql_test_start(config), SLUICE_OK);
    fake.retry_commit = 1;
    FILL(T.b, T.a, "{\"id\": 1}");
    FILL(T.b2, T.a2, "{\"id\": 3}");
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    if (threaded)
        wait_job_finished(0);
    assert_int_equal(sql_sink_write(T.sink, T.b2), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b2), SLUICE_OK);
    assert_string_equal(sql_test_outcome_of(T.b, 0), "retry");
    assert_string_equal(sql_test_outcome_of(T.b2, 0), "retry");
}

static void retry_finished_before_next_queued(void **state)
{
    (void)state;
    retried_behind(true);
}

static void retry_inline(void **state)
{
    (void)state;
    retried_behind(false);
}

/* N+1 settled in write with retries (its describe lost the connection):
 * N+2, written before N+1 is flushed, is retried, not written before
 * N+1's records. */
static void write_settled_retry_next_is_written(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start_threaded("{\"table\": \"${record:value('/t')}\", \"operation\": \"upsert\"}"),
                     SLUICE_OK);
    arena *a3 = arena_new(0);
    sluice_batch *b3 = batch_new(a3);
    FILL(T.b, T.a, "{\"t\": \"trips\", \"id\": 1}");
    assert_int_equal(sql_test_write(), SLUICE_OK); /* trips cached */
    FILL(T.b, T.a, "{\"t\": \"trips\", \"id\": 1}");                                  /* N (R0) */
    FILL(T.b2, T.a2, "{\"t\": \"Mixed\", \"id\": 5}", "{\"t\": \"trips\", \"id\": 2, \"note\": \"old\"}"); /* N+1 */
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    fake.retry_describe = 1; /* touched while N's job may run: only read at describe, after wait_idle */
    assert_int_equal(sql_sink_write(T.sink, T.b2), SLUICE_OK); /* Mixed: miss, describe lost: settled */
    assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_OK);    /* complete(R0) */
    FILL(T.b, T.a, "{\"t\": \"trips\", \"id\": 2, \"note\": \"new\"}"); /* N+2 (R0) */
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b2), SLUICE_OK); /* complete(R1): flush N+1 */
    assert_string_equal(sql_test_outcome_of(T.b2, 1), "retry");
    assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_OK); /* retry_destination: flush_through */
    const char *n2 = sql_test_outcome_of(T.b, 0);
    FILL(b3, a3, "{\"t\": \"Mixed\", \"id\": 5}", "{\"t\": \"trips\", \"id\": 2, \"note\": \"old\"}");
    assert_int_equal(sql_sink_write(T.sink, b3), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, b3), SLUICE_OK);
    batch_free(b3);
    arena_free(a3);
    assert_string_equal(n2, "retry");
    assert_int_equal(fake_count("trips:id=2,note=new"), 0);
}

/* A retry settled before the next batch was written (write and flush at
 * once: push origins, shared stages): the next batch is written. */
static void retry_then_next_batch(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start_threaded("{\"table\": \"trips\"}"), SLUICE_OK);
    fake.retry_commit = 1;
    FILL(T.b, T.a, "{\"id\": 1}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome_of(T.b, 0), "retry");
    FILL(T.b, T.a, "{\"id\": 3}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_string_equal(sql_test_outcome_of(T.b, 0), "done");
    assert_int_equal(fake_count("trips:id=3"), 1);
}

/* A fatal failure in N's transaction stops the pipeline at flush(N);
 * destroy then comes with N+1 written and not flushed. */
static void fatal_in_the_thread(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start_threaded("{\"table\": \"trips\"}"), SLUICE_OK);
    fake.fatal_write = 1;
    FILL(T.b, T.a, "{\"id\": 1}");
    FILL(T.b2, T.a2, "{\"id\": 2}");
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_write(T.sink, T.b2), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_ERROR);
    assert_string_equal(stage_ctx_error(&T.ctx),
                        "writing to table \"trips\": SQLSTATE 42501: permission denied for table trips");
    sql_sink_destroy(T.sink); /* joins: N+1 ran or was dropped, never half */
    T.sink = NULL;
    assert_int_equal(fake.n_committed, 0);
    assert_false(fake.in_txn);
}

/* Destroy with two batches written and not flushed. */
static void destroy_with_batches_in_flight(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start_threaded("{\"table\": \"trips\"}"), SLUICE_OK);
    FILL(T.b, T.a, "{\"id\": 1}");
    FILL(T.b2, T.a2, "{\"id\": 2}");
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_write(T.sink, T.b2), SLUICE_OK);
    sql_sink_destroy(T.sink);
    T.sink = NULL;
    assert_true(fake.n_committed <= 2); /* committed or not: never read, offered again */
    assert_false(fake.in_txn);
    assert_false(fake.connected);
}

/* A batch without a row settles in write; a third write without a flush
 * (outside the contract) settles the oldest first. */
static void settled_in_write(void **state)
{
    (void)state;
    assert_int_equal(sql_test_start_threaded("{\"table\": \"trips\"}"), SLUICE_OK);
    FILL(T.b, T.a, "{\"id\": \"x\"}");
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_OK);
    assert_string_equal(sql_test_outcome_of(T.b, 0),
                        "SQL_04 field '/id' for column \"id\" (int4): 'x' is not an integer");
    assert_int_equal(fake.begins, 0);
    FILL(T.b, T.a, "{\"id\": 1, \"note\": \"bad\"}");
    FILL(T.b2, T.a2, "{\"id\": 2}");
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_write(T.sink, T.b2), SLUICE_OK);
    arena *a3 = arena_new(0);
    sluice_batch *b3 = batch_new(a3);
    FILL(b3, a3, "{\"id\": 3}");
    assert_int_equal(sql_sink_write(T.sink, b3), SLUICE_OK); /* settles T.b first */
    assert_string_equal(sql_test_outcome_of(T.b, 0),
                        "SQL_05 SQLSTATE 23514: new row violates check constraint \"no_bad\"");
    assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b2), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, b3), SLUICE_OK);
    assert_string_equal(sql_test_outcome_of(T.b2, 0), "done");
    assert_string_equal(sql_test_outcome_of(b3, 0), "done");
    assert_int_equal(fake.n_committed, 2);
    assert_int_equal(fake_count("trips:id=2"), 1);
    assert_int_equal(fake_count("trips:id=3"), 1);
    batch_free(b3);
    arena_free(a3);
}

/* write(N) write(N+1) flush(N) flush(N+1) with two lanes, inline: the
 * lanes each batch got, then write and flush of N+2, with nothing in
 * flight. */
static void lanes_of_three(const char *config, const unsigned want[3], int want_connects)
{
    assert_int_equal(sql_test_start_lanes(config), SLUICE_OK);
    FILL(T.b, T.a, "{\"id\": 1}");
    FILL(T.b2, T.a2, "{\"id\": 2}");
    assert_int_equal(sql_sink_write(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_write(T.sink, T.b2), SLUICE_OK);
    sql_sink *s = T.sink;
    assert_int_equal(s->jobs.slot[0].lane, want[0]);
    assert_int_equal(s->jobs.slot[1].lane, want[1]);
    assert_int_equal(sql_sink_flush(T.sink, T.b), SLUICE_OK);
    assert_int_equal(sql_sink_flush(T.sink, T.b2), SLUICE_OK);
    FILL(T.b, T.a, "{\"id\": 3}");
    assert_int_equal(sql_test_write(), SLUICE_OK);
    assert_int_equal(s->jobs.slot[0].lane, want[2]);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(sql_test_outcome_of(i < 2 ? T.b2 : T.b, 0), "done");
    assert_int_equal(fake.n_committed, 3); /* in batch order */
    assert_true(strstr(fake.committed[0], ":id=1") && strstr(fake.committed[1], ":id=2") &&
                strstr(fake.committed[2], ":id=3"));
    assert_int_equal(fake.connects, want_connects);
}

/* Inserts: N+1, written while N is in flight, goes to the other lane (its
 * own connection); N+2, written with nothing in flight, stays on N+1's. */
static void lanes_alternate_while_in_flight(void **state)
{
    (void)state;
    lanes_of_three("{\"table\": \"trips\"}", (const unsigned[]){0, 1, 1}, 2);
}

/* A table the backend marks serial (a PostgreSQL foreign key): N+1 runs
 * after N on the same lane. */
static void lanes_serial_table_stays(void **state)
{
    (void)state;
    lanes_of_three("{\"table\": \"linked\"}", (const unsigned[]){0, 0, 0}, 1);
}

/* Upserts, and "connections": 1, keep one lane. */
static void lanes_not_for_upserts(void **state)
{
    (void)state;
    lanes_of_three("{\"table\": \"trips\", \"operation\": \"upsert\"}", (const unsigned[]){0, 0, 0}, 1);
}

static void lanes_not_when_one_connection(void **state)
{
    (void)state;
    lanes_of_three("{\"table\": \"trips\", \"connections\": 1}", (const unsigned[]){0, 0, 0}, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(overlap_threaded, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(overlap_inline, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(cache_miss_takes_the_connection_back, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(retry_in_the_thread, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(retry_then_next_batch, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(retry_finished_before_next_queued, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(retry_inline, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(write_settled_retry_next_is_written, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(fatal_in_the_thread, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(destroy_with_batches_in_flight, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(settled_in_write, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(lanes_alternate_while_in_flight, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(lanes_serial_table_stays, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(lanes_not_for_upserts, sql_test_setup, sql_test_teardown),
        cmocka_unit_test_setup_teardown(lanes_not_when_one_connection, sql_test_setup, sql_test_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
