/* core/pipeline/runner.c — one runner's batch flow (DESIGN §5): the
 * origin's batch through processors and destinations in topological order,
 * retries of what a destination could not write yet, error records, and
 * only then the batch's offsets.  run.c drives one runner per poll origin,
 * or a pool of them for a push origin. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sluice/format.h>

#include "expr/expr.h"
#include "log.h"
#include "pipeline/offset_store.h"
#include "pipeline/run_impl.h"

#define BATCH_ARENA_CHUNK (1u << 20)

/* ---- setup and teardown ----------------------------------------------- */

static void stage_run_setup(runner *r, stage_run *s, pipeline_stage *ps, size_t index)
{
    s->ps = ps;
    s->index = index;
    s->input = batch_new(r->arena);
    s->retry = batch_new(r->arena);
    s->lanes = calloc(ps->n_lanes ? ps->n_lanes : 1, sizeof *s->lanes);
    s->served = calloc(ps->n_lanes ? ps->n_lanes : 1, sizeof *s->served);
    for (size_t j = 0; j < ps->n_lanes; j++)
        s->lanes[j] = batch_new(r->arena);
    s->emitter.lanes = s->lanes;
    s->emitter.n_lanes = ps->n_lanes;
    s->emitter.errors = &r->errors;
    s->emitter.stage = index;
    s->emitter.arena = r->arena;
}

static void stage_run_release(stage_run *s)
{
    if (!s->ps)
        return;
    batch_free(s->input);
    batch_free(s->retry);
    for (size_t j = 0; j < s->ps->n_lanes; j++)
        batch_free(s->lanes[j]);
    free(s->lanes);
    free(s->served);
    free(s->retry_index);
}

void runner_setup(runner *r, pipeline_run *run, size_t index)
{
    pipeline *p = run->p;
    r->run = run;
    r->index = index;
    r->arena = arena_new(BATCH_ARENA_CHUNK);
    r->error_batch = batch_new(r->arena);
    r->backoff_seed = (unsigned)time(NULL) ^ (unsigned)(index * 2654435761u);
    r->expr_ctx = expr_ctx_new(p->desc->pipeline);
    r->stages = calloc(p->n_stages, sizeof *r->stages);
    for (size_t i = 0; i < p->n_stages; i++)
        stage_run_setup(r, &r->stages[i], &p->stages[i], i);
    if (p->error_stage)
        stage_run_setup(r, &r->error_stage, p->error_stage, SIZE_MAX);
}

void runner_release(runner *r)
{
    if (!r->stages)
        return;
    for (size_t i = 0; i < r->run->p->n_stages; i++)
        stage_run_release(&r->stages[i]);
    stage_run_release(&r->error_stage);
    free(r->stages);
    batch_free(r->error_batch);
    error_list_free(&r->errors);
    sluice_expr_ctx_free(r->expr_ctx);
    arena_free(r->arena);
}

/* ---- one batch --------------------------------------------------------- */

sluice_batch *runner_begin(runner *r)
{
    r->batch_started_ns = metrics_now_ns();
    arena_reset(r->arena);
    r->errors.n = 0;
    batch_clear(r->error_batch);
    for (size_t i = 0; i < r->run->p->n_stages; i++) {
        stage_run *s = &r->stages[i];
        batch_clear(s->input);
        for (size_t j = 0; j < s->ps->n_lanes; j++) {
            batch_clear(s->lanes[j]);
            s->served[j] = 0;
        }
    }
    return r->stages[r->run->p->origin].lanes[0];
}

/* Gives a stage the union of its input lanes.  A lane read by several
 * stages is copied for all but its last reader, so that no stage sees
 * another's changes (a record sent to two places is two records). */
static void gather_input(runner *r, stage_run *s)
{
    for (size_t k = 0; k < s->ps->n_inputs; k++) {
        lane_ref ref = s->ps->inputs[k];
        stage_run *from = &r->stages[ref.stage];
        sluice_batch *lane = from->lanes[ref.lane];
        if (++from->served[ref.lane] == from->ps->readers[ref.lane]) {
            batch_append_records(s->input, lane->records, lane->count);
            continue;
        }
        for (size_t i = 0; i < lane->count; i++)
            sluice_batch_add(s->input, sluice_record_copy(s->input, lane->records[i]));
    }
    s->n_in += s->input->count;
}

