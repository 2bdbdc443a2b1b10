/* core/arena.c — per-batch bump allocator (see arena.h).
 *
 * The chunks form one list in allocation order.  arena_reset() rewinds to
 * the first chunk; the slow path then walks on to the chunks already in the
 * list before asking malloc for more, so a pipeline whose batches look alike
 * stops calling malloc after its first batch.  A request bigger than the
 * default chunk size gets a chunk of its own, which stays in the list and is
 * reused by later batches like any other. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

#define ARENA_ALIGN 16u
#define ARENA_DEFAULT_CHUNK (64u * 1024u)

struct arena_chunk {
    arena_chunk *next;
    size_t size; /* usable bytes after the header */
};

/* The header is padded so that the data after it is 16-byte aligned in a
 * 16-byte aligned block. */
#define CHUNK_HEADER ((sizeof(arena_chunk) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

static char *chunk_data(arena_chunk *c)
{
    return (char *)c + CHUNK_HEADER;
}

/* Out of memory is not something a batch can recover from (arena.h). */
static void arena_oom(size_t size)
{
    fprintf(stderr, "sluice: out of memory (allocating %zu bytes)\n", size);
    abort();
}

static void *xaligned_malloc(size_t size)
{
    void *p = NULL;
    if (posix_memalign(&p, ARENA_ALIGN, size) != 0)
        arena_oom(size);
    return p;
}

void *arena_grow(arena *a, const void *old, size_t n, size_t *cap, size_t min_cap, size_t elem)
{
    size_t want = *cap ? *cap * 2 : min_cap;
    if (want > SIZE_MAX / elem)
        arena_oom(SIZE_MAX);
    void *grown = arena_alloc(a, want * elem);
    if (n)
        memcpy(grown, old, n * elem);
    *cap = want;
    return grown;
}

static arena_chunk *chunk_new(size_t size)
{
    if (size > SIZE_MAX - CHUNK_HEADER)
        arena_oom(size);
    arena_chunk *c = xaligned_malloc(CHUNK_HEADER + size);
    c->next = NULL;
    c->size = size;
    return c;
}

static void arena_use_chunk(arena *a, arena_chunk *c)
{
    a->head = c;
    a->cur = chunk_data(c);
    a->end = a->cur + c->size;
}

arena *arena_new(size_t chunk_size)
{
    arena *a = malloc(sizeof *a);
    if (!a)
        arena_oom(sizeof *a);
    if (chunk_size == 0)
        chunk_size = ARENA_DEFAULT_CHUNK;
    chunk_size = (chunk_size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    a->chunk_size = chunk_size;
    a->used = 0;
    a->first = chunk_new(chunk_size);
    arena_use_chunk(a, a->first);
    return a;
}

void arena_free(arena *a)
{
    if (!a)
        return;
    arena_chunk *c = a->first;
    while (c) {
        arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}

void arena_reset(arena *a)
{
    arena_use_chunk(a, a->first);
    a->used = 0;
}

/* `size` is already rounded to 16 by arena_alloc().  The rest of the current
 * chunk is left unused until the next reset: chunks are filled in order. */
void *arena_alloc_slow(arena *a, size_t size)
{
    arena_chunk *next = a->head->next;
    if (!next || next->size < size) {
        /* A new chunk goes right after the current one, so that the
         * chunks after it (kept from earlier batches) stay next in line. */
        arena_chunk *c = chunk_new(size > a->chunk_size ? size : a->chunk_size);
        c->next = next;
        a->head->next = c;
        next = c;
    }
    arena_use_chunk(a, next);
    void *p = a->cur;
    a->cur += size;
    a->used += size;
    return p;
}
