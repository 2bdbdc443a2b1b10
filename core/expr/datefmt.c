/* core/expr/datefmt.c — formatting a DATETIME with the pattern letters of
 * Java's java.text.SimpleDateFormat, which SDC's time: functions take
 * ("yyyy-MM-dd HH:mm:ss.SSS"), always in UTC and in English.
 *
 * Supported letters: G y Y M L d D E u a H k K h m s S z Z X, with Java's
 * meaning of their count (yy: two digits; MMM: "Jan", MMMM: "January";
 * EEE: "Mon", EEEE: "Monday"; other numbers padded to the count).  Text
 * in '...' is copied, '' is a quote, other non-letters are copied.  The
 * week-based letters w W F are locale-dependent in Java and refused here.
 * Y (week year) is formatted as the calendar year. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "expr/expr_impl.h"
#include "format/datetime.h"

static const char *const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool supported(char c)
{
    return strchr("GyYMLdDEuaHkKhmsSzZX", c) != NULL;
}

int expr_datefmt_check(const char *pattern, size_t len, char *why, size_t whysize)
{
    for (size_t i = 0; i < len; i++) {
        char c = pattern[i];
        if (c == '\'') {
            size_t j = i + 1;
            while (j < len && pattern[j] != '\'')
                j++;
            if (j >= len) {
                snprintf(why, whysize, "unterminated quote in the date pattern (at character %zu)", i + 1);
                return -1;
            }
            i = j;
        } else if (is_letter(c) && !supported(c)) {
            snprintf(why, whysize, "pattern letter '%c' is not supported (at character %zu)", c, i + 1);
            return -1;
        }
    }
    return 0;
}

/* v in decimal, at least `width` digits. */
static char *put_number(char *o, int64_t v, size_t width)
{
    char digits[24];
    int n = snprintf(digits, sizeof digits, "%lld", (long long)(v < 0 ? -v : v));
    if (v < 0)
        *o++ = '-';
    for (size_t i = (size_t)n; i < width && i < 64; i++)
        *o++ = '0';
    memcpy(o, digits, (size_t)n);
    return o + n;
}

static char *put_text(char *o, const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max)
        n = max;
    memcpy(o, s, n);
    return o + n;
}

typedef struct broken_down {
    int64_t year, day_of_year;
    unsigned month, day, hour, minute, second, milli, weekday; /* weekday 0 = Sunday */
} broken_down;

static void break_down(int64_t epoch_us, broken_down *t)
{
    int64_t us_per_day = INT64_C(86400000000);
    int64_t days = epoch_us / us_per_day, rem = epoch_us % us_per_day;
    if (rem < 0) {
        rem += us_per_day;
        days--;
    }
    civil_from_days(days, &t->year, &t->month, &t->day);
    t->day_of_year = days - days_from_civil(t->year, 1, 1) + 1;
    int64_t ms = rem / 1000;
    t->milli = (unsigned)(ms % 1000);
    t->second = (unsigned)(ms / 1000 % 60);
    t->minute = (unsigned)(ms / 60000 % 60);
    t->hour = (unsigned)(ms / 3600000);
    t->weekday = (unsigned)(((days + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
}

/* One run of `count` letters c. */
static char *put_field(char *o, char c, size_t count, const broken_down *t)
{
    int64_t year_of_era = t->year > 0 ? t->year : 1 - t->year;
    switch (c) {
    case 'G': return put_text(o, t->year > 0 ? "AD" : "BC", 2);
    case 'y':
    case 'Y': return count == 2 ? put_number(o, year_of_era % 100, 2) : put_number(o, year_of_era, count);
    case 'M':
    case 'L':
        if (count >= 4)
            return put_text(o, month_names[t->month - 1], 16);
        if (count == 3)
            return put_text(o, month_names[t->month - 1], 3);
        return put_number(o, t->month, count);
    case 'd': return put_number(o, t->day, count);
    case 'D': return put_number(o, t->day_of_year, count);
    case 'E': return put_text(o, day_names[t->weekday], count >= 4 ? 16 : 3);
    case 'u': return put_number(o, t->weekday == 0 ? 7 : t->weekday, count);
    case 'a': return put_text(o, t->hour < 12 ? "AM" : "PM", 2);
    case 'H': return put_number(o, t->hour, count);
    case 'k': return put_number(o, t->hour == 0 ? 24 : t->hour, count);
    case 'K': return put_number(o, t->hour % 12, count);
    case 'h': return put_number(o, t->hour % 12 == 0 ? 12 : t->hour % 12, count);
    case 'm': return put_number(o, t->minute, count);
    case 's': return put_number(o, t->second, count);
    case 'S': return put_number(o, t->milli, count);
    case 'z': return put_text(o, count >= 4 ? "Coordinated Universal Time" : "UTC", 32);
    case 'Z': return put_text(o, "+0000", 5);
    default: return put_text(o, "Z", 1); /* X: ISO 8601 zone, Z for UTC */
    }
}

int expr_datefmt_format(expr_eval *ev, int64_t epoch_us, const char *pattern, size_t len, const char **out,
                        size_t *outlen)
{
    char why[128];
    if (expr_datefmt_check(pattern, len, why, sizeof why) != 0)
        return expr_fail(ev, 1, "%s", why);
    broken_down t;
    break_down(epoch_us, &t);
    /* A run of n letters writes at most max(n, 26) + 1 bytes (a sign). */
    char *buf = expr_scratch(ev, 32 * (len + 1)), *o = buf;
    for (size_t i = 0; i < len;) {
        char c = pattern[i];
        if (c == '\'') {
            if (i + 1 < len && pattern[i + 1] == '\'') {
                *o++ = '\'';
                i += 2;
                continue;
            }
            for (i++; i < len && pattern[i] != '\''; i++)
                *o++ = pattern[i];
            i++;
            continue;
        }
        size_t count = 1;
        while (i + count < len && pattern[i + count] == c)
            count++;
        if (is_letter(c))
            o = put_field(o, c, count, &t);
        else {
            memcpy(o, pattern + i, count);
            o += count;
        }
        i += count;
    }
    *o = '\0';
    *out = buf;
    *outlen = (size_t)(o - buf);
    return 0;
}
