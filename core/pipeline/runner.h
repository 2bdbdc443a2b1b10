/* core/pipeline/runner.h — running a built pipeline (DESIGN §5).
 *
 * One runner pulls a batch from the origin, passes it through the stages in
 * topological order (each stage seeing the union of its input lanes),
 * re-offers records a destination asked to retry, hands error records to
 * the error stage (or errors.jsonl), and only then commits the batch's
 * offset.  The next batch waits: that is the backpressure. */
#ifndef SLUICE_CORE_RUNNER_H
#define SLUICE_CORE_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline/graph.h"

typedef struct run_options {
    const char *error_file;  /* where error records go without an error stage */
    int retry_attempts;      /* times a record is offered to a destination (>= 1) */
    int64_t retry_base_ms;   /* first backoff cap; doubles each attempt */
    int64_t retry_max_ms;    /* backoff cap */
    int64_t max_batches;     /* stop after this many batches (0: no limit) */
} run_options;

/* Defaults for everything in run_options but error_file. */
void run_options_default(run_options *opts);

/* Runs until the origin ends, a stop is requested or something fails.
 * Returns 0, or 1 with one line in err (nothing of the failed batch is
 * committed). */
int runner_run(pipeline *p, const run_options *opts, char *err, size_t errsize);

/* Asks the runner to stop after the batch in flight.  Async-signal-safe. */
void runner_request_stop(void);

#endif
