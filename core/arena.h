/* core/arena.h — per-batch bump allocator.
 *
 * A batch's records and fields all come from one arena and are released at
 * once: arena_reset() keeps the chunks for the next batch, so a pipeline in
 * its steady state does no malloc at all.  Allocations are 16-byte aligned.
 * Out of memory aborts (malloc failing is not a per-record condition).
 * Not thread-safe: one arena belongs to one runner. */
#ifndef SLUICE_CORE_ARENA_H
#define SLUICE_CORE_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;

typedef struct arena {
    arena_chunk *head;    /* chunk being filled */
    arena_chunk *first;   /* all chunks, in order, for reset */
    char *cur, *end;      /* free space in head */
    size_t chunk_size;    /* default size of a new chunk */
    size_t used;          /* bytes handed out since the last reset */
} arena;

/* A new arena whose chunks hold at least chunk_size bytes (0: 64 KiB). */
arena *arena_new(size_t chunk_size);
void arena_free(arena *a);
/* Forgets every allocation, keeping the chunks for reuse. */
void arena_reset(arena *a);
/* Slow path of arena_alloc: takes the next (or a new) chunk. */
void *arena_alloc_slow(arena *a, size_t size);

/* Room for twice *cap items of `elem` bytes (min_cap when *cap is 0),
 * with the first n copied from `old`: for arrays that live in the arena
 * and grow rarely (a batch's offsets, a record's attributes).  Updates
 * *cap; `old` is left to the arena. */
void *arena_grow(arena *a, const void *old, size_t n, size_t *cap, size_t min_cap, size_t elem);

/* `size` bytes, 16-byte aligned. */
static inline void *arena_alloc(arena *a, size_t size)
{
    size = (size + 15u) & ~(size_t)15u;
    if ((size_t)(a->end - a->cur) >= size) {
        void *p = a->cur;
        a->cur += size;
        a->used += size;
        return p;
    }
    return arena_alloc_slow(a, size);
}

#endif
