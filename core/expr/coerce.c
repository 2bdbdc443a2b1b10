/* core/expr/coerce.c — the type rules of the EL, after the JSP 2.1
 * Expression Language specification: §1.18 (coercions), §1.7 (arithmetic),
 * §1.8 (relational and equality operators), as StreamSets Data Collector
 * applies them.  sluice-pipeline(5) writes the same rules for operators.
 *
 * The EL has Long, Double, String, Boolean and null; sluice adds DECIMAL
 * fields, DATETIME and other fields (bytes, list, map) kept by reference.
 * Deviations from the spec, all documented in the man page:
 *  - DECIMAL takes part in arithmetic and comparisons as the nearest
 *    double (the spec computes with BigDecimal): exact decimal arithmetic
 *    would need a big-number library on the per-record path.
 *  - A DATETIME as a string is its RFC 3339 text (Java's Date.toString()
 *    would give "Sun Jan 13 04:36:00 UTC 2013"); bytes, lists and maps do
 *    not convert to strings at all (Java would give "[B@1b6d3586").
 *  - Integer overflow wraps around, as Java's long does. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr/expr_impl.h"
#include "format/datetime.h"
#include "format/number.h"
#include "record/decimal.h"
#include "record/record_impl.h"

const char *expr_type_name(expr_type t)
{
    switch (t) {
    case EXPR_NULL: return "null";
    case EXPR_BOOL: return "boolean";
    case EXPR_LONG: return "long";
    case EXPR_DOUBLE: return "double";
    case EXPR_DECIMAL: return "decimal";
    case EXPR_STRING: return "string";
    case EXPR_DATETIME: return "datetime";
    case EXPR_FIELD: return "field";
    }
    return "?";
}

/* "a list", "a boolean", for messages. */
static const char *kind_of(const expr_value *v)
{
    if (v->type == EXPR_FIELD) {
        switch (sluice_field_type(v->u.f)) {
        case SLUICE_BYTES: return "bytes";
        case SLUICE_LIST: return "a list";
        case SLUICE_MAP: return "a map";
        default: return "a field";
        }
    }
    switch (v->type) {
    case EXPR_BOOL: return "a boolean";
    case EXPR_LONG: return "a long";
    case EXPR_DOUBLE: return "a double";
    case EXPR_DECIMAL: return "a decimal";
    case EXPR_STRING: return "a string";
    case EXPR_DATETIME: return "a datetime";
    default: return "null";
    }
}

/* Reads the field's layout directly (record_impl.h): this runs for every
 * record:value() of every record, and the SDK getters are calls through
 * the PLT. */
void expr_value_of_field(const sluice_field *f, expr_value *out)
{
    out->type = EXPR_NULL;
    if (!f)
        return;
    switch ((sluice_type)f->type) {
    case SLUICE_NULL: return;
    case SLUICE_BOOL: out->type = EXPR_BOOL; out->u.b = f->v.b != 0; return;
    case SLUICE_INT: out->type = EXPR_LONG; out->u.i = f->v.i; return;
    case SLUICE_DOUBLE: out->type = EXPR_DOUBLE; out->u.d = f->v.d; return;
    case SLUICE_DECIMAL: out->type = EXPR_DECIMAL; out->u.f = f; return;
    case SLUICE_STRING:
        out->type = EXPR_STRING;
        out->u.s.p = f->v.s;
        out->u.s.len = f->len;
        return;
    case SLUICE_DATETIME: out->type = EXPR_DATETIME; out->u.i = f->v.i; return;
    default: out->type = EXPR_FIELD; out->u.f = f; return;
    }
}

/* ---- strings to numbers (JSP §1.18.3: N.valueOf(String)) ----------------- */

/* Java's Long.valueOf: a sign and digits, nothing else. */
static bool parse_long(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == len)
        return false;
    uint64_t v = 0, limit = neg ? UINT64_C(9223372036854775808) : UINT64_C(9223372036854775807);
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        unsigned digit = (unsigned)(s[i] - '0');
        if (v > (limit - digit) / 10)
            return false;
        v = v * 10 + digit;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

/* Java's Double.valueOf: blanks around, a sign, digits with one '.', an
 * exponent, or NaN / Infinity. */
static bool parse_double(const char *s, size_t len, double *out)
{
    while (len && (unsigned char)s[0] <= ' ')
        s++, len--;
    while (len && (unsigned char)s[len - 1] <= ' ')
        len--;
    size_t i = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (len - i == 3 && !memcmp(s + i, "NaN", 3)) {
        *out = NAN;
        return true;
    }
    if (len - i == 8 && !memcmp(s + i, "Infinity", 8)) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    size_t digits = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (digits == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp_digits = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            exp_digits++;
        if (!exp_digits)
            return false;
    }
    if (i != len || len >= 512)
        return false;
    char buf[512];
    memcpy(buf, s, len);
    buf[len] = '\0';
    *out = number_parse_double(buf, len);
    return true;
}

