/* plugins/fields/datetime.c — DATETIME to and from text for fields:convert:
 * RFC 3339, or a Java-style (java.text.SimpleDateFormat) pattern.
 *
 * The core's Java pattern formatter (core/expr/datefmt.c) is not part of
 * the SDK, only formats, and reads S as Java does (a number of
 * milliseconds), so this is a small parser and formatter of its own, for
 * the letters dated data needs:
 *   yyyy yy   year (yy: 2000-2099)     MM M MMM MMMM   month (MMM: "Jan")
 *   dd d      day of month             HH H            hour 0-23
 *   hh h      hour 1-12, with a        a               "AM" / "PM"
 *   EEE       day name "Mon"           EEEE            "Monday"
 *   mm m      minute                   ss s            second
 *   S...      fraction of a second, as many digits as letters (SSS: ms)
 *   X XX XXX  offset "Z", "+02", "+0200", "+02:00"     Z  offset "+0200"
 *   '...'     literal text ('' is a quote); any other non-letter is literal.
 * Other letters are refused at validation.  Without an offset letter the
 * text is read as UTC; formatting is always in UTC (offset "Z" / "+0000").
 * Names are English; as java.text.SimpleDateFormat does, parsing takes a
 * month or day name in either form ("Mon" or "Monday") and in any case,
 * whatever the number of letters.  As in Java, h without a reads as AM,
 * 12 AM is hour 0 and 12 PM hour 12, and an H in the pattern wins over
 * h and a.  Unlike Java's lenient parser, a day name that is not the
 * parsed date's day is refused (the text contradicts itself), and so is
 * an hour h outside 1-12.  Unlike Java, S is a fraction: "SSSSSS" reads
 * microseconds, not a number of milliseconds. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fields.h"

static const char *const months[] = {"January", "February", "March",     "April",   "May",      "June",
                                     "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};

#define US_PER_SEC INT64_C(1000000)

/* Days since 1970-01-01 of a civil date, and back (H. Hinnant,
 * "chrono-Compatible Low-Level Date Algorithms"). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* 0 = Sunday; 1970-01-01 was a Thursday. */
static int weekday_of(int64_t days)
{
    return (int)(((days + 4) % 7 + 7) % 7);
}

