/* plugins/sql/io_thread.c — the sink's I/O thread and its two job slots.
 *
 * Issue 7's speed target needs the client's work on batch N+1 (table
 * expression, mapping, conversion, grouping) to overlap the server's work
 * on batch N: with one thread they alternate, and wall time is client CPU
 * plus server CPU.  So write() plans the batch on the runner and queues
 * its transaction here; flush() waits for it and marks the records
 * (sluice/stage.h, flush: at most two batches written and not flushed,
 * flushed in write order).  The thread only talks to the server: outcomes
 * are applied to the batch on the runner (sql_job_apply), since the SDK's
 * calls on a batch belong to the thread that was handed it.
 *
 * Order: a job that ends in SQL_RETRY (connection lost, deadlock) has
 * its records offered again by the core only after the next batch, which
 * may be queued already, is flushed (sluice/stage.h).  So that an upsert
 * of one key in both never lands out of order, a job queued before the
 * previous one was settled is not run when that one ended in SQL_RETRY
 * (run or skipped) or SQL_FATAL: its records are retried too, after the
 * earlier ones.  The same holds behind a batch whose write settled it with
 * retries (a describe that lost the connection), until its flush.  The
 * decision is taken from what was known at enqueue (`behind`), not from
 * when the thread gets to the job, which a flush may precede.
 *
 * Who owns what, and what the thread may read: sink_impl.h, "Threads". */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sink_impl.h"

void sql_jobs_init(sql_jobs *q)
{
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_cond_init(&q->done, NULL);
}

void sql_sink_set_inline(sql_sink *s)
{
    s->jobs.inline_mode = true;
}

/* A job not run because an earlier one is to be retried first. */
static void skip_job(sql_job *job)
{
    job->status = SQL_RETRY;
    job->n_rejected = 0;
    job->reasons_len = 0;
    sql_error_set(&job->err, SQL_RETRY, NULL, 0, "an earlier batch is written again first");
}

/* Runs the next queued job, with q->lock held on entry and on return
 * (not while it runs); the thread's loop, or the caller's in inline mode. */
static void run_next_locked(sql_sink *s)
{
    sql_jobs *q = &s->jobs;
    uint64_t k = q->started++;
    sql_job *job = &q->slot[k % 2];
    const sql_job *prev = &q->slot[(k + 1) % 2]; /* job k - 1 when behind: not reused before k ran */
    job->skipped = job->behind_write_retry ||
                   (job->behind && (prev->status == SQL_RETRY || prev->status == SQL_FATAL));
    pthread_mutex_unlock(&q->lock);
    if (job->skipped)
        skip_job(job);
    else
        sql_job_run(s, job);
    pthread_mutex_lock(&q->lock);
    q->finished++;
}

static void *io_main(void *arg)
{
    sql_sink *s = arg;
    sql_jobs *q = &s->jobs;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!q->stop && q->started == q->queued)
            pthread_cond_wait(&q->work, &q->lock);
        if (q->stop) /* queued jobs are dropped: their batches are never flushed */
            break;
        run_next_locked(s);
        pthread_cond_broadcast(&q->done);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

/* With every signal blocked (the thread inherits the mask in force at
 * pthread_create): signals belong to the core's threads (DESIGN §5), and
 * one landing here would interrupt the server's socket calls. */
static int start_thread(sql_sink *s)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&s->jobs.thread, NULL, io_main, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        sluice_stage_fail(s->ctx, "starting the I/O thread: %s", strerror(rc));
        return SLUICE_ERROR;
    }
    s->jobs.running = true;
    return SLUICE_OK;
}

/* Returns once job k has finished; inline, runs the jobs up to k. */
static void wait_finished(sql_sink *s, uint64_t k)
{
    sql_jobs *q = &s->jobs;
    if (q->inline_mode) {
        pthread_mutex_lock(&q->lock);
        while (q->finished <= k)
            run_next_locked(s);
        pthread_mutex_unlock(&q->lock);
        return;
    }
    pthread_mutex_lock(&q->lock);
    while (q->finished <= k)
        pthread_cond_wait(&q->done, &q->lock);
    pthread_mutex_unlock(&q->lock);
}

void sql_jobs_wait_idle(sql_sink *s)
{
    /* queued is only changed by the runner, which is the caller */
    if (s->jobs.queued > 0)
        wait_finished(s, s->jobs.queued - 1);
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

int sql_jobs_enqueue(sql_sink *s, sluice_batch *in)
{
    sql_jobs *q = &s->jobs;
    if (q->queued - q->settled == 2 && settle_oldest(s) != SLUICE_OK)
        return SLUICE_ERROR;
    if (!q->inline_mode && !q->running && start_thread(s) != SLUICE_OK)
        return SLUICE_ERROR;
    sql_job *job = &q->slot[q->queued % 2];
    job->batch = in;
    take_plan(job, s);
    job->behind = q->queued > q->settled;
    job->behind_write_retry = q->write_retry != NULL;
    pthread_mutex_lock(&q->lock);
    q->queued++;
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->lock);
    return SLUICE_OK;
}

void sql_jobs_free(sql_jobs *q)
{
    if (q->running) {
        pthread_mutex_lock(&q->lock);
        q->stop = true;
        pthread_cond_signal(&q->work);
        pthread_mutex_unlock(&q->lock);
        pthread_join(q->thread, NULL);
        q->running = false;
    }
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
