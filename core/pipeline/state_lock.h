/* core/pipeline/state_lock.h — one process at a time in a state directory
 * (DESIGN §3): two runs sharing offsets would overwrite each other's, and
 * `sluice offsets reset` under a running pipeline would be undone by its
 * next commit.
 *
 * The lock is flock(2) on STATE_DIR/lock, so it goes away with the process
 * however it ends (kill -9 included): there is no stale lock to clean up.
 * The holder's pid is written into the file, for the refusal message only. */
#ifndef SLUICE_CORE_STATE_LOCK_H
#define SLUICE_CORE_STATE_LOCK_H

#include <stddef.h>

#define STATE_LOCK_FILE "lock"

typedef struct state_lock state_lock;

/* Takes the lock of `state_dir` (an existing directory) without waiting.
 * NULL with one line in err: "state directory DIR is in use (locked by pid
 * N)" when another process holds it (errno is then EWOULDBLOCK), else the
 * path and the reason.  Main thread; the descriptor is close-on-exec. */
state_lock *state_lock_acquire(const char *state_dir, char *err, size_t errsize);

/* Releases the lock and frees it (NULL is fine). */
void state_lock_release(state_lock *lock);

#endif