/* Why `rec` may not reach the stage, written to msg: a missing required
 * field (SDC's "Required Fields") or a precondition that fails or cannot
 * be evaluated (SDC's "Preconditions").  The error code, or NULL when the
 * record may pass. */
static const char *screen_record(runner *r, const pipeline_stage *ps, const sluice_record *rec, char *msg,
                                 size_t size)
{
    for (size_t k = 0; k < ps->n_required; k++)
        if (!sluice_path_get(rec, ps->required[k])) {
            snprintf(msg, size, "required field %s is missing", sluice_path_text(ps->required[k]));
            return "SLUICE_REQUIRED_FIELD";
        }
    for (size_t k = 0; k < ps->n_preconditions; k++) {
        bool holds = false;
        if (sluice_expr_eval_bool(ps->preconditions[k], r->expr_ctx, rec, &holds) != SLUICE_OK) {
            snprintf(msg, size, "precondition %s: %s", sluice_expr_text(ps->preconditions[k]),
                     sluice_expr_ctx_error(r->expr_ctx));
            return "SLUICE_PRECONDITION";
        }
        if (!holds) {
            snprintf(msg, size, "precondition failed: %s", sluice_expr_text(ps->preconditions[k]));
            return "SLUICE_PRECONDITION";
        }
    }
    return NULL;
}

/* Records a stage may not see go to error handling before it runs; the
 * others stay in its input, in order. */
static void screen_input(runner *r, stage_run *s)
{
    const pipeline_stage *ps = s->ps;
    if (!ps->n_required && !ps->n_preconditions)
        return;
    sluice_batch *in = s->input;
    size_t kept = 0;
    for (size_t i = 0; i < in->count; i++) {
        sluice_record *rec = in->records[i];
        char msg[1024];
        const char *code = screen_record(r, ps, rec, msg, sizeof msg);
        if (!code) {
            in->records[kept++] = rec;
            continue;
        }
        error_list_add(&r->errors, rec, s->index, code, sluice_batch_strndup(in, msg, strlen(msg)));
        s->n_errors++;
    }
    in->count = kept;
}

static int run_processor(runner *r, stage_run *s)
{
    s->emitter.emitted = 0;
    s->emitter.bad_lane = NULL;
    size_t errors_before = r->errors.n;
    stage_instance *inst = s->inst;
    instance_enter(inst);
    stage_ctx_clear_error(&inst->ctx);
    int rc = s->ps->def->process(inst->state, s->input, &s->emitter);
    if (rc != SLUICE_OK)
        run_fail(r->run, "stage %s: %s", s->ps->desc->id, stage_ctx_error(&inst->ctx));
    instance_leave(inst);
    if (rc != SLUICE_OK)
        return -1;
    if (s->emitter.bad_lane) {
        run_fail(r->run, "stage %s: emitted to %s", s->ps->desc->id, s->emitter.bad_lane);
        return -1;
    }
    s->n_out += s->emitter.emitted;
    s->n_errors += r->errors.n - errors_before;
    return 0;
}

/* Sleeps a random time in [0, min(max, base * 2^attempt)]: "full jitter"
 * backoff, which spreads the retries of many writers best (AWS
 * Architecture Blog, "Exponential Backoff And Jitter", 2015). */
static void backoff_sleep(const pipeline *p, int attempt, unsigned *seed)
{
    int64_t cap = p->retry_base_ms;
    for (int i = 0; i < attempt && cap < p->retry_max_ms; i++)
        cap *= 2;
    if (cap > p->retry_max_ms)
        cap = p->retry_max_ms;
    int64_t ms = cap > 0 ? (int64_t)(rand_r(seed) % (cap + 1)) : 0;
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Calls a destination's write or flush on `b`, or with `then` set (its
 * flush) both in one call into the instance: a shared instance's lock is
 * held across the two, so that no other runner writes in between.  0, or
 * -1 after run_fail. */
static int call_destination2(runner *r, stage_run *s, int (*fn)(void *, sluice_batch *),
                             int (*then)(void *, sluice_batch *), sluice_batch *b)
{
    stage_instance *inst = s->inst;
    instance_enter(inst);
    stage_ctx_clear_error(&inst->ctx);
    int rc = fn(inst->state, b);
    if (rc == SLUICE_OK && then)
        rc = then(inst->state, b);
    if (rc != SLUICE_OK)
        run_fail(r->run, "stage %s: %s", s->ps->desc->id, stage_ctx_error(&inst->ctx));
    instance_leave(inst);
    return rc == SLUICE_OK ? 0 : -1;
}

