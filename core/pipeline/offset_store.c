/* core/pipeline/offset_store.c — the committed offsets, written in the
 * background with a bounded lag (see offset_store.h).
 *
 * Generations: every merge that changes the map takes the next generation
 * number.  The writer "picks" a generation when it formats the map under
 * the lock, then writes that text without the lock and records it as
 * written.  generation > picked means a state is pending; picked > written
 * means one is being written.  Writes come from the one writer thread, in
 * generation order, so the file never goes back to an older map. */
#include "pipeline/offset_store.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/atomic_file.h"
#include "pipeline/offset_file.h"
#include "thread_start.h"

struct offset_store {
    char *dir;
    char *path;
    char *origin;
    pthread_mutex_t lock;  /* guards everything below */
    pthread_cond_t changed; /* a merge, a pick, a write done, closing */
    offset_map map;
    uint64_t generation; /* of the last merge */
    uint64_t picked;     /* taken by the writer: being written, or written */
    uint64_t written;    /* in the file on disk */
    bool failed;         /* a write failed: nothing more is written */
    char error[1040];    /* "offsets: " + why, returned by every later commit and flush */
    bool sync;           /* commits wait for their write */
    bool closing;
    bool writer_started;
    pthread_t writer;
};

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Loads the file, refusing another origin's. */
static int load(offset_store *s, char *err, size_t errsize)
{
    char *found = NULL;
    int rc = offset_file_read(s->path, &found, &s->map, err, errsize);
    if (rc <= 0)
        return rc;
    if (strcmp(found, s->origin) != 0) {
        snprintf(err, errsize,
                 "offsets: %s was written for origin \"%s\", not \"%s\"; "
                 "to start over, run: sluice offsets reset --state-dir %s",
                 s->path, found, s->origin, s->dir);
        rc = -1;
    }
    free(found);
    return rc;
}

offset_store *offset_store_open(const char *state_dir, const char *origin, char *err, size_t errsize)
{
    offset_store *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errsize, "offsets: out of memory");
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    s->dir = strdup(state_dir);
    s->origin = strdup(origin);
    s->path = join(state_dir, OFFSET_FILE_NAME);
    if (!s->dir || !s->origin || !s->path) {
        snprintf(err, errsize, "offsets: out of memory");
        offset_store_close(s);
        return NULL;
    }
    if (load(s, err, errsize) < 0) {
        offset_store_close(s);
        return NULL;
    }
    return s;
}

/* Records a failed write (the first one wins).  Called with the lock held. */
static void fail(offset_store *s, const char *why)
{
    if (!s->failed)
        snprintf(s->error, sizeof s->error, "offsets: %s", why);
    s->failed = true;
    pthread_cond_broadcast(&s->changed);
}

/* Writes `text` (the map of generation gen) without the lock, then
 * records the outcome under it. */
static void write_state(offset_store *s, char *text, size_t len, uint64_t gen)
{
    char why[1024];
    pthread_mutex_unlock(&s->lock);
    int rc = atomic_file_replace(s->dir, OFFSET_FILE_NAME, text, len, why, sizeof why);
    free(text);
    pthread_mutex_lock(&s->lock);
    if (rc != 0)
        fail(s, why);
    else
        s->written = gen;
    pthread_cond_broadcast(&s->changed);
}

/* The writer: picks the newest map whenever it differs from the last one
 * picked, and writes it.  At close it writes what is still pending, then
 * ends; after a failed write it ends at once. */
static void *writer_main(void *arg)
{
    offset_store *s = arg;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->failed && !s->closing && s->picked == s->generation)
            pthread_cond_wait(&s->changed, &s->lock);
        if (s->failed || s->picked == s->generation)
            break; /* failed, or closing with nothing pending */
        size_t len;
        char *text = offset_file_format(s->origin, &s->map, &len);
        if (!text) {
            char why[1024];
            snprintf(why, sizeof why, "%s: out of memory", s->path);
            fail(s, why);
            break;
        }
        uint64_t gen = s->generation;
        s->picked = gen;
        pthread_cond_broadcast(&s->changed); /* the commit waiting on the pending state goes on */
        write_state(s, text, len, gen);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

