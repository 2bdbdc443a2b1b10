/* plugins/sql/number_text.c — numbers as the text bound for the server:
 * integers, and doubles in the shortest form that reads back as the same
 * double, without printf in the common case (this runs for every
 * numeric value of every row). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"

/* An integer's decimal text (no snprintf: this runs once per value). */
size_t sql_format_int(int64_t v, char *buf)
{
    char tmp[24], *p = tmp + sizeof tmp;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    size_t n = (size_t)(tmp + sizeof tmp - p);
    memcpy(buf, p, n);
    buf[n] = '\0';
    return n;
}

/* The common case without printf's multi-precision arithmetic: d has a
 * short decimal form N / 10^k with |N| < 2^53.  N and 10^k (k <= 15) are
 * exact doubles, so N / 10^k is correctly rounded, which is what strtod
 * gives for that text: when it equals d, the text reads back as d
 * (Clinger's fast path).  The smallest such k is the shortest text.
 * 0 when d has no such form (then printf). */
static size_t format_double_fast(double d, char *buf)
{
    static const double p10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    if (d == 0 || !isfinite(d))
        return 0; /* -0 keeps its sign through printf */
    for (int k = 0; k < 16; k++) {
        double scaled = d * p10[k];
        if (fabs(scaled) >= 9007199254740992.0)
            return 0;
        if (scaled != floor(scaled) || (double)(int64_t)scaled / p10[k] != d)
            continue;
        char digits[24];
        int64_t n = (int64_t)scaled;
        size_t len = sql_format_int(n < 0 ? -n : n, digits), o = 0;
        if (n < 0)
            buf[o++] = '-';
        if (len <= (size_t)k) { /* 0.000ddd */
            memcpy(buf + o, "0.", 2);
            o += 2;
            memset(buf + o, '0', (size_t)k - len);
            o += (size_t)k - len;
            memcpy(buf + o, digits, len);
            o += len;
        } else {
            memcpy(buf + o, digits, len - (size_t)k);
            o += len - (size_t)k;
            if (k) {
                buf[o++] = '.';
                memcpy(buf + o, digits + len - (size_t)k, (size_t)k);
                o += (size_t)k;
            }
        }
        buf[o] = '\0';
        return o;
    }
    return 0;
}

/* The shortest text that reads back as the same double. */
size_t sql_format_double(double d, char *buf, size_t size)
{
    size_t fast = format_double_fast(d, buf);
    if (fast)
        return fast;
    if (isnan(d))
        return (size_t)snprintf(buf, size, "NaN");
    if (isinf(d))
        return (size_t)snprintf(buf, size, d > 0 ? "Infinity" : "-Infinity");
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return (size_t)n;
}
