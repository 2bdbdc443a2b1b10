/* plugins/sql/bisect.c — one transaction per batch, and finding the rows
 * the server refuses (issue 7: "find the offending records by bisecting
 * the batch with savepoints (not one savepoint per row) ... so only they
 * become record errors carrying the database's message and the rest is
 * written once").
 *
 *   BEGIN
 *   per group:  SAVEPOINT sluice; write_rows(all, bulk); RELEASE SAVEPOINT sluice
 *     on a data error: ROLLBACK TO SAVEPOINT sluice; RELEASE SAVEPOINT sluice;
 *     then each half of the rows in its own savepoint the same way (bulk
 *     off), splitting again the halves that fail, down to single rows:
 *     those are the record errors.  k bad rows out of n cost O(k log n)
 *     statements; good rows end up written once, since a failed attempt
 *     is rolled back to its savepoint.
 *   COMMIT, once the previous batch committed (io_thread.c, "Lanes";
 *   else ROLLBACK, and the rows' records are offered again); only then
 *   are the refused rows reported as record errors.
 *
 * The savepoint is released after a rollback to it too: both servers
 * keep a savepoint after ROLLBACK TO, and PostgreSQL would otherwise stack
 * one subtransaction per failed attempt.
 *
 * SQL_RETRY anywhere (connection lost, deadlock, serialization failure,
 * at COMMIT too): the transaction is gone, the connection is dropped and
 * every record that had a row is offered again (already-refused ones too:
 * their refusal was never committed).  Anything else stops the pipeline
 * naming the table or statement and the SQLSTATE.
 *
 * This runs on one of the sink's I/O threads (io_thread.c): the outcome
 * is left in the job, in memory the job owns, and the runner marks the
 * records at flush (sink.c, sql_job_apply). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sink_impl.h"

typedef struct txn {
    sql_sink *s;
    sql_job *job;
    sql_conn **conn;    /* the lane's */
    sql_error err;      /* the last failure */
    sql_error data_err; /* the last failed attempt's data error */
    const char *where;  /* what failed, for the stage's message: a statement ... */
    const char *table;  /* ... or writing to this table */
} txn;

/* An exec that only succeeds or fails: a data error there (a deferred
 * constraint at COMMIT, say) cannot be bisected, so it stops the pipeline. */
static sql_status exec(txn *t, const char *sql)
{
    sql_status st = t->s->backend->exec(*t->conn, sql, &t->err);
    sql_job_progressed(t->s, t->job);
    if (st != SQL_OK && st != SQL_RETRY) {
        t->where = sql;
        t->table = NULL;
        return SQL_FATAL;
    }
    return st;
}

/* Rows [lo, hi) of g in a savepoint of their own: SQL_OK (released),
 * SQL_DATA_ERROR (rolled back to it, reason in data_err), or a failure. */
static sql_status attempt(txn *t, const sql_group *g, size_t lo, size_t hi, bool bulk)
{
    sql_status st = exec(t, "SAVEPOINT sluice");
    if (st != SQL_OK)
        return st;
    st = t->s->backend->write_rows(*t->conn, g, lo, hi, bulk, &t->err);
    sql_job_progressed(t->s, t->job);
    if (st == SQL_OK)
        return exec(t, "RELEASE SAVEPOINT sluice");
    if (st != SQL_DATA_ERROR) {
        t->table = g->table->name;
        return st == SQL_RETRY ? SQL_RETRY : SQL_FATAL;
    }
    t->data_err = t->err;
    if ((st = exec(t, "ROLLBACK TO SAVEPOINT sluice")) != SQL_OK)
        return st;
    if ((st = exec(t, "RELEASE SAVEPOINT sluice")) != SQL_OK)
        return st;
    return SQL_DATA_ERROR;
}

static void *grow(void *p, size_t n, size_t size)
{
    p = realloc(p, n * size);
    if (!p)
        abort(); /* as the SDK's allocators: out of memory is not recoverable */
    return p;
}

/* Remembers the refusal in the job (malloc'ed, kept for the next
 * batches): the batch's arena is the runner's. */