/* §1.7.1: a String containing '.', 'e' or 'E' makes arithmetic Double. */
bool expr_looks_double(const expr_value *v)
{
    if (v->type == EXPR_DOUBLE || v->type == EXPR_DECIMAL)
        return true;
    if (v->type != EXPR_STRING)
        return false;
    for (size_t i = 0; i < v->u.s.len; i++)
        if (v->u.s.p[i] == '.' || v->u.s.p[i] == 'e' || v->u.s.p[i] == 'E')
            return true;
    return false;
}

static int not_a_number(expr_eval *ev, const expr_value *v, uint32_t column)
{
    if (v->type == EXPR_STRING) {
        /* At most 40 bytes of the value, on one line. */
        char shown[48];
        size_t n = 0;
        for (; n < v->u.s.len && n < 40; n++)
            shown[n] = (unsigned char)v->u.s.p[n] < 0x20 ? '?' : v->u.s.p[n];
        shown[n] = '\0';
        return expr_fail(ev, column, "cannot convert \"%s\"%s to a number", shown, v->u.s.len > 40 ? "..." : "");
    }
    return expr_fail(ev, column, "cannot convert %s to a number", kind_of(v));
}

/* §1.18.3, coerce A to Long. */
int expr_to_long(expr_eval *ev, const expr_value *v, uint32_t column, int64_t *out)
{
    switch (v->type) {
    case EXPR_NULL: *out = 0; return 0;
    case EXPR_LONG: *out = v->u.i; return 0;
    case EXPR_DOUBLE:
    case EXPR_DECIMAL: {
        double d = v->type == EXPR_DOUBLE ? v->u.d : decimal_to_double(v->u.f);
        /* Java's (long) conversion: NaN is 0, out of range saturates. */
        *out = isnan(d) ? 0 : d >= 9.2233720368547758e18 ? INT64_MAX : d <= -9.2233720368547758e18 ? INT64_MIN : (int64_t)d;
        return 0;
    }
    case EXPR_STRING:
        if (v->u.s.len == 0) {
            *out = 0;
            return 0;
        }
        if (parse_long(v->u.s.p, v->u.s.len, out))
            return 0;
        return not_a_number(ev, v, column);
    default: return not_a_number(ev, v, column);
    }
}

/* §1.18.3, coerce A to Double. */
int expr_to_double(expr_eval *ev, const expr_value *v, uint32_t column, double *out)
{
    switch (v->type) {
    case EXPR_NULL: *out = 0; return 0;
    case EXPR_LONG: *out = (double)v->u.i; return 0;
    case EXPR_DOUBLE: *out = v->u.d; return 0;
    case EXPR_DECIMAL: *out = decimal_to_double(v->u.f); return 0;
    case EXPR_STRING:
        if (v->u.s.len == 0) {
            *out = 0;
            return 0;
        }
        if (parse_double(v->u.s.p, v->u.s.len, out))
            return 0;
        return not_a_number(ev, v, column);
    default: return not_a_number(ev, v, column);
    }
}

/* §1.18.5, coerce A to Boolean. */
int expr_to_bool(expr_eval *ev, const expr_value *v, uint32_t column, bool *out)
{
    switch (v->type) {
    case EXPR_NULL: *out = false; return 0;
    case EXPR_BOOL: *out = v->u.b; return 0;
    case EXPR_STRING: /* Boolean.valueOf(String): "true" in any case */
        *out = v->u.s.len == 4 && !strncasecmp(v->u.s.p, "true", 4);
        return 0;
    default: return expr_fail(ev, column, "cannot convert %s to a boolean", kind_of(v));
    }
}

/* ---- Java's Double.toString ------------------------------------------------ */

