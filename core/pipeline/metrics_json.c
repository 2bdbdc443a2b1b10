/* core/pipeline/metrics_json.c — the --metrics-file document, and
 * replacing the file atomically so that a reader (a monitoring agent
 * polling it) never parses half a document.
 *
 *   {"pipeline": "taxi", "started": "2026-11-26T10:30:00Z", "uptime_s": 12.003,
 *    "batches": 120, "records": 12000,
 *    "records_per_s": {"last_second": 1001.2, "overall": 999.7},
 *    "batch_time_avg_ms": 0.8, "batch_time_max_ms": 3.1,
 *    "stages": [{"id": "gen", "stage": "dev:generator", "in": 0, "out": 12000,
 *                "errors": 0, "batches": 120, "batch_time_avg_ms": 0.2,
 *                "batch_time_max_ms": 1.0}, ...],
 *    "error_records": {"total": 3, "to": [{"where": "errors.jsonl", "records": 3}]}}
 *
 * json-c builds it: this is neither record data nor the hot path. */
#include "pipeline/metrics_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Doubles with a fixed number of decimals: json-c's default %.17g would
 * write 12.300000000000001. */
static json_object *new_fixed(double value, int decimals)
{
    char text[64];
    snprintf(text, sizeof text, "%.*f", decimals, value);
    return json_object_new_double_s(value, text);
}

static void put(json_object *o, const char *key, json_object *value) { json_object_object_add(o, key, value); }

static json_object *stage_json(const metrics *m, const metrics_view *v, size_t i)
{
    const metrics_stage_view *s = &v->stages[i];
    json_object *o = json_object_new_object();
    put(o, "id", json_object_new_string(m->ids[i]));
    put(o, "stage", json_object_new_string(m->stage_names[i]));
    put(o, "in", json_object_new_uint64(s->in));
    put(o, "out", json_object_new_uint64(s->out));
    put(o, "errors", json_object_new_uint64(s->errors));
    put(o, "batches", json_object_new_uint64(s->calls));
    put(o, "batch_time_avg_ms", new_fixed(metrics_avg_ms(s->nanos_sum, s->calls), 3));
    put(o, "batch_time_max_ms", new_fixed(metrics_ms(s->nanos_max), 3));
    return o;
}

static json_object *error_records_json(const metrics *m, const metrics_view *v)
{
    json_object *o = json_object_new_object();
    json_object *to = json_object_new_array();
    put(o, "total", json_object_new_uint64(v->error_records));
    for (size_t i = 0; i < METRICS_ERROR_SINKS; i++) {
        const char *where = atomic_load_explicit(&m->sinks[i].where, memory_order_acquire);
        if (!where)
            break;
        json_object *sink = json_object_new_object();
        put(sink, "where", json_object_new_string(where));
        put(sink, "records", json_object_new_uint64(atomic_load_explicit(&m->sinks[i].records, memory_order_relaxed)));
        json_object_array_add(to, sink);
    }
    if (v->error_records_elsewhere) {
        json_object *sink = json_object_new_object();
        put(sink, "where", json_object_new_string("elsewhere"));
        put(sink, "records", json_object_new_uint64(v->error_records_elsewhere));
        json_object_array_add(to, sink);
    }
    put(o, "to", to);
    return o;
}

char *metrics_json(const metrics *m, const metrics_view *v, double last_rate)
{
    char started[32];
    struct tm tm;
    gmtime_r(&m->started_wall.tv_sec, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);

    json_object *doc = json_object_new_object();
    put(doc, "pipeline", json_object_new_string(m->pipeline));
    put(doc, "started", json_object_new_string(started));
    put(doc, "uptime_s", new_fixed(v->uptime_s, 3));
    put(doc, "batches", json_object_new_uint64(v->batches));
    put(doc, "records", json_object_new_uint64(v->records));
    json_object *rates = json_object_new_object();
    put(rates, "last_second", new_fixed(last_rate, 1));
    put(rates, "overall", new_fixed(v->uptime_s > 0 ? (double)v->records / v->uptime_s : 0, 1));
    put(doc, "records_per_s", rates);
    put(doc, "batch_time_avg_ms", new_fixed(metrics_avg_ms(v->batch_nanos_sum, v->batches), 3));
    put(doc, "batch_time_max_ms", new_fixed(metrics_ms(v->batch_nanos_max), 3));
    json_object *stages = json_object_new_array();
    for (size_t i = 0; i < m->n_stages; i++)
        json_object_array_add(stages, stage_json(m, v, i));
    put(doc, "stages", stages);
    put(doc, "error_records", error_records_json(m, v));

    const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *copy = text ? strdup(text) : NULL;
    json_object_put(doc);
    return copy;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        data += w;
        len -= (size_t)w;
    }
    return 0;
}

/* No fsync: the file is a live view rewritten every second, not state to
 * survive a crash; rename alone is what makes it atomic for readers. */
int metrics_replace_file(const char *path, const char *text, char *err, size_t errsize)
{
    size_t len = strlen(path) + sizeof ".tmp";
    char *tmp = malloc(len);
    if (!tmp) {
        snprintf(err, errsize, "--metrics-file %s: out of memory", path);
        return -1;
    }
    snprintf(tmp, len, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int rc = -1;
    if (fd < 0) {
        snprintf(err, errsize, "--metrics-file: cannot create %s: %s", tmp, strerror(errno));
    } else if (write_all(fd, text, strlen(text)) != 0 || write_all(fd, "\n", 1) != 0) {
        snprintf(err, errsize, "--metrics-file: cannot write %s: %s", tmp, strerror(errno));
        close(fd);
    } else if (close(fd) != 0) {
        snprintf(err, errsize, "--metrics-file: cannot write %s: %s", tmp, strerror(errno));
    } else if (rename(tmp, path) != 0) {
        snprintf(err, errsize, "--metrics-file: cannot rename %s to %s: %s", tmp, path, strerror(errno));
    } else {
        rc = 0;
    }
    if (rc != 0 && fd >= 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int metrics_write_file(const metrics *m, const char *path, double last_rate, char *err, size_t errsize)
{
    metrics_view v;
    char *text = NULL;
    if (metrics_view_take(m, &v) == 0)
        text = metrics_json(m, &v, last_rate);
    metrics_view_free(&v);
    if (!text) {
        snprintf(err, errsize, "--metrics-file %s: out of memory", path);
        return -1;
    }
    int rc = metrics_replace_file(path, text, err, errsize);
    free(text);
    return rc;
}
