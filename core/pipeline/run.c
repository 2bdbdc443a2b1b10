/* core/pipeline/run.c — one run of a pipeline: stage instances, the runner
 * pool, the poll loop or a push origin's threads, stopping, and the end.
 * The batch flow itself is in runner.c; the locking rules in run_impl.h. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pipeline/offset_map.h"
#include "pipeline/offset_store.h"
#include "pipeline/run_impl.h"

static volatile sig_atomic_t stop_requested;

void runner_request_stop(void) { stop_requested = 1; }

void run_options_default(run_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->stop_timeout_ms = 30000;
}

void run_fail(pipeline_run *run, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&run->lock);
    if (!run->failed) {
        run->failed = true;
        snprintf(run->err, run->errsize, "%s", msg);
    } else {
        log_msg(SLUICE_LOG_ERROR, NULL, "%s", msg); /* the first failure is the one reported at the end */
    }
    atomic_store(&run->stopping, true);
    pthread_cond_broadcast(&run->changed);
    pthread_mutex_unlock(&run->lock);
}

static bool run_stopping(pipeline_run *run) { return stop_requested || atomic_load(&run->stopping); }

/* ---- stage instances ---------------------------------------------------- */

static bool stage_is_shared(const pipeline_stage *ps) { return (ps->def->flags & SLUICE_STAGE_SHARED) != 0; }

/* An origin with only start pushes; one with both callbacks pushes when its
 * init asked for runners, and is polled otherwise (sluice/stage.h). */
static bool origin_pushes(const pipeline_stage *ps, const sluice_stage_ctx *ctx)
{
    return ps->def->start && (!ps->def->produce || ctx->runners_set);
}

static int instance_init(pipeline_run *run, stage_instance *inst, pipeline_stage *ps, const offset_map *offsets)
{
    stage_ctx_init(&inst->ctx, ps->desc->id, run->p->desc->pipeline, offsets);
    if (ps->def->init(&inst->ctx, ps->config, &inst->state) != SLUICE_OK) {
        run_fail(run, "stage %s (%s): init failed: %s", ps->desc->id, ps->desc->stage, stage_ctx_error(&inst->ctx));
        return -1;
    }
    inst->inited = true;
    return 0;
}

static void instance_destroy(stage_instance *inst, const pipeline_stage *ps)
{
    if (inst->inited)
        ps->def->destroy(inst->state);
    inst->inited = false;
}

/* run_poll's second runner: its own batch, the first runner's stage
 * instances. */
static void add_spare_runner(pipeline_run *run)
{
    const pipeline *p = run->p;
    const runner *first = &run->runners[0];
    run->spare = calloc(1, sizeof *run->spare);
    runner_setup(run->spare, run, 0);
    for (size_t si = 0; si < p->n_stages; si++)
        run->spare->stages[si].inst = first->stages[si].inst;
    run->spare->error_stage.inst = first->error_stage.inst;
}

/* The origin first: it says how many runners it wants.  Then, on the main
 * thread in topological order, one instance of every other stage per
 * runner, or one in all for shared stages and the error stage. */
static int init_instances(pipeline_run *run)
{
    pipeline *p = run->p;
    if (instance_init(run, &run->origin, &p->stages[p->origin], &run->committed) != 0)
        return -1;
    run->pushing = origin_pushes(&p->stages[p->origin], &run->origin.ctx);
    run->n_runners = run->pushing ? run->origin.ctx.runners : 1;
    run->runners = calloc(run->n_runners, sizeof *run->runners);
    run->own = calloc(run->n_runners * p->n_stages, sizeof *run->own);
    for (size_t i = 0; i <= p->n_stages; i++) {
        run->shared[i].shared = true;
        pthread_mutex_init(&run->shared[i].lock, NULL);
    }
    for (size_t ri = 0; ri < run->n_runners; ri++) {
        runner *r = &run->runners[ri];
        runner_setup(r, run, ri);
        r->stages[p->origin].inst = &run->origin;
        for (size_t k = 1; k < p->n_stages; k++) {
            size_t si = p->order[k];
            pipeline_stage *ps = &p->stages[si];
            stage_instance *inst = stage_is_shared(ps) ? &run->shared[si] : &run->own[ri * p->n_stages + si];
            if (!inst->inited && instance_init(run, inst, ps, NULL) != 0)
                return -1;
            r->stages[si].inst = inst;
        }
        if (p->error_stage) {
            stage_instance *inst = &run->shared[p->n_stages];
            if (!inst->inited && instance_init(run, inst, p->error_stage, NULL) != 0)
                return -1;
            r->error_stage.inst = inst;
        }
    }
    if (!run->pushing && !run->opts->preview && pipeline_can_overlap(p))
        add_spare_runner(run);
    return 0;
}

/* The origin first, which joins a push origin's threads; then the others
 * in reverse topological order. */
