/* tests/unit/sql_harness.h — driving a SQL sink against the fake server
 * (sql_fake.h) in cmocka tests: a config from JSON, batches of JSON
 * records, and each record's outcome as a string. */
#ifndef TESTS_UNIT_SQL_HARNESS_H
#define TESTS_UNIT_SQL_HARNESS_H

#include <sluice/sluice.h>

#include "arena.h"
#include "pipeline/stage_ctx.h"
#include "sql.h"

typedef struct sql_test {
    arena *a, *a2;
    sluice_batch *b, *b2; /* b2: a second batch in flight (threaded tests) */
    sluice_config *config;
    sluice_stage_ctx ctx;
    void *sink;
} sql_test;

extern sql_test T;

/* cmocka setup / teardown: a fresh fake server, arena and batch. */
int sql_test_setup(void **state);
int sql_test_teardown(void **state);
/* Inits the sink (backend: the fake) with `json` as its config:
 * SLUICE_OK or SLUICE_ERROR.  Its jobs run inline, on the test's thread
 * (sql_sink_set_inline), so the fake is only ever called from there. */
int sql_test_start(const char *json);
/* The same with the sink's own I/O thread: between a write and its flush
 * the test must leave `fake` alone (the thread may be using it). */
int sql_test_start_threaded(const char *json);
/* Inline, with a backend that allows two connections for inserts. */
int sql_test_start_lanes(const char *json);
/* write then flush of T.b, as the core does for push origins: the first
 * of them that does not return SLUICE_OK decides. */
int sql_test_write(void);
/* Makes T.b a new batch of records, each given as JSON ("{\"id\":1}"). */
void sql_test_batch(const char *const *records, size_t n);
/* The same for batch b of arena a (reset first). */
void sql_test_fill(sluice_batch *b, arena *a, const char *const *records, size_t n);
#define BATCH(...)                                                                                          \
    do {                                                                                                    \
        static const char *const recs_[] = {__VA_ARGS__};                                                    \
        sql_test_batch(recs_, sizeof recs_ / sizeof *recs_);                                                \
    } while (0)
/* Record i's outcome: "done", "retry", or "<code> <message>". */
const char *sql_test_outcome(size_t i);
/* The same in batch b. */
const char *sql_test_outcome_of(const sluice_batch *b, size_t i);

#endif
