/* tests/integration/plugins/testkit.c — stages that misbehave on purpose,
 * for testing the runner (not installed).
 *
 * testkit:flaky (destination) logs every write() call as one line
 * "<instance> <seq> <seq> ...", and can ask for records to be retried,
 * refuse records, fail the whole call, or be slow.  It also notices when
 * one instance is called from two threads at once.
 * testkit:deferred (destination) is flaky with a flush callback: write()
 * only notes the batch (a line "W <instance> <first seq> <count>") and
 * flush() does what flaky's write does (its line, its outcomes; the
 * n-th flush fails with fail_at_call).  It fails the run when the core
 * breaks sluice/stage.h's rules: a third batch written before a flush, a
 * flush out of write order, or a batch changed between write and flush.
 * testkit:reject (processor) sends records whose seq is a multiple of
 * `every` to error handling and the others on.
 * testkit:badgen (push origin) pushes `batches` batches of `batch_size`
 * records {"seq": n} from its own thread, and sends those whose seq is a
 * multiple of `error_every` (but 0) to error handling (sluice_batch_add_error).
 * Its offset is the next seq; a resumed run starts there. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sluice/sluice.h>

#define KEY(n, t, ...) {.struct_size = sizeof(sluice_config_key), .name = (n), .type = (t), __VA_ARGS__}

static const sluice_config_key flaky_keys[] = {
    KEY("log", SLUICE_CONFIG_STRING, .flags = SLUICE_CONFIG_REQUIRED, .help = "file logging each write call"),
    KEY("retry_every", SLUICE_CONFIG_INT, .default_json = "0", .help = "retry records whose seq is a multiple"),
    KEY("retry_times", SLUICE_CONFIG_INT, .default_json = "1", .help = "how many offers of them to retry"),
    KEY("retry_forever", SLUICE_CONFIG_INT, .default_json = "-1", .help = "this seq is always retried"),
    KEY("error_every", SLUICE_CONFIG_INT, .default_json = "0", .help = "refuse records whose seq is a multiple"),
    KEY("fail_at_call", SLUICE_CONFIG_INT, .default_json = "0", .help = "fail the whole n-th write call"),
    KEY("slow_ms", SLUICE_CONFIG_INT, .default_json = "0", .help = "sleep in every write call"),
};
static const sluice_config_schema flaky_schema = {sizeof(sluice_config_schema), flaky_keys,
                                                  sizeof flaky_keys / sizeof flaky_keys[0], NULL};

#define MAX_TRACKED 65536

/* testkit:deferred: a batch written and not yet flushed, and what it
 * held when written. */
typedef struct written {
    sluice_batch *batch;
    size_t count;
    int64_t seq_sum;
} written;

typedef struct flaky {
    sluice_stage_ctx *ctx;
    written unflushed[2];
    size_t n_unflushed;
    int log; /* O_APPEND: one write(2) per call, whole lines even with many instances */
    int64_t retry_every, retry_times, retry_forever, error_every, fail_at_call, slow_ms;
    int64_t calls;
    unsigned id;
    atomic_int inside;
    unsigned char offers[MAX_TRACKED]; /* offers seen per seq (seq < MAX_TRACKED) */
} flaky;

static atomic_uint instances;

static int flaky_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    flaky *f = calloc(1, sizeof *f);
    f->ctx = ctx;
    f->log = open(sluice_config_string(config, "log"), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (f->log < 0) {
        sluice_stage_fail(ctx, "cannot open %s", sluice_config_string(config, "log"));
        free(f);
        return SLUICE_ERROR;
    }
    f->retry_every = sluice_config_int(config, "retry_every");
    f->retry_times = sluice_config_int(config, "retry_times");
    f->retry_forever = sluice_config_int(config, "retry_forever");
    f->error_every = sluice_config_int(config, "error_every");
    f->fail_at_call = sluice_config_int(config, "fail_at_call");
    f->slow_ms = sluice_config_int(config, "slow_ms");
    f->id = atomic_fetch_add(&instances, 1);
    *state = f;
    return SLUICE_OK;
}

static void flaky_destroy(void *state)
{
    flaky *f = state;
    close(f->log);
    free(f);
}

static int64_t seq_of(const sluice_record *r)
{
    return sluice_field_get_int(sluice_map_get(sluice_record_root(r), "seq", 3));
}

/* Marks a second call into one instance while the first is inside. */
static bool enter(flaky *f)
{
    if (atomic_fetch_add(&f->inside, 1) == 0)
        return true;
    atomic_fetch_sub(&f->inside, 1);
    sluice_stage_fail(f->ctx, "instance %u called from two threads at once", f->id);
    return false;
}