size_t expr_format_double(double d, char *buf)
{
    if (isnan(d))
        return (size_t)sprintf(buf, "NaN");
    if (isinf(d))
        return (size_t)sprintf(buf, d < 0 ? "-Infinity" : "Infinity");
    if (d == 0)
        return (size_t)sprintf(buf, signbit(d) ? "-0.0" : "0.0");
    /* The fewest significant digits that read back as d. */
    char digits[24], tmp[48];
    int n_digits = 0, exp10 = 0;
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec - 1, fabs(d));
        n_digits = 0;
        const char *p = tmp;
        for (; *p && *p != 'e'; p++) /* skip the locale's radix character */
            if (*p >= '0' && *p <= '9')
                digits[n_digits++] = *p;
        exp10 = atoi(p + 1);
        char check[48];
        int m = snprintf(check, sizeof check, "0.%.*se%d", n_digits, digits, exp10 + 1);
        if (number_parse_double(check, (size_t)m) == fabs(d))
            break;
    }
    while (n_digits > 1 && digits[n_digits - 1] == '0')
        n_digits--;
    char *o = buf;
    if (d < 0)
        *o++ = '-';
    double a = fabs(d);
    if (a >= 1e-3 && a < 1e7) {
        if (exp10 >= 0) {
            for (int i = 0; i <= exp10; i++)
                *o++ = i < n_digits ? digits[i] : '0';
            *o++ = '.';
            if (n_digits > exp10 + 1)
                for (int i = exp10 + 1; i < n_digits; i++)
                    *o++ = digits[i];
            else
                *o++ = '0';
        } else {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -exp10 - 1; i++)
                *o++ = '0';
            for (int i = 0; i < n_digits; i++)
                *o++ = digits[i];
        }
    } else {
        *o++ = digits[0];
        *o++ = '.';
        if (n_digits > 1)
            for (int i = 1; i < n_digits; i++)
                *o++ = digits[i];
        else
            *o++ = '0';
        o += sprintf(o, "E%d", exp10);
    }
    *o = '\0';
    return (size_t)(o - buf);
}

/* §1.18.2, coerce A to String. */
int expr_to_string(expr_eval *ev, const expr_value *v, uint32_t column, const char **p, size_t *len)
{
    char *buf;
    switch (v->type) {
    case EXPR_NULL: *p = ""; *len = 0; return 0;
    case EXPR_STRING: *p = v->u.s.p; *len = v->u.s.len; return 0;
    case EXPR_BOOL:
        *p = v->u.b ? "true" : "false";
        *len = v->u.b ? 4 : 5;
        return 0;
    case EXPR_LONG:
        buf = expr_scratch(ev, NUMBER_INT_SIZE);
        *len = number_format_int(v->u.i, buf);
        buf[*len] = '\0';
        *p = buf;
        return 0;
    case EXPR_DOUBLE:
        buf = expr_scratch(ev, 32);
        *len = expr_format_double(v->u.d, buf);
        *p = buf;
        return 0;
    case EXPR_DECIMAL:
        buf = expr_scratch(ev, DECIMAL_TEXT_SIZE);
        *len = sluice_field_decimal_text(v->u.f, buf, DECIMAL_TEXT_SIZE);
        *p = buf;
        return 0;
    case EXPR_DATETIME:
        buf = expr_scratch(ev, DATETIME_TEXT_SIZE);
        *len = datetime_format(v->u.i, buf);
        *p = buf;
        return 0;
    case EXPR_FIELD: break;
    }
    return expr_fail(ev, column, "cannot convert %s to a string", kind_of(v));
}

bool expr_is_empty(const expr_value *v)
{
    switch (v->type) {
    case EXPR_NULL: return true;
    case EXPR_STRING: return v->u.s.len == 0;
    case EXPR_FIELD:
        if (sluice_field_type(v->u.f) == SLUICE_BYTES) {
            size_t n;
            sluice_field_get_string(v->u.f, &n);
            return n == 0;
        }
        return sluice_field_count(v->u.f) == 0;
    default: return false;
    }
}

/* ---- arithmetic (§1.7) ---------------------------------------------------- */

static int64_t wrap(uint64_t v)
{
    return (int64_t)v; /* two's complement, as Java's long */
}

int expr_arith(expr_eval *ev, expr_op op, const expr_value *a, const expr_value *b, uint32_t column, expr_value *out)
{
    if (a->type == EXPR_NULL && b->type == EXPR_NULL) {
        out->type = EXPR_LONG;
        out->u.i = 0;
        return 0;
    }
    /* §1.7.3: A / B is always Double (BigDecimal aside). */
    if (op == OP_DIV || expr_looks_double(a) || expr_looks_double(b)) {
        double x, y;
        if (expr_to_double(ev, a, column, &x) != 0 || expr_to_double(ev, b, column, &y) != 0)
            return -1;
        out->type = EXPR_DOUBLE;
        switch (op) {
        case OP_ADD: out->u.d = x + y; break;
        case OP_SUB: out->u.d = x - y; break;
        case OP_MUL: out->u.d = x * y; break;
        case OP_DIV: out->u.d = x / y; break; /* x/0 is Infinity or NaN, as in Java */
        default: out->u.d = fmod(x, y); break;
        }
        return 0;
    }
    int64_t x, y;
    if (expr_to_long(ev, a, column, &x) != 0 || expr_to_long(ev, b, column, &y) != 0)
        return -1;
    out->type = EXPR_LONG;
    switch (op) {
    case OP_ADD: out->u.i = wrap((uint64_t)x + (uint64_t)y); break;
    case OP_SUB: out->u.i = wrap((uint64_t)x - (uint64_t)y); break;
    case OP_MUL: out->u.i = wrap((uint64_t)x * (uint64_t)y); break;
    default:
        if (y == 0)
            return expr_fail(ev, column, "division by zero in '%%' (mod)");
        out->u.i = y == -1 ? 0 : x % y;
        break;
    }
    return 0;
}

