/* core/format/datetime.c — RFC 3339 text of DATETIME fields (datetime.h). */
#include "config.h"

#include <stdbool.h>

#include "format/datetime.h"

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

/* ---- calendar ------------------------------------------------------------
 * The proleptic Gregorian calendar repeats every 400 years (146097 days).
 * Counting years from March 1st puts the leap day last, so the day of the
 * year maps to a month with one linear formula (153 days per 5 months),
 * after H. Hinnant, "chrono-Compatible Low-Level Date Algorithms".
 * 719468 is the number of days from 0000-03-01 to 1970-01-01. */

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
}

int64_t days_from_civil(int64_t year, unsigned month, unsigned day)
{
    int64_t y = year - (month <= 2);
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                                       /* [0, 399] */
    int64_t mp = month > 2 ? month - 3 : month + 9;                    /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + day - 1;                        /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;               /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */
    *day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

static bool is_leap_year(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int64_t year, unsigned month)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year))
        return 29;
    return days[month - 1];
}

/* ---- formatting ---------------------------------------------------------- */

/* `width` digits of v, zero-padded on the left. */
static char *put_digits(char *p, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

static int count_digits(uint64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* RFC 3339 §5.6 date-fullyear is 4 digits; other years use the ISO 8601
 * expanded representation (a sign and more digits). */
static char *put_year(char *p, int64_t year)
{
    if (year >= 0 && year <= 9999)
        return put_digits(p, (uint64_t)year, 4);
    *p++ = year < 0 ? '-' : '+';
    uint64_t y = year < 0 ? (uint64_t)-year : (uint64_t)year;
    int width = count_digits(y);
    return put_digits(p, y, width < 4 ? 4 : width);
}

size_t datetime_format(int64_t epoch_us, char *out)
{
    /* The remainder, not epoch_us - days * US_PER_DAY: the start of the
     * earliest day is before INT64_MIN. */
    int64_t days = floor_div(epoch_us, US_PER_DAY);
    int64_t us_of_day = epoch_us % US_PER_DAY;
    if (us_of_day < 0)
        us_of_day += US_PER_DAY;
    int64_t year;
    unsigned month, day;
    civil_from_days(days, &year, &month, &day);

    uint64_t secs = (uint64_t)(us_of_day / US_PER_SEC);
    uint64_t frac = (uint64_t)(us_of_day % US_PER_SEC);
    char *p = put_year(out, year);
    *p++ = '-';
    p = put_digits(p, month, 2);
    *p++ = '-';
    p = put_digits(p, day, 2);
    *p++ = 'T';
    p = put_digits(p, secs / 3600, 2);
    *p++ = ':';
    p = put_digits(p, secs / 60 % 60, 2);
    *p++ = ':';
    p = put_digits(p, secs % 60, 2);
    if (frac != 0) {
        *p++ = '.';
        if (frac % 1000 == 0)
            p = put_digits(p, frac / 1000, 3);
        else
            p = put_digits(p, frac, 6);
    }
    *p++ = 'Z';
    *p = '\0';
    return (size_t)(p - out);
}

/* ---- parsing ------------------------------------------------------------- */

typedef struct dt_scanner {
    const char *p, *end;
} dt_scanner;

/* Exactly n digits into *v. */
static bool scan_digits(dt_scanner *s, int n, unsigned *v)
{
    if (s->end - s->p < n)
        return false;
    unsigned r = 0;
    for (int i = 0; i < n; i++) {
        char c = s->p[i];
        if (c < '0' || c > '9')
            return false;
        r = r * 10 + (unsigned)(c - '0');
    }
    s->p += n;
    *v = r;
    return true;
}

static bool scan_char(dt_scanner *s, char c)
{
    if (s->p < s->end && *s->p == c) {
        s->p++;
        return true;
    }
    return false;
}

/* Four digits, or a sign and 4 to 6 digits (ISO 8601 expanded years). */
static bool scan_year(dt_scanner *s, int64_t *year)
{
    int sign = 0;
    if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        sign = *s->p++ == '-' ? -1 : 1;
    const char *start = s->p;
    int64_t y = 0;
    while (s->p < s->end && *s->p >= '0' && *s->p <= '9' && s->p - start < 6)
        y = y * 10 + (*s->p++ - '0');
    ptrdiff_t n = s->p - start;
    if (sign == 0 ? n != 4 : n < 4)
        return false;
    *year = sign < 0 ? -y : y;
    return true;
}

static bool scan_date(dt_scanner *s, int64_t *days)
{
    int64_t year;
    unsigned month, day;
    if (!scan_year(s, &year) || !scan_char(s, '-') || !scan_digits(s, 2, &month) || !scan_char(s, '-') ||
        !scan_digits(s, 2, &day))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
        return false;
    *days = days_from_civil(year, month, day);
    return true;
}

/* hh:mm:ss[.fraction] into seconds of the day and microseconds. */
static bool scan_time(dt_scanner *s, int64_t *secs, int64_t *us)
{
    unsigned h, m, sec;
    if (!scan_digits(s, 2, &h) || !scan_char(s, ':') || !scan_digits(s, 2, &m) || !scan_char(s, ':') ||
        !scan_digits(s, 2, &sec))
        return false;
    /* RFC 3339 §5.7: time-second may be 60 in a leap second. */
    if (h > 23 || m > 59 || sec > 60)
        return false;
    *secs = (int64_t)h * 3600 + m * 60 + sec;
    *us = 0;
    if (scan_char(s, '.')) {
        int n = 0;
        int64_t frac = 0;
        for (; s->p < s->end && *s->p >= '0' && *s->p <= '9'; s->p++, n++)
            if (n < 6)
                frac = frac * 10 + (*s->p - '0');
        if (n == 0)
            return false;
        for (; n < 6; n++)
            frac *= 10;
        *us = frac;
    }
    return true;
}

/* "Z", "z", "+hh:mm", "-hh:mm" or nothing (UTC) into seconds east. */
static bool scan_offset(dt_scanner *s, int64_t *offset)
{
    *offset = 0;
    if (s->p == s->end || scan_char(s, 'Z') || scan_char(s, 'z'))
        return true;
    int sign = *s->p == '-' ? -1 : 1;
    if (*s->p != '+' && *s->p != '-')
        return false;
    s->p++;
    unsigned h, m;
    if (!scan_digits(s, 2, &h) || !scan_char(s, ':') || !scan_digits(s, 2, &m) || h > 23 || m > 59)
        return false;
    *offset = sign * ((int64_t)h * 3600 + m * 60);
    return true;
}

int datetime_parse(const char *text, size_t len, int64_t *epoch_us)
{
    dt_scanner s = {text, text + len};
    int64_t days, secs, us, offset, total;
    if (!scan_date(&s, &days))
        return -1;
    if (!scan_char(&s, 'T') && !scan_char(&s, 't') && !scan_char(&s, ' '))
        return -1;
    if (!scan_time(&s, &secs, &us) || !scan_offset(&s, &offset) || s.p != s.end)
        return -1;
    /* Six-digit years can leave the int64 microsecond range.  Before the
     * epoch, borrow the fraction from the next second so that the earliest
     * representable instant does not overflow on the way. */
    if (__builtin_mul_overflow(days, INT64_C(86400), &total) || __builtin_add_overflow(total, secs - offset, &total))
        return -1;
    if (total < 0 && us > 0) {
        total += 1;
        us -= US_PER_SEC;
    }
    if (__builtin_mul_overflow(total, US_PER_SEC, &total) || __builtin_add_overflow(total, us, &total))
        return -1;
    *epoch_us = total;
    return 0;
}
