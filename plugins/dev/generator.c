/* plugins/dev/generator.c — dev:generator, an origin making test records.
 *
 * Record i is a pure function of (seed, i) (DESIGN §5): each record draws
 * from its own random stream (rng.h), so the data never depends on the
 * batch size, on the rate, or on where a previous run stopped.  Every
 * record starts with `seq` = i, and the origin's offset is the next i, so a
 * resumed run continues exactly where the last committed batch ended.
 *
 * The records come from the taxi preset (taxi.c) or from the operator's
 * `fields` list (field_spec.c); this file owns config, offsets, the
 * `records` limit and the rate.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "generator.h"
#include "rng.h"

/* ---- config --------------------------------------------------------------- */

static const char *const preset_values[] = {"taxi", NULL};

static const sluice_config_key generator_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "preset",
     .type = SLUICE_CONFIG_ENUM,
     .enum_values = preset_values,
     .help = "a ready-made record shape instead of `fields`. \"taxi\": NYC yellow-cab trips of January 2013 "
             "shaped like the StreamSets tutorial data (seq, medallion, hack_license, vendor_id, payment_type, "
             "fare_amount, surcharge, mta_tax, tip_amount, tolls_amount, total_amount, rate_code, "
             "pickup_datetime, dropoff_datetime, passenger_count, trip_time_in_secs, trip_distance, "
             "pickup_longitude, pickup_latitude, dropoff_longitude, dropoff_latitude, credit_card, "
             "credit_card_type); amounts are decimals with 2 places and total_amount is their exact sum"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "fields",
     .type = SLUICE_CONFIG_LIST,
     .item_type = SLUICE_CONFIG_OBJECT,
     .object = &field_spec_item_schema,
     .help = "the record shape instead of `preset`: a list of {name, type, ...}, one field each, after `seq`; "
             "see the item keys for the types and their options"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "seed",
     .type = SLUICE_CONFIG_INT,
     .default_json = "0",
     .help = "the random seed: the same seed gives the same records, whatever batch_size or rate"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "records",
     .type = SLUICE_CONFIG_INT,
     .flags = SLUICE_CONFIG_RANGE,
     .min = 0,
     .max = 9.0e18,
     .help = "how many records to make in all (counting those of earlier runs, as seq does), then end the "
             "run; unbounded when absent"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "batch_size",
     .type = SLUICE_CONFIG_INT,
     .flags = SLUICE_CONFIG_RANGE,
     .default_json = "1000",
     .min = 1,
     .max = 1000000,
     .help = "records per batch (with a rate, at most one second's worth)"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "rate",
     .type = SLUICE_CONFIG_DOUBLE,
     .flags = SLUICE_CONFIG_RANGE,
     .default_json = "0",
     .min = 0,
     .max = 1.0e12,
     .help = "records per second, paced against the monotonic clock; 0 makes them as fast as possible"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "threads",
     .type = SLUICE_CONFIG_INT,
     .flags = SLUICE_CONFIG_RANGE,
     .default_json = "1",
     .min = 1,
     .max = 64,
     .help = "threads making records, each pushing its batches through its own runner; thread k of T makes "
             "the batches k, k+T, k+2T, ... of batch_size records, so record i is the same whatever the "
             "threads; each thread has its own offset, so keep threads and batch_size when resuming"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "corrupt_fraction",
     .type = SLUICE_CONFIG_DOUBLE,
     .flags = SLUICE_CONFIG_RANGE,
     .min = 0,
     .max = 1,
     .help = "taxi preset only (default 0.002): the share of records corrupted on purpose, one of three "
             "kinds chosen evenly, to exercise error handling. (a) payment_type CRD with credit_card null "
             "and credit_card_type \"n/a\": fails a precondition such as "
             "${record:value('/payment_type') != 'CRD' || record:value('/credit_card') != null}; "
             "(b) pickup_datetime a malformed STRING such as \"2013-01-34 27:63:05\": fails converting it "
             "to a datetime (a SQL sink's timestamp column, fields:convert); "
             "(c) total_amount a non-numeric STRING such as \"12.5O\" (letter O): fails converting it to "
             "a decimal (a SQL sink's numeric column, fields:convert)"},
};

