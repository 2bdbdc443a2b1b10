/* core/pipeline/offset_map.c — the offsets' string map. */
#include "pipeline/offset_map.h"

#include <stdlib.h>
#include <string.h>

static size_t find(const offset_map *m, const char *key)
{
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->keys[i], key) == 0)
            return i;
    return m->n;
}

const char *offset_map_get(const offset_map *m, const char *key)
{
    size_t i = find(m, key);
    return i < m->n ? m->values[i] : NULL;
}

/* Grows both arrays to hold n + 1 entries; they stay valid on failure. */
static int reserve_one(offset_map *m)
{
    char **keys = realloc(m->keys, (m->n + 1) * sizeof *keys);
    if (!keys)
        return -1;
    m->keys = keys;
    char **values = realloc(m->values, (m->n + 1) * sizeof *values);
    if (!values)
        return -1;
    m->values = values;
    return 0;
}

int offset_map_put(offset_map *m, const char *key, const char *value)
{
    char *v = strdup(value);
    if (!v)
        return -1;
    size_t i = find(m, key);
    if (i < m->n) {
        free(m->values[i]);
        m->values[i] = v;
        return 0;
    }
    char *k = strdup(key);
    if (!k || reserve_one(m) != 0) {
        free(k);
        free(v);
        return -1;
    }
    m->keys[m->n] = k;
    m->values[m->n] = v;
    m->n++;
    return 0;
}

int offset_map_copy(offset_map *dst, const offset_map *src)
{
    offset_map_free(dst);
    for (size_t i = 0; i < src->n; i++)
        if (offset_map_put(dst, src->keys[i], src->values[i]) != 0) {
            offset_map_free(dst);
            return -1;
        }
    return 0;
}

void offset_map_free(offset_map *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->keys[i]);
        free(m->values[i]);
    }
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}
