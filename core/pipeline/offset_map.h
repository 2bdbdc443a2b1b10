/* core/pipeline/offset_map.h — a small string -> string map of offsets
 * (origin key, e.g. a shard id, -> position), in insertion order.
 *
 * The struct itself is declared in pipeline/stage_ctx.h, where the origin's
 * context reads it; this is the code that fills and frees one.  Lookups are
 * linear: an origin has a handful of keys (shards, files, thread ranges),
 * and the map is touched once per batch, not per record. */
#ifndef SLUICE_CORE_OFFSET_MAP_H
#define SLUICE_CORE_OFFSET_MAP_H

#include <stddef.h>

#include "pipeline/stage_ctx.h"

/* The value under `key`, owned by the map (valid until the key is set
 * again or the map freed), or NULL. */
const char *offset_map_get(const offset_map *m, const char *key);

/* Sets `key` to `value`, copying both; a new key goes last.  0, or -1 when
 * memory runs out (the map is then unchanged). */
int offset_map_put(offset_map *m, const char *key, const char *value);

/* Replaces *dst (which must be empty or valid) with a deep copy of src.
 * 0, or -1 when memory runs out (*dst is then empty). */
int offset_map_copy(offset_map *dst, const offset_map *src);

/* Frees every key and value and leaves an empty map. */
void offset_map_free(offset_map *m);

#endif
