/* plugins/sql/sink_impl.h — the parts of a SQL sink instance, shared by
 * the files of plugins/sql.  Internal: backends see only sql.h. */
#ifndef SLUICE_PLUGINS_SQL_SINK_IMPL_H
#define SLUICE_PLUGINS_SQL_SINK_IMPL_H

#include <pthread.h>
#include <stdatomic.h>

#include <sluice/expr.h>

#include "convert.h"
#include "sql.h"

/* One `columns` override: the field at `path` goes to `column`. */
typedef struct sql_override {
    sluice_path *path;
    const char *column; /* in the config */
} sql_override;

/* Which column the e-th field of the previous record went to: records
 * of one source mostly share their keys in the same order, so a key is
 * compared with the previous one's before it is looked up (row_map.c).
 * `key` points into the batch: valid for the batch that set it only. */
typedef struct sql_key_memo {
    const char *key;
    size_t len;
    ptrdiff_t column;
    bool folded;
} sql_key_memo;

/* A table as the cache knows it: described once per run (table_cache.c). */
typedef struct sql_cached_table {
    char *key;            /* the table expression's text for it */
    bool found;           /* false: no such table (negatives last one batch) */
    uint64_t batch;       /* negatives: the batch that learnt it */
    sql_table table;      /* found: what the backend described */
    size_t *by_name;      /* open-addressing index of column names: index + 1, 0 empty */
    size_t *by_fold;      /* the same, ASCII case-folded (top bit: two columns fold alike) */
    size_t mask;          /* both indexes have mask + 1 slots */
    size_t *name_len;     /* per column: strlen of its name */
    sql_key_memo *memo;   /* per field position (row_map.c) ... */
    size_t memo_cap;
    uint64_t memo_batch;  /* ... set during this batch */
    ptrdiff_t *overrides; /* per config override: its column, or -1 when the table has none */
    char *unusable;       /* why records cannot go to this table, or NULL ... */
    const char *unusable_code; /* ... and their record error code */
} sql_cached_table;

typedef struct sql_table_cache {
    sql_cached_table **slots; /* open addressing by name */
    size_t n, mask;
} sql_table_cache;

/* A statement shape of the batch being written (group.c). */
typedef struct sql_group_slot {
    sql_group group;
    uint64_t hash;
    size_t fill;
    size_t generation; /* upsert: see group.c */
} sql_group_slot;

/* One batch's planned transaction, handed to one of the sink's I/O
 * threads (io_thread.c).  The plan arrays are the sink's scratch, swapped in at
 * enqueue (no copy, no malloc once grown); the result is set by the
 * thread and applied to the batch by the runner (sql_job_apply). */
typedef struct sql_rejected {
    size_t record;
    size_t reason; /* offset of its NUL-terminated reason in reasons */
} sql_rejected;

typedef struct sql_job {
    sluice_batch *batch;     /* NULL: the slot is free */
    /* Set at enqueue, under lock (io_thread.c). */
    uint64_t seq;            /* the job's number: queued before it */
    unsigned lane;           /* the lane that runs it */
    bool waiting;            /* queued, not started yet */
    bool behind;             /* queued while the previous job was not settled */
    bool behind_write_retry; /* queued while a batch settled in write with retries was not flushed */
    _Atomic uint64_t progress; /* statements sent so far: what a successor waiting to commit watches */
    uint64_t mark_ms;        /* the lane's: when its current statement began, */
    uint64_t mark_stalls;    /* ... and the sink's stalls then */
    sql_group_slot *groups;  /* the plan: groups, rows in the batch's arena */
    size_t n_groups, groups_cap;
    size_t *rec_group;       /* per record: SIZE_MAX when it has no row */
    size_t rec_group_cap;
    /* The result (sql_job_run): SQL_OK, SQL_RETRY (err), SQL_FATAL (fatal). */
    sql_status status;
    sql_error err;
    char fatal[1024];        /* the message the stage fails with */
    /* The refused rows and their reasons, malloc'ed (the thread may not
     * allocate on the batch) and kept for the slot's next batches. */
    sql_rejected *rejected;
    size_t n_rejected, rejected_cap;
    char *reasons;
    size_t reasons_len, reasons_cap;
} sql_job;

/* A lane: a thread and its connection (io_thread.c). */
typedef struct sql_lane {
    struct sql_sink *sink;
    unsigned index;
    pthread_t thread;
    bool started;        /* and not joined */
} sql_lane;

/* The lanes and the two slots.  Job k (counting from 0) lives in
 * slot[k % 2] and runs on lane job->lane with conn[job->lane].  queued,
 * settled and last_lane are the runner's (queued changes under lock); the
 * jobs' waiting, finished, failed and stop are read and written under
 * lock.
 * finished[k % 3] > k once job k has finished, failed[k % 3] then says
 * whether it did not commit.  In inline mode (tests) there is no thread:
 * jobs run in order on the caller's thread when waited for. */
