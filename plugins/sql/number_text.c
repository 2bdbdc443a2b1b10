/* plugins/sql/number_text.c — numbers as the text bound for the server:
 * integers, and doubles in the shortest form that reads back as the same
 * double, without printf in the common case (this runs for every
 * numeric value of every row). */
#include "config.h"

#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"

/* |n| with its point k digits from the right ("12.50", "0.005"), the form
 * of both a DECIMAL (unscaled, scale) and a short double.  Returns the
 * length; buf needs room for 24 + k bytes. */
size_t sql_format_scaled(int64_t n, size_t k, char *buf)
{
    /* Two digits per division: this runs for most values of every row. */
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
                                   "25262728293031323334353637383940414243444546474849"
                                   "50515253545556575859606162636465666768697071727374"
                                   "75767778798081828384858687888990919293949596979899";
    char digits[24], *d = digits + sizeof digits;
    uint64_t mag = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    size_t o = 0;
    for (; mag >= 100; mag /= 100) {
        d -= 2;
        memcpy(d, pairs + 2 * (mag % 100), 2);
    }
    if (mag >= 10) {
        d -= 2;
        memcpy(d, pairs + 2 * mag, 2);
    } else {
        *--d = (char)('0' + mag);
    }
    size_t len = (size_t)(digits + sizeof digits - d);
    if (n < 0)
        buf[o++] = '-';
    if (len <= k) { /* 0.000ddd */
        memcpy(buf + o, "0.", 2);
        o += 2;
        memset(buf + o, '0', k - len);
        o += k - len;
        memcpy(buf + o, d, len);
        o += len;
    } else {
        memcpy(buf + o, d, len - k);
        o += len - k;
        if (k) {
            buf[o++] = '.';
            memcpy(buf + o, d + len - k, k);
            o += k;
        }
    }
    buf[o] = '\0';
    return o;
}

/* An integer's decimal text (no snprintf: this runs once per value). */
size_t sql_format_int(int64_t v, char *buf)
{
    return sql_format_scaled(v, 0, buf);
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
        /* Below 2^53 the conversion is exact when scaled is integral. */
        int64_t n = (int64_t)scaled;
        if ((double)n != scaled || (double)n / p10[k] != d)
            continue;
        return sql_format_scaled(n, (size_t)k, buf);
    }
    return 0;
}

/* The "C" locale: printf's and strtod's decimal point must not follow
 * the process's locale (a setlocale elsewhere would make "1,5"). */
static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0)
        abort(); /* as the SDK's allocators: only out of memory */
}

static locale_t sql_c_locale(void)
{
    pthread_once(&c_locale_once, c_locale_init);
    return c_locale;
}

double sql_strtod(const char *s, char **end)
{
    return strtod_l(s, end, sql_c_locale());
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
    locale_t old = uselocale(sql_c_locale());
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, size, "%.*g", prec, d);
        if (sql_strtod(buf, NULL) == d)
            break;
    }
    uselocale(old);
    return (size_t)n;
}