static int leave(flaky *f, int rc)
{
    atomic_fetch_sub(&f->inside, 1);
    return rc;
}

static int log_line(flaky *f, sluice_buf *line)
{
    sluice_buf_append(line, "\n", 1);
    ssize_t w = write(f->log, sluice_buf_data(line), sluice_buf_len(line));
    sluice_buf_free(line);
    if (w < 0) {
        sluice_stage_fail(f->ctx, "cannot write the log: %s", strerror(errno));
        return SLUICE_ERROR;
    }
    return SLUICE_OK;
}

/* What flaky's write does inside the instance: sleep, log, mark outcomes,
 * fail the n-th call. */
static int write_records(flaky *f, sluice_batch *in)
{
    if (f->slow_ms) {
        struct timespec ts = {f->slow_ms / 1000, (long)(f->slow_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ; /* a stop signal must not cut the batch short */
    }
    sluice_buf *line = sluice_buf_new();
    char num[32];
    sluice_buf_append(line, num, (size_t)snprintf(num, sizeof num, "%u", f->id));
    for (size_t i = 0; i < sluice_batch_count(in); i++) {
        int64_t seq = seq_of(sluice_batch_record(in, i));
        sluice_buf_append(line, num, (size_t)snprintf(num, sizeof num, " %" PRId64, seq));
        unsigned offers = seq >= 0 && seq < MAX_TRACKED ? ++f->offers[seq] : 1;
        if (seq == f->retry_forever || (f->retry_every && seq % f->retry_every == 0 && offers <= f->retry_times))
            sluice_batch_record_retry(in, i);
        else if (f->error_every && seq % f->error_every == 0)
            sluice_batch_record_error(in, i, "TESTKIT_01", "seq %" PRId64 " refused", seq);
    }
    if (log_line(f, line) != SLUICE_OK)
        return SLUICE_ERROR;
    if (++f->calls == f->fail_at_call) {
        sluice_stage_fail(f->ctx, "failing call %" PRId64 " on purpose", f->calls);
        return SLUICE_ERROR;
    }
    return SLUICE_OK;
}

static int flaky_write(void *state, sluice_batch *in)
{
    flaky *f = state;
    return enter(f) ? leave(f, write_records(f, in)) : SLUICE_ERROR;
}

static written note_batch(sluice_batch *in)
{
    written w = {.batch = in, .count = sluice_batch_count(in)};
    for (size_t i = 0; i < w.count; i++)
        w.seq_sum += seq_of(sluice_batch_record(in, i));
    return w;
}

static int deferred_write(void *state, sluice_batch *in)
{
    flaky *f = state;
    if (!enter(f))
        return SLUICE_ERROR;
    if (f->n_unflushed == 2) {
        sluice_stage_fail(f->ctx, "a third batch written before a flush");
        return leave(f, SLUICE_ERROR);
    }
    written w = note_batch(in);
    f->unflushed[f->n_unflushed++] = w;
    sluice_buf *line = sluice_buf_new();
    char text[64];
    sluice_buf_append(line, text,
                      (size_t)snprintf(text, sizeof text, "W %u %" PRId64 " %zu", f->id,
                                       w.count ? seq_of(sluice_batch_record(in, 0)) : -1, w.count));
    return leave(f, log_line(f, line));
}

static int deferred_flush(void *state, sluice_batch *in)
{
    flaky *f = state;
    if (!enter(f))
        return SLUICE_ERROR;
    if (f->n_unflushed == 0 || f->unflushed[0].batch != in) {
        sluice_stage_fail(f->ctx, "flush of a batch that is not the oldest written");
        return leave(f, SLUICE_ERROR);
    }
    written now = note_batch(in);
    if (now.count != f->unflushed[0].count || now.seq_sum != f->unflushed[0].seq_sum) {
        sluice_stage_fail(f->ctx, "the batch changed between write and flush");
        return leave(f, SLUICE_ERROR);
    }
    f->unflushed[0] = f->unflushed[1];
    f->n_unflushed--;
    return leave(f, write_records(f, in));
}

static const sluice_config_key reject_keys[] = {
    KEY("every", SLUICE_CONFIG_INT, .default_json = "10", .help = "reject records whose seq is a multiple"),
};
static const sluice_config_schema reject_schema = {sizeof(sluice_config_schema), reject_keys, 1, NULL};

static int reject_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    (void)ctx;
    int64_t *every = malloc(sizeof *every);
    *every = sluice_config_int(config, "every");
    *state = every;
    return SLUICE_OK;
}

static void reject_destroy(void *state) { free(state); }

static int reject_process(void *state, sluice_batch *in, sluice_emitter *out)
{
    int64_t every = *(int64_t *)state;
    for (size_t i = 0; i < sluice_batch_count(in); i++) {
        sluice_record *r = sluice_batch_record(in, i);
        int64_t seq = seq_of(r);
        if (every && seq % every == 0)
            sluice_emit_error(out, r, "TESTKIT_02", "seq %" PRId64 " rejected", seq);
        else
            sluice_emit(out, 0, r);
    }
    return SLUICE_OK;
}

static const sluice_config_key badgen_keys[] = {
    KEY("batches", SLUICE_CONFIG_INT, .default_json = "3", .help = "batches to push"),
    KEY("batch_size", SLUICE_CONFIG_INT, .default_json = "10", .help = "records per batch, bad ones included"),
    KEY("error_every", SLUICE_CONFIG_INT, .default_json = "0", .help = "records whose seq is a multiple: errors"),
};
static const sluice_config_schema badgen_schema = {sizeof(sluice_config_schema), badgen_keys,
                                                   sizeof badgen_keys / sizeof badgen_keys[0], NULL};

typedef struct badgen {
    int64_t batches, batch_size, error_every, next;
    sluice_pusher *pusher;
    pthread_t thread;
    int started;
} badgen;

static int badgen_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    badgen *g = calloc(1, sizeof *g);
    const char *offset = sluice_stage_offset(ctx, "");
    g->batches = sluice_config_int(config, "batches");
    g->batch_size = sluice_config_int(config, "batch_size");
    g->error_every = sluice_config_int(config, "error_every");
    g->next = offset ? strtoll(offset, NULL, 10) : 0;
    *state = g;
    return SLUICE_OK;
}

