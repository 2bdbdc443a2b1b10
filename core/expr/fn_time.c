/* core/expr/fn_time.c — the time: namespace (SDC "Time Functions"), in
 * UTC.  Datetimes are Java Dates in SDC, which hold milliseconds:
 * time:now() is truncated to the millisecond to match.  Date patterns are
 * the SDK's (sluice/datetime.h, core/format/datetime_pattern.c). */
#include "config.h"

#include <time.h>

#include "expr/expr_impl.h"
#include "format/datetime_pattern.h"

static int fn_now(const expr_call *call, expr_value *out)
{
    sluice_expr_ctx *ctx = call->ev->ctx;
    int64_t us = ctx->fixed_now_us;
    if (!ctx->has_fixed_now) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    }
    out->type = EXPR_DATETIME;
    out->u.i = us - ((us % 1000) + 1000) % 1000;
    return 0;
}

static int fn_ms_to_datetime(const expr_call *call, expr_value *out)
{
    int64_t ms;
    if (expr_arg_long(call, 0, &ms) != 0)
        return -1;
    if (__builtin_mul_overflow(ms, 1000, &out->u.i))
        return expr_fail(call->ev, expr_arg_column(call, 0), "time:millisecondsToDateTime: %lld is out of range",
                         (long long)ms);
    out->type = EXPR_DATETIME;
    return 0;
}

static int datetime_arg(const expr_call *call, size_t i, int64_t *us)
{
    const expr_value *v = &call->args[i];
    if (v->type != EXPR_DATETIME)
        return expr_fail(call->ev, expr_arg_column(call, i), "%s: expected a datetime, got %s",
                         call->node->fn->name, expr_type_name(v->type));
    *us = v->u.i;
    return 0;
}

static int fn_datetime_to_ms(const expr_call *call, expr_value *out)
{
    int64_t us = 0;
    if (datetime_arg(call, 0, &us) != 0)
        return -1;
    out->type = EXPR_LONG;
    out->u.i = us / 1000 - (us % 1000 < 0); /* floor, as Date.getTime() */
    return 0;
}

static void pattern_release(void *p)
{
    sluice_datetime_pattern_free(p);
}

/* A literal pattern is compiled with the expression (and its errors are
 * compile errors); others are compiled per call, into scratch memory. */
static int compile_pattern(expr_compiling *c, const expr_node *call, const expr_node *const *args, const void **data,
                           char *err, size_t errsize)
{
    const expr_value *lit = expr_literal_string(args[1]);
    if (!lit)
        return 0;
    char why[128];
    size_t column;
    sluice_datetime_pattern *p = sluice_datetime_pattern_compile(lit->u.s.p, lit->u.s.len, &column, why, sizeof why);
    if (!p)
        return expr_compile_error(err, errsize, args[1]->column + (uint32_t)column, "%s: %s", call->fn->name, why);
    expr_own(c, p, pattern_release);
    *data = p;
    return 0;
}

static int fn_extract_string(const expr_call *call, expr_value *out)
{
    int64_t us = 0;
    const char *text;
    size_t len;
    if (datetime_arg(call, 0, &us) != 0 || expr_arg_string(call, 1, &text, &len) != 0)
        return -1;
    const sluice_datetime_pattern *p = call->node->data;
    if (!p) {
        char why[128];
        size_t column;
        p = datetime_pattern_init(expr_scratch(call->ev, datetime_pattern_size(len)), text, len, &column, why,
                                  sizeof why);
        if (!p)
            return expr_fail(call->ev, expr_arg_column(call, 1), "%s: %s (at character %zu of the pattern)",
                             call->node->fn->name, why, column);
    }
    /* Room for most texts; the exact size when it is not enough. */
    size_t size = 2 * len + 64;
    char *buf = expr_scratch(call->ev, size);
    size_t n = sluice_datetime_format(p, us, buf, size);
    if (n >= size)
        sluice_datetime_format(p, us, buf = expr_scratch(call->ev, n + 1), n + 1);
    expr_set_string(out, buf, n);
    return 0;
}

const expr_function expr_fn_time[] = {
    {"time:now", 0, 0, fn_now, NULL},
    {"time:millisecondsToDateTime", 1, 1, fn_ms_to_datetime, NULL},
    {"time:dateTimeToMilliseconds", 1, 1, fn_datetime_to_ms, NULL},
    {"time:extractStringFromDate", 2, 2, fn_extract_string, compile_pattern},
    {NULL, 0, 0, NULL, NULL},
};
