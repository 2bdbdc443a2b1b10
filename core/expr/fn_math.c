/* core/expr/fn_math.c — the math: namespace (SDC "Math Functions").
 *
 * As in SDC, abs keeps a long a long; ceil and floor give a double (Java's
 * Math.ceil/floor); round gives a long (Java's Math.round: half up).
 * max and min give a long when both arguments are longs (or strings of
 * integers), else a double.  Arguments follow the EL coercions: null and
 * "" are 0, a string must be a number. */
#include "config.h"

#include <math.h>

#include "expr/expr_impl.h"

/* Argument i as a LONG or DOUBLE value. */
static int number_arg(const expr_call *call, size_t i, expr_value *v)
{
    if (expr_looks_double(&call->args[i])) {
        v->type = EXPR_DOUBLE;
        return expr_arg_double(call, i, &v->u.d);
    }
    v->type = EXPR_LONG;
    return expr_arg_long(call, i, &v->u.i);
}

static int fn_abs(const expr_call *call, expr_value *out)
{
    if (number_arg(call, 0, out) != 0)
        return -1;
    if (out->type == EXPR_DOUBLE)
        out->u.d = fabs(out->u.d);
    else if (out->u.i < 0)
        out->u.i = (int64_t)(0 - (uint64_t)out->u.i); /* Java: abs(MIN_VALUE) is MIN_VALUE */
    return 0;
}

static int rounding(const expr_call *call, expr_value *out, double (*fn)(double))
{
    double d;
    if (expr_arg_double(call, 0, &d) != 0)
        return -1;
    out->type = EXPR_DOUBLE;
    out->u.d = fn(d);
    return 0;
}

static int fn_ceil(const expr_call *call, expr_value *out)
{
    return rounding(call, out, ceil);
}

static int fn_floor(const expr_call *call, expr_value *out)
{
    return rounding(call, out, floor);
}

/* Java's Math.round(double): floor(d + 1/2), NaN is 0, saturating. */
static int fn_round(const expr_call *call, expr_value *out)
{
    double d;
    if (expr_arg_double(call, 0, &d) != 0)
        return -1;
    out->type = EXPR_LONG;
    double r = floor(d + 0.5);
    if (d == 0.49999999999999994) /* d + 0.5 rounds up to 1.0 in double arithmetic */
        r = 0;
    out->u.i = isnan(r) ? 0 : r >= 9.2233720368547758e18 ? INT64_MAX : r <= -9.2233720368547758e18 ? INT64_MIN : (int64_t)r;
    return 0;
}

static int extreme(const expr_call *call, expr_value *out, bool want_max)
{
    expr_value a, b;
    if (number_arg(call, 0, &a) != 0 || number_arg(call, 1, &b) != 0)
        return -1;
    if (a.type == EXPR_LONG && b.type == EXPR_LONG) {
        *out = (a.u.i > b.u.i) == want_max ? a : b;
        return 0;
    }
    double x = a.type == EXPR_LONG ? (double)a.u.i : a.u.d;
    double y = b.type == EXPR_LONG ? (double)b.u.i : b.u.d;
    out->type = EXPR_DOUBLE;
    out->u.d = isnan(x) || isnan(y) ? NAN : want_max ? fmax(x, y) : fmin(x, y);
    return 0;
}

static int fn_max(const expr_call *call, expr_value *out)
{
    return extreme(call, out, true);
}

static int fn_min(const expr_call *call, expr_value *out)
{
    return extreme(call, out, false);
}

const expr_function expr_fn_math[] = {
    {"math:abs", 1, 1, fn_abs, NULL},
    {"math:ceil", 1, 1, fn_ceil, NULL},
    {"math:floor", 1, 1, fn_floor, NULL},
    {"math:round", 1, 1, fn_round, NULL},
    {"math:max", 2, 2, fn_max, NULL},
    {"math:min", 2, 2, fn_min, NULL},
    {NULL, 0, 0, NULL, NULL},
};
