/* core/pipeline/runner.c — the single-threaded runner (DESIGN §5): origin
 * -> processors -> destinations in topological order, error records, then
 * the offset.  Push origins and runner pools come with the runner issue;
 * everything here is per runner so that a pool is many of these. */
#include "pipeline/runner.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sluice/format.h>

#include "log.h"
#include "pipeline/emitter.h"
#include "pipeline/stage_ctx.h"
#include "record/record_impl.h"

#define BATCH_ARENA_CHUNK (1u << 20)

static volatile sig_atomic_t stop_requested;

void runner_request_stop(void) { stop_requested = 1; }

void run_options_default(run_options *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->retry_attempts = 5;
    opts->retry_base_ms = 100;
    opts->retry_max_ms = 5000;
}

typedef struct stage_run {
    pipeline_stage *ps;
    size_t index; /* in pipeline.stages; SIZE_MAX for the error stage */
    sluice_stage_ctx ctx;
    void *state;
    int inited;
    sluice_batch *input;  /* the union of its input lanes */
    sluice_batch **lanes; /* its output lanes */
    size_t *served;       /* per output lane: readers given it in this batch */
    sluice_batch *retry;  /* destinations: the records to offer again */
    size_t *retry_index;  /* destinations: position of retry[i] in input */
    size_t retry_cap;
    sluice_emitter emitter;
    uint64_t n_in, n_out, n_errors;
} stage_run;

typedef struct runner {
    pipeline *p;
    const run_options *opts;
    arena *arena;
    stage_run *stages;     /* in pipeline.stages order */
    stage_run error_stage; /* used when p->error_stage */
    error_list errors;
    sluice_batch *error_batch;
    offset_map committed;
    uint64_t n_batches, n_error_records;
    unsigned backoff_seed; /* rand_r state: per runner, no shared PRNG */
    int error_fd;
    char *err;
    size_t errsize;
} runner;

static int fail(runner *r, const char *fmt, ...) SLUICE_PRINTF(2, 3);

static int fail(runner *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, r->errsize, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- setup and teardown ----------------------------------------------- */

static void stage_run_alloc(runner *r, stage_run *s, pipeline_stage *ps, size_t index)
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

static int stage_init(runner *r, stage_run *s)
{
    const offset_map *offsets = s->ps->def->kind == SLUICE_ORIGIN ? &r->committed : NULL;
    stage_ctx_init(&s->ctx, s->ps->desc->id, r->p->desc->pipeline, offsets);
    if (s->ps->def->init(&s->ctx, s->ps->config, &s->state) != SLUICE_OK)
        return fail(r, "stage %s (%s): init failed: %s", s->ps->desc->id, s->ps->desc->stage,
                    stage_ctx_error(&s->ctx));
    s->inited = 1;
    return 0;
}

/* Main thread, in topological order; destroyed in reverse. */
static int init_stages(runner *r)
{
    for (size_t k = 0; k < r->p->n_stages; k++)
        if (stage_init(r, &r->stages[r->p->order[k]]) != 0)
            return -1;
    if (r->p->error_stage && stage_init(r, &r->error_stage) != 0)
        return -1;
    return 0;
}

static void destroy_stages(runner *r)
{
    if (r->error_stage.inited)
        r->error_stage.ps->def->destroy(r->error_stage.state);
    for (size_t k = r->p->n_stages; k-- > 0;) {
        stage_run *s = &r->stages[r->p->order[k]];
        if (s->inited)
            s->ps->def->destroy(s->state);
        s->inited = 0;
    }
}

static void offset_map_clear(offset_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->keys[i]);
        free(m->values[i]);
    }
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}

static void offset_map_set(offset_map *m, const char *key, const char *value)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->keys[i], key) == 0) {
            free(m->values[i]);
            m->values[i] = strdup(value);
            return;
        }
    m->keys = realloc(m->keys, (m->n + 1) * sizeof *m->keys);
    m->values = realloc(m->values, (m->n + 1) * sizeof *m->values);
    m->keys[m->n] = strdup(key);
    m->values[m->n] = strdup(value);
    m->n++;
}

/* ---- one batch --------------------------------------------------------- */