/* The error of a failed write into err.  Called with the lock held. */
static int report(const offset_store *s, char *err, size_t errsize)
{
    if (!s->failed)
        return 0;
    snprintf(err, errsize, "%s", s->error);
    return -1;
}

/* Merges under the lock; true when the map changed.  -1 in *rc when
 * memory ran out (what was merged stays, and is written). */
static bool merge(offset_store *s, const char *const *keys, const char *const *values, size_t n, int *rc)
{
    bool changed = false;
    *rc = 0;
    for (size_t i = 0; i < n && *rc == 0; i++) {
        const char *old = offset_map_get(&s->map, keys[i]);
        if (old && strcmp(old, values[i]) == 0)
            continue;
        *rc = offset_map_put(&s->map, keys[i], values[i]);
        changed = true;
    }
    return changed;
}

/* Starts the writer at the first state to write.  Called with the lock
 * held; a failure to start is a failed write.  The writer blocks every
 * signal: they are handled by the main thread (DESIGN §5), and a stop
 * signal landing here would interrupt a write with EINTR. */
static void start_writer(offset_store *s)
{
    if (s->writer_started || s->failed)
        return;
    int rc = thread_start_without_signals(&s->writer, writer_main, s);
    if (rc != 0) {
        char why[1024];
        snprintf(why, sizeof why, "%s: cannot start the writer thread: %s", s->path, strerror(rc));
        fail(s, why);
        return;
    }
    s->writer_started = true;
}

/* Waits until everything merged up to generation gen is on disk, or a
 * write failed.  Called with the lock held. */
static void wait_written(offset_store *s, uint64_t gen)
{
    while (!s->failed && s->written < gen)
        pthread_cond_wait(&s->changed, &s->lock);
}

int offset_store_commit(offset_store *s, const char *const *keys, const char *const *values, size_t n, char *err,
                        size_t errsize)
{
    pthread_mutex_lock(&s->lock);
    /* The bound on the lag: while the state merged before ours is pending,
     * wait for the writer to pick it up.  Commits waiting on the same
     * state then merge into the next one together. */
    uint64_t pending = s->generation;
    while (!s->failed && s->picked < pending)
        pthread_cond_wait(&s->changed, &s->lock);
    int rc = report(s, err, errsize);
    if (rc == 0) {
        int merged;
        if (merge(s, keys, values, n, &merged)) {
            s->generation++;
            start_writer(s);
            pthread_cond_broadcast(&s->changed);
        }
        if (merged != 0) {
            snprintf(err, errsize, "offsets: %s: out of memory", s->path);
            rc = -1;
        } else {
            if (s->sync)
                wait_written(s, s->generation);
            rc = report(s, err, errsize);
        }
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int offset_store_flush(offset_store *s, char *err, size_t errsize)
{
    pthread_mutex_lock(&s->lock);
    wait_written(s, s->generation);
    int rc = report(s, err, errsize);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

void offset_store_set_sync(offset_store *s, int sync)
{
    pthread_mutex_lock(&s->lock);
    s->sync = sync != 0;
    pthread_mutex_unlock(&s->lock);
}

int offset_store_snapshot(offset_store *s, offset_map *out)
{
    pthread_mutex_lock(&s->lock);
    int rc = offset_map_copy(out, &s->map);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

const char *offset_store_path(const offset_store *s) { return s->path; }

void offset_store_close(offset_store *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->closing = true;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
    if (s->writer_started)
        pthread_join(s->writer, NULL);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->changed);
    offset_map_free(&s->map);
    free(s->dir);
    free(s->path);
    free(s->origin);
    free(s);
}
