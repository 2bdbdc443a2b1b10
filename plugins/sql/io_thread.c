/* plugins/sql/io_thread.c — the sink's I/O threads ("lanes") and its two
 * job slots.
 *
 * Issue 7's speed target needs the client's work on batch N+1 (table
 * expression, mapping, conversion, grouping) to overlap the server's work
 * on batch N: with one thread they alternate, and wall time is client CPU
 * plus server CPU.  So write() plans the batch on the runner and queues
 * its transaction here; flush() waits for it and marks the records
 * (sluice/stage.h, flush: at most two batches written and not flushed,
 * flushed in write order).  The threads only talk to the server: outcomes
 * are applied to the batch on the runner (sql_job_apply), since the SDK's
 * calls on a batch belong to the thread that was handed it.
 *
 * Lanes.  With one lane, one thread runs the jobs in turn on one
 * connection.  With two (inserts, `connections` 2), each lane has its own
 * thread and connection, and a job queued while the previous one is still
 * in flight goes to the other lane: batch N+1 is sent and executed while
 * N is still being executed or committed, so the server's second core
 * works, and the client's serialization and COMMIT's round trips no
 * longer leave the server idle.  A job queued with nothing in flight
 * stays on the previous one's lane (retries, origins that do not
 * overlap: one session does), and so does one that writes a table the
 * backend marked serial (PostgreSQL: a foreign key, whose check would
 * not see the previous batch's uncommitted rows, and fail): it runs after
 * its predecessor on the same thread.  Commits stay in job order: a job whose
 * predecessor is not finished waits for it before COMMIT
 * (sql_jobs_may_commit), and rolls back when that one did not commit, so
 * what is committed is always a prefix of the batches.  That wait is
 * invisible to the server's deadlock detection: N+1 waiting here while N
 * waits in the server for a row N+1 locked (one unique key in both, N+1
 * there first) would hang both.  So N+1 gives up once N has sent no
 * statement for twice as long as any statement yet took, for as long as
 * N+1's own transaction took, and for at least a second: it rolls back,
 * which frees N, and its records are offered again after N's.  Upserts
 * keep one lane: one key updated in two batches in a row is the normal
 * case there, and N+1 would often lock it first.
 *
 * Order: a job that ends in SQL_RETRY (connection lost, deadlock) has
 * its records offered again by the core only after the next batch, which
 * may be queued already, is flushed (sluice/stage.h).  So that an upsert
 * of one key in both never lands out of order, a job queued before the
 * previous one was settled is not committed when that one ended in
 * SQL_RETRY (run or skipped) or SQL_FATAL: its records are retried too,
 * after the earlier ones (not even run when that is known as it starts).
 * The same holds behind a batch whose write settled it with retries (a
 * describe that lost the connection), until its flush.  The decision is
 * taken from what was known at enqueue (`behind`), not from when a thread
 * gets to the job, which a flush may precede.
 *
 * Who owns what, and what the threads may read: sink_impl.h, "Threads". */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sink_impl.h"

/* The least a job waits before COMMIT for a predecessor that sends no
 * statement (see above); also at least twice the slowest statement yet,
 * and as long as its own transaction took. */
#define SQL_COMMIT_PATIENCE_MIN_MS 1000

void sql_jobs_init(sql_jobs *q, unsigned lanes)
{
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* for the timed wait in sql_jobs_may_commit */
    pthread_cond_init(&q->done, &attr);
    pthread_condattr_destroy(&attr);
    q->lanes = lanes == 2 ? 2 : 1;
}

void sql_sink_set_inline(sql_sink *s)
{
    s->jobs.inline_mode = true;
}

/* True once job k has finished (q->lock held).  Outcomes are kept by
 * k % 3: job k + 1 may finish (skipped, or failed) while job k still
 * needs k - 1's outcome, and k + 2 is queued only once k is settled. */
static bool finished(const sql_jobs *q, uint64_t k)
{
    return q->finished[k % 3] > k;
}

void sql_job_began(sql_sink *s, sql_job *job, uint64_t now_ms)
{
    job->mark_ms = now_ms;
    job->mark_stalls = atomic_load_explicit(&s->jobs.stalls, memory_order_relaxed);
}

/* The statement's time counts towards the slowest unless a successor gave
 * up on it meanwhile: it was then likely waiting for that one's rows, and
 * counting it would double the patience at every such stall. */
void sql_job_progressed(sql_sink *s, sql_job *job)
{
    sql_jobs *q = &s->jobs;
    uint64_t now = sql_now_ms(), took = now - job->mark_ms;
    uint64_t stalls = atomic_load_explicit(&q->stalls, memory_order_relaxed);
    uint64_t slowest = atomic_load_explicit(&q->slowest_ms, memory_order_relaxed);
    while (stalls == job->mark_stalls && took > slowest &&
           !atomic_compare_exchange_weak_explicit(&q->slowest_ms, &slowest, took, memory_order_relaxed,
                                                  memory_order_relaxed))
        ;
    sql_job_began(s, job, now);
    atomic_fetch_add_explicit(&job->progress, 1, memory_order_relaxed);
}

