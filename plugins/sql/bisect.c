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
 *   COMMIT; only then are the refused rows reported as record errors.
 *
 * The savepoint is released after a rollback to it too: both servers
 * keep a savepoint after ROLLBACK TO, and PostgreSQL would otherwise stack
 * one subtransaction per failed attempt.
 *
 * SQL_RETRY anywhere (connection lost, deadlock, serialization failure,
 * at COMMIT too): the transaction is gone, the connection is dropped and
 * every record that had a row is offered again (already-refused ones too:
 * their refusal was never committed).  Anything else stops the pipeline
 * naming the table or statement and the SQLSTATE. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sink_impl.h"

typedef struct txn {
    sql_sink *s;
    sluice_batch *in;
    sql_error err;      /* the last failure */
    sql_error data_err; /* the last failed attempt's data error */
    const char *where;  /* what failed, for the stage's message: a statement ... */
    const char *table;  /* ... or writing to this table */
    size_t *rejected;   /* records refused, in the arena ... */
    const char **reasons; /* ... with the server's word */
    size_t n_rejected;
} txn;

/* An exec that only succeeds or fails: a data error there (a deferred
 * constraint at COMMIT, say) cannot be bisected, so it stops the pipeline. */
static sql_status exec(txn *t, const char *sql)
{
    sql_status st = t->s->backend->exec(t->s->conn, sql, &t->err);
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
    st = t->s->backend->write_rows(t->s->conn, g, lo, hi, bulk, &t->err);
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

static void reject(txn *t, size_t record, const sql_error *e)
{
    if (!t->rejected) {
        size_t n = sluice_batch_count(t->in);
        t->rejected = sluice_batch_alloc(t->in, n * sizeof *t->rejected);
        t->reasons = sluice_batch_alloc(t->in, n * sizeof *t->reasons);
    }
    char msg[600];
    if (e->sqlstate[0])
        snprintf(msg, sizeof msg, "SQLSTATE %s: %s", e->sqlstate, e->message);
    else if (e->code)
        snprintf(msg, sizeof msg, "error %d: %s", e->code, e->message);
    else
        snprintf(msg, sizeof msg, "%s", e->message);
    t->rejected[t->n_rejected] = record;
    t->reasons[t->n_rejected++] = sluice_batch_strndup(t->in, msg, strlen(msg));
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

static int fail(txn *t)
{
    sql_sink *s = t->s;
    sql_error ignored;
    if (s->conn)
        s->backend->exec(s->conn, "ROLLBACK", &ignored);
    char where[300];
    if (t->table)
        snprintf(where, sizeof where, "writing to table \"%s\"", t->table);
    else
        snprintf(where, sizeof where, "%s", t->where ? t->where : "write");
    return sql_fail(s, where, &t->err);
}

int sql_transaction(sql_sink *s, sluice_batch *in)
{
    if (s->n_groups == 0)
        return SLUICE_OK;
    txn t = {.s = s, .in = in};
    sql_status st = exec(&t, "BEGIN");
    for (size_t g = 0; st == SQL_OK && g < s->n_groups; g++)
        st = write_group(&t, &s->groups[g].group);
    if (st == SQL_OK)
        st = exec(&t, "COMMIT");
    if (st == SQL_RETRY) /* every record is planned: the rows' records are offered again */
        return sql_retry(s, in, sluice_batch_count(in), &t.err);
    if (st != SQL_OK)
        return fail(&t);
    for (size_t k = 0; k < t.n_rejected; k++)
        sluice_batch_record_error(in, t.rejected[k], SQL_ERR_REJECTED, "%s", t.reasons[k]);
    return SLUICE_OK;
}