/* Across keys: one record shape, and corrupt_fraction only where it means
 * something (it has no default_json so that setting it is visible here;
 * its default, 0.002, is applied in init). */
static int generator_check(const sluice_config *config, char *err, size_t errsize)
{
    bool preset = sluice_config_has(config, "preset");
    bool fields = sluice_config_has(config, "fields");

    if (preset && fields) {
        snprintf(err, errsize, "fields: set either preset or fields, not both");
        return SLUICE_ERROR;
    }
    if (!preset && !fields) {
        snprintf(err, errsize, "preset: set either preset (\"taxi\") or fields");
        return SLUICE_ERROR;
    }
    if (fields && sluice_config_has(config, "corrupt_fraction")) {
        snprintf(err, errsize, "corrupt_fraction: only for the taxi preset");
        return SLUICE_ERROR;
    }
    return fields ? field_spec_check(config, err, errsize) : SLUICE_OK;
}

const sluice_config_schema generator_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = generator_keys,
    .n_keys = sizeof generator_keys / sizeof generator_keys[0],
    .check = generator_check,
};

#define DEFAULT_CORRUPT_FRACTION 0.002
#define MAX_THREADS 64

/* ---- instance ------------------------------------------------------------- */

/* Paces one stream of records at a rate (see pace()). */
typedef struct pacer {
    double rate;          /* records/s, 0 = unpaced */
    bool clock_started;
    struct timespec t0;   /* when this stream's first batch was made */
    uint64_t emitted;     /* records made in this run, for pacing */
} pacer;

typedef struct generator generator;

/* One thread of a threaded generator: it pushes through runner k. */
typedef struct worker {
    generator *g;
    size_t k;
    uint64_t next; /* seq of its next batch's first record */
    pacer pace;
    pthread_t thread;
    bool started;
} worker;

struct generator {
    sluice_stage_ctx *ctx;
    taxi_model *taxi;     /* one of taxi ... */
    field_spec *fields;   /* ... and fields */
    uint64_t next;        /* seq of the next record */
    bool bounded;         /* `records` was set */
    uint64_t limit;       /* `records` */
    uint64_t batch_size;
    pacer pace;
    size_t threads;       /* > 1: pushed through that many runners */
    worker *workers;
    sluice_pusher *pusher;
};

/* The committed offset is the next seq in decimal; anything else was not
 * written by this stage. */
static int parse_offset(const char *text, uint64_t *out)
{
    uint64_t v = 0;

    if (*text == '\0')
        return -1;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    *out = v;
    return 0;
}

/* The offset key of thread k of `threads` ("" for a single stream). */
static void offset_key(char *buf, size_t size, size_t k, size_t threads)
{
    if (threads <= 1)
        snprintf(buf, size, "%s", "");
    else
        snprintf(buf, size, "thread-%zu-of-%zu", k, threads);
}

/* Offsets committed with another number of threads would make this run
 * start its streams elsewhere: refuse rather than repeat or skip. */
static int check_offsets_match(generator *g)
{
    for (size_t t = 1; t <= MAX_THREADS; t++) {
        char key[48];
        offset_key(key, sizeof key, 0, t);
        if (t != g->threads && sluice_stage_offset(g->ctx, key)) {
            sluice_stage_fail(g->ctx,
                              "the committed offsets were made with threads = %zu, this config has %zu: keep "
                              "threads, or reset the offsets (sluice offsets reset)",
                              t, g->threads);
            return SLUICE_ERROR;
        }
    }
    return SLUICE_OK;
}

/* Where thread k (or the single stream) resumes: its committed offset, or
 * its first batch.  A threaded stream's offset must sit on its own batches. */
