/* core/record/batch.c — batches: records over an arena, and the origin's
 * offsets.  The record vector is malloc'd and survives batch_clear(), so a
 * runner in its steady state allocates nothing here either. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/record_impl.h"

#define BATCH_MIN_CAP 64u
#define OFFSETS_MIN_CAP 4u

static void batch_oom(size_t size)
{
    fprintf(stderr, "sluice: out of memory (batch of %zu bytes)\n", size);
    abort();
}

sluice_batch *batch_new(arena *a)
{
    sluice_batch *b = calloc(1, sizeof *b);
    if (!b)
        batch_oom(sizeof *b);
    b->arena = a;
    return b;
}

void batch_free(sluice_batch *b)
{
    if (!b)
        return;
    free(b->records);
    free(b);
}

/* Outcomes, offsets and origin errors live in the arena, which the owner
 * resets with it. */
void batch_clear(sluice_batch *b)
{
    b->count = 0;
    b->outcomes = NULL;
    b->offsets = NULL;
    b->n_offsets = 0;
    b->cap_offsets = 0;
    b->errors = NULL;
    b->n_errors = 0;
    b->cap_errors = 0;
}

SLUICE_API size_t sluice_batch_count(const sluice_batch *batch)
{
    return batch->count;
}

SLUICE_API sluice_record *sluice_batch_record(const sluice_batch *batch, size_t i)
{
    return i < batch->count ? batch->records[i] : NULL;
}

static void batch_grow_to(sluice_batch *b, size_t need)
{
    size_t cap = b->cap ? b->cap * 2 : BATCH_MIN_CAP;
    while (cap < need)
        cap *= 2;
    if (cap > SIZE_MAX / sizeof *b->records)
        batch_oom(SIZE_MAX);
    sluice_record **grown = realloc(b->records, cap * sizeof *grown);
    if (!grown)
        batch_oom(cap * sizeof *grown);
    b->records = grown;
    b->cap = cap;
}

/* Out of line even here, so that sluice_batch_add() stays frameless. */
__attribute__((noinline)) void batch_add_grow(sluice_batch *b, sluice_record *record)
{
    batch_grow_to(b, b->count + 1);
    b->records[b->count++] = record;
}

SLUICE_API void sluice_batch_add(sluice_batch *batch, sluice_record *record)
{
    batch_add(batch, record);
}

void batch_append_records(sluice_batch *dst, sluice_record *const *records, size_t n)
{
    if (dst->cap - dst->count < n)
        batch_grow_to(dst, dst->count + n);
    if (n)
        memcpy(dst->records + dst->count, records, n * sizeof *records);
    dst->count += n;
}

SLUICE_API void *sluice_batch_alloc(sluice_batch *batch, size_t size)
{
    return arena_alloc(batch->arena, size);
}

SLUICE_API char *sluice_batch_strndup(sluice_batch *batch, const char *s, size_t len)
{
    char *copy = arena_alloc(batch->arena, len + 1);
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

static char *batch_strdup(sluice_batch *batch, const char *s)
{
    return sluice_batch_strndup(batch, s, strlen(s));
}

/* One position per key: a later call for the same key replaces it. */
SLUICE_API void sluice_batch_set_offset(sluice_batch *batch, const char *key, const char *value)
{
    for (size_t i = 0; i < batch->n_offsets; i++) {
        if (strcmp(batch->offsets[i].key, key) == 0) {
            batch->offsets[i].value = batch_strdup(batch, value);
            return;
        }
    }
    if (batch->n_offsets == batch->cap_offsets)
        batch->offsets = arena_grow(batch->arena, batch->offsets, batch->n_offsets, &batch->cap_offsets,
                                    OFFSETS_MIN_CAP, sizeof *batch->offsets);
    batch->offsets[batch->n_offsets].key = batch_strdup(batch, key);
    batch->offsets[batch->n_offsets].value = batch_strdup(batch, value);
    batch->n_offsets++;
}