static int days_in_month(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int fields_datefmt_check(const char *pattern, char *why, size_t whysize)
{
    for (size_t i = 0; pattern[i]; i++) {
        char c = pattern[i];
        if (c == '\'') {
            const char *close = strchr(pattern + i + 1, '\'');
            if (!close) {
                snprintf(why, whysize, "column %zu: unterminated quote", i + 1);
                return SLUICE_ERROR;
            }
            i = (size_t)(close - pattern);
            continue;
        }
        if (is_letter(c) && !strchr("yMdHhamsSEXZ", c)) {
            snprintf(why, whysize, "column %zu: pattern letter '%c' is not supported (use y M d H h a m s S E X Z)",
                     i + 1, c);
            return SLUICE_ERROR;
        }
    }
    return SLUICE_OK;
}

/* ---- parsing --------------------------------------------------------------- */

typedef struct parsed {
    int64_t year;
    int month, day, hour, minute, second;
    int64_t micros;
    int64_t offset_sec; /* east of UTC */
    /* What only some patterns have: -1 when the text had none. */
    int hour24;  /* H */
    int hour12;  /* h, 1-12 */
    int pm;      /* a: 0 AM, 1 PM */
    int weekday; /* E: 0 = Sunday */
    bool has_day; /* d: the date is the text's, so E can be checked */
} parsed;

/* Reads between min and max digits at s[*i]: -1 when there are fewer. */
static int64_t digits(const char *s, size_t len, size_t *i, size_t min, size_t max)
{
    int64_t v = 0;
    size_t n = 0;
    while (*i < len && n < max && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    return n < min ? -1 : v;
}

/* An offset at s[*i]: "Z", or a sign, two hour digits and (with colon
 * when `colon`) optional minutes. */
static int parse_offset(const char *s, size_t len, size_t *i, bool colon, int64_t *off)
{
    if (*i < len && (s[*i] == 'Z' || s[*i] == 'z')) {
        (*i)++;
        *off = 0;
        return 0;
    }
    if (*i >= len || (s[*i] != '+' && s[*i] != '-'))
        return -1;
    int sign = s[(*i)++] == '-' ? -1 : 1;
    int64_t h = digits(s, len, i, 2, 2), m = 0;
    if (h < 0 || h > 23)
        return -1;
    if (colon && *i < len && s[*i] == ':')
        (*i)++;
    if (*i < len && s[*i] >= '0' && s[*i] <= '9' && ((m = digits(s, len, i, 2, 2)) < 0 || m > 59))
        return -1;
    *off = sign * (h * 3600 + m * 60);
    return 0;
}

static int64_t fraction(const char *s, size_t len, size_t *i, size_t min, size_t max)
{
    size_t start = *i;
    int64_t v = digits(s, len, i, min, max);
    if (v < 0)
        return -1;
    for (size_t n = *i - start; n < 6; n++)
        v *= 10;
    for (size_t n = *i - start; n > 6; n--)
        v /= 10;
    return v;
}

static int parse_rfc3339(const char *s, size_t len, parsed *p)
{
    size_t i = 0;
    if ((p->year = digits(s, len, &i, 4, 4)) < 0 || i >= len || s[i++] != '-' ||
        (p->month = (int)digits(s, len, &i, 2, 2)) < 0 || i >= len || s[i++] != '-' ||
        (p->day = (int)digits(s, len, &i, 2, 2)) < 0 || i >= len || (s[i] != 'T' && s[i] != 't' && s[i] != ' '))
        return -1;
    i++;
    if ((p->hour = (int)digits(s, len, &i, 2, 2)) < 0 || i >= len || s[i++] != ':' ||
        (p->minute = (int)digits(s, len, &i, 2, 2)) < 0 || i >= len || s[i++] != ':' ||
        (p->second = (int)digits(s, len, &i, 2, 2)) < 0)
        return -1;
    if (i < len && s[i] == '.') {
        i++;
        if ((p->micros = fraction(s, len, &i, 1, 9)) < 0)
            return -1;
    }
    if (parse_offset(s, len, &i, true, &p->offset_sec) != 0 || i != len)
        return -1;
    return 0;
}

/* One of n names at s[*i], full ("Monday") or its first three letters
 * ("Mon"), in any case: its index, or -1. */
static int parse_name(const char *const *names, int n, const char *s, size_t len, size_t *i)
{
    for (int full = 1; full >= 0; full--) {
        for (int k = 0; k < n; k++) {
            size_t nl = full ? strlen(names[k]) : 3;
            if (len - *i >= nl && !strncasecmp(s + *i, names[k], nl)) {
                *i += nl;
                return k;
            }
        }
    }
    return -1;
}

/* "AM" or "PM" at s[*i], any case: 0, 1, or -1. */
static int parse_am_pm(const char *s, size_t len, size_t *i)
{
    if (len - *i < 2 || (s[*i + 1] != 'M' && s[*i + 1] != 'm'))
        return -1;
    char c = s[*i];
    int pm = c == 'P' || c == 'p' ? 1 : c == 'A' || c == 'a' ? 0 : -1;
    if (pm >= 0)
        *i += 2;
    return pm;
}

static int parse_pattern(const char *pat, const char *s, size_t len, parsed *p)
{
    size_t i = 0;
    for (size_t k = 0; pat[k];) {
        char c = pat[k];
        size_t count = 1;
        if (c == '\'') {
            if (pat[k + 1] == '\'') { /* '' is a quote */
                if (i >= len || s[i++] != '\'')
                    return -1;
                k += 2;
                continue;
            }
            const char *close = strchr(pat + k + 1, '\'');
            size_t n = (size_t)(close - (pat + k + 1));
            if (len - i < n || memcmp(s + i, pat + k + 1, n))
                return -1;
            i += n;
            k += n + 2;
            continue;
        }
        if (!is_letter(c)) {
            if (i >= len || s[i++] != c)
                return -1;
            k++;
            continue;
        }
        while (pat[k + count] == c)
            count++;
        k += count;
        /* One letter reads one or two digits; more read exactly that many. */
        size_t min = count == 1 ? 1 : count, max = count == 1 ? 2 : count;
        int64_t v = 0;
        switch (c) {
        case 'y':
            v = digits(s, len, &i, count == 2 ? 2 : 4, count == 2 ? 2 : 4);
            p->year = count == 2 && v >= 0 ? 2000 + v : v;
            break;
        case 'M':
            v = count >= 3 ? parse_name(months, 12, s, len, &i) + 1 : digits(s, len, &i, min, max);
            p->month = (int)(v > 0 ? v : -1);
            v = p->month;
            break;
        case 'd':
            v = p->day = (int)digits(s, len, &i, min, max);
            p->has_day = true;
            break;
        case 'H': v = p->hour24 = (int)digits(s, len, &i, min, max); break;
        case 'h': v = p->hour12 = (int)digits(s, len, &i, min, max); break;
        case 'a': v = p->pm = parse_am_pm(s, len, &i); break;
        case 'E': v = p->weekday = parse_name(day_names, 7, s, len, &i); break;
        case 'm': v = p->minute = (int)digits(s, len, &i, min, max); break;
        case 's': v = p->second = (int)digits(s, len, &i, min, max); break;
        case 'S': v = p->micros = fraction(s, len, &i, count, count); break;
        case 'X': v = parse_offset(s, len, &i, count >= 3, &p->offset_sec); break;
        case 'Z': v = parse_offset(s, len, &i, false, &p->offset_sec); break;
        default: return -1;
        }
        if (v < 0)
            return -1;
    }
    return i == len ? 0 : -1;
}

/* The hour of the day from H, or h and a: -1 when out of range. */
static int hour_of_day(const parsed *p)
{
    if (p->hour24 >= 0)
        return p->hour24; /* Java: HOUR_OF_DAY set last wins over HOUR and AM_PM */
    if (p->hour12 < 0)
        return p->hour;
    if (p->hour12 < 1 || p->hour12 > 12)
        return -1;
    return p->hour12 % 12 + (p->pm == 1 ? 12 : 0); /* 12 AM is 0, 12 PM is 12 */
}

int fields_datetime_parse(const char *pattern, const char *text, size_t len, int64_t *epoch_us)
{
    parsed p = {.year = 1970, .month = 1, .day = 1, .hour24 = -1, .hour12 = -1, .pm = -1, .weekday = -1};
    if ((pattern ? parse_pattern(pattern, text, len, &p) : parse_rfc3339(text, len, &p)) != 0)
        return SLUICE_ERROR;
    p.hour = hour_of_day(&p);
    if (p.month < 1 || p.month > 12 || p.day < 1 || p.day > days_in_month(p.year, p.month) || p.hour < 0 ||
        p.hour > 23 || p.minute > 59 || p.second > 59)
        return SLUICE_ERROR;
    int64_t days = days_from_civil(p.year, p.month, p.day);
    if (p.weekday >= 0 && p.has_day && p.weekday != weekday_of(days))
        return SLUICE_ERROR;
    int64_t secs = days * 86400 + p.hour * 3600 + p.minute * 60 + p.second;
    *epoch_us = (secs - p.offset_sec) * US_PER_SEC + p.micros;
    return SLUICE_OK;
}

/* ---- formatting ------------------------------------------------------------ */

typedef struct out_buf {
    char *p, *end;
    bool overflow;
} out_buf;

static void put(out_buf *o, const char *s, size_t n)
{
    if ((size_t)(o->end - o->p) <= n) {
        o->overflow = true;
        return;
    }
    memcpy(o->p, s, n);
    o->p += n;
}

/* v (>= 0 but for a year before 0) zero-padded to `width` digits; by hand,
 * as snprintf was half the cost of a conversion. */
static void put_num(out_buf *o, int64_t v, size_t width)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    while (n < width && n < sizeof tmp - 1)
        tmp[sizeof tmp - 1 - n++] = '0';
    if (v < 0)
        put(o, "-", 1);
    put(o, tmp + sizeof tmp - n, n);
}

size_t fields_datetime_format(const char *pattern, int64_t epoch_us, char *buf, size_t size)
{
    int64_t secs = epoch_us / US_PER_SEC, micros = epoch_us % US_PER_SEC;
    if (micros < 0) {
        micros += US_PER_SEC;
        secs--;
    }
    int64_t days = secs / 86400, sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    out_buf o = {buf, buf + size, false};
    if (!pattern) {
        /* RFC 3339 as the JSON writer has it: a fraction only when there is one. */
        put_num(&o, year, 4);
        put(&o, "-", 1);
        put_num(&o, month, 2);
        put(&o, "-", 1);
        put_num(&o, day, 2);
        put(&o, "T", 1);
        put_num(&o, sod / 3600, 2);
        put(&o, ":", 1);
        put_num(&o, sod / 60 % 60, 2);
        put(&o, ":", 1);
        put_num(&o, sod % 60, 2);
        if (micros) { /* milliseconds when they say it all, as the JSON writer does */
            put(&o, ".", 1);
            if (micros % 1000 == 0)
                put_num(&o, micros / 1000, 3);
            else
                put_num(&o, micros, 6);
        }
        put(&o, "Z", 1);
    }
    for (size_t k = 0; pattern && pattern[k];) {
        char c = pattern[k];
        size_t count = 1;
        if (c == '\'') {
            if (pattern[k + 1] == '\'') {
                put(&o, "'", 1);
                k += 2;
                continue;
            }
            const char *close = strchr(pattern + k + 1, '\'');
            put(&o, pattern + k + 1, (size_t)(close - (pattern + k + 1)));
            k = (size_t)(close - pattern) + 1;
            continue;
        }
        if (!is_letter(c)) {
            put(&o, &c, 1);
            k++;
            continue;
        }
        while (pattern[k + count] == c)
            count++;
        k += count;
        switch (c) {
        case 'y': put_num(&o, count == 2 ? year % 100 : year, count == 2 ? 2 : count); break;
        case 'M':
            if (count >= 3)
                put(&o, months[month - 1], count >= 4 ? strlen(months[month - 1]) : 3);
            else
                put_num(&o, month, count);
            break;
        case 'd': put_num(&o, day, count); break;
        case 'H': put_num(&o, sod / 3600, count); break;
        case 'h': put_num(&o, (sod / 3600 + 11) % 12 + 1, count); break; /* 0 -> 12, 13 -> 1 */
        case 'a': put(&o, sod < 43200 ? "AM" : "PM", 2); break;
        case 'E': {
            const char *name = day_names[weekday_of(days)];
            put(&o, name, count >= 4 ? strlen(name) : 3);
            break;
        }
        case 'm': put_num(&o, sod / 60 % 60, count); break;
        case 's': put_num(&o, sod % 60, count); break;
        case 'S': {
            int64_t frac = micros;
            for (size_t n = count; n < 6; n++)
                frac /= 10;
            for (size_t n = 6; n < count && n < 18; n++)
                frac *= 10;
            put_num(&o, frac, count);
            break;
        }
        case 'X': put(&o, "Z", 1); break;
        case 'Z': put(&o, "+0000", 5); break;
        default: break;
        }
    }
    if (o.overflow || o.p >= o.end)
        return 0;
    *o.p = '\0';
    return (size_t)(o.p - buf);
}