typedef struct sql_jobs {
    sql_job slot[2];
    uint64_t queued, settled;
    uint64_t finished[3];
    bool failed[3];
    unsigned lanes;      /* 1, or 2 (io_thread.c, "Lanes") */
    unsigned last_lane;  /* the last job's */
    _Atomic uint64_t slowest_ms; /* the longest statement yet, on any lane, no stall meanwhile */
    _Atomic uint64_t stalls;     /* jobs rolled back for a stalled predecessor */
    sql_lane lane[2];
    pthread_mutex_t lock;
    pthread_cond_t work; /* a job queued or stop set: for the lanes */
    pthread_cond_t done; /* finished changed, or stop set: for the runner, and a job waiting to commit */
    bool stop;
    bool inline_mode;
    uint64_t inline_next; /* inline: the next job to run */
    const sluice_batch *write_retry; /* settled in write with retries, not flushed yet */
} sql_jobs;

/* Upsert: the generation of the last row seen with a key (group.c). */
typedef struct sql_key_seen {
    uint64_t tag;   /* hash of table and key values */
    uint64_t batch; /* valid when it is the current batch */
    size_t generation;
} sql_key_seen;

struct sql_sink {
    sluice_stage_ctx *ctx;
    const sql_backend *backend;
    sql_conn_config conn_config;
    sql_conn *conn[2]; /* lane i's; the runner describes on conn[0] */

    const sluice_expr *table_expr;
    bool table_constant; /* no ${...}: checked at the first write */
    bool table_checked;
    sluice_expr_ctx *expr_ctx;
    const char *schema;
    sql_operation operation;
    sql_override *overrides;
    size_t n_overrides;
    const char **key_columns; /* config; point into it */
    size_t n_key_columns;
    sql_converter converter;

    sql_table_cache cache;
    uint64_t batches; /* write() calls so far: negatives' lifetime */

    /* Scratch reused across batches, grown as needed (never per record). */
    size_t *rec_group;           /* per record: its group, or SIZE_MAX (swapped into a job) */
    size_t rec_group_cap;
    const sql_value **rec_values; /* per record: its values in group column order */
    size_t rec_cap;
    sql_value *col_values; /* per column of the record's table */
    uint64_t *col_stamp;   /* col_values[i] is set when col_stamp[i] == stamp */
    bool *col_folded;      /* col_values[i] came from a field matching it only ignoring case */
    size_t *col_set;       /* the set columns, table order ... */
    size_t n_set;          /* ... and how many */
    size_t col_cap;
    uint64_t stamp;
    sql_group_slot *groups;      /* (swapped into a job) */
    size_t n_groups, groups_cap;
    sql_key_seen *keys_seen; /* open addressing, keys_mask + 1 slots */
    size_t keys_mask;

    sql_jobs jobs;
};
typedef struct sql_sink sql_sink;

/* Threads.  write() and flush() run on the core's thread (the runner);
 * each batch's transaction runs on one of the sink's I/O threads (its
 * lanes), so that the runner plans batch N+1 while the server writes
 * batch N (issue 7).
 *  - A lane's connection (conn[i]) belongs to its thread while a job is
 *    queued or running.  The runner touches them only after
 *    sql_jobs_wait_idle: to connect conn[0] and describe on a table-cache
 *    miss (lookup in sink.c), and to drop it after a failure found there.
 *    A thread connects when it finds none, and drops it after a retry or
 *    a fatal failure.  Steady state (every table cached) never waits.
 *  - A thread reads only its job (plan and result), the rows' values in
 *    the batch's arena (the core leaves the batch alone until flush), the
 *    tables the groups point to, what never changes after init (backend,
 *    conn_config, operation), and under lock the jobs' queue fields and
 *    outcomes (sql_jobs); the progress of the job before its own, atomic.  It never calls the SDK on the
 *    batch (no record marks, no batch allocation); sluice_log is
 *    thread-safe.
 *  - A group's table is a found entry of the table cache: found entries
 *    are never redescribed nor freed before sql_sink_destroy, which joins
 *    the threads first (only negatives are described again, and a negative
 *    has no rows).  Growing the cache moves entry pointers, not entries.
 *    The entry's memo, overrides and unusable are the runner's (plan). */

/* table_cache.c: the entry for `name` (NUL-terminated) when it needs no
 * describe: found, or a negative learnt by this batch; else NULL. */
sql_cached_table *sql_table_find(sql_sink *s, const char *name);
/* table_cache.c: the table called `name`, described on a miss with
 * s->conn[0], which the caller owns and has connected (lookup in sink.c).
 * NULL with err filled on SQL_RETRY / SQL_FATAL; else an entry, found or
 * not. */
sql_cached_table *sql_table_lookup(sql_sink *s, const char *name, sql_error *err);
void sql_table_cache_free(sql_table_cache *cache);
/* The column called `name` (exact, else the only case-insensitive match,
 * then *folded is set when folded is not NULL), or -1. */