static void destroy_instances(pipeline_run *run)
{
    pipeline *p = run->p;
    instance_destroy(&run->origin, &p->stages[p->origin]);
    for (size_t ri = 0; ri < run->n_runners; ri++)
        for (size_t k = p->n_stages; k-- > 1;) {
            size_t si = p->order[k];
            instance_destroy(&run->own[ri * p->n_stages + si], &p->stages[si]);
        }
    for (size_t k = p->n_stages; k-- > 1;)
        instance_destroy(&run->shared[p->order[k]], &p->stages[p->order[k]]);
    if (p->error_stage)
        instance_destroy(&run->shared[p->n_stages], p->error_stage);
}

/* ---- poll origins: the main thread drives the one runner ------------------ */

/* With a spare runner, the two take turns: batch N+1 is read, processed
 * and written while a destination with flush still writes batch N, whose
 * outcomes, error records and offsets follow (runner_complete).  Offsets
 * are committed in batch order, each only once its batch is complete.
 * The batch in flight is completed whatever happens to the next one (a
 * stop, the origin's end, max_batches, a failure reading or processing
 * it): it went everywhere already, and completing it keeps the replay
 * after a failure to the failed batch, as without overlap.  Only a
 * failure of its own leaves it uncommitted. */
static void run_poll(pipeline_run *run)
{
    const pipeline_stage *ps = &run->p->stages[run->p->origin];
    runner *r = &run->runners[0], *in_flight = NULL;
    int64_t produced = 0;
    while (!run_stopping(run)) {
        sluice_batch *batch = runner_begin(r);
        stage_ctx_clear_error(&run->origin.ctx);
        int rc = ps->def->produce(run->origin.state, batch);
        if (rc != SLUICE_OK && rc != SLUICE_END) {
            run_fail(run, "stage %s: %s", ps->desc->id, stage_ctx_error(&run->origin.ctx));
            break;
        }
        produced++;
        bool last = rc == SLUICE_END || run->opts->preview ||
                    (run->opts->max_batches && produced >= run->opts->max_batches);
        if (runner_write(r, run->spare != NULL) != 0)
            break;
        runner *older = in_flight;
        in_flight = NULL;
        if (older && runner_complete(older) != 0)
            return;
        /* Flushed already, by the older batch's retries: its own retries
         * go before the next batch is written, so that retried records
         * keep the order of their batches. */
        if (last || !r->deferred || runner_flushed_early(r)) {
            if (runner_complete(r) != 0 || last)
                return;
            continue;
        }
        in_flight = r;
        r = r == run->spare ? &run->runners[0] : run->spare;
    }
    if (in_flight)
        runner_complete(in_flight);
}

/* ---- push origins: the origin's threads drive the runners ----------------- */

static runner *pushed_runner(sluice_pusher *pusher, size_t index)
{
    pipeline_run *run = pusher->run;
    if (index >= run->n_runners) {
        run_fail(run, "stage %s: pushed to runner %zu of %zu", run->origin.ctx.stage_id, index, run->n_runners);
        return NULL;
    }
    return &run->runners[index];
}

SLUICE_API sluice_batch *sluice_push_begin(sluice_pusher *pusher, size_t runner_index)
{
    runner *r = pushed_runner(pusher, runner_index);
    if (!r || run_stopping(pusher->run))
        return NULL;
    return runner_begin(r);
}

SLUICE_API int sluice_push_commit(sluice_pusher *pusher, size_t runner_index, sluice_batch *batch)
{
    runner *r = pushed_runner(pusher, runner_index);
    if (!r)
        return SLUICE_ERROR;
    if (batch != r->stages[pusher->run->p->origin].lanes[0]) {
        run_fail(pusher->run, "stage %s: pushed a batch that sluice_push_begin did not give runner %zu",
                 pusher->run->origin.ctx.stage_id, runner_index);
        return SLUICE_ERROR;
    }
    if (runner_finish(r) != 0)
        return SLUICE_ERROR;
    if (pusher->run->opts->preview)
        atomic_store(&pusher->run->stopping, true); /* one batch */
    return SLUICE_OK;
}

SLUICE_API void sluice_push_done(sluice_pusher *pusher, size_t runner_index)
{
    runner *r = pushed_runner(pusher, runner_index);
    if (!r)
        return;
    pipeline_run *run = pusher->run;
    pthread_mutex_lock(&run->lock);
    if (!r->done) {
        r->done = true;
        run->n_done++;
        pthread_cond_broadcast(&run->changed);
    }
    pthread_mutex_unlock(&run->lock);
}

SLUICE_API bool sluice_push_stopping(const sluice_pusher *pusher) { return run_stopping(pusher->run); }

/* Waits for every runner to be done, asking the origin to stop once when a
 * stop is requested or the run fails.  Signals only set a flag, so wake up
 * now and then to look at it. */
