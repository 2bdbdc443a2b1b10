/* core/cli/run_metrics.c — wiring metrics (core/pipeline/metrics.h) to a
 * pipeline for `sluice run`. */
#include "cli/run_metrics.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"

metrics *run_metrics_start(const pipeline *p, const char *metrics_file, bool progress, char *err, size_t errsize)
{
    size_t n = p->n_stages + (p->error_stage ? 1 : 0);
    const char **ids = calloc(n ? n : 1, sizeof *ids);
    const char **names = calloc(n ? n : 1, sizeof *names);
    metrics *m = NULL;
    if (ids && names) {
        for (size_t i = 0; i < p->n_stages; i++) {
            ids[i] = p->stages[i].desc->id;
            names[i] = p->stages[i].desc->stage;
        }
        if (p->error_stage) {
            ids[p->n_stages] = p->error_stage->desc->id;
            names[p->n_stages] = p->error_stage->desc->stage;
        }
        m = metrics_new(n, ids, names, p->desc->pipeline);
    }
    free(ids);
    free(names);
    if (!m) {
        snprintf(err, errsize, "metrics: out of memory");
        return NULL;
    }
    if (metrics_reporter_start(m, metrics_file, progress, err, errsize) != 0) {
        metrics_free(m);
        return NULL;
    }
    return m;
}

void run_metrics_finish(metrics *m)
{
    if (!m)
        return;
    metrics_reporter_stop(m);
    log_record_error_flush();
    metrics_print_summary(m, stderr);
    metrics_free(m);
}