static void clear_batch_state(runner *r)
{
    arena_reset(r->arena);
    r->errors.n = 0;
    batch_clear(r->error_batch);
    for (size_t i = 0; i < r->p->n_stages; i++) {
        stage_run *s = &r->stages[i];
        batch_clear(s->input);
        for (size_t j = 0; j < s->ps->n_lanes; j++) {
            batch_clear(s->lanes[j]);
            s->served[j] = 0;
        }
    }
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

static int run_processor(runner *r, stage_run *s)
{
    s->emitter.emitted = 0;
    s->emitter.bad_lane = NULL;
    size_t errors_before = r->errors.n;
    stage_ctx_clear_error(&s->ctx);
    if (s->ps->def->process(s->state, s->input, &s->emitter) != SLUICE_OK)
        return fail(r, "stage %s: %s", s->ps->desc->id, stage_ctx_error(&s->ctx));
    if (s->emitter.bad_lane)
        return fail(r, "stage %s: emitted to %s", s->ps->desc->id, s->emitter.bad_lane);
    s->n_out += s->emitter.emitted;
    s->n_errors += r->errors.n - errors_before;
    return 0;
}

/* Sleeps a random time in [0, min(max, base * 2^attempt)]: "full jitter"
 * backoff, which spreads retries of many clients best (AWS Architecture
 * Blog, "Exponential Backoff And Jitter"). */
static void backoff_sleep(const run_options *opts, int attempt, unsigned *seed)
{
    int64_t cap = opts->retry_base_ms;
    for (int i = 0; i < attempt && cap < opts->retry_max_ms; i++)
        cap *= 2;
    if (cap > opts->retry_max_ms)
        cap = opts->retry_max_ms;
    int64_t ms = cap > 0 ? (int64_t)(rand_r(seed) % (cap + 1)) : 0;
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !stop_requested)
        ;
}

/* Writes `b` and sorts its records by outcome: errors to the error list,
 * retries into s->retry (with their position in the original input). */
static int write_once(runner *r, stage_run *s, sluice_batch *b, const size_t *positions)
{
    b->outcomes = NULL;
    stage_ctx_clear_error(&s->ctx);
    if (s->ps->def->write(s->state, b) != SLUICE_OK)
        return fail(r, "stage %s: %s", s->ps->desc->id, stage_ctx_error(&s->ctx));
    sluice_batch *retry = s->retry;
    batch_clear(retry);
    if (!b->outcomes) {
        s->n_out += b->count;
        return 0;
    }
    if (s->retry_cap < b->count) {
        s->retry_cap = b->count;
        s->retry_index = realloc(s->retry_index, s->retry_cap * sizeof *s->retry_index);
    }
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
    return 0;
}

/* Offers the input to a destination, then only the records it asked to
 * retry, with backoff, until none is left or the attempts run out. */
