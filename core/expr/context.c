/* core/expr/context.c — evaluation contexts: one per stage instance (or
 * per runner for the core's own evaluations), holding what evaluation may
 * not allocate per record: the scratch arena, the regex match data, the
 * uuid generator's state, and the pipeline name.  Created and freed on the
 * main thread (init / destroy), used by one thread at a time. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "expr/expr.h"
#include "expr/expr_impl.h"
#include "pipeline/stage_ctx.h"
#include "record/record_impl.h"

/* Regexes with more capture groups than this still match; only
 * str:regExCapture of a group past it fails. */
#define EXPR_MATCH_PAIRS 64
#define EXPR_SCRATCH_CHUNK 4096

static void seed(uint64_t rng[2])
{
    if (getrandom(rng, 2 * sizeof rng[0], 0) != (ssize_t)(2 * sizeof rng[0])) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        rng[0] = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15u ^ (uint64_t)ts.tv_sec;
        rng[1] = (uint64_t)(uintptr_t)rng * 0xBF58476D1CE4E5B9u;
    }
    if (!rng[0] && !rng[1])
        rng[1] = 1;
}

sluice_expr_ctx *expr_ctx_new(const char *pipeline_name)
{
    sluice_expr_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        abort();
    ctx->scratch = arena_new(EXPR_SCRATCH_CHUNK);
    ctx->scratch_batch = batch_new(ctx->scratch);
    ctx->pipeline_name = strdup(pipeline_name ? pipeline_name : "");
    ctx->match_data = pcre2_match_data_create(EXPR_MATCH_PAIRS, NULL);
    if (!ctx->pipeline_name || !ctx->match_data) {
        fprintf(stderr, "sluice: out of memory (expression context)\n");
        abort();
    }
    seed(ctx->rng);
    return ctx;
}

void expr_ctx_set_now(sluice_expr_ctx *ctx, int64_t epoch_us)
{
    ctx->fixed_now_us = epoch_us;
    ctx->has_fixed_now = true;
}

SLUICE_API sluice_expr_ctx *sluice_expr_ctx_new(const sluice_stage_ctx *stage)
{
    /* The field, not sluice_pipeline_name(): core/expr/ links without the
     * pipeline code (the fuzz target does). */
    return expr_ctx_new(stage ? stage->pipeline_name : NULL);
}

SLUICE_API void sluice_expr_ctx_free(sluice_expr_ctx *ctx)
{
    if (!ctx)
        return;
    pcre2_match_data_free(ctx->match_data);
    batch_free(ctx->scratch_batch);
    arena_free(ctx->scratch);
    free(ctx->pipeline_name);
    free(ctx);
}

SLUICE_API const char *sluice_expr_ctx_error(const sluice_expr_ctx *ctx)
{
    return ctx ? ctx->error : "";
}