/* A job not committed because an earlier one is to be retried first. */
static void set_retry(sql_job *job, const char *why)
{
    job->status = SQL_RETRY;
    job->n_rejected = 0;
    job->reasons_len = 0;
    sql_error_set(&job->err, SQL_RETRY, NULL, 0, "%s", why);
}

static const char earlier_first[] = "an earlier batch is written again first";

/* Runs the job on its lane's connection, with q->lock held on entry and
 * on return (not while it runs); a lane's loop, or the caller's in inline
 * mode.  The job's predecessor is known to have failed here only when it
 * has finished; else sql_jobs_may_commit looks again before COMMIT. */
static void run_locked(sql_sink *s, sql_job *job)
{
    sql_jobs *q = &s->jobs;
    uint64_t k = job->seq;
    job->waiting = false;
    bool prev_failed = job->behind && finished(q, k - 1) && q->failed[(k - 1) % 3];
    bool skip = job->behind_write_retry || prev_failed;
    pthread_mutex_unlock(&q->lock);
    if (skip)
        set_retry(job, earlier_first);
    else
        sql_job_run(s, job, &s->conn[job->lane]);
    pthread_mutex_lock(&q->lock);
    q->failed[k % 3] = job->status != SQL_OK;
    q->finished[k % 3] = k + 1;
    pthread_cond_broadcast(&q->done);
}

uint64_t sql_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static struct timespec ms_timespec(uint64_t ms)
{
    return (struct timespec){.tv_sec = (time_t)(ms / 1000), .tv_nsec = (long)(ms % 1000) * 1000000};
}

bool sql_jobs_may_commit(sql_sink *s, sql_job *job, uint64_t began_ms)
{
    if (!job->behind)
        return true; /* its predecessor was settled before it was queued */
    sql_jobs *q = &s->jobs;
    uint64_t k = job->seq;
    /* Job k - 1's slot is not reused before k - 1 is settled, so not
     * while the loop below reads it. */
    sql_job *prev = &q->slot[(k - 1) % 2];
    /* A statement legitimately as slow as the slowest yet, twice over, is
     * not taken for a stall; nor is one as long as this transaction. */
    uint64_t patience = 2 * atomic_load_explicit(&q->slowest_ms, memory_order_relaxed);
    uint64_t own = sql_now_ms() - began_ms;
    if (patience < own)
        patience = own;
    if (patience < SQL_COMMIT_PATIENCE_MIN_MS)
        patience = SQL_COMMIT_PATIENCE_MIN_MS;
    pthread_mutex_lock(&q->lock);
    uint64_t seen = atomic_load_explicit(&prev->progress, memory_order_relaxed);
    struct timespec deadline = ms_timespec(sql_now_ms() + patience);
    bool stalled = false;
    while (!finished(q, k - 1) && !q->stop && !stalled) {
        if (pthread_cond_timedwait(&q->done, &q->lock, &deadline) != ETIMEDOUT)
            continue;
        uint64_t now = atomic_load_explicit(&prev->progress, memory_order_relaxed);
        stalled = now == seen && !finished(q, k - 1);
        seen = now;
        deadline = ms_timespec(sql_now_ms() + patience);
    }
    bool ok = finished(q, k - 1) && !q->failed[(k - 1) % 3];
    bool stopping = q->stop;
    pthread_mutex_unlock(&q->lock);
    if (ok)
        return true;
    if (stalled) {
        atomic_fetch_add_explicit(&q->stalls, 1, memory_order_relaxed);
        sluice_log(s->ctx, SLUICE_LOG_WARN,
                   "the previous batch sent no statement for %llu ms while this one waited to commit: this one "
                   "is rolled back and offered again (each may have been waiting for a row the other holds)",
                   (unsigned long long)patience);
    }
    set_retry(job, stalled ? "the previous batch's transaction stalled" : stopping ? "stopping" : earlier_first);
    return false;
}

/* The oldest job queued for the lane and not started (q->lock held). */
static sql_job *next_for(sql_jobs *q, unsigned lane)
{
    sql_job *next = NULL;
    for (int i = 0; i < 2; i++) {
        sql_job *job = &q->slot[i];
        if (job->waiting && job->lane == lane && (!next || job->seq < next->seq))
            next = job;
    }
    return next;
}

static void *lane_main(void *arg)
{
    sql_lane *lane = arg;
    sql_sink *s = lane->sink;
    sql_jobs *q = &s->jobs;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        sql_job *job = NULL;
        while (!q->stop && !(job = next_for(q, lane->index)))
            pthread_cond_wait(&q->work, &q->lock);
        if (q->stop) /* queued jobs are dropped: their batches are never flushed */
            break;
        run_locked(s, job);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

/* With every signal blocked (the thread inherits the mask in force at
 * pthread_create): signals belong to the core's threads (DESIGN §5), and
 * one landing here would interrupt the server's socket calls. */
static int start_lane(sql_sink *s, unsigned index)
{
    sql_lane *lane = &s->jobs.lane[index];
    lane->sink = s;
    lane->index = index;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&lane->thread, NULL, lane_main, lane);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        sluice_stage_fail(s->ctx, "starting an I/O thread: %s", strerror(rc));
        return SLUICE_ERROR;
    }
    lane->started = true;
    return SLUICE_OK;
}

