/* core/pipeline/state_dir.h — where a pipeline keeps its state (offsets,
 * errors.jsonl) between runs (DESIGN §3). */
#ifndef SLUICE_CORE_STATE_DIR_H
#define SLUICE_CORE_STATE_DIR_H

#include <stddef.h>

/* The state directory of `pipeline`: `explicit_dir` when given, else
 * $STATE_DIRECTORY/<pipeline> (systemd's StateDirectory=), else
 * $XDG_STATE_HOME/sluice/<pipeline>, else ~/.local/state/sluice/<pipeline>.
 * Only the path: nothing is created (`sluice offsets` looks, and must not
 * leave an empty directory behind a typo).  0, or -1 with one line in err. */
int state_dir_path(const char *explicit_dir, const char *pipeline, char *out, size_t outsize, char *err,
                   size_t errsize);

/* state_dir_path(), then creates the directory and its parents (mode 0700),
 * as a run needs it.  0, or -1 with one line in err. */
int state_dir_resolve(const char *explicit_dir, const char *pipeline, char *out, size_t outsize, char *err,
                      size_t errsize);

#endif
