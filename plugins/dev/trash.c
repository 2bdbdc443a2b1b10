/* plugins/dev/trash.c — dev:trash, a destination that takes every record
 * and keeps none: the end of a lane nobody needs, and the sink of the
 * core benchmark, so it must cost nothing per record. */
#include <stddef.h>

#include "generator.h"

/* No options; a schema all the same, so that unknown keys are refused. */
const sluice_config_schema trash_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = NULL,
    .n_keys = 0,
    .check = NULL,
};

int trash_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    (void)ctx;
    (void)config;
    *state = NULL;
    return SLUICE_OK;
}

void trash_destroy(void *state)
{
    (void)state;
}

/* Every record is done: nothing marked, nothing written. */
int trash_write(void *state, sluice_batch *in)
{
    (void)state;
    (void)in;
    return SLUICE_OK;
}
