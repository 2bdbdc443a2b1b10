/* core/pipeline/run_impl.h — the state of one run, shared by the batch flow
 * (runner.c) and the orchestration of runners (run.c).  Internal.
 *
 * Concurrency & locking
 * ---------------------
 * - A runner (its arena, batches, error list, stage_runs) belongs to one
 *   thread at a time: the main thread for a poll origin, the origin's
 *   thread that pushes through it for a push origin.
 * - A stage instance is either a runner's own or shared (flagged
 *   SLUICE_STAGE_SHARED, or the error stage): calls into a shared one hold
 *   its lock, so one instance is never called from two threads at once.
 * - pipeline_run.lock guards the failure message and the done count; it is
 *   never held while calling a stage.  Offsets are committed through the
 *   offset store, which has its own locks.
 * - `stopping` is atomic: set by a failure, a stop request or max_batches,
 *   read by every runner between batches.
 */
#ifndef SLUICE_CORE_RUN_IMPL_H
#define SLUICE_CORE_RUN_IMPL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <sluice/expr.h>

#include "pipeline/emitter.h"
#include "pipeline/runner.h"
#include "pipeline/stage_ctx.h"
#include "record/record_impl.h"

typedef struct stage_instance {
    sluice_stage_ctx ctx;
    void *state;
    bool inited;
    bool shared; /* calls hold `lock` */
    pthread_mutex_t lock;
    /* A destination with flush: its inputs written and not yet flushed,
     * oldest first (sluice/stage.h: at most two, flushed in order). */
    struct stage_run *unflushed[2];
    size_t n_unflushed;
} stage_instance;

typedef struct stage_run stage_run;
struct stage_run {
    pipeline_stage *ps;
    size_t index; /* in pipeline.stages; SIZE_MAX for the error stage */
    stage_instance *inst;
    sluice_batch *input;  /* the union of its input lanes */
    sluice_batch **lanes; /* its output lanes */
    size_t *served;       /* per output lane: readers given it in this batch */
    sluice_batch *retry;  /* destinations: the records to offer again */
    size_t *retry_index;  /* destinations: position of retry[i] in the input */
    size_t retry_cap;
    sluice_emitter emitter;
    uint64_t n_in, n_out, n_errors;
    /* A destination whose input was written and is flushed later
     * (runner_write with overlap): outcomes and metrics wait for
     * runner_complete; `unflushed` while its instance still queues it. */
    bool deferred;
    bool unflushed;
    uint64_t deferred_in0, deferred_out0, deferred_err0, deferred_ns; /* metrics as runner_write left them */
};

typedef struct pipeline_run pipeline_run;

typedef struct runner {
    pipeline_run *run;
    size_t index;
    arena *arena;
    bool deferred; /* a destination's outcomes wait for runner_complete */
    stage_run *stages;     /* in pipeline.stages order */
    stage_run error_stage; /* used when the pipeline has one */
    error_list errors;
    sluice_batch *error_batch;
    uint64_t n_batches;
    uint64_t batch_started_ns; /* metrics: when runner_begin handed out the batch */
    unsigned backoff_seed; /* rand_r state: per runner, no shared PRNG */
    sluice_expr_ctx *expr_ctx; /* preconditions' scratch: per runner */
    bool done;             /* push: sluice_push_done was called */
} runner;

struct sluice_pusher {
    pipeline_run *run;
};

struct pipeline_run {
    pipeline *p;
    const run_options *opts;
    bool pushing; /* a push origin drives the runners from its threads */
    size_t n_runners;
    runner *runners;
    /* Poll origins with a destination that has flush: a second runner on
     * the same instances, so that the next batch is read and processed
     * while the destination writes this one (run_poll). */
    runner *spare;
    stage_instance origin;
    stage_instance *own;    /* n_runners * n_stages: each runner's instances */
    stage_instance *shared; /* n_stages + 1: shared instances, the error stage last */
    sluice_pusher pusher;

    pthread_mutex_t lock;
    pthread_cond_t changed; /* a runner is done, or the run failed */
    offset_map committed; /* as the run started: what the origin resumes from */
    size_t n_done;
    bool failed;
    char *err;
    size_t errsize;
    atomic_bool stopping;
    atomic_int_fast64_t batches; /* committed batches, all runners */
    uint64_t n_error_records;    /* under lock */

    int error_fd; /* errors.jsonl, opened on first use, under error_lock */
    pthread_mutex_t error_lock;
};

/* Records the run's first failure (later ones are logged) and stops it. */
void run_fail(pipeline_run *run, const char *fmt, ...) SLUICE_PRINTF(2, 3);

/* Per-runner batch flow (runner.c). */
void runner_setup(runner *r, pipeline_run *run, size_t index);
void runner_release(runner *r);
/* Clears the runner for a new batch and returns the batch the origin fills. */
sluice_batch *runner_begin(runner *r);
/* Takes the origin's filled batch through the pipeline, delivers error
 * records and commits offsets.  0, or -1 after run_fail. */
int runner_finish(runner *r);
/* runner_finish in two steps, for run_poll's overlap: runner_write takes
 * the batch through every stage; with `overlap`, a destination that has
 * flush (and is not shared) is only written, its outcomes left for
 * runner_complete, which flushes it, handles its outcomes and retries,
 * delivers the error records and commits the offsets.  Between the two
 * the runner's batch must stay as it is; another runner may run its
 * runner_write.  Each returns 0, or -1 after run_fail. */
int runner_write(runner *r, bool overlap);
int runner_complete(runner *r);
/* True when the pipeline has a destination runner_write can overlap. */
bool pipeline_can_overlap(const pipeline *p);
/* True when a destination that runner_write left for runner_complete was
 * flushed already, by the other runner's retries (flushes keep the order
 * of writes): run_poll then completes the batch before the next one, so
 * that its retries come before that batch's records. */
bool runner_flushed_early(const runner *r);

/* Calls into a stage instance, holding its lock when it is shared. */
static inline void instance_enter(stage_instance *inst)
{
    if (inst->shared)
        pthread_mutex_lock(&inst->lock);
}

static inline void instance_leave(stage_instance *inst)
{
    if (inst->shared)
        pthread_mutex_unlock(&inst->lock);
}

#endif
