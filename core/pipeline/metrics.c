/* core/pipeline/metrics.c — the counters: lock-free updates from runner
 * threads, and views of them for the reporter and the summary.
 *
 * Every update is a relaxed atomic add: the counters are independent
 * statistics, nothing is published through them, so no ordering is needed;
 * a view may see one counter of a batch before another, which a progress
 * report can live with (the final view is taken after every runner ended,
 * when they are exact). */
#include "pipeline/metrics_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t metrics_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static char *copy_or_empty(const char *s) { return strdup(s ? s : ""); }

metrics *metrics_new(size_t n_stages, const char *const *ids, const char *const *stage_names, const char *pipeline)
{
    metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n_stages = n_stages;
    m->pipeline = copy_or_empty(pipeline);
    m->ids = calloc(n_stages ? n_stages : 1, sizeof *m->ids);
    m->stage_names = calloc(n_stages ? n_stages : 1, sizeof *m->stage_names);
    /* aligned_alloc: the stage counters are cache-line aligned. */
    size_t bytes = (n_stages ? n_stages : 1) * sizeof *m->stages;
    m->stages = aligned_alloc(_Alignof(stage_metrics), bytes);
    if (!m->pipeline || !m->ids || !m->stage_names || !m->stages) {
        metrics_free(m);
        return NULL;
    }
    memset(m->stages, 0, bytes);
    for (size_t i = 0; i < n_stages; i++) {
        m->ids[i] = copy_or_empty(ids ? ids[i] : NULL);
        m->stage_names[i] = copy_or_empty(stage_names ? stage_names[i] : NULL);
        if (!m->ids[i] || !m->stage_names[i]) {
            metrics_free(m);
            return NULL;
        }
    }
    clock_gettime(CLOCK_REALTIME, &m->started_wall);
    m->started_ns = metrics_now_ns();
    return m;
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    metrics_reporter_stop(m);
    for (size_t i = 0; i < m->n_stages; i++) {
        if (m->ids)
            free(m->ids[i]);
        if (m->stage_names)
            free(m->stage_names[i]);
    }
    for (size_t i = 0; i < METRICS_ERROR_SINKS; i++)
        free(atomic_load(&m->sinks[i].where));
    free(m->ids);
    free(m->stage_names);
    free(m->stages);
    free(m->pipeline);
    free(m);
}

static void add(_Atomic uint64_t *counter, uint64_t n) { atomic_fetch_add_explicit(counter, n, memory_order_relaxed); }

/* Raises `max` to `value` unless it is already higher: a CAS loop, which
 * retries only while another thread raised it meanwhile. */
static void raise_max(_Atomic uint64_t *max, uint64_t value)
{
    uint64_t seen = atomic_load_explicit(max, memory_order_relaxed);
    while (value > seen && !atomic_compare_exchange_weak_explicit(max, &seen, value, memory_order_relaxed,
                                                                  memory_order_relaxed))
        ;
}

void metrics_stage_add(metrics *m, size_t stage, uint64_t in, uint64_t out, uint64_t errors, uint64_t nanos)
{
    if (stage >= m->n_stages)
        return;
    stage_metrics *s = &m->stages[stage];
    add(&s->in, in);
    add(&s->out, out);
    add(&s->errors, errors);
    add(&s->calls, 1);
    add(&s->nanos_sum, nanos);
    raise_max(&s->nanos_max, nanos);
}

void metrics_batch_done(metrics *m, uint64_t records, uint64_t nanos)
{
    add(&m->batches, 1);
    add(&m->records, records);
    add(&m->batch_nanos_sum, nanos);
    raise_max(&m->batch_nanos_max, nanos);
}

/* Finds or claims the sink named `where`.  A claim publishes a malloc'd
 * name with a CAS, so two threads claiming at once agree on one; the loser
 * frees its copy and compares against the winner's. */
static error_sink *find_sink(metrics *m, const char *where)
{
    for (size_t i = 0; i < METRICS_ERROR_SINKS; i++) {
        error_sink *s = &m->sinks[i];
        char *name = atomic_load_explicit(&s->where, memory_order_acquire);
        if (!name) {
            char *mine = strdup(where);
            if (!mine)
                return NULL;
            if (atomic_compare_exchange_strong_explicit(&s->where, &name, mine, memory_order_acq_rel,
                                                        memory_order_acquire))
                return s;
            free(mine); /* `name` now holds the winner's */
        }
        if (strcmp(name, where) == 0)
            return s;
    }
    return NULL;
}

void metrics_error_records(metrics *m, uint64_t n, const char *where)
{
    if (n == 0)
        return;
    add(&m->error_records, n);
    error_sink *s = find_sink(m, where ? where : "(unknown)");
    add(s ? &s->records : &m->error_records_elsewhere, n);
}

int metrics_view_take(const metrics *m, metrics_view *v)
{
    memset(v, 0, sizeof *v);
    v->stages = calloc(m->n_stages ? m->n_stages : 1, sizeof *v->stages);
    if (!v->stages)
        return -1;
    for (size_t i = 0; i < m->n_stages; i++) {
        const stage_metrics *s = &m->stages[i];
        metrics_stage_view *sv = &v->stages[i];
        sv->in = atomic_load_explicit(&s->in, memory_order_relaxed);
        sv->out = atomic_load_explicit(&s->out, memory_order_relaxed);
        sv->errors = atomic_load_explicit(&s->errors, memory_order_relaxed);
        sv->calls = atomic_load_explicit(&s->calls, memory_order_relaxed);
        sv->nanos_sum = atomic_load_explicit(&s->nanos_sum, memory_order_relaxed);
        sv->nanos_max = atomic_load_explicit(&s->nanos_max, memory_order_relaxed);
        v->stage_errors += sv->errors;
    }
    v->batches = atomic_load_explicit(&m->batches, memory_order_relaxed);
    v->records = atomic_load_explicit(&m->records, memory_order_relaxed);
    v->batch_nanos_sum = atomic_load_explicit(&m->batch_nanos_sum, memory_order_relaxed);
    v->batch_nanos_max = atomic_load_explicit(&m->batch_nanos_max, memory_order_relaxed);
    v->error_records = atomic_load_explicit(&m->error_records, memory_order_relaxed);
    v->error_records_elsewhere = atomic_load_explicit(&m->error_records_elsewhere, memory_order_relaxed);
    v->uptime_s = (double)(metrics_now_ns() - m->started_ns) / 1e9;
    return 0;
}

void metrics_view_free(metrics_view *v)
{
    free(v->stages);
    v->stages = NULL;
}

double metrics_ms(uint64_t nanos) { return (double)nanos / 1e6; }

double metrics_avg_ms(uint64_t nanos_sum, uint64_t calls) { return calls ? metrics_ms(nanos_sum) / (double)calls : 0; }

const char *metrics_grouped(uint64_t n, char *buf, size_t size)
{
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
    size_t j = 0;
    for (int i = 0; i < len; i++) {
        int comma = i > 0 && (len - i) % 3 == 0;
        if (j + (size_t)comma + 2 > size)
            break;
        if (comma)
            buf[j++] = ',';
        buf[j++] = digits[i];
    }
    buf[j] = '\0';
    return buf;
}