/* Returns once job k has finished; inline, runs the jobs up to k. */
static void wait_finished(sql_sink *s, uint64_t k)
{
    sql_jobs *q = &s->jobs;
    pthread_mutex_lock(&q->lock);
    if (q->inline_mode) {
        while (!finished(q, k))
            run_locked(s, &q->slot[q->inline_next++ % 2]);
    } else {
        while (!finished(q, k))
            pthread_cond_wait(&q->done, &q->lock);
    }
    pthread_mutex_unlock(&q->lock);
}

void sql_jobs_wait_idle(sql_sink *s)
{
    /* queued is only changed by the runner, which is the caller; with two
     * lanes the last job may finish before the one before it */
    for (uint64_t k = s->jobs.settled; k < s->jobs.queued; k++)
        wait_finished(s, k);
}

static int settle_oldest(sql_sink *s)
{
    sql_jobs *q = &s->jobs;
    sql_job *job = &q->slot[q->settled % 2];
    wait_finished(s, q->settled);
    int rc = sql_job_apply(s, job);
    job->batch = NULL;
    q->settled++;
    return rc;
}

int sql_jobs_settle(sql_sink *s, sluice_batch *in)
{
    sql_jobs *q = &s->jobs;
    if (in == q->write_retry)
        q->write_retry = NULL;
    uint64_t k = q->settled;
    while (k < q->queued && q->slot[k % 2].batch != in)
        k++;
    if (k == q->queued)
        return SLUICE_OK; /* no job: empty, or settled by write */
    int rc = SLUICE_OK;
    while (rc == SLUICE_OK && q->settled <= k)
        rc = settle_oldest(s);
    return rc;
}

/* The scratch's plan goes to the job, the job's old arrays become the
 * scratch: three sets of arrays take turns, none copied. */
static void take_plan(sql_job *job, sql_sink *s)
{
    sql_group_slot *groups = job->groups;
    size_t groups_cap = job->groups_cap, *rec_group = job->rec_group, rec_group_cap = job->rec_group_cap;
    job->groups = s->groups;
    job->groups_cap = s->groups_cap;
    job->n_groups = s->n_groups;
    job->rec_group = s->rec_group;
    job->rec_group_cap = s->rec_group_cap;
    s->groups = groups;
    s->groups_cap = groups_cap;
    s->n_groups = 0;
    s->rec_group = rec_group;
    s->rec_group_cap = rec_group_cap;
}

/* Whether the scratch's plan writes a table marked serial (sql.h). */
static bool plan_is_serial(const sql_sink *s)
{
    for (size_t g = 0; g < s->n_groups; g++)
        if (s->groups[g].group.table->serial)
            return true;
    return false;
}

int sql_jobs_enqueue(sql_sink *s, sluice_batch *in)
{
    sql_jobs *q = &s->jobs;
    if (q->queued - q->settled == 2 && settle_oldest(s) != SLUICE_OK)
        return SLUICE_ERROR;
    bool behind = q->queued > q->settled;
    /* In flight: the previous job, on the other lane, unless this one must
     * not overlap it; else the previous lane, idle now. */
    unsigned lane = behind && q->lanes == 2 && !plan_is_serial(s) ? 1 - q->last_lane : q->last_lane;
    if (!q->inline_mode && !q->lane[lane].started && start_lane(s, lane) != SLUICE_OK)
        return SLUICE_ERROR;
    sql_job *job = &q->slot[q->queued % 2];
    job->batch = in;
    take_plan(job, s);
    pthread_mutex_lock(&q->lock);
    job->seq = q->queued;
    job->lane = q->last_lane = lane;
    job->behind = behind;
    job->behind_write_retry = q->write_retry != NULL;
    job->waiting = true;
    q->queued++;
    pthread_cond_broadcast(&q->work);
    pthread_mutex_unlock(&q->lock);
    return SLUICE_OK;
}

void sql_jobs_free(sql_jobs *q)
{
    pthread_mutex_lock(&q->lock);
    q->stop = true;
    pthread_cond_broadcast(&q->work);
    pthread_cond_broadcast(&q->done); /* a job waiting for its predecessor rolls back */
    pthread_mutex_unlock(&q->lock);
    for (unsigned i = 0; i < 2; i++)
        if (q->lane[i].started)
            pthread_join(q->lane[i].thread, NULL);
    for (int i = 0; i < 2; i++) {
        free(q->slot[i].groups);
        free(q->slot[i].rec_group);
        free(q->slot[i].rejected);
        free(q->slot[i].reasons);
    }
    pthread_cond_destroy(&q->work);
    pthread_cond_destroy(&q->done);
    pthread_mutex_destroy(&q->lock);
}
