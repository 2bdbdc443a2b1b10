/* core/pipeline/offset_store.c — the committed offsets, durable per batch.
 *
 * Generations: every merge takes the next generation number; a write
 * records the generation of the map it copied.  A committer holding the
 * write lock whose generation is already written is done: the file on disk
 * came from a copy that included its offsets.  Writes are serialized, so
 * the file never goes back to an older map. */
#include "pipeline/offset_store.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/atomic_file.h"
#include "pipeline/offset_file.h"

struct offset_store {
    char *dir;
    char *path;
    char *origin;
    pthread_mutex_t map_lock; /* guards map and generation */
    offset_map map;
    uint64_t generation;      /* of the last merge */
    pthread_mutex_t write_lock; /* serializes writes; guards written */
    uint64_t written;         /* generation in the file on disk */
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
    pthread_mutex_init(&s->map_lock, NULL);
    pthread_mutex_init(&s->write_lock, NULL);
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

/* Merges under the map lock and sets *gen to the generation the map then
 * has.  -1 when memory ran out (what was merged stays, and is due). */
static int merge(offset_store *s, const char *const *keys, const char *const *values, size_t n, uint64_t *gen)
{
    pthread_mutex_lock(&s->map_lock);
    int changed = 0, rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *old = offset_map_get(&s->map, keys[i]);
        if (old && strcmp(old, values[i]) == 0)
            continue;
        rc = offset_map_put(&s->map, keys[i], values[i]);
        changed = 1;
    }
    /* Unchanged offsets need no write of their own, only any already due. */
    if (changed)
        s->generation++;
    *gen = s->generation;
    pthread_mutex_unlock(&s->map_lock);
    return rc;
}

/* The map's text and generation, copied under the map lock so that runners
 * keep merging while the file is written. */
static char *format_current(offset_store *s, uint64_t *gen, size_t *len)
{
    pthread_mutex_lock(&s->map_lock);
    char *text = offset_file_format(s->origin, &s->map, len);
    *gen = s->generation;
    pthread_mutex_unlock(&s->map_lock);
    return text;
}

/* Writes the current map unless a generation >= mine is on disk already.
 * Called with the write lock held. */
static int write_if_due(offset_store *s, uint64_t mine, char *err, size_t errsize)
{
    if (s->written >= mine)
        return 0;
    uint64_t gen;
    size_t len;
    char *text = format_current(s, &gen, &len);
    if (!text) {
        snprintf(err, errsize, "offsets: %s: out of memory", s->path);
        return -1;
    }
    char why[1024];
    int rc = atomic_file_replace(s->dir, OFFSET_FILE_NAME, text, len, why, sizeof why);
    free(text);
    if (rc != 0) {
        snprintf(err, errsize, "offsets: %s", why);
        return -1;
    }
    s->written = gen;
    return 0;
}

int offset_store_commit(offset_store *s, const char *const *keys, const char *const *values, size_t n, char *err,
                        size_t errsize)
{
    uint64_t mine;
    if (merge(s, keys, values, n, &mine) != 0) {
        snprintf(err, errsize, "offsets: %s: out of memory", s->path);
        return -1;
    }
    pthread_mutex_lock(&s->write_lock);
    int rc = write_if_due(s, mine, err, errsize);
    pthread_mutex_unlock(&s->write_lock);
    return rc;
}

int offset_store_snapshot(offset_store *s, offset_map *out)
{
    pthread_mutex_lock(&s->map_lock);
    int rc = offset_map_copy(out, &s->map);
    pthread_mutex_unlock(&s->map_lock);
    return rc;
}

const char *offset_store_path(const offset_store *s) { return s->path; }

void offset_store_close(offset_store *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->map_lock);
    pthread_mutex_destroy(&s->write_lock);
    offset_map_free(&s->map);
    free(s->dir);
    free(s->path);
    free(s->origin);
    free(s);
}
