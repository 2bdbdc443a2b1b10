/* core/format/number.c — locale-independent number text (see number.h). */
#include "config.h"

#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/number.h"

/* ---- integers ------------------------------------------------------------ */

static const char digit_pairs[201] = "00010203040506070809"
                                     "10111213141516171819"
                                     "20212223242526272829"
                                     "30313233343536373839"
                                     "40414243444546474849"
                                     "50515253545556575859"
                                     "60616263646566676869"
                                     "70717273747576777879"
                                     "80818283848586878889"
                                     "90919293949596979899";

/* Two digits at a time from the right, then one copy: no division by a
 * variable and no printf on the hot path of the JSON writer. */
size_t number_format_uint(uint64_t v, char *out)
{
    char tmp[NUMBER_INT_SIZE];
    char *p = tmp + sizeof tmp;
    while (v >= 100) {
        unsigned pair = (unsigned)(v % 100) * 2;
        v /= 100;
        *--p = digit_pairs[pair + 1];
        *--p = digit_pairs[pair];
    }
    if (v >= 10) {
        *--p = digit_pairs[v * 2 + 1];
        *--p = digit_pairs[v * 2];
    } else {
        *--p = (char)('0' + v);
    }
    size_t n = (size_t)(tmp + sizeof tmp - p);
    memcpy(out, p, n);
    return n;
}

size_t number_format_int(int64_t v, char *out)
{
    if (v >= 0)
        return number_format_uint((uint64_t)v, out);
    /* -(v + 1) + 1 avoids negating INT64_MIN in signed arithmetic. */
    out[0] = '-';
    return 1 + number_format_uint((uint64_t) - (v + 1) + 1u, out + 1);
}

/* ---- the "C" locale ------------------------------------------------------ */

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
    /* glibc hands out its static C locale object here: nothing to free. */
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0) {
        fprintf(stderr, "sluice: cannot create the C locale\n");
        abort();
    }
}

static locale_t number_c_locale(void)
{
    pthread_once(&c_locale_once, c_locale_init);
    return c_locale;
}

/* ---- doubles ------------------------------------------------------------- */

static int looks_like_integer(const char *s)
{
    for (; *s; s++)
        if (*s != '-' && (*s < '0' || *s > '9'))
            return 0;
    return 1;
}

size_t number_format_double(double d, char *out)
{
    locale_t c = number_c_locale();
    locale_t old = uselocale(c);
    int n = 0;
    /* 17 significant digits always round-trip (IEEE 754 binary64); fewer
     * often do and read better: 0.1 rather than 0.10000000000000001. */
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(out, NUMBER_DOUBLE_SIZE, "%.*g", prec, d);
        if (prec == 17 || strtod_l(out, NULL, c) == d)
            break;
    }
    uselocale(old);
    if (looks_like_integer(out)) {
        memcpy(out + n, ".0", 3);
        n += 2;
    }
    return (size_t)n;
}

/* Exact powers of ten as doubles: 10^22 is the largest with an exact
 * binary64 representation. */
static const double exact_pow10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Clinger's fast path: when the digits fit in 53 bits and the power of ten
 * is exact, one IEEE multiplication or division is correctly rounded.
 * Returns 0 when the text needs strtod. */
static int parse_double_fast(const char *s, const char *end, double *out)
{
    int neg = 0;
    if (s < end && (*s == '-' || *s == '+'))
        neg = *s++ == '-';
    uint64_t mant = 0;
    int digits = 0, exp10 = 0;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        if (digits > 0 || *s != '0')
            digits++;
        mant = mant * 10 + (uint64_t)(*s - '0');
        if (digits > 15)
            return 0;
    }
    if (s < end && *s == '.') {
        for (s++; s < end && *s >= '0' && *s <= '9'; s++) {
            if (digits > 0 || *s != '0')
                digits++;
            mant = mant * 10 + (uint64_t)(*s - '0');
            exp10--;
            if (digits > 15)
                return 0;
        }
    }
    if (s < end && (*s == 'e' || *s == 'E')) {
        int eneg = 0, e = 0;
        s++;
        if (s < end && (*s == '-' || *s == '+'))
            eneg = *s++ == '-';
        for (; s < end && *s >= '0' && *s <= '9'; s++) {
            if (e > 1000)
                return 0;
            e = e * 10 + (*s - '0');
        }
        exp10 += eneg ? -e : e;
    }
    if (s != end || exp10 < -22 || exp10 > 22)
        return 0;
    /* 15 digits < 2^53: the mantissa is exact. */
    double v = (double)mant;
    v = exp10 < 0 ? v / exact_pow10[-exp10] : v * exact_pow10[exp10];
    *out = neg ? -v : v;
    return 1;
}

double number_parse_double(const char *text, size_t len)
{
    double v;
    if (parse_double_fast(text, text + len, &v))
        return v;
    return strtod_l(text, NULL, number_c_locale());
}
