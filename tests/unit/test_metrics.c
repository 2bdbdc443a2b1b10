/* tests/unit/test_metrics.c — run metrics (core/pipeline/metrics*.c):
 * counters updated from many threads, the --metrics-file document and its
 * atomic replacement, the end summary, the progress line on a terminal. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <pthread.h>
#include <pty.h>
#include <termios.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "pipeline/metrics.h"
#include "pipeline/metrics_impl.h"
#include "pipeline/metrics_progress.h"

static const char *const two_ids[] = {"gen", "out \"quoted\""};
static const char *const two_names[] = {"dev:generator", "file:writer"};

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* A fresh directory per test, removed with its files at the end. */
static char *scratch_dir(void)
{
    char *dir = strdup("/tmp/sluice-test-metrics-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_dir(char *dir, const char *file)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    unlink(path);
    assert_int_equal(rmdir(dir), 0); /* fails if anything else, a .tmp, was left */
    free(dir);
}

static json_object *parse_file(const char *path)
{
    json_object *doc = json_object_from_file(path);
    assert_non_null(doc);
    return doc;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        fail_msg("no key \"%s\"", key);
    return v;
}

static uint64_t get_u64(json_object *o, const char *key) { return json_object_get_uint64(get(o, key)); }

/* ---- counters ------------------------------------------------------------ */

#define THREADS 8
#define PER_THREAD 50000

typedef struct worker {
    metrics *m;
    unsigned id;
} worker;

/* Each thread adds known amounts; the sums are computed in closed form. */
static void *hammer(void *arg)
{
    worker *w = arg;
    for (unsigned i = 0; i < PER_THREAD; i++) {
        metrics_stage_add(w->m, i % 2, 3, 2, 1, 1000 + (uint64_t)w->id * PER_THREAD + i);
        metrics_batch_done(w->m, 7, 10);
        metrics_error_records(w->m, 1, i % 3 == 0 ? "errors.jsonl" : "to_error");
    }
    return NULL;
}

static void test_counters_from_threads_add_up(void **state)
{
    (void)state;
    metrics *m = metrics_new(2, two_ids, two_names, "pipe");
    assert_non_null(m);
    pthread_t threads[THREADS];
    worker workers[THREADS];
    for (unsigned t = 0; t < THREADS; t++) {
        workers[t] = (worker){m, t};
        assert_int_equal(pthread_create(&threads[t], NULL, hammer, &workers[t]), 0);
    }
    for (unsigned t = 0; t < THREADS; t++)
        pthread_join(threads[t], NULL);

    metrics_view v;
    assert_int_equal(metrics_view_take(m, &v), 0);
    uint64_t calls = (uint64_t)THREADS * PER_THREAD / 2; /* per stage */
    for (int s = 0; s < 2; s++) {
        assert_int_equal(v.stages[s].calls, calls);
        assert_int_equal(v.stages[s].in, 3 * calls);
        assert_int_equal(v.stages[s].out, 2 * calls);
        assert_int_equal(v.stages[s].errors, calls);
    }
    /* nanos = 1000 + id*PER_THREAD + i: together 1000 + 0 .. THREADS*PER_THREAD-1,
     * stage 0 the even ones, stage 1 the odd ones. */
    uint64_t n = (uint64_t)THREADS * PER_THREAD;
    uint64_t even_sum = 0, odd_sum = 0;
    for (uint64_t k = 0; k < n; k++)
        *(k % 2 ? &odd_sum : &even_sum) += 1000 + k;
    assert_int_equal(v.stages[0].nanos_sum, even_sum);
    assert_int_equal(v.stages[1].nanos_sum, odd_sum);
    assert_int_equal(v.stages[0].nanos_max, 1000 + n - 2);
    assert_int_equal(v.stages[1].nanos_max, 1000 + n - 1);
    assert_int_equal(v.stage_errors, n);
    assert_int_equal(v.batches, n);
    assert_int_equal(v.records, 7 * n);
    assert_int_equal(v.batch_nanos_sum, 10 * n);
    assert_int_equal(v.batch_nanos_max, 10);
    assert_int_equal(v.error_records, n);
    assert_int_equal(v.error_records_elsewhere, 0);
    /* Two places, claimed concurrently by eight threads: exactly two sinks. */
    uint64_t jsonl = 0, stage = 0;
    for (int i = 0; i < METRICS_ERROR_SINKS; i++) {
        const char *where = atomic_load(&m->sinks[i].where);
        if (!where)
            continue;
        if (strcmp(where, "errors.jsonl") == 0)
            jsonl += atomic_load(&m->sinks[i].records);
        else if (strcmp(where, "to_error") == 0)
            stage += atomic_load(&m->sinks[i].records);
        else
            fail_msg("unexpected sink %s", where);
    }
    assert_null(atomic_load(&m->sinks[2].where));
    uint64_t per_thread_jsonl = (PER_THREAD + 2) / 3;
    assert_int_equal(jsonl, THREADS * per_thread_jsonl);
    assert_int_equal(stage, n - THREADS * per_thread_jsonl);
    metrics_view_free(&v);
    metrics_free(m);
}

static void test_out_of_range_stage_is_ignored(void **state)
{
    (void)state;
    metrics *m = metrics_new(2, two_ids, two_names, "pipe");
    metrics_stage_add(m, 2, 1, 1, 1, 1);
    metrics_stage_add(m, SIZE_MAX, 1, 1, 1, 1);
    metrics_view v;
    assert_int_equal(metrics_view_take(m, &v), 0);
    assert_int_equal(v.stages[0].calls + v.stages[1].calls, 0);
    metrics_view_free(&v);
    metrics_free(m);
}

static void test_more_error_places_than_sinks(void **state)
{
    (void)state;
    metrics *m = metrics_new(0, NULL, NULL, "pipe");
    for (int i = 0; i < METRICS_ERROR_SINKS + 3; i++) {
        char where[16];
        snprintf(where, sizeof where, "place%d", i);
        metrics_error_records(m, 2, where);
    }
    metrics_error_records(m, 5, NULL);
    metrics_error_records(m, 0, "never-counted");
    metrics_view v;
    assert_int_equal(metrics_view_take(m, &v), 0);
    assert_int_equal(v.error_records, 2 * (METRICS_ERROR_SINKS + 3) + 5);
    assert_int_equal(v.error_records_elsewhere, 2 * 3 + 5);
    metrics_view_free(&v);
    metrics_free(m);
}

static void test_grouped_digits(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(metrics_grouped(0, buf, sizeof buf), "0");
    assert_string_equal(metrics_grouped(999, buf, sizeof buf), "999");
    assert_string_equal(metrics_grouped(1000, buf, sizeof buf), "1,000");
    assert_string_equal(metrics_grouped(1234567, buf, sizeof buf), "1,234,567");
    assert_string_equal(metrics_grouped(UINT64_MAX, buf, sizeof buf), "18,446,744,073,709,551,615");
    char small[6];
    assert_string_equal(metrics_grouped(1234567, small, sizeof small), "1,234"); /* cut, never overrun */
}

/* ---- the metrics file --------------------------------------------------- */

static void feed_known_counts(metrics *m)
{
    metrics_stage_add(m, 0, 0, 100, 0, 1000000);  /* 1 ms */
    metrics_stage_add(m, 0, 0, 100, 0, 3000000);  /* 3 ms */
    metrics_stage_add(m, 1, 100, 97, 3, 2000000); /* 2 ms */
    metrics_stage_add(m, 1, 100, 100, 0, 6000000); /* 6 ms */
    metrics_batch_done(m, 100, 4000000);
    metrics_batch_done(m, 100, 8000000);
    metrics_error_records(m, 3, "/state/errors.jsonl");
}

static void test_file_has_the_numbers(void **state)
{
    (void)state;
    char *dir = scratch_dir();
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/metrics.json", dir);
    metrics *m = metrics_new(2, two_ids, two_names, "taxi \"x\"");
    assert_int_equal(metrics_reporter_start(m, path, false, err, sizeof err), 0);

    /* Written once at start, before any batch. */
    json_object *first = parse_file(path);
    assert_int_equal(get_u64(first, "records"), 0);
    json_object_put(first);

    feed_known_counts(m);
    metrics_reporter_stop(m); /* the last write has the final counts */

    json_object *doc = parse_file(path);
    assert_string_equal(json_object_get_string(get(doc, "pipeline")), "taxi \"x\"");
    const char *started = json_object_get_string(get(doc, "started"));
    assert_int_equal(strlen(started), strlen("2026-11-26T10:30:00Z"));
    assert_int_equal(started[10], 'T');
    assert_int_equal(started[19], 'Z');
    assert_true(json_object_get_double(get(doc, "uptime_s")) >= 0);
    assert_int_equal(get_u64(doc, "batches"), 2);
    assert_int_equal(get_u64(doc, "records"), 200);
    json_object *rates = get(doc, "records_per_s");
    assert_true(json_object_get_double(get(rates, "overall")) > 0);
    assert_true(json_object_get_double(get(rates, "last_second")) > 0);
    assert_true(json_object_get_double(get(doc, "batch_time_avg_ms")) == 6.0);
    assert_true(json_object_get_double(get(doc, "batch_time_max_ms")) == 8.0);

    json_object *stages = get(doc, "stages");
    assert_int_equal(json_object_array_length(stages), 2);
    json_object *gen = json_object_array_get_idx(stages, 0);
    json_object *out = json_object_array_get_idx(stages, 1);
    assert_string_equal(json_object_get_string(get(gen, "id")), "gen");
    assert_string_equal(json_object_get_string(get(gen, "stage")), "dev:generator");
    assert_string_equal(json_object_get_string(get(out, "id")), "out \"quoted\"");
    assert_int_equal(get_u64(gen, "in"), 0);
    assert_int_equal(get_u64(gen, "out"), 200);
    assert_int_equal(get_u64(gen, "batches"), 2);
    assert_int_equal(get_u64(out, "in"), 200);
    assert_int_equal(get_u64(out, "out"), 197);
    assert_int_equal(get_u64(out, "errors"), 3);
    assert_true(json_object_get_double(get(gen, "batch_time_avg_ms")) == 2.0);
    assert_true(json_object_get_double(get(gen, "batch_time_max_ms")) == 3.0);
    assert_true(json_object_get_double(get(out, "batch_time_avg_ms")) == 4.0);
    assert_true(json_object_get_double(get(out, "batch_time_max_ms")) == 6.0);

    json_object *errors = get(doc, "error_records");
    assert_int_equal(get_u64(errors, "total"), 3);
    json_object *to = get(errors, "to");
    assert_int_equal(json_object_array_length(to), 1);
    assert_string_equal(json_object_get_string(get(json_object_array_get_idx(to, 0), "where")), "/state/errors.jsonl");
    assert_int_equal(get_u64(json_object_array_get_idx(to, 0), "records"), 3);
    json_object_put(doc);

    metrics_free(m);
    remove_dir(dir, "metrics.json");
}

static void test_file_refreshed_each_second(void **state)
{
    (void)state;
    char *dir = scratch_dir();
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/m.json", dir);
    metrics *m = metrics_new(2, two_ids, two_names, "p");
    assert_int_equal(metrics_reporter_start(m, path, false, err, sizeof err), 0);
    metrics_batch_done(m, 42, 1);
    sleep_ms(1400); /* the reporter's first tick is at one second */
    json_object *doc = parse_file(path);
    assert_int_equal(get_u64(doc, "records"), 42);
    json_object_put(doc);
    metrics_free(m); /* stops the reporter too */
    remove_dir(dir, "m.json");
}

typedef struct reader_state {
    const char *path;
    _Atomic int stop;
    long reads, bad;
} reader_state;

/* Reads the whole file over and over, as a monitoring agent would. */
static void *read_file_loop(void *arg)
{
    reader_state *r = arg;
    while (!atomic_load(&r->stop)) {
        json_object *doc = json_object_from_file(r->path), *stages = NULL;
        r->reads++;
        /* No cmocka assertion here: they are for the main thread only. */
        if (!doc || !json_object_object_get_ex(doc, "stages", &stages) || json_object_array_length(stages) != 200)
            r->bad++;
        json_object_put(doc);
    }
    return NULL;
}

/* Readers never see a partial file: a writer replacing a ~60 KB document
 * in place (truncate, write) would be caught half-written within a few
 * hundred rewrites; the rename never is. */
static void test_readers_never_see_a_partial_file(void **state)
{
    (void)state;
    char *dir = scratch_dir();
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/m.json", dir);
    const char *ids[200], *names[200];
    char idbuf[200][16];
    for (int i = 0; i < 200; i++) {
        snprintf(idbuf[i], sizeof idbuf[i], "stage_%d", i);
        ids[i] = idbuf[i];
        names[i] = "plugin:some_stage";
    }
    metrics *m = metrics_new(200, ids, names, "big");
    assert_int_equal(metrics_write_file(m, path, 0, err, sizeof err), 0);

    reader_state r = {.path = path};
    pthread_t reader;
    assert_int_equal(pthread_create(&reader, NULL, read_file_loop, &r), 0);
    for (int i = 0; i < 1500; i++) {
        metrics_stage_add(m, (size_t)i % 200, 1, 1, 0, 1);
        assert_int_equal(metrics_write_file(m, path, 1.5, err, sizeof err), 0);
    }
    atomic_store(&r.stop, 1);
    pthread_join(reader, NULL);
    assert_true(r.reads > 0);
    assert_int_equal(r.bad, 0);
    metrics_free(m);
    remove_dir(dir, "m.json");
}

typedef struct busy_worker {
    metrics *m;
    _Atomic int *stop;
    uint64_t batches;
} busy_worker;

static void *count_until_stopped(void *arg)
{
    busy_worker *w = arg;
    while (!atomic_load(w->stop)) {
        metrics_stage_add(w->m, 0, 0, 10, 0, 1000);
        metrics_stage_add(w->m, 1, 10, 9, 1, 2000);
        metrics_error_records(w->m, 1, "errors.jsonl");
        metrics_batch_done(w->m, 10, 3000);
        w->batches++;
    }
    return NULL;
}

/* The reporter reads while runner threads count (ThreadSanitizer watches
 * this one); the write at stop has the exact final numbers. */
static void test_reporter_while_threads_count(void **state)
{
    (void)state;
    char *dir = scratch_dir();
    char path[256], err[512];
    snprintf(path, sizeof path, "%s/m.json", dir);
    metrics *m = metrics_new(2, two_ids, two_names, "busy");
    assert_int_equal(metrics_reporter_start(m, path, true, err, sizeof err), 0);
    _Atomic int stop = 0;
    busy_worker workers[4];
    pthread_t threads[4];
    for (int t = 0; t < 4; t++) {
        workers[t] = (busy_worker){m, &stop, 0};
        assert_int_equal(pthread_create(&threads[t], NULL, count_until_stopped, &workers[t]), 0);
    }
    sleep_ms(1200); /* at least one tick while they count */
    json_object *during = parse_file(path);
    assert_true(get_u64(during, "batches") > 0);
    json_object_put(during);
    atomic_store(&stop, 1);
    uint64_t batches = 0;
    for (int t = 0; t < 4; t++) {
        pthread_join(threads[t], NULL);
        batches += workers[t].batches;
    }
    metrics_reporter_stop(m);
    json_object *doc = parse_file(path);
    assert_int_equal(get_u64(doc, "batches"), batches);
    assert_int_equal(get_u64(doc, "records"), 10 * batches);
    json_object *out = json_object_array_get_idx(get(doc, "stages"), 1);
    assert_int_equal(get_u64(out, "in"), 10 * batches);
    assert_int_equal(get_u64(out, "out"), 9 * batches);
    assert_int_equal(get_u64(out, "errors"), batches);
    assert_int_equal(get_u64(get(doc, "error_records"), "total"), batches);
    json_object_put(doc);
    metrics_free(m);
    remove_dir(dir, "m.json");
}

static void test_unwritable_file_fails_the_start(void **state)
{
    (void)state;
    char err[512] = "";
    metrics *m = metrics_new(2, two_ids, two_names, "p");
    assert_int_equal(metrics_reporter_start(m, "/nonexistent-dir/m.json", true, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent-dir/m.json.tmp"));
    assert_non_null(strstr(err, "No such file or directory"));
    metrics_reporter_stop(m); /* nothing started: a no-op */
    metrics_free(m);
}

static void test_no_file_no_tty_starts_nothing(void **state)
{
    (void)state;
    char err[512];
    metrics *m = metrics_new(2, two_ids, two_names, "p");
    int saved = dup(STDERR_FILENO);
    int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDERR_FILENO); /* not a TTY, whatever runs the test */
    int rc = metrics_reporter_start(m, NULL, true, err, sizeof err);
    metrics_reporter *started = m->reporter;
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(null_fd);
    assert_int_equal(rc, 0);
    assert_null(started);
    metrics_reporter_stop(m);
    metrics_free(m);
}

/* ---- the summary -------------------------------------------------------- */

static char *summary_of(const metrics *m)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    metrics_print_summary(m, out);
    fclose(out);
    return text;
}

static void test_summary_table(void **state)
{
    (void)state;
    static const char *const ids[] = {"gen", "writer_with_a_long_id"};
    metrics *m = metrics_new(2, ids, two_names, "p");
    feed_known_counts(m);
    metrics_stage_add(m, 1, 12000, 12000, 0, 0);
    char *text = summary_of(m);
    /* Columns as wide as their widest cell; numbers right-aligned. */
    const char *expected =
        "id                     stage              in     out  errors  avg ms/batch  max ms/batch\n"
        "gen                    dev:generator       0     200       0         2.000         3.000\n"
        "writer_with_a_long_id  file:writer    12,200  12,197       3         2.667         6.000\n";
    assert_memory_equal(text, expected, strlen(expected));
    const char *rest = text + strlen(expected);
    assert_memory_equal(rest, "total: 2 batches, 200 records in ", strlen("total: 2 batches, 200 records in "));
    assert_non_null(strstr(rest, " records/s), 3 record errors\n"));
    assert_non_null(strstr(rest, "\nerror records: 3 to /state/errors.jsonl\n"));
    free(text);
    metrics_free(m);
}

static void test_summary_without_error_records(void **state)
{
    (void)state;
    metrics *m = metrics_new(2, two_ids, two_names, "p");
    metrics_batch_done(m, 5, 1);
    char *text = summary_of(m);
    assert_non_null(strstr(text, "total: 1 batch, 5 records in "));
    assert_non_null(strstr(text, " records/s), 0 record errors\n"));
    assert_non_null(strstr(text, "\nerror records: none\n"));
    free(text);
    metrics_free(m);
}

/* ---- the progress line on a terminal ------------------------------------- */

/* Everything written to the pseudo-terminal whose slave side is closed:
 * one read may return only part of it (the tty layer hands data to the
 * master side in chunks, asynchronously), so read until the end (EIO once
 * the closed side is drained; poll bounds a wait that would hang). */
static size_t read_pty(int master, char *out, size_t size)
{
    size_t len = 0;
    struct pollfd p = {.fd = master, .events = POLLIN};
    while (len < size - 1 && poll(&p, 1, 5000) == 1) {
        ssize_t n = read(master, out + len, size - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    out[len] = '\0';
    return len;
}

/* A narrow terminal: the line is cut to its width less one column, since
 * a line that wraps cannot be redrawn with "\r". */
static void test_progress_line_cut_to_the_terminal(void **state)
{
    (void)state;
    int master, slave;
    struct winsize ws = {.ws_row = 24, .ws_col = 30};
    struct termios raw;
    memset(&raw, 0, sizeof raw);
    cfmakeraw(&raw);
    if (openpty(&master, &slave, NULL, &raw, &ws) != 0)
        skip();
    metrics_progress_draw(slave, "0123456789012345678901234567890123456789", 40);
    metrics_progress_clear(slave);
    close(slave);
    char out[256];
    size_t n = read_pty(master, out, sizeof out);
    close(master);
    assert_true(n > 0);
    assert_string_equal(out, "\r01234567890123456789012345678\033[K\r\033[K");
}

static void test_progress_line_on_a_tty(void **state)
{
    (void)state;
    int master, slave;
    struct winsize ws = {.ws_row = 24, .ws_col = 200};
    struct termios raw;
    memset(&raw, 0, sizeof raw);
    cfmakeraw(&raw); /* bytes as written: no "\n" -> "\r\n" */
    if (openpty(&master, &slave, NULL, &raw, &ws) != 0)
        skip(); /* no pseudo-terminals in this sandbox */
    char err[512];
    metrics *m = metrics_new(2, two_ids, two_names, "taxi");
    metrics_batch_done(m, 1234567, 1);
    metrics_stage_add(m, 1, 1, 0, 2, 1);

    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    dup2(slave, STDERR_FILENO);
    int rc = metrics_reporter_start(m, NULL, true, err, sizeof err);
    if (rc == 0) {
        sleep_ms(1300);
        log_msg(SLUICE_LOG_INFO, NULL, "a log line while the progress line shows");
        metrics_reporter_stop(m);
    }
    log_msg(SLUICE_LOG_INFO, NULL, "after");
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(slave);
    assert_int_equal(rc, 0);

    char out[8192];
    read_pty(master, out, sizeof out);
    close(master);

    /* Drawn in place, with the counts grouped, then erased at stop. */
    assert_non_null(strstr(out, "\r0:00:01 taxi: 1,234,567 records, "));
    assert_non_null(strstr(out, "/s, 2 errors, 1 batches, avg "));
    assert_non_null(strstr(out, "/s\033[K"));
    /* The log line erased the progress line before its text... */
    assert_non_null(strstr(out, "\033[K\r\033[K2"));
    /* ...and stop erased it for good: one erase, then the plain line. */
    const char *after = strstr(out, "INFO  after\n");
    assert_non_null(after);
    const char *line_start = after;
    while (line_start > out && line_start[-1] != '\n')
        line_start--;
    assert_memory_equal(line_start, "\r\033[K2", 5);
    assert_null(memchr(line_start + 1, '\r', (size_t)(after - line_start - 1)));
    metrics_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counters_from_threads_add_up),
        cmocka_unit_test(test_out_of_range_stage_is_ignored),
        cmocka_unit_test(test_more_error_places_than_sinks),
        cmocka_unit_test(test_grouped_digits),
        cmocka_unit_test(test_file_has_the_numbers),
        cmocka_unit_test(test_file_refreshed_each_second),
        cmocka_unit_test(test_readers_never_see_a_partial_file),
        cmocka_unit_test(test_reporter_while_threads_count),
        cmocka_unit_test(test_unwritable_file_fails_the_start),
        cmocka_unit_test(test_no_file_no_tty_starts_nothing),
        cmocka_unit_test(test_summary_table),
        cmocka_unit_test(test_summary_without_error_records),
        cmocka_unit_test(test_progress_line_cut_to_the_terminal),
        cmocka_unit_test(test_progress_line_on_a_tty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
