/* tests/unit/sql_fake.h — a fake SQL server behind the sql_backend
 * interface, for the SQL sink's unit tests: a few fixed tables, a
 * transaction with savepoints that really discard what they roll back,
 * counters of every statement, and failures on demand.
 *
 * It refuses, like a server's constraints would: a row with a value
 * "bad" (SQLSTATE 23514, a CHECK), a second row with the same "id" in a
 * table (23505, a unique key; upsert replaces instead).
 *
 * It is not thread-safe, as a connection is not: the sink calls it from
 * one thread at a time (its runner or its I/O thread), which it checks
 * (fake_overlaps). */
#ifndef TESTS_UNIT_SQL_FAKE_H
#define TESTS_UNIT_SQL_FAKE_H

#include "sql.h"

#define FAKE_MAX_ROWS 4096

typedef struct fake_db {
    /* counters */
    int connects, disconnects, describes, writes, bulk_writes;
    int begins, commits, rollbacks, savepoints, releases, rollbacks_to;
    size_t max_depth;
    /* failures on demand: each counts down to 0 */
    int retry_connect, fatal_connect, retry_commit, retry_write, fatal_write, retry_describe;
    /* write_rows sleeps this long: widens the window in which a sink
     * that broke its threading rule would call the fake concurrently */
    int write_delay_us;
    /* the shape of each write_rows call: "table:ncolumns:rows" appended */
    char shapes[1024];
    /* state */
    bool connected, in_txn;
    char *txn[FAKE_MAX_ROWS];
    size_t n_txn;
    size_t marks[64];
    size_t depth;
    char *committed[FAKE_MAX_ROWS];
    size_t n_committed;
} fake_db;

extern fake_db fake;
extern const sql_backend fake_backend;
/* The same, allowing two connections for inserts (one global fake
 * server behind both: inline mode only, where jobs run one at a time). */
extern const sql_backend fake_backend_lanes;

void fake_reset(void);
/* How many committed rows are exactly `row` ("trips:id=1,note=x"). */
int fake_count(const char *row);
/* How many times a call came while another was running (from another
 * thread): a sink's I/O thread and its runner must take turns. */
int fake_overlaps(void);

#endif
