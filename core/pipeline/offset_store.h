/* core/pipeline/offset_store.h — the committed offsets of a pipeline
 * (DESIGN §5): one in-memory map under a lock, written whole to
 * STATE_DIR/offsets.json after every committed batch, and replaced
 * atomically (write a temp file, fsync, rename, fsync the directory), so a
 * crash repeats at most the batches in flight.
 *
 * Concurrency & locking: every function but open and close may be called
 * from any runner thread at once.  A mutex guards the map (held only to
 * merge or copy it); a second one serializes the writes.  Commits that
 * arrive while a write is in progress are folded into the next write: a
 * committer whose offsets are already in a file written after its merge
 * returns without writing again, so N runners cost fewer than N fsyncs.
 * Other processes are kept out by the state directory's lock
 * (pipeline/state_lock.h), which the caller holds. */
#ifndef SLUICE_CORE_OFFSET_STORE_H
#define SLUICE_CORE_OFFSET_STORE_H

#include <stddef.h>

#include "pipeline/offset_map.h"

typedef struct offset_store offset_store;

/* Opens the store of `state_dir` for `origin`, which names the origin the
 * offsets belong to ("<stage id>:<plugin>:<stage>"), and loads the
 * committed offsets.  An offsets file written for another origin is
 * refused, with the command that resets it.  NULL with one line in err. */
offset_store *offset_store_open(const char *state_dir, const char *origin, char *err, size_t errsize);

/* Merges a batch's offsets (keys[i] -> values[i], copied) into the map and
 * writes the whole map, unless a write that began after the merge has
 * already stored it.  Returns once the offsets are on disk: 0, or -1 with
 * one line in err naming the path and the reason (ENOSPC, EIO, ...); the
 * previous file is then left intact (but for a failed fsync of the
 * directory, after the rename).  After a failure the map still holds the
 * batch's offsets (the batch was delivered): a later commit that succeeds
 * writes them.  n == 0 writes nothing unless earlier offsets are unwritten. */
int offset_store_commit(offset_store *s, const char *const *keys, const char *const *values, size_t n, char *err,
                        size_t errsize);

/* Copies the offsets merged so far into *out (empty or valid; the caller
 * frees it with offset_map_free): at init, what the origin resumes from.
 * 0, or -1 when memory runs out (*out is then empty). */
int offset_store_snapshot(offset_store *s, offset_map *out);

/* The offsets file's path, valid until close. */
const char *offset_store_path(const offset_store *s);

/* Frees the store (NULL is fine).  Writes nothing: commits are durable
 * when offset_store_commit returns. */
void offset_store_close(offset_store *s);

#endif