static int resume_point(generator *g, size_t k, uint64_t *next)
{
    char key[48];
    offset_key(key, sizeof key, k, g->threads);
    const char *offset = sluice_stage_offset(g->ctx, key);
    *next = g->threads > 1 ? k * g->batch_size : 0;
    if (!offset)
        return SLUICE_OK;
    if (parse_offset(offset, next) != 0) {
        sluice_stage_fail(g->ctx, "committed offset \"%s\" is not a record number: reset the offsets", offset);
        return SLUICE_ERROR;
    }
    uint64_t stride = g->batch_size * g->threads;
    if (g->threads > 1 && *next % stride != k * g->batch_size) {
        sluice_stage_fail(g->ctx, "committed offset %s of thread %zu is not on its batches: batch_size changed? "
                          "keep it, or reset the offsets", offset, k);
        return SLUICE_ERROR;
    }
    sluice_log(g->ctx, SLUICE_LOG_INFO, "%s resuming at record %" PRIu64, *key ? key : "generator", *next);
    return SLUICE_OK;
}

static int resume(generator *g)
{
    if (check_offsets_match(g) != SLUICE_OK)
        return SLUICE_ERROR;
    if (g->threads <= 1)
        return resume_point(g, 0, &g->next);
    g->workers = calloc(g->threads, sizeof *g->workers);
    for (size_t k = 0; k < g->threads; k++) {
        worker *w = &g->workers[k];
        w->g = g;
        w->k = k;
        w->pace.rate = g->pace.rate / (double)g->threads;
        if (resume_point(g, k, &w->next) != SLUICE_OK)
            return SLUICE_ERROR;
    }
    /* The threads push: one runner each (sluice/stage.h, push origins). */
    sluice_origin_set_runners(g->ctx, g->threads);
    return SLUICE_OK;
}

int generator_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    generator *g = calloc(1, sizeof *g);
    uint64_t seed_key = rng_seed_key(sluice_config_int(config, "seed"));

    if (!g) {
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    g->ctx = ctx;
    g->bounded = sluice_config_has(config, "records");
    g->limit = (uint64_t)sluice_config_int(config, "records");
    g->batch_size = (uint64_t)sluice_config_int(config, "batch_size");
    if (g->batch_size == 0)
        g->batch_size = 1000;
    g->pace.rate = sluice_config_double(config, "rate");
    g->threads = (size_t)sluice_config_int(config, "threads");
    if (g->threads < 1)
        g->threads = 1;
    if (resume(g) != SLUICE_OK) {
        free(g->workers);
        free(g);
        return SLUICE_ERROR;
    }

    if (sluice_config_has(config, "fields")) {
        g->fields = field_spec_new(config, seed_key);
    } else {
        double corrupt = sluice_config_has(config, "corrupt_fraction")
                             ? sluice_config_double(config, "corrupt_fraction")
                             : DEFAULT_CORRUPT_FRACTION;
        g->taxi = taxi_model_new(seed_key, corrupt);
    }
    *state = g;
    return SLUICE_OK;
}

void generator_destroy(void *state)
{
    generator *g = state;

    if (!g)
        return;
    /* The core calls destroy once every runner is done; join the threads. */
    for (size_t k = 0; g->workers && k < g->threads; k++)
        if (g->workers[k].started)
            pthread_join(g->workers[k].thread, NULL);
    free(g->workers);
    taxi_model_free(g->taxi);
    field_spec_free(g->fields);
    free(g);
}

/* ---- pacing ----------------------------------------------------------------- */

/* Sleeps until the records made so far in this run are due at `rate`:
 * record k of the run is released at t0 + k / rate.  Measured against the
 * monotonic clock from the first batch, so a slow downstream stage does not
 * make the generator burst later beyond the average, and wall-clock jumps
 * do not matter. */
static void pace(pacer *p)
{
    struct timespec due;
    double ahead;

    if (!p->clock_started) {
        clock_gettime(CLOCK_MONOTONIC, &p->t0);
        p->clock_started = true;
        return;
    }
    ahead = (double)p->emitted / p->rate;
    due.tv_sec = p->t0.tv_sec + (time_t)ahead;
    due.tv_nsec = p->t0.tv_nsec + (long)((ahead - (double)(time_t)ahead) * 1e9);
    if (due.tv_nsec >= 1000000000L) {
        due.tv_sec++;
        due.tv_nsec -= 1000000000L;
    }
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, NULL) == EINTR)
        ;
}

