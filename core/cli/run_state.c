/* core/cli/run_state.c — a pipeline's state directory, held for a run. */
#include "cli/run_state.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "log.h"
#include "pipeline/state_dir.h"

/* The origin an offsets file belongs to: its id and its stage, so that
 * offsets written by another origin are never taken for ours. */
static void origin_identity(const pipeline *p, char *out, size_t size)
{
    const pipeline_stage *origin = &p->stages[p->origin];
    snprintf(out, size, "%s:%s:%s", origin->desc->id, origin->plugin->name, origin->def->name);
}

int run_state_open(run_state *rs, const pipeline *p, const char *explicit_dir)
{
    char err[2048], origin[512];
    memset(rs, 0, sizeof *rs);
    if (state_dir_resolve(explicit_dir, p->desc->pipeline, rs->dir, sizeof rs->dir, err, sizeof err) != 0)
        goto fail;
    rs->lock = state_lock_acquire(rs->dir, err, sizeof err);
    if (!rs->lock)
        goto fail;
    origin_identity(p, origin, sizeof origin);
    rs->offsets = offset_store_open(rs->dir, origin, err, sizeof err);
    if (!rs->offsets)
        goto fail;
    snprintf(rs->error_file, sizeof rs->error_file, "%s/errors.jsonl", rs->dir);
    return EXIT_OK;
fail:
    log_msg(SLUICE_LOG_ERROR, NULL, "%s", err);
    run_state_close(rs);
    return EXIT_RUNTIME;
}

void run_state_close(run_state *rs)
{
    offset_store_close(rs->offsets);
    state_lock_release(rs->lock);
    rs->offsets = NULL;
    rs->lock = NULL;
}

int load_pipeline_with_state(const char *path, const char *plugin_path, const char *state_dir, loaded_pipeline *lp,
                             run_state *rs)
{
    int rc = load_pipeline(path, plugin_path, lp);
    if (rc)
        return rc;
    rc = run_state_open(rs, lp->pipeline, state_dir);
    if (rc)
        loaded_pipeline_free(lp);
    return rc;
}