static int run_destination(runner *r, stage_run *s, sluice_batch *input)
{
    if (write_once(r, s, input, NULL) != 0)
        return -1;
    for (int attempt = 1; s->retry->count; attempt++) {
        if (attempt >= r->opts->retry_attempts)
            return fail(r, "stage %s: %zu record(s) still not written after %d attempts", s->ps->desc->id,
                        s->retry->count, r->opts->retry_attempts);
        log_msg(SLUICE_LOG_WARN, s->ps->desc->id, "retrying %zu record(s), attempt %d of %d", s->retry->count,
                attempt + 1, r->opts->retry_attempts);
        backoff_sleep(r->opts, attempt - 1, &r->backoff_seed);
        /* Swap so the retried batch is a new view and s->retry can refill. */
        sluice_batch *offer = s->retry;
        s->retry = batch_new(r->arena);
        int rc = write_once(r, s, offer, s->retry_index);
        batch_free(offer);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Applies each failing stage's on_record_error and fills the error batch. */
static int route_errors(runner *r)
{
    for (size_t i = 0; i < r->errors.n; i++) {
        const record_error *e = &r->errors.items[i];
        pipeline_stage *ps = &r->p->stages[e->stage];
        switch (ps->desc->on_record_error) {
        case ON_ERROR_DISCARD:
            continue;
        case ON_ERROR_STOP_PIPELINE:
            return fail(r, "stage %s: record error %s: %s (on_record_error is stop_pipeline)", ps->desc->id, e->code,
                        e->message);
        case ON_ERROR_TO_ERROR:
            break;
        }
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
 * attributes, so the reason travels with the record (DESIGN §3). */
static int write_error_file(runner *r)
{
    if (r->error_fd < 0) {
        r->error_fd = open(r->opts->error_file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (r->error_fd < 0)
            return fail(r, "error records: cannot open %s: %s", r->opts->error_file, strerror(errno));
    }
    sluice_buf *buf = sluice_buf_new();
    for (size_t i = 0; i < r->error_batch->count; i++) {
        sluice_json_write_record(buf, r->error_batch->records[i], SLUICE_JSON_WITH_ATTRIBUTES);
        sluice_buf_append(buf, "\n", 1);
    }
    int rc = write_all(r->error_fd, sluice_buf_data(buf), sluice_buf_len(buf));
    sluice_buf_free(buf);
    if (rc != 0)
        return fail(r, "error records: cannot write %s: %s", r->opts->error_file, strerror(errno));
    return 0;
}

/* A record the error stage cannot take stops the pipeline (DESIGN §5). */
static int deliver_errors(runner *r)
{
    if (r->error_batch->count == 0)
        return 0;
    r->n_error_records += r->error_batch->count;
    if (!r->p->error_stage)
        return write_error_file(r);
    stage_run *s = &r->error_stage;
    s->n_in += r->error_batch->count;
    size_t errors_before = r->errors.n;
    if (run_destination(r, s, r->error_batch) != 0)
        return -1;
    if (r->errors.n != errors_before)
        return fail(r, "error_records: the error stage refused a record: %s", r->errors.items[errors_before].message);
    return 0;
}

/* The batch went everywhere: its offsets become the committed ones. */
static void commit_batch(runner *r, const sluice_batch *origin_out)
{
    for (size_t i = 0; i < origin_out->n_offsets; i++)
        offset_map_set(&r->committed, origin_out->offsets[i].key, origin_out->offsets[i].value);
}

/* One batch through the whole pipeline.  1 when the origin has ended. */
static int run_batch(runner *r)
{
    clear_batch_state(r);
    stage_run *origin = &r->stages[r->p->origin];
    stage_ctx_clear_error(&origin->ctx);
    int rc = origin->ps->def->produce(origin->state, origin->lanes[0]);
    if (rc != SLUICE_OK && rc != SLUICE_END)
        return fail(r, "stage %s: %s", origin->ps->desc->id, stage_ctx_error(&origin->ctx));
    origin->n_out += origin->lanes[0]->count;
    for (size_t k = 1; k < r->p->n_stages; k++) {
        stage_run *s = &r->stages[r->p->order[k]];
        gather_input(r, s);
        int step = s->ps->def->kind == SLUICE_PROCESSOR ? run_processor(r, s) : run_destination(r, s, s->input);
        if (step != 0)
            return -1;
    }
    if (route_errors(r) != 0 || deliver_errors(r) != 0)
        return -1;
    commit_batch(r, origin->lanes[0]);
    r->n_batches++;
    return rc == SLUICE_END;
}

static void log_summary(const runner *r)
{
    log_msg(SLUICE_LOG_INFO, NULL, "%llu batch(es); per stage: in / out / errors", (unsigned long long)r->n_batches);
    for (size_t k = 0; k < r->p->n_stages; k++) {
        const stage_run *s = &r->stages[r->p->order[k]];
        log_msg(SLUICE_LOG_INFO, NULL, "  %-20s %-20s %10llu %10llu %8llu", s->ps->desc->id, s->ps->desc->stage,
                (unsigned long long)s->n_in, (unsigned long long)s->n_out, (unsigned long long)s->n_errors);
    }
    if (r->n_error_records)
        log_msg(SLUICE_LOG_WARN, NULL, "%llu error record(s) written to %s", (unsigned long long)r->n_error_records,
                r->p->error_stage ? "the error stage" : r->opts->error_file);
}

int runner_run(pipeline *p, const run_options *opts, char *err, size_t errsize)
{
    runner r = {.p = p, .opts = opts, .error_fd = -1, .err = err, .errsize = errsize, .backoff_seed = (unsigned)time(NULL)};
    r.arena = arena_new(BATCH_ARENA_CHUNK);
    r.error_batch = batch_new(r.arena);
    r.stages = calloc(p->n_stages, sizeof *r.stages);
    for (size_t i = 0; i < p->n_stages; i++)
        stage_run_alloc(&r, &r.stages[i], &p->stages[i], i);
    if (p->error_stage)
        stage_run_alloc(&r, &r.error_stage, p->error_stage, SIZE_MAX);

    int rc = init_stages(&r);
    while (rc == 0 && !stop_requested && (!opts->max_batches || (int64_t)r.n_batches < opts->max_batches))
        rc = run_batch(&r);
    int failed = rc < 0;
    if (stop_requested && !failed)
        log_msg(SLUICE_LOG_INFO, NULL, "stopped on request after the batch in flight");
    destroy_stages(&r);
    log_summary(&r);

    if (r.error_fd >= 0)
        close(r.error_fd);
    for (size_t i = 0; i < p->n_stages; i++)
        stage_run_release(&r.stages[i]);
    stage_run_release(&r.error_stage);
    free(r.stages);
    batch_free(r.error_batch);
    error_list_free(&r.errors);
    offset_map_clear(&r.committed);
    arena_free(r.arena);
    return failed ? 1 : 0;
}
