/* sluice/expr.h — evaluating the expressions of a stage's config.
 *
 * A config key of type SLUICE_CONFIG_EXPRESSION holds text in the
 * expression language of StreamSets Data Collector (sluice-pipeline(5),
 * EXPRESSIONS): "${record:value('/payment_type') == 'CRD'}", or text with
 * ${...} inside ("card_${record:value('/id')}").  The core compiles it when
 * the descriptor is validated, so a syntax error is reported by `sluice
 * validate` with its location and column, and a stage only ever evaluates.
 *
 * Evaluating parses nothing and calls no malloc in the steady state: the
 * compiled expression is immutable; what one evaluation needs for
 * temporary strings comes from an evaluation context, one per stage
 * instance, whose memory is reused from one evaluation to the next.
 *
 * Threads: a compiled expression may be evaluated by any number of threads
 * at once, each with its own context.  A context belongs to one thread at
 * a time (a stage instance creates it in init and uses it in its
 * process / write calls, which the core never runs concurrently).
 *
 * Errors: an evaluation that fails (a string that is not a number in
 * arithmetic, a list where a string is needed) returns SLUICE_ERROR and
 * leaves a one-line message naming the expression and the column in
 * sluice_expr_ctx_error(); stages usually make the record a record error
 * with it (sluice_emit_error(out, record, code, "%s", msg)).
 */
#ifndef SLUICE_EXPR_H
#define SLUICE_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/abi.h>
#include <sluice/config.h>
#include <sluice/record.h>
#include <sluice/stage.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A compiled expression: immutable, owned by the config it came from. */
typedef struct sluice_expr sluice_expr;
/* Per-instance evaluation state: pipeline name, clock, scratch memory. */
typedef struct sluice_expr_ctx sluice_expr_ctx;

/* The compiled expression of an EXPRESSION key, or NULL when the key is
 * absent or of another type.  Valid as long as the config. */
SLUICE_API const sluice_expr *sluice_config_expression(const sluice_config *config, const char *key);
/* The i-th item of a LIST of EXPRESSION, or NULL. */
SLUICE_API const sluice_expr *sluice_config_list_expression(const sluice_config *config, const char *key, size_t i);

/* The text the expression was compiled from, as the operator wrote it. */
SLUICE_API const char *sluice_expr_text(const sluice_expr *expr);

/* A new evaluation context for a stage instance, knowing the pipeline's
 * name (pipeline:name()).  Call from init; free it in destroy.  Never
 * NULL (out of memory aborts). */
SLUICE_API sluice_expr_ctx *sluice_expr_ctx_new(const sluice_stage_ctx *stage);
SLUICE_API void sluice_expr_ctx_free(sluice_expr_ctx *ctx);
/* The message of the last failed evaluation ("" if none). */
SLUICE_API const char *sluice_expr_ctx_error(const sluice_expr_ctx *ctx);

/* Each evaluates `expr` against `record` (which may be NULL when there is
 * no record: record:* functions then fail) and returns SLUICE_OK with the
 * result, or SLUICE_ERROR with a message in the context.
 *
 * _bool: the EL coercion to boolean (null and "" are false, "true" in any
 *   case is true, other strings false; a number is an error).
 * _string: the EL coercion to string (null is ""), NUL-terminated, copied
 *   into `batch`'s arena.
 * _int, _double: the EL coercion to Long / Double (null and "" are 0, a
 *   string must be a number; _int truncates a fraction toward zero).
 * _field: the value as a new field in `batch`'s arena (a record:value()
 *   field is copied deeply; null gives a NULL field). */
SLUICE_API int sluice_expr_eval_bool(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                     bool *out);
SLUICE_API int sluice_expr_eval_string(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                       sluice_batch *batch, const char **out, size_t *len);
SLUICE_API int sluice_expr_eval_int(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                    int64_t *out);
SLUICE_API int sluice_expr_eval_double(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                       double *out);
SLUICE_API int sluice_expr_eval_field(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                      sluice_batch *batch, sluice_field **out);

#ifdef __cplusplus
}
#endif

#endif