static int call_destination(runner *r, stage_run *s, int (*fn)(void *, sluice_batch *), sluice_batch *b)
{
    return call_destination2(r, s, fn, NULL, b);
}

/* Flushes the instance's written inputs in the order they were written
 * (sluice/stage.h), through `upto`, or all of them when it is NULL.  They
 * may belong to the other runner of the poll loop: only their flush is
 * called here, their outcomes are read by their own runner_complete. */
static int flush_through(runner *r, stage_instance *inst, const stage_run *upto)
{
    while (inst->n_unflushed) {
        stage_run *q = inst->unflushed[0];
        inst->unflushed[0] = inst->unflushed[1];
        inst->n_unflushed--;
        q->unflushed = false;
        if (call_destination(r, q, q->ps->def->flush, q->input) != 0)
            return -1;
        if (q == upto)
            break;
    }
    return 0;
}

/* Sorts the records of `b`, written (and flushed), by outcome: errors to
 * the error list, retries into s->retry (with their position in the
 * first offer). */
static void take_outcomes(runner *r, stage_run *s, sluice_batch *b, const size_t *positions)
{
    sluice_batch *retry = s->retry;
    batch_clear(retry);
    if (!b->outcomes) {
        s->n_out += b->count;
        return;
    }
    if (s->retry_cap < b->count) {
        s->retry_cap = b->count;
        s->retry_index = realloc(s->retry_index, s->retry_cap * sizeof *s->retry_index);
    }
    /* positions may be retry_index itself: build the next one aside. */
    size_t *next_index = positions == s->retry_index ? malloc(b->count * sizeof *next_index) : s->retry_index;
    for (size_t i = 0; i < b->count; i++) {
        const batch_outcome *o = &b->outcomes[i];
        if (o->kind == OUTCOME_ERROR) {
            error_list_add(&r->errors, b->records[i], s->index, o->code, o->message);
            s->n_errors++;
        } else if (o->kind == OUTCOME_RETRY) {
            next_index[retry->count] = positions ? positions[i] : i;
            sluice_batch_add(retry, b->records[i]);
        } else {
            s->n_out++;
        }
    }
    if (next_index != s->retry_index) {
        memcpy(s->retry_index, next_index, retry->count * sizeof *next_index);
        free(next_index);
    }
}

/* Writes `b` and waits for it: write, then flush when the stage has one,
 * after flushing what the instance still has in flight so that flushes
 * keep the order of writes. */
static int write_once(runner *r, stage_run *s, sluice_batch *b, const size_t *positions)
{
    b->outcomes = NULL;
    const sluice_stage_def *def = s->ps->def;
    if (flush_through(r, s->inst, NULL) != 0 || call_destination2(r, s, def->write, def->flush, b) != 0)
        return -1;
    take_outcomes(r, s, b, positions);
    return 0;
}

/* Offers the records the destination asked to retry, with backoff, until
 * none is left or the attempts run out; then the pipeline stops without
 * committing (DESIGN §4). */
