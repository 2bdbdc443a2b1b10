/* core/expr/expr.h — the expression language, as the rest of the core uses
 * it (DESIGN §6): compiling (config schema, preconditions) and contexts
 * that are not tied to a stage.  Evaluation is the SDK's
 * (sdk/sluice/expr.h): sluice_expr_eval_bool() and friends.
 *
 * The language is StreamSets Data Collector's, i.e. the JSP 2.1 Expression
 * Language with SDC's functions; the rules are written down in
 * sluice-pipeline(5), EXPRESSIONS. */
#ifndef SLUICE_CORE_EXPR_H
#define SLUICE_CORE_EXPR_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/expr.h>

/* Compiles `text` (a whole config value: "${...}", or text with ${...}
 * parts).  Returns the immutable compiled expression, or NULL with one
 * line in err: "column 12: expected ')' after the arguments of str:trim,
 * got ','" (the column is 1-based, in `text`).  Free with expr_free(). */
sluice_expr *expr_compile(const char *text, char *err, size_t errsize);
void expr_free(sluice_expr *expr);

/* A context for pipeline `pipeline_name` (may be NULL), for the core's own
 * evaluations (preconditions).  Free with sluice_expr_ctx_free(). */
sluice_expr_ctx *expr_ctx_new(const char *pipeline_name);
/* Makes time:now() return `epoch_us` (tests, reproducible previews). */
void expr_ctx_set_now(sluice_expr_ctx *ctx, int64_t epoch_us);

#endif