static void *badgen_push(void *arg)
{
    badgen *g = arg;
    for (int64_t b = 0; b < g->batches; b++) {
        sluice_batch *out = sluice_push_begin(g->pusher, 0);
        if (!out)
            break;
        for (int64_t i = 0; i < g->batch_size; i++, g->next++) {
            sluice_field *root = sluice_field_new_map(out, 1);
            sluice_map_append_static(out, root, "seq", 3, sluice_field_new_int(out, g->next));
            sluice_record *r = sluice_record_new(out, root);
            if (g->error_every && g->next > 0 && g->next % g->error_every == 0)
                sluice_batch_add_error(out, r, "TESTKIT_03", "seq %" PRId64 " unreadable", g->next);
            else
                sluice_batch_add(out, r);
        }
        char offset[32];
        snprintf(offset, sizeof offset, "%" PRId64, g->next);
        sluice_batch_set_offset(out, "", offset);
        if (sluice_push_commit(g->pusher, 0, out) != SLUICE_OK)
            break;
    }
    sluice_push_done(g->pusher, 0);
    return NULL;
}

static int badgen_start(void *state, sluice_pusher *pusher)
{
    badgen *g = state;
    g->pusher = pusher;
    g->started = pthread_create(&g->thread, NULL, badgen_push, g) == 0;
    return g->started ? SLUICE_OK : SLUICE_ERROR;
}

static void badgen_stop(void *state) { (void)state; /* the thread sees sluice_push_begin return NULL */ }

static void badgen_destroy(void *state)
{
    badgen *g = state;
    if (g->started)
        pthread_join(g->thread, NULL);
    free(g);
}

static const sluice_stage_def stages[] = {
    {.struct_size = sizeof(sluice_stage_def), .name = "flaky", .kind = SLUICE_DESTINATION,
     .summary = "a destination that retries, refuses and fails on purpose", .config = &flaky_schema,
     .init = flaky_init, .destroy = flaky_destroy, .write = flaky_write},
    {.struct_size = sizeof(sluice_stage_def), .name = "deferred", .kind = SLUICE_DESTINATION,
     .summary = "flaky, written in write and flush", .config = &flaky_schema, .init = flaky_init,
     .destroy = flaky_destroy, .write = deferred_write, .flush = deferred_flush},
    {.struct_size = sizeof(sluice_stage_def), .name = "reject", .kind = SLUICE_PROCESSOR,
     .summary = "a processor that rejects every n-th record", .config = &reject_schema, .init = reject_init,
     .destroy = reject_destroy, .process = reject_process},
    {.struct_size = sizeof(sluice_stage_def), .name = "badgen", .kind = SLUICE_ORIGIN,
     .summary = "a push origin sending every n-th record to error handling", .config = &badgen_schema,
     .init = badgen_init, .destroy = badgen_destroy, .start = badgen_start, .stop = badgen_stop},
};

static const sluice_plugin_def plugin = {
    SLUICE_PLUGIN_DEF_HEADER, .name = "testkit", .version = "0", .summary = "runner test stages",
    .stages = stages, .n_stages = sizeof stages / sizeof stages[0],
};

SLUICE_PLUGIN(plugin)