/* §1.9.1, unary minus. */
int expr_negate(expr_eval *ev, const expr_value *a, uint32_t column, expr_value *out)
{
    switch (a->type) {
    case EXPR_NULL: out->type = EXPR_LONG; out->u.i = 0; return 0;
    case EXPR_LONG: out->type = EXPR_LONG; out->u.i = wrap(0 - (uint64_t)a->u.i); return 0;
    case EXPR_STRING:
        if (!expr_looks_double(a)) {
            int64_t x;
            if (expr_to_long(ev, a, column, &x) != 0)
                return -1;
            out->type = EXPR_LONG;
            out->u.i = wrap(0 - (uint64_t)x);
            return 0;
        }
        /* fall through */
    case EXPR_DOUBLE:
    case EXPR_DECIMAL: {
        double x;
        if (expr_to_double(ev, a, column, &x) != 0)
            return -1;
        out->type = EXPR_DOUBLE;
        out->u.d = -x;
        return 0;
    }
    default: return expr_fail(ev, column, "cannot negate %s", kind_of(a));
    }
}

/* ---- comparisons (§1.8) ----------------------------------------------------- */

static bool ordered(expr_op op, int cmp)
{
    switch (op) {
    case OP_EQ: return cmp == 0;
    case OP_NE: return cmp != 0;
    case OP_LT: return cmp < 0;
    case OP_GT: return cmp > 0;
    case OP_LE: return cmp <= 0;
    default: return cmp >= 0;
    }
}

static int compare_strings(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c < 0 ? -1 : 1;
    return alen < blen ? -1 : alen > blen;
}

int expr_compare(expr_eval *ev, expr_op op, const expr_value *a, const expr_value *b, uint32_t column, bool *out)
{
    bool equality = op == OP_EQ || op == OP_NE;
    /* A == B (both null): equal, and <= / >= hold. */
    if (a->type == EXPR_NULL && b->type == EXPR_NULL) {
        *out = op == OP_EQ || op == OP_LE || op == OP_GE;
        return 0;
    }
    if (a->type == EXPR_NULL || b->type == EXPR_NULL) {
        *out = op == OP_NE;
        return 0;
    }
    if (a->type == EXPR_DOUBLE || a->type == EXPR_DECIMAL || b->type == EXPR_DOUBLE || b->type == EXPR_DECIMAL) {
        double x, y;
        if (expr_to_double(ev, a, column, &x) != 0 || expr_to_double(ev, b, column, &y) != 0)
            return -1;
        if (isnan(x) || isnan(y)) /* Java: every comparison with NaN is false but != */
            *out = op == OP_NE;
        else
            *out = ordered(op, x < y ? -1 : x > y);
        return 0;
    }
    if (a->type == EXPR_LONG || b->type == EXPR_LONG) {
        int64_t x, y;
        if (expr_to_long(ev, a, column, &x) != 0 || expr_to_long(ev, b, column, &y) != 0)
            return -1;
        *out = ordered(op, x < y ? -1 : x > y);
        return 0;
    }
    if (equality && (a->type == EXPR_BOOL || b->type == EXPR_BOOL)) {
        bool x, y;
        if (expr_to_bool(ev, a, column, &x) != 0 || expr_to_bool(ev, b, column, &y) != 0)
            return -1;
        *out = ordered(op, x == y ? 0 : 1);
        return 0;
    }
    if (a->type == EXPR_STRING || b->type == EXPR_STRING) {
        const char *x, *y;
        size_t xl, yl;
        if (expr_to_string(ev, a, column, &x, &xl) != 0 || expr_to_string(ev, b, column, &y, &yl) != 0)
            return -1;
        *out = ordered(op, compare_strings(x, xl, y, yl));
        return 0;
    }
    if (a->type == b->type && a->type == EXPR_DATETIME) {
        *out = ordered(op, a->u.i < b->u.i ? -1 : a->u.i > b->u.i);
        return 0;
    }
    if (a->type == b->type && a->type == EXPR_BOOL) { /* Boolean is Comparable: false < true */
        *out = ordered(op, (int)a->u.b - (int)b->u.b);
        return 0;
    }
    if (equality) { /* A.equals(B): the same field, or nothing alike */
        bool same = a->type == b->type && a->type == EXPR_FIELD && a->u.f == b->u.f;
        *out = op == OP_EQ ? same : !same;
        return 0;
    }
    return expr_fail(ev, column, "cannot compare %s with %s", kind_of(a), kind_of(b));
}
