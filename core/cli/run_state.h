/* core/cli/run_state.h — what `run` and `preview` hold in a pipeline's
 * state directory while they work: the directory, its lock, the offsets
 * store and where error records go without an error stage. */
#ifndef SLUICE_CORE_CLI_RUN_STATE_H
#define SLUICE_CORE_CLI_RUN_STATE_H

#include <limits.h>

#include "cli/load_pipeline.h"
#include "pipeline/graph.h"
#include "pipeline/offset_store.h"
#include "pipeline/state_lock.h"

typedef struct run_state {
    char dir[PATH_MAX];
    char error_file[PATH_MAX + 16];
    state_lock *lock;
    offset_store *offsets;
} run_state;

/* Finds (and creates) the state directory of pipeline p, takes its lock
 * and opens its offsets for p's origin.  0, or EXIT_RUNTIME after logging
 * one line (the directory is in use, the offsets belong to another
 * origin, ...), with everything released. */
int run_state_open(run_state *rs, const pipeline *p, const char *explicit_dir);
void run_state_close(run_state *rs);

/* What run and preview do first: load and check the descriptor at `path`,
 * then open its state directory.  0, or the exit status to return (the
 * problem already reported, everything released). */
int load_pipeline_with_state(const char *path, const char *plugin_path, const char *state_dir, loaded_pipeline *lp,
                             run_state *rs);

#endif