static void run_push(pipeline_run *run)
{
    const pipeline_stage *ps = &run->p->stages[run->p->origin];
    stage_ctx_clear_error(&run->origin.ctx);
    /* Signals are handled by one thread, the main one (DESIGN §5): the
     * origin's threads inherit a mask that blocks them. */
    sigset_t stop_signals, before;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGALRM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &before);
    int started = ps->def->start(run->origin.state, &run->pusher);
    pthread_sigmask(SIG_SETMASK, &before, NULL);
    if (started != SLUICE_OK) {
        run_fail(run, "stage %s: start failed: %s", ps->desc->id, stage_ctx_error(&run->origin.ctx));
        return;
    }
    bool stop_sent = false;
    pthread_mutex_lock(&run->lock);
    while (run->n_done < run->n_runners) {
        if (!stop_sent && run_stopping(run)) {
            stop_sent = true;
            pthread_mutex_unlock(&run->lock);
            ps->def->stop(run->origin.state);
            pthread_mutex_lock(&run->lock);
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&run->changed, &run->lock, &until);
    }
    pthread_mutex_unlock(&run->lock);
}

/* ---- the end ------------------------------------------------------------ */

/* A stage's counters over the runners (and the spare), into *sum. */
static void stage_totals(const pipeline_run *run, size_t si, stage_run *sum)
{
    for (size_t ri = 0; run->runners && ri <= run->n_runners; ri++) {
        const runner *r = ri < run->n_runners ? &run->runners[ri] : run->spare;
        if (!r || !r->stages)
            continue; /* no spare, or init failed before this runner was set up */
        sum->n_in += r->stages[si].n_in;
        sum->n_out += r->stages[si].n_out;
        sum->n_errors += r->stages[si].n_errors;
    }
}

static void log_summary(const pipeline_run *run)
{
    const pipeline *p = run->p;
    uint64_t batches = (uint64_t)atomic_load(&run->batches);
    log_msg(SLUICE_LOG_INFO, NULL, "%llu batch(es) on %zu runner(s); per stage: in / out / errors",
            (unsigned long long)batches, run->n_runners);
    for (size_t k = 0; k < p->n_stages; k++) {
        size_t si = p->order[k];
        stage_run sum = {0};
        stage_totals(run, si, &sum);
        log_msg(SLUICE_LOG_INFO, NULL, "  %-20s %-20s %10llu %10llu %8llu", p->stages[si].desc->id,
                p->stages[si].desc->stage, (unsigned long long)sum.n_in, (unsigned long long)sum.n_out,
                (unsigned long long)sum.n_errors);
    }
    if (run->n_error_records)
        log_msg(SLUICE_LOG_WARN, NULL, "%llu error record(s) written to %s", (unsigned long long)run->n_error_records,
                p->error_stage ? "the error stage" : run->opts->error_file);
}

/* The offsets of every batch delivered (the runners merged them and went
 * on) are made durable before the run returns: after the origin ended, a
 * stop, or a failure, once no runner commits any more (DESIGN §5).  A
 * failed write fails the run (exit 1).  An abort never gets here: it
 * _exits from the signal handler, leaving the pending state unwritten. */
static void flush_offsets(pipeline_run *run)
{
    char why[1024];
    if (run->opts->offsets && !run->opts->preview && offset_store_flush(run->opts->offsets, why, sizeof why) != 0)
        run_fail(run, "%s", why);
}

int runner_run(pipeline *p, const run_options *opts, char *err, size_t errsize)
{
    pipeline_run run = {.p = p, .opts = opts, .err = err, .errsize = errsize, .error_fd = -1};
    run.pusher.run = &run;
    pthread_mutex_init(&run.lock, NULL);
    pthread_cond_init(&run.changed, NULL);
    pthread_mutex_init(&run.error_lock, NULL);
    run.shared = calloc(p->n_stages + 1, sizeof *run.shared);
    atomic_init(&run.stopping, false);
    atomic_init(&run.batches, 0);

    if (opts->offsets && offset_store_snapshot(opts->offsets, &run.committed) != 0)
        run_fail(&run, "offsets: out of memory");
    else if (init_instances(&run) == 0) {
        if (run.pushing)
            run_push(&run);
        else
            run_poll(&run);
    }
    if (stop_requested && !run.failed)
        log_msg(SLUICE_LOG_INFO, NULL, "stopped on request after the batches in flight");
    destroy_instances(&run);
    flush_offsets(&run);
    if (!opts->metrics)
        log_summary(&run);

    if (run.error_fd >= 0)
        close(run.error_fd);
    for (size_t ri = 0; ri < run.n_runners; ri++)
        runner_release(&run.runners[ri]);
    if (run.spare)
        runner_release(run.spare);
    free(run.spare);
    for (size_t i = 0; i <= p->n_stages; i++)
        if (run.shared[i].shared)
            pthread_mutex_destroy(&run.shared[i].lock);
    free(run.runners);
    free(run.own);
    free(run.shared);
    offset_map_free(&run.committed);
    pthread_mutex_destroy(&run.lock);
    pthread_cond_destroy(&run.changed);
    pthread_mutex_destroy(&run.error_lock);
    return run.failed ? 1 : 0;
}
