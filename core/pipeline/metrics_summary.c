/* core/pipeline/metrics_summary.c — the table printed when a run ends:
 *
 *   id    stage            in      out  errors  avg ms/batch  max ms/batch
 *   gen   dev:generator     0   10,000       0         0.012         0.310
 *   out   file:writer  10,000    9,997       3         0.254         2.117
 *   total: 100 batches, 10,000 records in 1.204 s (8,305 records/s), 3 record errors
 *   error records: 3 to /var/lib/sluice/taxi/errors.jsonl
 *
 * Columns are as wide as their widest cell, numbers right-aligned, so the
 * table reads in a terminal and cuts cleanly with awk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/metrics_impl.h"

enum { COL_IN, COL_OUT, COL_ERRORS, COL_AVG, COL_MAX, N_NUMBER_COLS };

static const char *const number_headers[N_NUMBER_COLS] = {"in", "out", "errors", "avg ms/batch", "max ms/batch"};

/* The text of stage i's number cells. */
static void number_cells(const metrics_stage_view *s, char cells[N_NUMBER_COLS][32])
{
    metrics_grouped(s->in, cells[COL_IN], sizeof cells[COL_IN]);
    metrics_grouped(s->out, cells[COL_OUT], sizeof cells[COL_OUT]);
    metrics_grouped(s->errors, cells[COL_ERRORS], sizeof cells[COL_ERRORS]);
    snprintf(cells[COL_AVG], sizeof cells[COL_AVG], "%.3f", metrics_avg_ms(s->nanos_sum, s->calls));
    snprintf(cells[COL_MAX], sizeof cells[COL_MAX], "%.3f", metrics_ms(s->nanos_max));
}

static int widest(int width, const char *text)
{
    int len = (int)strlen(text);
    return len > width ? len : width;
}

static void print_table(const metrics *m, const metrics_view *v, FILE *out)
{
    int id_width = (int)strlen("id"), stage_width = (int)strlen("stage");
    int widths[N_NUMBER_COLS];
    for (int c = 0; c < N_NUMBER_COLS; c++)
        widths[c] = (int)strlen(number_headers[c]);
    char cells[N_NUMBER_COLS][32];
    for (size_t i = 0; i < m->n_stages; i++) {
        id_width = widest(id_width, m->ids[i]);
        stage_width = widest(stage_width, m->stage_names[i]);
        number_cells(&v->stages[i], cells);
        for (int c = 0; c < N_NUMBER_COLS; c++)
            widths[c] = widest(widths[c], cells[c]);
    }

    fprintf(out, "%-*s  %-*s", id_width, "id", stage_width, "stage");
    for (int c = 0; c < N_NUMBER_COLS; c++)
        fprintf(out, "  %*s", widths[c], number_headers[c]);
    fputc('\n', out);
    for (size_t i = 0; i < m->n_stages; i++) {
        number_cells(&v->stages[i], cells);
        fprintf(out, "%-*s  %-*s", id_width, m->ids[i], stage_width, m->stage_names[i]);
        for (int c = 0; c < N_NUMBER_COLS; c++)
            fprintf(out, "  %*s", widths[c], cells[c]);
        fputc('\n', out);
    }
}

static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

static void print_totals(const metrics_view *v, FILE *out)
{
    char batches[32], records[32], rate[32], errors[32];
    double overall = v->uptime_s > 0 ? (double)v->records / v->uptime_s : 0;
    fprintf(out, "total: %s batch%s, %s record%s in %.3f s (%s records/s), %s record error%s\n",
            metrics_grouped(v->batches, batches, sizeof batches), v->batches == 1 ? "" : "es",
            metrics_grouped(v->records, records, sizeof records), plural(v->records), v->uptime_s,
            metrics_grouped((uint64_t)(overall + 0.5), rate, sizeof rate),
            metrics_grouped(v->stage_errors, errors, sizeof errors), plural(v->stage_errors));
}

/* Where error records went: never left unsaid (DESIGN §3). */
static void print_error_records(const metrics *m, const metrics_view *v, FILE *out)
{
    char count[32];
    if (v->error_records == 0) {
        fputs("error records: none\n", out);
        return;
    }
    for (size_t i = 0; i < METRICS_ERROR_SINKS; i++) {
        const char *where = atomic_load_explicit(&m->sinks[i].where, memory_order_acquire);
        if (!where)
            break;
        uint64_t n = atomic_load_explicit(&m->sinks[i].records, memory_order_relaxed);
        fprintf(out, "error records: %s to %s\n", metrics_grouped(n, count, sizeof count), where);
    }
    if (v->error_records_elsewhere)
        fprintf(out, "error records: %s to other places\n",
                metrics_grouped(v->error_records_elsewhere, count, sizeof count));
}

void metrics_print_summary(const metrics *m, FILE *out)
{
    metrics_view v;
    if (metrics_view_take(m, &v) != 0) {
        metrics_view_free(&v);
        return;
    }
    print_table(m, &v, out);
    print_totals(&v, out);
    print_error_records(m, &v, out);
    fflush(out);
    metrics_view_free(&v);
}
