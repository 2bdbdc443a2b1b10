/* core/pipeline/offset_store.h — the committed offsets of a pipeline
 * (DESIGN §5): one in-memory map under a lock, written whole to
 * STATE_DIR/offsets.json in the background by one writer thread, and
 * replaced atomically (write a temp file, fsync, rename, fsync the
 * directory), so that the file is always a whole map of delivered batches.
 *
 * At least once needs only that no offset is durable before its batch was
 * accepted by every destination and the error stage, not that the runner
 * waits for the fsync: a commit merges the batch's offsets and returns,
 * and the writer writes the newest map.  The lag is bounded: a commit
 * waits while the state merged before it has not yet been picked up by
 * the writer, so at any time at most one state is being written and one
 * is pending.  Each of them holds one commit per committing runner (a
 * poll origin has one runner; a push origin's runners waiting on the same
 * pending state merge together).  A crash (kill -9, power loss) therefore
 * repeats at most the batches in flight plus two per runner: the pending
 * one and the one being written.  offset_store_flush (end of run, stop,
 * origin end) makes everything merged durable; an abort (second signal,
 * stop deadline) exits without it, and its up to two batches per runner
 * are repeated on restart like those in flight.
 *
 * A failed write (ENOSPC, EIO) is sticky: the store writes nothing more,
 * the file keeps the last state written whole, and every later commit and
 * flush returns the error, so the pipeline stops (one commit later than a
 * synchronous store would: the batch whose commit reports it was
 * delivered, and is repeated on restart).
 *
 * Concurrency & locking: every function but open and close may be called
 * from any runner thread at once.  One mutex guards the map and the
 * writer's progress; it is held to merge and to format the map, never
 * during the write.  Other processes are kept out by the state
 * directory's lock (pipeline/state_lock.h), which the caller holds until
 * after close. */
#ifndef SLUICE_CORE_OFFSET_STORE_H
#define SLUICE_CORE_OFFSET_STORE_H

#include <stddef.h>

#include "pipeline/offset_map.h"

typedef struct offset_store offset_store;

/* Opens the store of `state_dir` for `origin`, which names the origin the
 * offsets belong to ("<stage id>:<plugin>:<stage>"), and loads the
 * committed offsets.  An offsets file written for another origin is
 * refused, with the command that resets it.  NULL with one line in err.
 * The writer thread starts at the first commit that changes the map. */
offset_store *offset_store_open(const char *state_dir, const char *origin, char *err, size_t errsize);

/* Merges a delivered batch's offsets (keys[i] -> values[i], copied) into
 * the map and hands the map to the writer; waits first while the previous
 * state is still pending (not yet picked up by the writer).  Returns
 * without waiting for the write: 0, or -1 with one line in err when an
 * earlier write failed (naming the path and the reason: ENOSPC, EIO, ...;
 * the file on disk then holds the last state written whole) or memory ran
 * out.  Unchanged offsets (and n == 0) hand nothing over. */
int offset_store_commit(offset_store *s, const char *const *keys, const char *const *values, size_t n, char *err,
                        size_t errsize);

/* Waits until everything merged so far is on disk.  0, or -1 with the
 * failed write's error in err. */
int offset_store_flush(offset_store *s, char *err, size_t errsize);

/* Makes every commit synchronous: it returns once its offsets are on disk
 * (the behaviour before the writer thread; `sluice run --sync-offsets`).
 * Call before the first commit. */
void offset_store_set_sync(offset_store *s, int sync);

/* Copies the offsets merged so far into *out (empty or valid; the caller
 * frees it with offset_map_free): at init, what the origin resumes from.
 * 0, or -1 when memory runs out (*out is then empty). */
int offset_store_snapshot(offset_store *s, offset_map *out);

/* The offsets file's path, valid until close. */
const char *offset_store_path(const offset_store *s);

/* Lets the writer write what is still pending (unless a write failed),
 * joins it and frees the store (NULL is fine).  Reports nothing: call
 * offset_store_flush first to learn whether the last state was written. */
void offset_store_close(offset_store *s);

#endif
