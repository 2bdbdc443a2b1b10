/* core/pipeline/stage_ctx.c — what a stage asks of the core: its id, the
 * pipeline's name, logging, failure messages and committed offsets. */
#include "pipeline/stage_ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

void stage_ctx_init(sluice_stage_ctx *ctx, const char *stage_id, const char *pipeline_name,
                    const offset_map *offsets)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->stage_id = stage_id;
    ctx->pipeline_name = pipeline_name;
    ctx->offsets = offsets;
    ctx->runners = 1;
}

const char *stage_ctx_error(const sluice_stage_ctx *ctx)
{
    return ctx->error[0] ? ctx->error : "failed without saying why";
}

void stage_ctx_clear_error(sluice_stage_ctx *ctx) { ctx->error[0] = '\0'; }

SLUICE_API const char *sluice_stage_id(const sluice_stage_ctx *ctx) { return ctx->stage_id; }

SLUICE_API const char *sluice_pipeline_name(const sluice_stage_ctx *ctx) { return ctx->pipeline_name; }

SLUICE_API void sluice_stage_fail(sluice_stage_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->error, sizeof ctx->error, fmt, ap);
    va_end(ap);
}

SLUICE_API void sluice_log(const sluice_stage_ctx *ctx, sluice_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, ctx ? ctx->stage_id : NULL, fmt, ap);
    va_end(ap);
}

SLUICE_API const char *sluice_stage_offset(const sluice_stage_ctx *ctx, const char *key)
{
    if (!ctx->offsets)
        return NULL;
    for (size_t i = 0; i < ctx->offsets->n; i++)
        if (strcmp(ctx->offsets->keys[i], key) == 0)
            return ctx->offsets->values[i];
    return NULL;
}

/* The pool is fixed at start (DESIGN §4): only an origin's init may size it. */
SLUICE_API void sluice_origin_set_runners(sluice_stage_ctx *ctx, size_t runners)
{
    if (runners < 1)
        runners = 1;
    if (runners > STAGE_MAX_RUNNERS)
        runners = STAGE_MAX_RUNNERS;
    ctx->runners = runners;
    ctx->runners_set = true;
}
