/* core/pipeline/runner.h — running a built pipeline (DESIGN §5).
 *
 * A runner takes a batch from the origin, passes it through the stages in
 * topological order (each stage seeing the union of its input lanes),
 * re-offers records a destination asked to retry, hands error records to
 * the error stage (or errors.jsonl), and only then commits the batch's
 * offsets.  The next batch of that runner waits: that is the backpressure.
 *
 * A poll origin has one runner, driven by the main thread.  A push origin
 * asks for a fixed pool of runners at init and pushes batches through them
 * from its own threads; each runner has its own instance of every
 * downstream stage except shared ones (SLUICE_STAGE_SHARED and the error
 * stage), whose calls are serialized. */
#ifndef SLUICE_CORE_RUNNER_H
#define SLUICE_CORE_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/graph.h"
#include "pipeline/metrics.h"

/* Hooks for `sluice preview`: called after each stage ran, on the thread
 * that ran it.  lane is SIZE_MAX for a destination's input. */
typedef struct preview_hooks {
    void (*stage_output)(void *arg, const pipeline_stage *stage, size_t lane, const sluice_batch *records);
    void (*stage_errors)(void *arg, const pipeline_stage *stage, const sluice_batch *errors);
    void *arg;
} preview_hooks;

typedef struct offset_store offset_store;

typedef struct run_options {
    const char *error_file;  /* where error records go without an error stage */
    offset_store *offsets;   /* committed offsets: read at init, committed after each batch, flushed at the end (NULL: none kept) */
    metrics *metrics;        /* counted into when not NULL (cmd_run owns it) */
    int64_t max_batches;     /* stop after this many batches (0: no limit) */
    int64_t stop_timeout_ms; /* after a stop request, abort (exit 1) when the batches in flight take longer */
    /* Preview: one batch of at most preview_records, hooks called, nothing
     * committed; destinations (and the error stage) run only with
     * preview_write. */
    const preview_hooks *preview;
    size_t preview_records;
    bool preview_write;
} run_options;

/* Defaults for everything in run_options but error_file.  Retry settings
 * come from the pipeline (its "retry"). */
void run_options_default(run_options *opts);

/* Runs until the origin ends, a stop is requested or something fails.
 * Returns 0, or 1 with one line in err (nothing of a failed batch is
 * committed). */
int runner_run(pipeline *p, const run_options *opts, char *err, size_t errsize);

/* Asks the run to stop after the batches in flight.  Async-signal-safe. */
void runner_request_stop(void);

#endif
