/* core/pipeline/stage_ctx.h — the core's side of one stage instance. */
#ifndef SLUICE_CORE_STAGE_CTX_H
#define SLUICE_CORE_STAGE_CTX_H

#include <stdbool.h>

#include <sluice/stage.h>

/* The most runners a push origin may ask for. */
#define STAGE_MAX_RUNNERS 256

/* Committed offsets, as the origin sees them at init. */
typedef struct offset_map {
    char **keys, **values;
    size_t n;
} offset_map;

struct sluice_stage_ctx {
    const char *stage_id;
    const char *pipeline_name;
    const offset_map *offsets; /* origins: committed offsets, or NULL */
    size_t runners;            /* origins: runners asked for at init (push) */
    bool runners_set;          /* init called sluice_origin_set_runners */
    char error[1024];          /* set by sluice_stage_fail */
};

void stage_ctx_init(sluice_stage_ctx *ctx, const char *stage_id, const char *pipeline_name,
                    const offset_map *offsets);
/* The message of the last sluice_stage_fail, or a generic one. */
const char *stage_ctx_error(const sluice_stage_ctx *ctx);
/* Forgets the message before the next call into the stage. */
void stage_ctx_clear_error(sluice_stage_ctx *ctx);

#endif
