/* core/expr/eval.c — evaluating a compiled expression against a record,
 * and the SDK's evaluation functions (sdk/sluice/expr.h).
 *
 * The tree is walked recursively (its depth is bounded at compile time);
 * values live on the C stack and strings point into the record, the
 * compiled expression or the context's scratch arena, which is rewound at
 * the start of every evaluation: no malloc once the arena has grown to
 * what the expression needs.  && and || evaluate their right side only
 * when needed, ?: only the branch taken (JSP 2.1 EL §1.9, §1.10). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "expr/expr_impl.h"

int expr_fail(expr_eval *ev, uint32_t column, const char *fmt, ...)
{
    char *err = ev->ctx->error;
    size_t size = sizeof ev->ctx->error;
    /* The text on one line: a record error message is one line even when
     * the operator wrapped the expression. */
    char shown[128];
    size_t n_shown = 0;
    const char *text = ev->expr->text;
    for (; text[n_shown] && n_shown < 120; n_shown++)
        shown[n_shown] = (unsigned char)text[n_shown] < 0x20 ? ' ' : text[n_shown];
    shown[n_shown] = '\0';
    int n = snprintf(err, size, "expression \"%s%s\", column %u: ", shown, text[n_shown] ? "..." : "", column);
    if (n < 0 || (size_t)n >= size)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, size - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

void *expr_scratch(expr_eval *ev, size_t size)
{
    return arena_alloc(ev->ctx->scratch, size ? size : 1);
}

static int eval_node(expr_eval *ev, uint32_t index, expr_value *out);

uint32_t expr_arg_column(const expr_call *call, size_t i)
{
    return call->ev->expr->nodes[call->ev->expr->kids[call->node->kids + i]].column;
}

int expr_arg_string(const expr_call *call, size_t i, const char **p, size_t *len)
{
    return expr_to_string(call->ev, &call->args[i], expr_arg_column(call, i), p, len);
}

int expr_arg_long(const expr_call *call, size_t i, int64_t *out)
{
    return expr_to_long(call->ev, &call->args[i], expr_arg_column(call, i), out);
}

int expr_arg_double(const expr_call *call, size_t i, double *out)
{
    return expr_to_double(call->ev, &call->args[i], expr_arg_column(call, i), out);
}

void expr_set_string(expr_value *out, const char *p, size_t len)
{
    out->type = EXPR_STRING;
    out->u.s.p = p;
    out->u.s.len = len;
}

static const uint32_t *kids_of(const expr_eval *ev, const expr_node *n)
{
    /* An expression of constants only has no child array at all. */
    return n->n_kids ? &ev->expr->kids[n->kids] : NULL;
}

static int eval_template(expr_eval *ev, const expr_node *n, expr_value *out)
{
    const uint32_t *kids = kids_of(ev, n);
    const char **parts = expr_scratch(ev, n->n_kids * sizeof *parts);
    size_t *lens = expr_scratch(ev, n->n_kids * sizeof *lens);
    size_t total = 0;
    for (size_t i = 0; i < n->n_kids; i++) {
        expr_value v;
        if (eval_node(ev, kids[i], &v) != 0 ||
            expr_to_string(ev, &v, ev->expr->nodes[kids[i]].column, &parts[i], &lens[i]) != 0)
            return -1;
        total += lens[i];
    }
    char *s = expr_scratch(ev, total + 1);
    size_t at = 0;
    for (size_t i = 0; i < n->n_kids; i++) {
        memcpy(s + at, parts[i], lens[i]);
        at += lens[i];
    }
    s[at] = '\0';
    out->type = EXPR_STRING;
    out->u.s.p = s;
    out->u.s.len = at;
    return 0;
}

static int eval_bool_kid(expr_eval *ev, uint32_t index, bool *out)
{
    expr_value v;
    if (eval_node(ev, index, &v) != 0)
        return -1;
    return expr_to_bool(ev, &v, ev->expr->nodes[index].column, out);
}

static int eval_call(expr_eval *ev, const expr_node *n, expr_value *out)
{
    expr_value args[EXPR_MAX_ARGS];
    const uint32_t *kids = kids_of(ev, n);
    for (size_t i = 0; i < n->n_kids; i++)
        if (eval_node(ev, kids[i], &args[i]) != 0)
            return -1;
    expr_call call = {.ev = ev, .node = n, .args = args, .n_args = n->n_kids};
    out->type = EXPR_NULL;
    return n->fn->eval(&call, out);
}