ptrdiff_t sql_column_find(const sql_cached_table *t, const char *name, size_t len, bool *folded);

/* row_map.c: maps record i of `in` to t's columns into the scratch
 * (col_values / col_stamp / col_set).  False after marking the record
 * error. */
bool sql_map_record(sql_sink *s, sluice_batch *in, size_t i, sql_cached_table *t);

/* group.c: puts record i (mapped into the scratch) into its group;
 * builds every group's rows once all records are placed. */
void sql_groups_reset(sql_sink *s);
void sql_group_add(sql_sink *s, sluice_batch *in, size_t i, const sql_cached_table *t);
void sql_groups_build(sql_sink *s, sluice_batch *in);

/* bisect.c, on a lane's thread: the job's transaction over its groups on
 * *conn (connected), its outcome left in the job: refused rows, or
 * SQL_RETRY / SQL_FATAL after dropping the connection (SQL_RETRY without
 * dropping it when the job was rolled back for its predecessor). */
void sql_transaction(sql_sink *s, sql_job *job, sql_conn **conn);

/* sink.c, on a lane's thread: connects *conn when there is no
 * connection, then runs the job's transaction. */
void sql_job_run(sql_sink *s, sql_job *job, sql_conn **conn);
/* sink.c, on the runner: marks the job's batch with its outcome.
 * SLUICE_OK, or SLUICE_ERROR after sluice_stage_fail. */
int sql_job_apply(sql_sink *s, sql_job *job);

/* sink.c: drops *conn, if any (after a SQL_RETRY or a failure). */
void sql_sink_disconnect(sql_sink *s, sql_conn **conn);
/* sink.c: connects *conn.  False with err filled (SQL_RETRY or SQL_FATAL). */
bool sql_sink_connect(sql_sink *s, sql_conn **conn, sql_error *err);
/* sink.c: after a SQL_RETRY (err): logs and offers again every record
 * not yet planned (i >= from) and every planned one that has a row
 * (rec_group[i] != SIZE_MAX); planned records without one are record
 * errors already and stay so.  With from == count rec_group is not
 * read.  The caller has dropped the connection. */
void sql_mark_retry(sql_sink *s, sluice_batch *in, const size_t *rec_group, size_t from, const sql_error *err);
/* "what: SQLSTATE xxxxx: message" (the SQLSTATE when err has one). */
void sql_fail_text(char *buf, size_t size, const char *what, const sql_error *err);

/* group.c: makes the scratch hold `records` records and `columns`
 * columns (aborts when out of memory, as the SDK's allocators do);
 * frees it. */
void sql_scratch_reserve(sql_sink *s, size_t records, size_t columns);
void sql_scratch_free(sql_sink *s);

/* io_thread.c: the sink's lanes and its two job slots; `lanes` is 1 or
 * 2 (io_thread.c, "Lanes"). */
void sql_jobs_init(sql_jobs *q, unsigned lanes);
/* Hands the batch's plan (the scratch's groups and rec_group, swapped
 * with a free slot's arrays) to its lane, the threads started at the
 * first call.
 * With both slots taken (never under the core's contract) the oldest is
 * settled first.  SLUICE_OK, or SLUICE_ERROR after sluice_stage_fail. */
int sql_jobs_enqueue(sql_sink *s, sluice_batch *in);
/* Returns once no job is queued or running: the runner owns conn[]. */
void sql_jobs_wait_idle(sql_sink *s);
/* Waits for in's job and applies it (and any older one); SLUICE_OK when
 * `in` has none (its write settled it).  As sql_job_apply. */
int sql_jobs_settle(sql_sink *s, sluice_batch *in);
/* On a lane's thread, before COMMIT: true when the job may commit; else
 * (its predecessor did not commit, or took too long, or the sink stops)
 * its outcome is set to SQL_RETRY and the caller rolls back.  began_ms
 * is when its transaction began (CLOCK_MONOTONIC). */
bool sql_jobs_may_commit(sql_sink *s, sql_job *job, uint64_t began_ms);
/* CLOCK_MONOTONIC in ms. */
uint64_t sql_now_ms(void);
/* On a lane's thread (bisect.c): the job's transaction begins, and one
 * of its statements (or a group's rows) returned. */
void sql_job_began(sql_sink *s, sql_job *job, uint64_t now_ms);
void sql_job_progressed(sql_sink *s, sql_job *job);
/* Stops the threads: a running job finishes (its COMMIT may land: the
 * core never commits those offsets; one waiting for its predecessor rolls
 * back), queued ones are dropped; joins, frees the slots. */
void sql_jobs_free(sql_jobs *q);
/* Tests: no thread; jobs run on the caller's thread when flushed (or
 * waited for), so a fake backend stays on the test's thread.  Before the
 * first write. */
void sql_sink_set_inline(sql_sink *s);

#endif
