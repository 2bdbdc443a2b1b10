/* core/record/map.c — LIST and MAP fields.
 *
 * Both keep their items in one array in the batch's arena.  When it is full
 * a twice larger array is taken from the arena and the items copied: the old
 * array is not freed (arenas never free), which costs at most as much again
 * as the final array.  A MAP keeps insertion order (DESIGN §2) and finds
 * keys by a linear scan: records have tens of fields, not thousands. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/record_impl.h"

#define CONTAINER_MIN_CAP 4u

static uint32_t container_cap32(size_t cap)
{
    if (cap > UINT32_MAX / 2) {
        fprintf(stderr, "sluice: list or map of %zu items is too large\n", cap);
        abort();
    }
    return (uint32_t)cap;
}

/* ---- constructors: the field and its first array in one allocation ------ */

SLUICE_API sluice_field *sluice_field_new_list(sluice_batch *batch, size_t capacity)
{
    uint32_t cap = container_cap32(capacity);
    sluice_field *f = arena_alloc(batch->arena, sizeof *f + (size_t)cap * sizeof(sluice_field *));
    *f = (sluice_field){.type = SLUICE_LIST, .cap = cap};
    f->v.items = cap ? (sluice_field **)(f + 1) : NULL;
    return f;
}

SLUICE_API sluice_field *sluice_field_new_map(sluice_batch *batch, size_t capacity)
{
    uint32_t cap = container_cap32(capacity);
    sluice_field *f = arena_alloc(batch->arena, sizeof *f + (size_t)cap * sizeof(map_entry));
    *f = (sluice_field){.type = SLUICE_MAP, .cap = cap};
    f->v.entries = cap ? (map_entry *)(f + 1) : NULL;
    return f;
}

/* Doubles the capacity of a full LIST or MAP, `item_size` bytes per item.
 * Kept out of line: the append paths stay a compare and a few stores. */
static __attribute__((noinline)) void *container_grow(sluice_batch *batch, sluice_field *f, void *items,
                                                      size_t item_size)
{
    uint32_t cap = f->cap ? container_cap32((size_t)f->cap * 2) : CONTAINER_MIN_CAP;
    void *grown = arena_alloc(batch->arena, (size_t)cap * item_size);
    if (f->len)
        memcpy(grown, items, (size_t)f->len * item_size);
    f->cap = cap;
    return grown;
}

SLUICE_API size_t sluice_field_count(const sluice_field *field)
{
    if (field && (field->type == SLUICE_LIST || field->type == SLUICE_MAP))
        return field->len;
    return 0;
}

/* ---- LIST ----------------------------------------------------------------- */

SLUICE_API sluice_field *sluice_list_get(const sluice_field *list, size_t i)
{
    if (!list || list->type != SLUICE_LIST || i >= list->len)
        return NULL;
    return list->v.items[i];
}

/* The append after a growth, apart so that the common path needs no stack
 * frame and reaches it by a tail call. */
static __attribute__((noinline)) void list_append_grown(sluice_batch *batch, sluice_field *list,
                                                         sluice_field *item)
{
    list->v.items = container_grow(batch, list, list->v.items, sizeof(sluice_field *));
    list->v.items[list->len++] = item;
}

SLUICE_API void sluice_list_append(sluice_batch *batch, sluice_field *list, sluice_field *item)
{
    if (!list || list->type != SLUICE_LIST)
        return;
    if (list->len == list->cap) {
        list_append_grown(batch, list, item);
        return;
    }
    list->v.items[list->len++] = item;
}

/* ---- MAP ------------------------------------------------------------------ */

long map_find(const sluice_field *map, const char *key, size_t key_len)
{
    for (uint32_t i = 0; i < map->len; i++) {
        const map_entry *e = &map->v.entries[i];
        if (e->key_len == key_len && memcmp(e->key, key, key_len) == 0)
            return (long)i;
    }
    return -1;
}

SLUICE_API sluice_field *sluice_map_get(const sluice_field *map, const char *key, size_t key_len)
{
    if (!map || map->type != SLUICE_MAP)
        return NULL;
    long i = map_find(map, key, key_len);
    return i < 0 ? NULL : map->v.entries[i].value;
}

SLUICE_API sluice_field *sluice_map_entry(const sluice_field *map, size_t i, const char **key, size_t *key_len)
{
    if (!map || map->type != SLUICE_MAP || i >= map->len) {
        if (key)
            *key = NULL;
        if (key_len)
            *key_len = 0;
        return NULL;
    }
    const map_entry *e = &map->v.entries[i];
    if (key)
        *key = e->key;
    if (key_len)
        *key_len = e->key_len;
    return e->value;
}

static inline void map_store(sluice_field *map, const char *key, size_t key_len, sluice_field *value)
{
    map_entry *e = &map->v.entries[map->len++];
    e->key = key;
    e->key_len = (uint32_t)key_len;
    e->value = value;
}

static __attribute__((noinline)) void map_append_grown(sluice_batch *batch, sluice_field *map, const char *key,
                                                        size_t key_len, sluice_field *value)
{
    map->v.entries = container_grow(batch, map, map->v.entries, sizeof(map_entry));
    map_store(map, key, key_len, value);
}

/* The generator's path: a type check, a compare and three stores.  The
 * type check stays (a LIST here would be overwritten), but unlike the other
 * map functions a NULL map is not checked: this one is called per field. */
SLUICE_API void sluice_map_append_static(sluice_batch *batch, sluice_field *map, const char *key, size_t key_len,
                                         sluice_field *value)
{
    if (map->type != SLUICE_MAP)
        return;
    if (map->len == map->cap) {
        map_append_grown(batch, map, key, key_len, value);
        return;
    }
    map_store(map, key, key_len, value);
}

SLUICE_API void sluice_map_put(sluice_batch *batch, sluice_field *map, const char *key, size_t key_len,
                               sluice_field *value)
{
    if (!map || map->type != SLUICE_MAP)
        return;
    long i = map_find(map, key, key_len);
    if (i >= 0) {
        map->v.entries[i].value = value;
        return;
    }
    if (key_len > UINT32_MAX) {
        fprintf(stderr, "sluice: map key of %zu bytes is larger than 4 GiB\n", key_len);
        abort();
    }
    sluice_map_append_static(batch, map, sluice_batch_strndup(batch, key, key_len), key_len, value);
}

SLUICE_API bool sluice_map_remove(sluice_field *map, const char *key, size_t key_len)
{
    if (!map || map->type != SLUICE_MAP)
        return false;
    long i = map_find(map, key, key_len);
    if (i < 0)
        return false;
    map_entry *e = map->v.entries;
    memmove(&e[i], &e[i + 1], (size_t)(map->len - (uint32_t)i - 1) * sizeof *e);
    map->len--;
    return true;
}
