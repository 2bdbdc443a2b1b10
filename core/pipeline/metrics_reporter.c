/* core/pipeline/metrics_reporter.c — the thread that, once a second,
 * rewrites --metrics-file and redraws the progress line.
 *
 * It only reads the counters, so runners never wait for it.  It sleeps on a
 * condition variable with a CLOCK_MONOTONIC deadline (a wall-clock jump
 * must not stall or rush it), and stop wakes it at once.  It blocks every
 * signal: DESIGN §5 wants them handled by one thread, and a SIGINT landing
 * here would interrupt nothing useful. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pipeline/metrics_impl.h"
#include "pipeline/metrics_progress.h"
#include "thread_start.h"

struct metrics_reporter {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stopping; /* under lock */
    char *file;    /* NULL: no --metrics-file */
    bool progress; /* a TTY on stderr and progress wanted */
    bool drawn;    /* the progress line is on screen */
    bool failing;  /* the last write of the file failed (warned once) */
    uint64_t last_records, last_ns;
};

/* Records per second since the previous call; moves the window on. */
static double last_rate(metrics_reporter *r, const metrics_view *v, uint64_t now)
{
    double secs = (double)(now - r->last_ns) / 1e9;
    double rate = secs > 0 ? (double)(v->records - r->last_records) / secs : 0;
    r->last_records = v->records;
    r->last_ns = now;
    return rate;
}

/* A failing write is warned about once, not every second, and its
 * recovery said once too; metrics are not worth stopping a pipeline for. */
static void write_file(metrics_reporter *r, const metrics *m, double rate)
{
    char err[512];
    if (metrics_write_file(m, r->file, rate, err, sizeof err) != 0) {
        if (!r->failing)
            log_msg(SLUICE_LOG_WARN, NULL, "%s (will keep trying each second)", err);
        r->failing = true;
    } else if (r->failing) {
        log_msg(SLUICE_LOG_INFO, NULL, "--metrics-file %s: written again", r->file);
        r->failing = false;
    }
}

static void report(metrics_reporter *r, const metrics *m)
{
    metrics_view v;
    if (metrics_view_take(m, &v) != 0)
        return;
    double rate = last_rate(r, &v, metrics_now_ns());
    if (r->file)
        write_file(r, m, rate);
    if (r->progress) {
        char text[512];
        size_t len = metrics_progress_text(m, &v, rate, text, sizeof text);
        /* Flag first: a log line from now on erases the line before its text. */
        log_set_progress_line(true);
        metrics_progress_draw(STDERR_FILENO, text, len);
        r->drawn = true;
    }
    metrics_view_free(&v);
}

static void add_second(struct timespec *t)
{
    t->tv_sec += 1;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    /* Fell behind (a stopped process, a slow disk): no burst of catch-up ticks. */
    if (t->tv_sec < now.tv_sec || (t->tv_sec == now.tv_sec && t->tv_nsec < now.tv_nsec)) {
        *t = now;
        t->tv_sec += 1;
    }
}

static void *reporter_main(void *arg)
{
    metrics *m = arg;
    metrics_reporter *r = m->reporter;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    pthread_mutex_lock(&r->lock);
    for (;;) {
        add_second(&deadline);
        while (!r->stopping && pthread_cond_timedwait(&r->wake, &r->lock, &deadline) != ETIMEDOUT)
            ;
        if (r->stopping)
            break;
        pthread_mutex_unlock(&r->lock);
        report(r, m);
        pthread_mutex_lock(&r->lock);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

static void reporter_free(metrics_reporter *r)
{
    pthread_cond_destroy(&r->wake);
    pthread_mutex_destroy(&r->lock);
    free(r->file);
    free(r);
}

static int start_thread(metrics *m, char *err, size_t errsize)
{
    metrics_reporter *r = m->reporter;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&r->wake, &attr);
    pthread_condattr_destroy(&attr);
    pthread_mutex_init(&r->lock, NULL);

    int rc = thread_start_without_signals(&r->thread, reporter_main, m);
    if (rc != 0) {
        snprintf(err, errsize, "metrics: cannot start the reporter thread: %s", strerror(rc));
        reporter_free(r);
        m->reporter = NULL;
        return -1;
    }
    return 0;
}

int metrics_reporter_start(metrics *m, const char *metrics_file, bool progress, char *err, size_t errsize)
{
    if (m->reporter) {
        snprintf(err, errsize, "metrics: the reporter is already running");
        return -1;
    }
    progress = progress && isatty(STDERR_FILENO);
    if (!metrics_file && !progress)
        return 0;
    /* Once now: a path that cannot be written fails the start, not later. */
    if (metrics_file && metrics_write_file(m, metrics_file, 0, err, errsize) != 0)
        return -1;
    metrics_reporter *r = calloc(1, sizeof *r);
    if (!r || (metrics_file && !(r->file = strdup(metrics_file)))) {
        free(r);
        snprintf(err, errsize, "metrics: out of memory");
        return -1;
    }
    r->progress = progress;
    r->last_ns = m->started_ns;
    m->reporter = r;
    return start_thread(m, err, errsize);
}

void metrics_reporter_stop(metrics *m)
{
    metrics_reporter *r = m->reporter;
    if (!r)
        return;
    pthread_mutex_lock(&r->lock);
    r->stopping = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);

    if (r->file) {
        metrics_view v;
        if (metrics_view_take(m, &v) == 0)
            write_file(r, m, last_rate(r, &v, metrics_now_ns()));
        metrics_view_free(&v);
    }
    if (r->drawn) {
        metrics_progress_clear(STDERR_FILENO);
        log_set_progress_line(false);
    }
    reporter_free(r);
    m->reporter = NULL;
}
