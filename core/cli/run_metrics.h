/* core/cli/run_metrics.h — the metrics of one `sluice run`: built from the
 * pipeline, reported while it runs, summed up when it ends. */
#ifndef SLUICE_CORE_CLI_RUN_METRICS_H
#define SLUICE_CORE_CLI_RUN_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "pipeline/graph.h"
#include "pipeline/metrics.h"

/* Creates the run's metrics, one row per stage: row i is p->stages[i]
 * (descriptor order, the index the runner counts stages by), and row
 * p->n_stages the error stage when the pipeline has one.  Starts the
 * reporter: `metrics_file` (NULL: none) rewritten each second, the
 * progress line on stderr when `progress` and stderr is a TTY.  NULL with
 * one line in err (an unwritable --metrics-file). */
metrics *run_metrics_start(const pipeline *p, const char *metrics_file, bool progress, char *err, size_t errsize);

/* After the runners stopped: stops the reporter (last file write, progress
 * line erased), logs the record-error lines still suppressed, prints the
 * summary table on stderr, frees `m`.  NULL is a no-op. */
void run_metrics_finish(metrics *m);

#endif
