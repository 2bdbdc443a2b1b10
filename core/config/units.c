/* core/config/units.c — durations and sizes written with a unit.
 *
 * Grammar: DIGITS [ "." DIGITS ] [ " "* UNIT ].  A bare number is in the
 * base unit (ms, bytes).  A fraction is allowed ("1.5s", "0.5GiB") as long
 * as the result is a whole number of base units: "1.5ms" and "0.5B" are
 * refused rather than rounded.  No sign, no exponent, no surrounding
 * spaces.  Duration units are lower-case (ms, s, m, h: "M" would read as
 * months or mega); size units ignore case (B, KB, MB, GB, TB in powers of
 * 1000; KiB, MiB, GiB, TiB in powers of 1024), since bits are never meant.
 * Arithmetic is exact and overflow-checked in 64 bits. */
#include <ctype.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "config/schema.h"

typedef struct unit {
    const char *name;
    unsigned long long factor;
} unit;

static const unit duration_units[] = {
    {"ms", 1ULL}, {"s", 1000ULL}, {"m", 60000ULL}, {"h", 3600000ULL}, {NULL, 0},
};

static const unit size_units[] = {
    {"B", 1ULL},
    {"KB", 1000ULL},
    {"MB", 1000000ULL},
    {"GB", 1000000000ULL},
    {"TB", 1000000000000ULL},
    {"KiB", 1ULL << 10},
    {"MiB", 1ULL << 20},
    {"GiB", 1ULL << 30},
    {"TiB", 1ULL << 40},
    {NULL, 0},
};

/* Fraction digits kept after trailing zeros are dropped; more can never
 * come out whole with the factors above (the largest power of ten
 * dividing any of them is 10^12). */
#define MAX_FRACTION_DIGITS 12

static unsigned long long gcd(unsigned long long a, unsigned long long b)
{
    while (b) {
        unsigned long long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static const unit *find_unit(const char *name, const unit *units, bool ignore_case)
{
    for (size_t i = 0; units[i].name; i++)
        if (ignore_case ? !strcasecmp(name, units[i].name) : !strcmp(name, units[i].name))
            return &units[i];
    return NULL;
}

/* frac / 10^digits * factor, when whole; -1 otherwise.  Reduced by the gcd
 * first so nothing overflows: the result is below factor. */
static int scale_fraction(unsigned long long frac, int digits, unsigned long long factor, unsigned long long *out)
{
    unsigned long long pow10 = 1;
    for (int i = 0; i < digits; i++)
        pow10 *= 10;
    unsigned long long g = gcd(factor, pow10);
    unsigned long long denom = pow10 / g;
    if (frac % denom != 0)
        return -1;
    *out = frac / denom * (factor / g);
    return 0;
}

static int parse_with_units(const char *text, const unit *units, bool ignore_case, long long *result)
{
    if (!text || !isdigit((unsigned char)*text))
        return -1;
    const char *p = text;
    unsigned long long whole = 0;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        if (whole > (ULLONG_MAX - d) / 10)
            return -1;
        whole = whole * 10 + d;
    }
    unsigned long long frac = 0;
    int digits = 0;
    if (*p == '.') {
        const char *start = ++p;
        while (isdigit((unsigned char)*p))
            p++;
        if (p == start)
            return -1;
        const char *end = p;
        while (end > start && end[-1] == '0') /* "1.50s" is "1.5s" */
            end--;
        if (end - start > MAX_FRACTION_DIGITS)
            return -1;
        for (const char *q = start; q < end; q++, digits++)
            frac = frac * 10 + (unsigned)(*q - '0');
    }
    while (*p == ' ')
        p++;
    unsigned long long factor = 1;
    if (*p) {
        const unit *u = find_unit(p, units, ignore_case);
        if (!u)
            return -1;
        factor = u->factor;
    } else if (p > text && p[-1] == ' ') {
        return -1; /* trailing spaces without a unit */
    }
    unsigned long long part;
    if (scale_fraction(frac, digits, factor, &part) != 0)
        return -1;
    if (whole > (unsigned long long)LLONG_MAX / factor)
        return -1;
    unsigned long long total = whole * factor;
    if (part > (unsigned long long)LLONG_MAX - total)
        return -1;
    *result = (long long)(total + part);
    return 0;
}

int config_parse_duration(const char *text, long long *ms)
{
    return parse_with_units(text, duration_units, false, ms);
}

int config_parse_size(const char *text, long long *bytes)
{
    return parse_with_units(text, size_units, true, bytes);
}
