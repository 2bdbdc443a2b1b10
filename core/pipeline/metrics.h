/* core/pipeline/metrics.h — what a run has done so far (DESIGN §5):
 * records in, out and in error per stage, batch timing, where error
 * records went; shown as a progress line on a TTY, written each second to
 * --metrics-file, and summed up in a table at the end.
 *
 * Concurrency: the counters are C11 atomics, so any number of runner
 * threads may call metrics_stage_add, metrics_batch_done and
 * metrics_error_records at once without a lock; the reporter thread only
 * reads them.  metrics_new, metrics_reporter_start/stop, metrics_free are
 * for the main thread; metrics_print_summary may run at any time (it shows
 * a consistent-enough view: each counter is read once, atomically).
 *
 * Call sequence for a run:
 *   m = metrics_new(...);
 *   metrics_reporter_start(m, file, progress, err, sizeof err);
 *   ... runners: metrics_stage_add after each stage's call of a batch,
 *       metrics_error_records when error records were delivered,
 *       metrics_batch_done after each committed batch ...
 *   metrics_reporter_stop(m);
 *   metrics_print_summary(m, stderr);
 *   metrics_free(m); */
#ifndef SLUICE_CORE_METRICS_H
#define SLUICE_CORE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct metrics metrics;

/* Counters for `n_stages` stages, shown in this order; ids[i] is the
 * descriptor id of stage i, stage_names[i] its "plugin:stage".  The strings
 * are copied.  The run's clock starts now.  NULL when out of memory. */
metrics *metrics_new(size_t n_stages, const char *const *ids, const char *const *stage_names, const char *pipeline);

/* Stops the reporter if it still runs, then frees.  NULL is a no-op. */
void metrics_free(metrics *m);

/* CLOCK_MONOTONIC in nanoseconds: the clock to time stage calls and
 * batches with. */
uint64_t metrics_now_ns(void);

/* Counts one call of stage `stage` on a batch: records it took in, passed
 * on, sent to error handling, and the time it took (monotonic ns).  For a
 * destination, call it once per batch with the time of all its attempts.
 * Any thread; lock-free.  An out-of-range `stage` is ignored. */
void metrics_stage_add(metrics *m, size_t stage, uint64_t in, uint64_t out, uint64_t errors, uint64_t nanos);

/* Counts one committed batch of `records` origin records that took `nanos`
 * end to end.  Any thread; lock-free. */
void metrics_batch_done(metrics *m, uint64_t records, uint64_t nanos);

/* Counts `n` error records delivered to `where` (the error stage's id, or
 * the errors.jsonl path; NULL reads "(unknown)").  The first few distinct
 * places are counted apart; more are counted as "elsewhere".  Any thread;
 * lock-free (the first call for a new place allocates its name). */
void metrics_error_records(metrics *m, uint64_t n, const char *where);

/* Starts one reporter thread that wakes each second: it replaces
 * `metrics_file` (when not NULL) atomically by a new JSON document, and
 * when `progress` is true and stderr is a TTY, redraws a one-line progress
 * report there (log lines clear it first; see log_set_progress_line).
 * The file is written once before this returns, so that a path that cannot
 * be written is an error here: -1 with one line in err.  Without a file
 * and without a TTY no thread is started.  0 on success. */
int metrics_reporter_start(metrics *m, const char *metrics_file, bool progress, char *err, size_t errsize);

/* Joins the reporter, writes the file a last time with the final counts,
 * and clears the progress line.  Safe when the reporter never started. */
void metrics_reporter_stop(metrics *m);

/* Writes the end-of-run table to `out`: per stage its id, plugin:stage,
 * records in / out / in error, average and longest time per batch; then
 * the totals (batches, records, time, rate) and where error records went. */
void metrics_print_summary(const metrics *m, FILE *out);

#endif
