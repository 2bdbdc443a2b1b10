/* plugins/sql/sql_time.c — dates, times and timestamps as the SQL sinks
 * read them from strings and write them for the server.
 *
 * Read (issue 7: "datetime in RFC 3339 or yyyy-MM-dd HH:mm:ss"):
 *   2013-01-13T04:36:00Z, 2013-01-13T06:36:00.5+02:00 (RFC 3339: the offset
 *   is applied, the result is UTC), 2013-01-13 04:36:00[.123456] (no offset:
 *   already UTC, as the sessions are in UTC), 2013-01-13 (midnight).
 *   The separator may be 'T', 't' or ' '; a fraction has 1 to 9 digits and
 *   is cut to microseconds (the finest unit of both servers).  Every part
 *   is range-checked: 2023-02-30 and 24:00:00 are refused, 2024-02-29 is
 *   not.  A leap second (:60) is refused: neither server stores one.
 * Written: "2013-01-13 04:36:00.5" — the fraction only when non-zero and
 *   without trailing zeros, years 0001 to 9999 (what both servers take). */
#include "config.h"

#include <string.h>

#include "convert.h"

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)

/* Days since 1970-01-01 of a proleptic Gregorian date, and back
 * (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"). */
static int64_t epoch_days(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void date_of_days(int64_t z, int64_t *y, int *m, int *d)
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

static int month_days(int64_t y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* A cursor over the text being read. */
typedef struct scan {
    const char *p, *end;
} scan;

/* Exactly `n` digits. */
static bool digits(scan *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, s->p++) {
        if (s->p >= s->end || *s->p < '0' || *s->p > '9')
            return false;
        v = v * 10 + (*s->p - '0');
    }
    *out = v;
    return true;
}

static bool accept(scan *s, char c)
{
    if (s->p < s->end && *s->p == c) {
        s->p++;
        return true;
    }
    return false;
}

static bool read_date(scan *s, int64_t *days)
{
    int y, m, d;
    if (!digits(s, 4, &y) || !accept(s, '-') || !digits(s, 2, &m) || !accept(s, '-') || !digits(s, 2, &d))
        return false;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
        return false;
    *days = epoch_days(y, m, d);
    return true;
}

/* HH:mm[:ss[.fraction]] as microseconds of the day. */
static bool read_time(scan *s, int64_t *us)
{
    int h, mi, sec = 0;
    if (!digits(s, 2, &h) || !accept(s, ':') || !digits(s, 2, &mi))
        return false;
    if (accept(s, ':') && !digits(s, 2, &sec))
        return false;
    if (h > 23 || mi > 59 || sec > 59)
        return false;
    int64_t frac = 0;
    if (accept(s, '.')) {
        int n = 0;
        for (; s->p < s->end && *s->p >= '0' && *s->p <= '9'; s->p++, n++)
            if (n < 6)
                frac = frac * 10 + (*s->p - '0');
        if (n == 0 || n > 9)
            return false;
        for (; n < 6; n++)
            frac *= 10;
    }
    *us = ((int64_t)h * 3600 + mi * 60 + sec) * US_PER_SEC + frac;
    return true;
}

/* Z, +hh:mm, +hhmm or +hh as microseconds east of UTC. */
static bool read_offset(scan *s, int64_t *us)
{
    if (accept(s, 'Z') || accept(s, 'z')) {
        *us = 0;
        return true;
    }
    int sign = accept(s, '+') ? 1 : accept(s, '-') ? -1 : 0;
    int h, m = 0;
    if (!sign || !digits(s, 2, &h))
        return false;
    if (s->p < s->end) {
        accept(s, ':');
        if (!digits(s, 2, &m))
            return false;
    }
    if (h > 23 || m > 59)
        return false;
    *us = sign * ((int64_t)h * 3600 + m * 60) * US_PER_SEC;
    return true;
}

bool sql_parse_timestamp(const char *text, size_t len, int64_t *epoch_us)
{
    scan s = {text, text + len};
    int64_t days, tod = 0, offset = 0;
    if (!read_date(&s, &days))
        return false;
    if (s.p < s.end) {
        if (*s.p != 'T' && *s.p != 't' && *s.p != ' ')
            return false;
        s.p++;
        if (!read_time(&s, &tod))
            return false;
        if (s.p < s.end && !read_offset(&s, &offset))
            return false;
    }
    if (s.p != s.end)
        return false;
    *epoch_us = days * US_PER_DAY + tod - offset;
    return true;
}

bool sql_parse_time(const char *text, size_t len, int64_t *us_of_day)
{
    scan s = {text, text + len};
    return read_time(&s, us_of_day) && s.p == s.end;
}

/* Splits microseconds since the epoch into whole days and the rest. */
static void split_us(int64_t us, int64_t *days, int64_t *tod)
{
    *days = us / US_PER_DAY;
    *tod = us % US_PER_DAY;
    if (*tod < 0) {
        *tod += US_PER_DAY;
        (*days)--;
    }
}

/* n digits of v, zero-padded: the formatters below run once per value,
 * where snprintf's parsing of a format shows in a profile. */
static char *put_digits(char *p, int64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
    return p + n;
}

/* Two digits of v (0-99): most fields of a date and time. */
static char *put_2digits(char *p, int64_t v)
{
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
}

size_t sql_format_time(int64_t us_of_day, char *buf, size_t size)
{
    (void)size; /* >= 16 */
    int64_t secs = us_of_day / US_PER_SEC, frac = us_of_day % US_PER_SEC;
    int64_t mins = secs / 60;
    char *p = put_2digits(buf, mins / 60);
    *p++ = ':';
    p = put_2digits(p, mins % 60);
    *p++ = ':';
    p = put_2digits(p, secs % 60);
    if (frac) {
        int n = 6;
        for (; frac % 10 == 0; frac /= 10)
            n--;
        *p++ = '.';
        p = put_digits(p, frac, n);
    }
    *p = '\0';
    return (size_t)(p - buf);
}

bool sql_format_date(int64_t epoch_us, char *buf, size_t size)
{
    (void)size; /* >= 16 */
    int64_t days, tod, y;
    int m, d;
    split_us(epoch_us, &days, &tod);
    date_of_days(days, &y, &m, &d);
    if (y < 1 || y > 9999)
        return false;
    char *p = put_digits(buf, y, 4);
    *p++ = '-';
    p = put_2digits(p, m);
    *p++ = '-';
    p = put_2digits(p, d);
    *p = '\0';
    return true;
}

bool sql_format_timestamp(int64_t epoch_us, char *buf, size_t size)
{
    int64_t days, tod;
    split_us(epoch_us, &days, &tod);
    if (!sql_format_date(epoch_us, buf, size))
        return false;
    buf[10] = ' ';
    sql_format_time(tod, buf + 11, size - 11);
    return true;
}

int64_t sql_time_of_day(int64_t epoch_us)
{
    int64_t days, tod;
    split_us(epoch_us, &days, &tod);
    return tod;
}