static int retry_destination(runner *r, stage_run *s)
{
    const pipeline *p = r->run->p;
    for (int attempt = 1; s->retry->count; attempt++) {
        if (attempt >= p->retry_attempts) {
            run_fail(r->run, "stage %s: %zu record(s) still not written after %d attempts", s->ps->desc->id,
                     s->retry->count, p->retry_attempts);
            return -1;
        }
        log_msg(SLUICE_LOG_WARN, s->ps->desc->id, "retrying %zu record(s), attempt %d of %d", s->retry->count,
                attempt + 1, p->retry_attempts);
        backoff_sleep(p, attempt - 1, &r->backoff_seed);
        /* The retried records become the offer; s->retry refills. */
        sluice_batch *offer = s->retry;
        s->retry = batch_new(r->arena);
        int rc = write_once(r, s, offer, s->retry_index);
        batch_free(offer);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Offers the input to a destination, then what it asks to retry. */
static int run_destination(runner *r, stage_run *s, sluice_batch *input)
{
    if (write_once(r, s, input, NULL) != 0)
        return -1;
    return retry_destination(r, s);
}

/* The overlapped first offer (runner_write): only written, flushed by
 * runner_complete, or earlier by the instance's next synchronous write. */
static int start_destination(runner *r, stage_run *s)
{
    stage_instance *inst = s->inst;
    s->input->outcomes = NULL;
    /* At most two in flight (sluice/stage.h): the runners alternate, so
     * the instance holds at most the other runner's input here. */
    if (inst->n_unflushed == 2 && flush_through(r, inst, inst->unflushed[0]) != 0)
        return -1;
    if (call_destination(r, s, s->ps->def->write, s->input) != 0)
        return -1;
    inst->unflushed[inst->n_unflushed++] = s;
    s->unflushed = true;
    s->deferred = true;
    r->deferred = true;
    return 0;
}

/* Whether runner_write may leave this stage's outcomes for later: only a
 * destination with flush, and not a shared one, whose calls other runners
 * interleave. */
static bool can_defer(const pipeline_stage *ps)
{
    return ps->def->kind == SLUICE_DESTINATION && ps->def->flush && !(ps->def->flags & SLUICE_STAGE_SHARED);
}

bool runner_flushed_early(const runner *r)
{
    for (size_t i = 0; i < r->run->p->n_stages; i++)
        if (r->stages[i].deferred && !r->stages[i].unflushed)
            return true;
    return false;
}

bool pipeline_can_overlap(const pipeline *p)
{
    for (size_t i = 0; i < p->n_stages; i++)
        if (can_defer(&p->stages[i]))
            return true;
    return false;
}

/* A stage whose on_record_error is stop_pipeline stops the pipeline at its
 * first record error, before any later stage sees the batch (as SDC's
 * "Stop Pipeline" does). */
static int stop_on_record_error(runner *r, const stage_run *s, size_t errors_before)
{
    if (r->errors.n == errors_before || s->ps->desc->on_record_error != ON_ERROR_STOP_PIPELINE)
        return 0;
    const record_error *e = &r->errors.items[errors_before];
    run_fail(r->run, "stage %s: record error %s: %s (on_record_error is stop_pipeline)", s->ps->desc->id, e->code,
             e->message);
    return -1;
}

/* Applies each failing stage's on_record_error and fills the error batch. */
static int route_errors(runner *r)
{
    for (size_t i = 0; i < r->errors.n; i++) {
        const record_error *e = &r->errors.items[i];
        pipeline_stage *ps = &r->run->p->stages[e->stage];
        switch (ps->desc->on_record_error) {
        case ON_ERROR_DISCARD:
            continue;
        case ON_ERROR_STOP_PIPELINE:
            run_fail(r->run, "stage %s: record error %s: %s (on_record_error is stop_pipeline)", ps->desc->id,
                     e->code, e->message);
            return -1;
        case ON_ERROR_TO_ERROR:
            break;
        }
        log_record_error(ps->desc->id, e->code, "%s", e->message);
        sluice_record_set_attribute(r->error_batch, e->record, "sluice.error.stage", ps->desc->id);
        sluice_record_set_attribute(r->error_batch, e->record, "sluice.error.code", e->code);
        sluice_record_set_attribute(r->error_batch, e->record, "sluice.error.message", e->message);
        sluice_batch_add(r->error_batch, e->record);
    }
    return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* Without an error stage, error records go to errors.jsonl with their
 * attributes, so the reason travels with the record (DESIGN §3).  One
 * write(2) per batch under a lock keeps runners' lines whole. */
static int write_error_file(runner *r)
{
    pipeline_run *run = r->run;
    sluice_buf *buf = sluice_buf_new();
    for (size_t i = 0; i < r->error_batch->count; i++) {
        sluice_json_write_record(buf, r->error_batch->records[i], SLUICE_JSON_WITH_ATTRIBUTES);
        sluice_buf_append(buf, "\n", 1);
    }
    int rc = 0;
    pthread_mutex_lock(&run->error_lock);
    if (run->error_fd < 0)
        run->error_fd = open(run->opts->error_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (run->error_fd < 0 || write_all(run->error_fd, sluice_buf_data(buf), sluice_buf_len(buf)) != 0)
        rc = errno ? errno : EIO;
    pthread_mutex_unlock(&run->error_lock);
    sluice_buf_free(buf);
    if (rc) {
        run_fail(run, "error records: cannot write %s: %s", run->opts->error_file, strerror(rc));
        return -1;
    }
    return 0;
}

/* A record the error stage cannot take stops the pipeline (DESIGN §5). */
static int deliver_errors(runner *r)
{
    pipeline_run *run = r->run;
    if (r->error_batch->count == 0)
        return 0;
    if (run->opts->preview && run->opts->preview->stage_errors)
        run->opts->preview->stage_errors(run->opts->preview->arg, NULL, r->error_batch);
    if (run->opts->preview && !run->opts->preview_write)
        return 0;
    pthread_mutex_lock(&run->lock);
    run->n_error_records += r->error_batch->count;
    pthread_mutex_unlock(&run->lock);
    metrics *m = run->opts->metrics;
    if (!run->p->error_stage) {
        if (write_error_file(r) != 0)
            return -1;
        if (m)
            metrics_error_records(m, r->error_batch->count, run->opts->error_file);
        return 0;
    }
    stage_run *s = &r->error_stage;
    s->n_in += r->error_batch->count;
    size_t errors_before = r->errors.n;
    uint64_t t = metrics_now_ns(), out0 = s->n_out;
    if (run_destination(r, s, r->error_batch) != 0)
        return -1;
    if (m) {
        metrics_stage_add(m, run->p->n_stages, r->error_batch->count, s->n_out - out0, r->errors.n - errors_before,
                          metrics_now_ns() - t);
        metrics_error_records(m, s->n_out - out0, s->ps->desc->id);
    }
    if (r->errors.n != errors_before) {
        run_fail(run, "error_records: the error stage refused a record: %s", r->errors.items[errors_before].message);
        return -1;
    }
    return 0;
}

/* The batch went everywhere: its offsets are handed to the offset store,
 * whose writer thread writes them, whole and atomically, while the runner
 * takes the next batch; the store bounds the lag (pipeline/offset_store.h)
 * and runner_run flushes it at the end (DESIGN §5).  A failed write
 * (ENOSPC, EIO), reported by the next commit, stops the pipeline. */
static int commit_batch(runner *r, const sluice_batch *origin_out)
{
    pipeline_run *run = r->run;
    size_t n = origin_out->n_offsets;
    if (!run->opts->offsets || n == 0)
        return 0;
    const char *stack_keys[8], *stack_values[8];
    const char **keys = n <= 8 ? stack_keys : malloc(n * sizeof *keys);
    const char **values = n <= 8 ? stack_values : malloc(n * sizeof *values);
    for (size_t i = 0; i < n; i++) {
        keys[i] = origin_out->offsets[i].key;
        values[i] = origin_out->offsets[i].value;
    }
    char why[1024];
    int rc = offset_store_commit(run->opts->offsets, keys, values, n, why, sizeof why);
    if (keys != stack_keys) {
        free(keys);
        free(values);
    }
    if (rc != 0) {
        run_fail(run, "%s", why);
        return -1;
    }
    return 0;
}

static void preview_output(runner *r, const stage_run *s, size_t lane, const sluice_batch *b)
{
    const preview_hooks *h = r->run->opts->preview;
    if (h && h->stage_output)
        h->stage_output(h->arg, s->ps, lane, b);
}

/* Preview shows at most preview_records of the origin's batch, and of its
 * error records. */
static void preview_origin(runner *r, stage_run *origin)
{
    const run_options *opts = r->run->opts;
    if (!opts->preview)
        return;
    sluice_batch *out = origin->lanes[0];
    if (opts->preview_records && out->count > opts->preview_records)
        out->count = opts->preview_records;
    if (opts->preview_records && out->n_errors > opts->preview_records)
        out->n_errors = opts->preview_records;
    preview_output(r, origin, 0, out);
}

/* The records the origin sent to error handling (sluice_batch_add_error)
 * become record errors of the origin, handled by its on_record_error like
 * any stage's.  Returns how many. */
static size_t take_origin_errors(runner *r, stage_run *origin)
{
    const sluice_batch *out = origin->lanes[0];
    for (size_t i = 0; i < out->n_errors; i++)
        error_list_add(&r->errors, out->errors[i].record, origin->index, out->errors[i].code,
                       out->errors[i].message);
    origin->n_errors += out->n_errors;
    return out->n_errors;
}

int runner_write(runner *r, bool overlap)
{
    pipeline_run *run = r->run;
    pipeline *p = run->p;
    stage_run *origin = &r->stages[p->origin];
    preview_origin(r, origin);
    origin->n_out += origin->lanes[0]->count;
    size_t origin_first = r->errors.n;
    size_t origin_errors = take_origin_errors(r, origin);
    metrics *m = run->opts->metrics;
    uint64_t t = metrics_now_ns();
    if (m)
        metrics_stage_add(m, p->origin, 0, origin->lanes[0]->count, origin_errors, t - r->batch_started_ns);
    if (stop_on_record_error(r, origin, origin_first) != 0)
        return -1;
    bool write = !run->opts->preview || run->opts->preview_write;
    for (size_t k = 1; k < p->n_stages; k++) {
        stage_run *s = &r->stages[p->order[k]];
        size_t errors_before = r->errors.n;
        uint64_t in0 = s->n_in, out0 = s->n_out, err0 = s->n_errors;
        gather_input(r, s);
        screen_input(r, s);
        int step = 0;
        bool deferred = false;
        if (s->ps->def->kind == SLUICE_PROCESSOR) {
            step = run_processor(r, s);
            for (size_t j = 0; step == 0 && j < s->ps->n_lanes; j++)
                preview_output(r, s, j, s->lanes[j]);
        } else {
            preview_output(r, s, SIZE_MAX, s->input);
            deferred = write && overlap && can_defer(s->ps);
            if (deferred)
                step = start_destination(r, s);
            else if (write)
                step = run_destination(r, s, s->input);
        }
        uint64_t now = metrics_now_ns();
        if (deferred) { /* its outcomes, and so its metrics, come in runner_complete */
            s->deferred_in0 = in0;
            s->deferred_out0 = out0;
            s->deferred_err0 = err0;
            s->deferred_ns = now - t;
        } else if (m) {
            metrics_stage_add(m, s->index, s->n_in - in0, s->n_out - out0, s->n_errors - err0, now - t);
        }
        t = now;
        if (step != 0 || stop_on_record_error(r, s, errors_before) != 0)
            return -1;
    }
    return 0;
}

/* A deferred destination's flush, outcomes and retries. */
static int complete_destination(runner *r, stage_run *s)
{
    metrics *m = r->run->opts->metrics;
    uint64_t t = metrics_now_ns();
    size_t errors_before = r->errors.n;
    s->deferred = false;
    if (s->unflushed && flush_through(r, s->inst, s) != 0)
        return -1;
    take_outcomes(r, s, s->input, NULL);
    int step = retry_destination(r, s);
    if (m)
        metrics_stage_add(m, s->index, s->n_in - s->deferred_in0, s->n_out - s->deferred_out0,
                          s->n_errors - s->deferred_err0, s->deferred_ns + (metrics_now_ns() - t));
    if (step != 0 || stop_on_record_error(r, s, errors_before) != 0)
        return -1;
    return 0;
}

int runner_complete(runner *r)
{
    pipeline_run *run = r->run;
    pipeline *p = run->p;
    stage_run *origin = &r->stages[p->origin];
    for (size_t k = 1; r->deferred && k < p->n_stages; k++) {
        stage_run *s = &r->stages[p->order[k]];
        if (s->deferred && complete_destination(r, s) != 0)
            return -1;
    }
    r->deferred = false;
    if (route_errors(r) != 0 || deliver_errors(r) != 0)
        return -1;
    if (run->opts->preview)
        return 0; /* offsets are never committed by a preview */
    if (commit_batch(r, origin->lanes[0]) != 0)
        return -1;
    r->n_batches++;
    metrics *m = run->opts->metrics;
    if (m)
        metrics_batch_done(m, origin->lanes[0]->count, metrics_now_ns() - r->batch_started_ns);
    int64_t total = atomic_fetch_add(&run->batches, 1) + 1;
    if (run->opts->max_batches && total >= run->opts->max_batches)
        atomic_store(&run->stopping, true);
    return 0;
}

int runner_finish(runner *r)
{
    return runner_write(r, false) != 0 ? -1 : runner_complete(r);
}
