/* core/record/decimal.c — DECIMAL text, canonical form and conversions
 * (see decimal.h). */
#include "config.h"

#include <string.h>

#include "format/number.h"
#include "record/decimal.h"
#include "record/record_impl.h"

/* The digits of the text, split at the point. */
typedef struct decimal_digits {
    bool negative;
    const char *int_digits; /* leading zeros skipped */
    size_t int_len;
    const char *frac_digits;
    size_t frac_len;
} decimal_digits;

static size_t skip_digits(const char *s, size_t i, size_t len)
{
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

static int decimal_split(const char *s, size_t len, decimal_digits *d)
{
    size_t i = 0;
    d->negative = false;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        d->negative = s[i++] == '-';
    size_t int_start = i;
    i = skip_digits(s, i, len);
    size_t int_end = i;
    size_t frac_start = i, frac_end = i;
    if (i < len && s[i] == '.') {
        frac_start = i + 1;
        frac_end = i = skip_digits(s, frac_start, len);
    }
    if (i != len || (int_end == int_start && frac_end == frac_start))
        return -1;
    while (int_start < int_end && s[int_start] == '0')
        int_start++;
    d->int_digits = s + int_start;
    d->int_len = int_end - int_start;
    d->frac_digits = s + frac_start;
    d->frac_len = frac_end - frac_start;
    return 0;
}

/* Accumulates digits into *acc; false when the value leaves uint64. */
static bool accumulate(uint64_t *acc, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t digit = (uint64_t)(s[i] - '0');
        if (*acc > (UINT64_MAX - digit) / 10)
            return false;
        *acc = *acc * 10 + digit;
    }
    return true;
}

/* The unscaled value as int64, when it fits (INT64_MIN included). */
static bool decimal_unscaled(const decimal_digits *d, int64_t *out)
{
    uint64_t mag = 0;
    if (!accumulate(&mag, d->int_digits, d->int_len) || !accumulate(&mag, d->frac_digits, d->frac_len))
        return false;
    if (d->negative) {
        if (mag > (uint64_t)INT64_MAX + 1u)
            return false;
        *out = mag == 0 ? 0 : -(int64_t)(mag - 1u) - 1;
    } else {
        if (mag > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)mag;
    }
    return true;
}

static bool all_zero(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '0')
            return false;
    return true;
}

int decimal_parse(const char *text, size_t len, decimal_value *out)
{
    decimal_digits d;
    if (decimal_split(text, len, &d) != 0 || d.frac_len > DECIMAL_MAX_SCALE ||
        d.int_len + d.frac_len > DECIMAL_MAX_DIGITS)
        return -1;
    /* Digits counted: the integer part without its leading zeros, and
     * every digit of the fraction (they fix the scale). */
    char *p = out->text;
    if (d.negative && !(d.int_len == 0 && all_zero(d.frac_digits, d.frac_len)))
        *p++ = '-';
    if (d.int_len == 0)
        *p++ = '0';
    memcpy(p, d.int_digits, d.int_len);
    p += d.int_len;
    if (d.frac_len > 0) {
        *p++ = '.';
        memcpy(p, d.frac_digits, d.frac_len);
        p += d.frac_len;
    }
    *p = '\0';
    out->len = (size_t)(p - out->text);
    out->scale = (int)d.frac_len;
    out->fits = decimal_unscaled(&d, &out->unscaled);
    if (!out->fits)
        out->unscaled = 0;
    return 0;
}

size_t decimal_format(int64_t unscaled, int scale, char *out)
{
    char digits[NUMBER_INT_SIZE];
    uint64_t mag = unscaled < 0 ? (uint64_t) - (unscaled + 1) + 1u : (uint64_t)unscaled;
    size_t n = number_format_uint(mag, digits);
    size_t s = (size_t)scale;
    char *p = out;
    if (unscaled < 0)
        *p++ = '-';
    if (n <= s) {
        /* 0.00ddd: the point comes before every digit. */
        *p++ = '0';
        *p++ = '.';
        memset(p, '0', s - n);
        p += s - n;
        memcpy(p, digits, n);
        p += n;
    } else {
        memcpy(p, digits, n - s);
        p += n - s;
        if (s > 0) {
            *p++ = '.';
            memcpy(p, digits + n - s, s);
            p += s;
        }
    }
    *p = '\0';
    return (size_t)(p - out);
}

/* 10^k for k <= 22 is exact in binary64. */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

double decimal_to_double(const sluice_field *field)
{
    if (field->flags & FIELD_DECIMAL_TEXT)
        return number_parse_double(field->v.s, field->len);
    int64_t u = field->v.i;
    int scale = field->scale;
    /* Both operands exact: one correctly rounded division. */
    if (u >= -(INT64_C(1) << 53) && u <= (INT64_C(1) << 53) && scale <= 22)
        return (double)u / pow10_exact[scale];
    char text[DECIMAL_TEXT_SIZE];
    size_t n = decimal_format(u, scale, text);
    return number_parse_double(text, n);
}