static int eval_node(expr_eval *ev, uint32_t index, expr_value *out)
{
    const expr_node *n = &ev->expr->nodes[index];
    const uint32_t *kids = kids_of(ev, n);
    expr_value a, b;
    bool x;
    switch ((expr_op)n->op) {
    case OP_CONST: *out = n->value; return 0;
    case OP_TEMPLATE: return eval_template(ev, n, out);
    case OP_CALL: return eval_call(ev, n, out);
    case OP_FIELD_EQ:
    case OP_FIELD_NE:
        out->type = EXPR_BOOL;
        return expr_eval_field_eq(ev, n, &out->u.b);
    case OP_NEG:
        if (eval_node(ev, kids[0], &a) != 0)
            return -1;
        return expr_negate(ev, &a, n->column, out);
    case OP_NOT:
        if (eval_bool_kid(ev, kids[0], &x) != 0)
            return -1;
        out->type = EXPR_BOOL;
        out->u.b = !x;
        return 0;
    case OP_EMPTY:
        if (eval_node(ev, kids[0], &a) != 0)
            return -1;
        out->type = EXPR_BOOL;
        out->u.b = expr_is_empty(&a);
        return 0;
    case OP_AND:
    case OP_OR:
        if (eval_bool_kid(ev, kids[0], &x) != 0)
            return -1;
        if (x == (n->op == OP_AND) && eval_bool_kid(ev, kids[1], &x) != 0)
            return -1;
        out->type = EXPR_BOOL;
        out->u.b = x;
        return 0;
    case OP_COND:
        if (eval_bool_kid(ev, kids[0], &x) != 0)
            return -1;
        return eval_node(ev, kids[x ? 1 : 2], out);
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
    case OP_MOD:
        if (eval_node(ev, kids[0], &a) != 0 || eval_node(ev, kids[1], &b) != 0)
            return -1;
        return expr_arith(ev, (expr_op)n->op, &a, &b, n->column, out);
    case OP_EQ:
    case OP_NE:
    case OP_LT:
    case OP_GT:
    case OP_LE:
    case OP_GE:
        if (eval_node(ev, kids[0], &a) != 0 || eval_node(ev, kids[1], &b) != 0)
            return -1;
        out->type = EXPR_BOOL;
        return expr_compare(ev, (expr_op)n->op, &a, &b, n->column, &out->u.b);
    }
    return expr_fail(ev, n->column, "internal error: unknown node %u", n->op);
}

/* ---- the SDK --------------------------------------------------------------- */

static int run(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record, expr_eval *ev,
               expr_value *out)
{
    if (!ctx)
        return SLUICE_ERROR;
    ctx->error[0] = '\0';
    if (!expr) {
        snprintf(ctx->error, sizeof ctx->error, "no expression (the config key is absent or not an expression)");
        return SLUICE_ERROR;
    }
    if (ctx->scratch->used)
        arena_reset(ctx->scratch);
    ev->expr = expr;
    ev->ctx = ctx;
    ev->record = record;
    return eval_node(ev, expr->root, out) == 0 ? SLUICE_OK : SLUICE_ERROR;
}

/* sluice_expr_eval_bool() is in fastpath.c: it tries the fused comparison
 * first, and comes here for everything else. */
int expr_eval_bool_generic(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record, bool *out)
{
    expr_eval ev;
    expr_value v;
    if (run(expr, ctx, record, &ev, &v) != SLUICE_OK)
        return SLUICE_ERROR;
    return expr_to_bool(&ev, &v, 1, out) == 0 ? SLUICE_OK : SLUICE_ERROR;
}

SLUICE_API int sluice_expr_eval_string(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                       sluice_batch *batch, const char **out, size_t *len)
{
    expr_eval ev;
    expr_value v;
    const char *p;
    size_t n;
    if (run(expr, ctx, record, &ev, &v) != SLUICE_OK || expr_to_string(&ev, &v, 1, &p, &n) != 0)
        return SLUICE_ERROR;
    *out = sluice_batch_strndup(batch, p, n);
    if (len)
        *len = n;
    return SLUICE_OK;
}

SLUICE_API int sluice_expr_eval_int(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                    int64_t *out)
{
    expr_eval ev;
    expr_value v;
    if (run(expr, ctx, record, &ev, &v) != SLUICE_OK)
        return SLUICE_ERROR;
    return expr_to_long(&ev, &v, 1, out) == 0 ? SLUICE_OK : SLUICE_ERROR;
}

SLUICE_API int sluice_expr_eval_double(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                       double *out)
{
    expr_eval ev;
    expr_value v;
    if (run(expr, ctx, record, &ev, &v) != SLUICE_OK)
        return SLUICE_ERROR;
    return expr_to_double(&ev, &v, 1, out) == 0 ? SLUICE_OK : SLUICE_ERROR;
}

SLUICE_API int sluice_expr_eval_field(const sluice_expr *expr, sluice_expr_ctx *ctx, const sluice_record *record,
                                      sluice_batch *batch, sluice_field **out)
{
    expr_eval ev;
    expr_value v;
    if (run(expr, ctx, record, &ev, &v) != SLUICE_OK)
        return SLUICE_ERROR;
    switch (v.type) {
    case EXPR_NULL: *out = sluice_field_new_null(batch); break;
    case EXPR_BOOL: *out = sluice_field_new_bool(batch, v.u.b); break;
    case EXPR_LONG: *out = sluice_field_new_int(batch, v.u.i); break;
    case EXPR_DOUBLE: *out = sluice_field_new_double(batch, v.u.d); break;
    case EXPR_STRING: *out = sluice_field_new_string(batch, v.u.s.p, v.u.s.len); break;
    case EXPR_DATETIME: *out = sluice_field_new_datetime(batch, v.u.i); break;
    case EXPR_DECIMAL:
    case EXPR_FIELD: *out = sluice_field_copy(batch, v.u.f); break;
    }
    return SLUICE_OK;
}
