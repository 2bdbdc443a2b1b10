/* plugins/fields/decimal.c — decimal text for fields:convert: plain digits
 * from scientific notation, and rounding to a scale with the rounding
 * modes of Java's java.math.RoundingMode, on the text itself so that the
 * 77 digits a DECIMAL may hold never go through a double. */
#include "config.h"

#include <string.h>

#include "decimal.h"

size_t decimal_plain(const char *s, size_t len, char *out, size_t size)
{
    size_t i = 0, o = 0;
    char digits[DECIMAL_PLAIN_MAX];
    size_t nd = 0;
    long point = -1, exp = 0;
    bool neg = false;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    for (; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            if (nd == sizeof digits)
                return 0;
            digits[nd++] = s[i];
        } else if (s[i] == '.' && point < 0) {
            point = (long)nd;
        } else {
            break;
        }
    }
    if (nd == 0)
        return 0;
    if (point < 0)
        point = (long)nd;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = false;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        size_t estart = i;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
            exp = exp * 10 + (s[i] - '0');
            if (exp > DECIMAL_PLAIN_MAX)
                return 0;
        }
        if (i == estart)
            return 0;
        if (eneg)
            exp = -exp;
    }
    if (i != len)
        return 0;
    point += exp; /* digits before the point */
    /* The sign, then "0." -point zeros and the digits, or the digits and
     * point - nd zeros, or the digits with a point; and the NUL. */
    size_t need = (size_t)neg + 1 +
                  (point <= 0 ? 2 + (size_t)-point + nd : (size_t)point >= nd ? (size_t)point : nd + 1);
    if (need > size)
        return 0;
    if (neg)
        out[o++] = '-';
    if (point <= 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (long z = point; z < 0; z++)
            out[o++] = '0';
        memcpy(out + o, digits, nd);
        o += nd;
    } else if ((size_t)point >= nd) {
        memcpy(out + o, digits, nd);
        o += nd;
        for (long z = (long)nd; z < point; z++)
            out[o++] = '0';
    } else {
        memcpy(out + o, digits, (size_t)point);
        o += (size_t)point;
        out[o++] = '.';
        memcpy(out + o, digits + point, nd - (size_t)point);
        o += nd - (size_t)point;
    }
    out[o] = '\0';
    return o;
}

/* Whether dropping `dropped` (digits) from a number whose last kept digit
 * is `last` rounds its magnitude up. */
static bool rounds_up(decimal_rounding mode, bool neg, char last, const char *dropped, size_t n)
{
    bool nonzero = false, beyond_half = false;
    for (size_t i = 0; i < n; i++)
        if (dropped[i] != '0')
            nonzero = true;
    for (size_t i = 1; i < n; i++)
        if (dropped[i] != '0')
            beyond_half = true;
    char first = n ? dropped[0] : '0';
    switch (mode) {
    case ROUND_UP: return nonzero;
    case ROUND_DOWN: return false;
    case ROUND_CEILING: return nonzero && !neg;
    case ROUND_FLOOR: return nonzero && neg;
    case ROUND_HALF_UP: return first >= '5';
    case ROUND_HALF_DOWN: return first > '5' || (first == '5' && beyond_half);
    case ROUND_HALF_EVEN:
        return first > '5' || (first == '5' && (beyond_half || (last - '0') % 2 == 1));
    }
    return false;
}

size_t decimal_round(const char *plain, int scale, decimal_rounding mode, char *out, size_t size)
{
    bool neg = plain[0] == '-';
    const char *p = plain + neg;
    const char *dot = strchr(p, '.');
    size_t int_len = dot ? (size_t)(dot - p) : strlen(p);
    const char *frac = dot ? dot + 1 : "";
    size_t frac_len = strlen(frac);
    /* Kept digits, integer and fraction together, with room for a carry. */
    char kept[DECIMAL_PLAIN_MAX + 2];
    size_t nk = 0;
    if (int_len + (size_t)scale + 1 > sizeof kept)
        return 0;
    kept[nk++] = '0'; /* the carry's place */
    memcpy(kept + nk, p, int_len);
    nk += int_len;
    for (int k = 0; k < scale; k++)
        kept[nk++] = (size_t)k < frac_len ? frac[k] : '0';
    if (frac_len > (size_t)scale &&
        rounds_up(mode, neg, kept[nk - 1], frac + scale, frac_len - (size_t)scale)) {
        size_t k = nk;
        while (k-- > 0) {
            if (kept[k] == '9') {
                kept[k] = '0';
            } else {
                kept[k]++;
                break;
            }
        }
    }
    /* Drop the carry's place if unused, and leading zeros before the point. */
    size_t from = 0, int_digits = int_len + 1;
    while (int_digits > 1 && kept[from] == '0') {
        from++;
        int_digits--;
    }
    bool zero = true;
    for (size_t k = from; k < nk; k++)
        if (kept[k] != '0')
            zero = false;
    size_t o = 0;
    bool sign = neg && !zero; /* no "-0.00" */
    if (sign + int_digits + (scale > 0 ? 1 + (size_t)scale : 0) + 1 > size)
        return 0;
    if (sign)
        out[o++] = '-';
    memcpy(out + o, kept + from, int_digits);
    o += int_digits;
    if (scale > 0) {
        out[o++] = '.';
        memcpy(out + o, kept + from + int_digits, (size_t)scale);
        o += (size_t)scale;
    }
    out[o] = '\0';
    return o;
}