/* ---- making records ----------------------------------------------------------- */

/* Records [first, first + n) into `out`, with the offset `next` under `key`. */
static void fill(const generator *g, sluice_batch *out, uint64_t first, uint64_t n, const char *key, uint64_t next)
{
    char offset[24];
    uint64_t end = first + n;

    if (g->taxi) {
        for (uint64_t i = first; i < end; i++)
            sluice_batch_add(out, sluice_record_new(out, taxi_record(g->taxi, out, i)));
    } else {
        for (uint64_t i = first; i < end; i++)
            sluice_batch_add(out, sluice_record_new(out, field_spec_record(g->fields, out, i)));
    }
    snprintf(offset, sizeof offset, "%" PRIu64, next);
    sluice_batch_set_offset(out, key, offset);
}

int generator_produce(void *state, sluice_batch *out)
{
    generator *g = state;
    uint64_t n = g->batch_size;

    if (g->bounded) {
        if (g->next >= g->limit)
            return SLUICE_END;
        if (n > g->limit - g->next)
            n = g->limit - g->next;
    }
    if (g->pace.rate > 0) {
        /* At most a second's worth per batch, so that a slow rate still
         * delivers (and commits) steadily rather than once a batch_size. */
        uint64_t per_second = g->pace.rate >= 1 ? (uint64_t)g->pace.rate : 1;
        if (n > per_second)
            n = per_second;
        pace(&g->pace);
    }
    fill(g, out, g->next, n, "", g->next + n);
    g->next += n;
    g->pace.emitted += n;
    return g->bounded && g->next >= g->limit ? SLUICE_END : SLUICE_OK;
}

/* ---- threads (push) ------------------------------------------------------------- */

/* Thread k makes the batches k, k + T, k + 2T, ... and pushes each through
 * its own runner; its offset is the first record of its next batch. */
static void *worker_main(void *arg)
{
    worker *w = arg;
    generator *g = w->g;
    uint64_t stride = g->batch_size * g->threads;
    char key[48];

    offset_key(key, sizeof key, w->k, g->threads);
    while (!g->bounded || w->next < g->limit) {
        uint64_t n = g->batch_size;
        if (g->bounded && n > g->limit - w->next)
            n = g->limit - w->next;
        if (w->pace.rate > 0)
            pace(&w->pace);
        sluice_batch *out = sluice_push_begin(g->pusher, w->k);
        if (!out)
            break; /* stopping */
        fill(g, out, w->next, n, key, w->next + stride);
        if (sluice_push_commit(g->pusher, w->k, out) != SLUICE_OK)
            break;
        w->next += stride;
        w->pace.emitted += n;
    }
    sluice_push_done(g->pusher, w->k);
    return NULL;
}

int generator_start(void *state, sluice_pusher *pusher)
{
    generator *g = state;

    g->pusher = pusher;
    for (size_t k = 0; k < g->threads; k++) {
        int rc = pthread_create(&g->workers[k].thread, NULL, worker_main, &g->workers[k]);
        if (rc != 0) {
            /* The ones started will see the stop the core sends on failure. */
            for (size_t j = k; j < g->threads; j++)
                sluice_push_done(pusher, j);
            sluice_stage_fail(g->ctx, "cannot start thread %zu: %s", k, strerror(rc));
            if (k)
                sluice_log(g->ctx, SLUICE_LOG_ERROR, "cannot start thread %zu: %s; going on with %zu", k,
                           strerror(rc), k);
            return k ? SLUICE_OK : SLUICE_ERROR;
        }
        g->workers[k].started = true;
    }
    return SLUICE_OK;
}

/* The threads look at sluice_push_begin's answer, which turns NULL once the
 * core is stopping: nothing to do here but let them finish their batch. */
void generator_stop(void *state)
{
    (void)state;
}
