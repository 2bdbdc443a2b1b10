/* core/pipeline/metrics_impl.h — the inside of `metrics`, shared by
 * metrics.c (counters), metrics_json.c (the --metrics-file document),
 * metrics_reporter.c (the thread and the progress line) and
 * metrics_summary.c (the end table).  Not for the runner: it uses
 * metrics.h only. */
#ifndef SLUICE_CORE_METRICS_IMPL_H
#define SLUICE_CORE_METRICS_IMPL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "pipeline/metrics.h"

/* Distinct places error records went that are counted apart.  A run has
 * one (the error stage or errors.jsonl); a few more are room to spare. */
#define METRICS_ERROR_SINKS 8

/* One stage's counters.  Aligned to a cache line so that runner threads
 * working on different stages do not bounce each other's lines. */
typedef struct stage_metrics {
    _Alignas(64) _Atomic uint64_t in;
    _Atomic uint64_t out;
    _Atomic uint64_t errors;
    _Atomic uint64_t calls;     /* batches it was called on */
    _Atomic uint64_t nanos_sum; /* time in its calls */
    _Atomic uint64_t nanos_max; /* its longest call */
} stage_metrics;

typedef struct metrics_reporter metrics_reporter; /* metrics_reporter.c */

typedef struct error_sink {
    _Atomic(char *) where; /* NULL until claimed; then never changes */
    _Atomic uint64_t records;
} error_sink;

struct metrics {
    char *pipeline;
    size_t n_stages;
    char **ids;
    char **stage_names;
    stage_metrics *stages;

    _Atomic uint64_t batches;
    _Atomic uint64_t records;
    _Atomic uint64_t batch_nanos_sum;
    _Atomic uint64_t batch_nanos_max;
    _Atomic uint64_t error_records;
    error_sink sinks[METRICS_ERROR_SINKS];
    _Atomic uint64_t error_records_elsewhere; /* when every sink is taken */

    struct timespec started_wall; /* for "started" */
    uint64_t started_ns;          /* monotonic, for uptime and rates */

    /* The reporter: owned by the main thread (start/stop). */
    metrics_reporter *reporter;
};

/* A copy of the counters at one moment, for one document or one table. */
typedef struct metrics_stage_view {
    uint64_t in, out, errors, calls, nanos_sum, nanos_max;
} metrics_stage_view;

typedef struct metrics_view {
    uint64_t batches, records, batch_nanos_sum, batch_nanos_max;
    uint64_t error_records, error_records_elsewhere;
    uint64_t stage_errors; /* summed over the stages */
    double uptime_s;
    metrics_stage_view *stages; /* n_stages of them; metrics_view_free */
} metrics_view;

/* Fills `v` from the counters.  -1 when out of memory. */
int metrics_view_take(const metrics *m, metrics_view *v);
void metrics_view_free(metrics_view *v);

/* Average and longest time of a stage's calls, in milliseconds. */
double metrics_avg_ms(uint64_t nanos_sum, uint64_t calls);
double metrics_ms(uint64_t nanos);

/* 1234567 -> "1,234,567" in buf: large counts are read at a glance. */
const char *metrics_grouped(uint64_t n, char *buf, size_t size);

/* The --metrics-file document for `v`, with the rate of the last interval
 * (records per second); a malloc'd NUL-terminated string, or NULL. */
char *metrics_json(const metrics *m, const metrics_view *v, double last_rate);

/* Replaces `path` by `text` atomically: written to "PATH.tmp" beside it,
 * then renamed over it, so that a reader sees the old document or the new
 * one, never part of one.  -1 with one line in err. */
int metrics_replace_file(const char *path, const char *text, char *err, size_t errsize);

/* Takes a view and writes the document: metrics_json + metrics_replace_file. */
int metrics_write_file(const metrics *m, const char *path, double last_rate, char *err, size_t errsize);

#endif