static void reject(txn *t, size_t record, const sql_error *e)
{
    sql_job *job = t->job;
    char msg[600];
    if (e->sqlstate[0])
        snprintf(msg, sizeof msg, "SQLSTATE %s: %s", e->sqlstate, e->message);
    else if (e->code)
        snprintf(msg, sizeof msg, "error %d: %s", e->code, e->message);
    else
        snprintf(msg, sizeof msg, "%s", e->message);
    size_t len = strlen(msg) + 1;
    if (job->n_rejected == job->rejected_cap) {
        job->rejected_cap = job->rejected_cap ? 2 * job->rejected_cap : 16;
        job->rejected = grow(job->rejected, job->rejected_cap, sizeof *job->rejected);
    }
    if (job->reasons_len + len > job->reasons_cap) {
        job->reasons_cap = 2 * (job->reasons_len + len);
        job->reasons = grow(job->reasons, job->reasons_cap, 1);
    }
    memcpy(job->reasons + job->reasons_len, msg, len);
    job->rejected[job->n_rejected++] = (sql_rejected){record, job->reasons_len};
    job->reasons_len += len;
}

/* Rows [lo, hi) failed together (reason in data_err): each half again. */
static sql_status bisect(txn *t, const sql_group *g, size_t lo, size_t hi)
{
    if (hi - lo == 1) {
        reject(t, g->rows[lo].record, &t->data_err);
        return SQL_OK;
    }
    size_t mid = lo + (hi - lo) / 2;
    size_t range[2][2] = {{lo, mid}, {mid, hi}};
    for (int h = 0; h < 2; h++) {
        sql_status st = attempt(t, g, range[h][0], range[h][1], false);
        if (st == SQL_DATA_ERROR)
            st = bisect(t, g, range[h][0], range[h][1]);
        if (st != SQL_OK)
            return st;
    }
    return SQL_OK;
}

static sql_status write_group(txn *t, const sql_group *g)
{
    sql_status st = attempt(t, g, 0, g->n_rows, true);
    return st == SQL_DATA_ERROR ? bisect(t, g, 0, g->n_rows) : st;
}

/* Rolls back, drops the connection and leaves the message the stage
 * fails with in the job. */
static void fail(txn *t)
{
    sql_sink *s = t->s;
    sql_error ignored;
    if (*t->conn)
        s->backend->exec(*t->conn, "ROLLBACK", &ignored);
    sql_sink_disconnect(s, t->conn);
    char where[300];
    if (t->table)
        snprintf(where, sizeof where, "writing to table \"%s\"", t->table);
    else
        snprintf(where, sizeof where, "%s", t->where ? t->where : "write");
    t->job->status = SQL_FATAL;
    sql_fail_text(t->job->fatal, sizeof t->job->fatal, where, &t->err);
}

/* Rolls back a transaction that wrote everything but may not commit
 * (sql_jobs_may_commit set the job's outcome): the connection stays
 * unless the ROLLBACK fails. */
static void roll_back(txn *t)
{
    sql_error ignored;
    if (t->s->backend->exec(*t->conn, "ROLLBACK", &ignored) != SQL_OK)
        sql_sink_disconnect(t->s, t->conn);
}

void sql_transaction(sql_sink *s, sql_job *job, sql_conn **conn)
{
    if (job->n_groups == 0)
        return;
    uint64_t began = sql_now_ms();
    sql_job_began(s, job, began);
    txn t = {.s = s, .job = job, .conn = conn};
    sql_status st = exec(&t, "BEGIN");
    for (size_t g = 0; st == SQL_OK && g < job->n_groups; g++)
        st = write_group(&t, &job->groups[g].group);
    if (st == SQL_OK && !sql_jobs_may_commit(s, job, began)) {
        roll_back(&t);
        return;
    }
    sql_job_began(s, job, sql_now_ms()); /* the wait was no statement's time */
    if (st == SQL_OK)
        st = exec(&t, "COMMIT");
    if (st == SQL_RETRY) { /* the transaction is gone: the rows' records are offered again */
        sql_sink_disconnect(s, conn);
        job->status = SQL_RETRY;
        job->err = t.err;
    } else if (st != SQL_OK) {
        fail(&t);
    }
}
