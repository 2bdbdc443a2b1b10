/* core/format/datetime_pattern.c — DATETIME to and from text with
 * Java-style date patterns (sluice/datetime.h has the letters and the
 * rules): one implementation for the expression language's time:
 * functions and fields:convert.
 *
 * A pattern is compiled once into runs of one letter and runs of literal
 * text (quotes resolved), so that formatting and parsing, which run per
 * field, only walk that list.  Numbers are written by hand: snprintf was
 * half the cost of a conversion.  The calendar arithmetic is
 * format/datetime.c's. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sluice/datetime.h>

#include "format/datetime.h"
#include "format/datetime_pattern.h"

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY (INT64_C(86400) * US_PER_SEC)
#define LETTERS "GyYMLdDEuaHkKhmsSzZX"
/* Years a DATETIME holds with room to spare (it reaches about ±292,000). */
#define YEAR_LIMIT 200000

typedef struct pattern_item {
    char letter;  /* 0: literal text */
    size_t count; /* letters in the run, or bytes of literal text */
    size_t at;    /* literal text: its offset in the pattern's text */
} pattern_item;

struct sluice_datetime_pattern {
    size_t n;
    char *text; /* the literal bytes, quotes resolved */
    pattern_item items[];
};

static const char *const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};
static const char *const era_names[] = {"BC", "AD"};
static const char *const zone_names[] = {"Coordinated Universal Time", "UTC", "GMT"};

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* 0 = Sunday; 1970-01-01 was a Thursday. */
static int weekday_of(int64_t days)
{
    return (int)(((days + 4) % 7 + 7) % 7);
}

/* ---- compiling ------------------------------------------------------------- */

size_t datetime_pattern_size(size_t len)
{
    /* At most one item per byte of text, and as many bytes of literals. */
    return sizeof(sluice_datetime_pattern) + len * sizeof(pattern_item) + len + 1;
}

/* A pattern error at byte `at`: NULL, with where and why. */
static sluice_datetime_pattern *pattern_error(size_t *column, size_t at, char *err, size_t errsize, char letter)
{
    if (column)
        *column = at + 1;
    if (errsize == 0)
        return NULL;
    if (letter)
        snprintf(err, errsize, "pattern letter '%c' is not supported (use G y Y M L d D E u a H k K h m s S z Z X)",
                 letter);
    else
        snprintf(err, errsize, "unterminated quote");
    return NULL;
}

/* The literal item being filled at the end of p's items, started when the
 * last item is a letter run. */
static pattern_item *literal_item(sluice_datetime_pattern *p, size_t lit)
{
    if (p->n == 0 || p->items[p->n - 1].letter)
        p->items[p->n++] = (pattern_item){.letter = 0, .count = 0, .at = lit};
    return &p->items[p->n - 1];
}

sluice_datetime_pattern *datetime_pattern_init(void *mem, const char *text, size_t len, size_t *column, char *err,
                                               size_t errsize)
{
    sluice_datetime_pattern *p = mem;
    p->n = 0;
    p->text = (char *)(p->items + len);
    size_t lit = 0;
    for (size_t i = 0; i < len;) {
        char c = text[i];
        if (is_letter(c)) {
            if (!strchr(LETTERS, c))
                return pattern_error(column, i, err, errsize, c);
            size_t count = 1;
            while (i + count < len && text[i + count] == c)
                count++;
            p->items[p->n++] = (pattern_item){.letter = c, .count = count, .at = 0};
            i += count;
            continue;
        }
        pattern_item *item = literal_item(p, lit);
        if (c != '\'' || (i + 1 < len && text[i + 1] == '\'')) { /* '' is a quote */
            p->text[lit++] = c;
            item->count++;
            i += c == '\'' ? 2 : 1;
            continue;
        }
        size_t open = i;
        for (i++;; i++) {
            if (i >= len)
                return pattern_error(column, open, err, errsize, 0);
            if (text[i] == '\'' && !(i + 1 < len && text[i + 1] == '\''))
                break;
            i += text[i] == '\''; /* '' inside quotes is a quote too */
            p->text[lit++] = text[i];
            item->count++;
        }
        i++;
    }
    p->text[lit] = '\0';
    return p;
}

sluice_datetime_pattern *sluice_datetime_pattern_compile(const char *text, size_t len, size_t *column, char *err,
                                                         size_t errsize)
{
    if (column)
        *column = 0;
    void *mem = malloc(datetime_pattern_size(len));
    if (!mem) {
        if (errsize > 0)
            snprintf(err, errsize, "out of memory");
        return NULL;
    }
    sluice_datetime_pattern *p = datetime_pattern_init(mem, text, len, column, err, errsize);
    if (!p)
        free(mem);
    return p;
}

void sluice_datetime_pattern_free(sluice_datetime_pattern *pattern)
{
    free(pattern);
}

/* ---- formatting ------------------------------------------------------------ */

/* snprintf's contract: len counts everything, bytes go in while they fit. */
typedef struct out_buf {
    char *p;
    size_t size, len;
} out_buf;

static void put(out_buf *o, const char *s, size_t n)
{
    if (o->len + n < o->size) {
        if (n == 1) /* most literals: no call to memcpy */
            o->p[o->len] = *s;
        else
            memcpy(o->p + o->len, s, n);
    }
    o->len += n;
}

/* v zero-padded to `width` digits (at most 20), written in place from
 * the last digit. */
static void put_num(out_buf *o, uint64_t v, size_t width)
{
    size_t n = 1;
    for (uint64_t x = v; x >= 10; x /= 10)
        n++;
    if (n < width)
        n = width < 20 ? width : 20;
    if (o->len + n < o->size) {
        char *p = o->p + o->len + n;
        for (size_t k = 0; k < n; k++, v /= 10)
            *--p = (char)('0' + v % 10);
    }
    o->len += n;
}

/* A name in full with four letters or more, else its first three. */
static void put_name(out_buf *o, const char *name, size_t count)
{
    size_t n = strlen(name);
    put(o, name, count >= 4 || n < 3 ? n : 3);
}

typedef struct broken_down {
    int64_t days, year, micros;
    unsigned month, day, hour, minute, second;
} broken_down;

static void put_letters(out_buf *o, char c, size_t count, const broken_down *t)
{
    switch (c) {
    case 'G': put(o, era_names[t->year > 0], 2); break;
    case 'y':
    case 'Y': {
        /* The year of the era, as in Java: 1 BC is year 0. */
        uint64_t year_of_era = (uint64_t)(t->year > 0 ? t->year : 1 - t->year);
        put_num(o, count == 2 ? year_of_era % 100 : year_of_era, count);
        break;
    }
    case 'M':
    case 'L':
        if (count >= 3)
            put_name(o, month_names[t->month - 1], count);
        else
            put_num(o, t->month, count);
        break;
    case 'd': put_num(o, t->day, count); break;
    case 'D': put_num(o, (uint64_t)(t->days - days_from_civil(t->year, 1, 1) + 1), count); break;
    case 'E': put_name(o, day_names[weekday_of(t->days)], count); break;
    case 'u': put_num(o, (unsigned)(weekday_of(t->days) + 6) % 7 + 1, count); break;
    case 'a': put(o, t->hour < 12 ? "AM" : "PM", 2); break;
    case 'H': put_num(o, t->hour, count); break;
    case 'k': put_num(o, t->hour == 0 ? 24 : t->hour, count); break;
    case 'K': put_num(o, t->hour % 12, count); break;
    case 'h': put_num(o, (t->hour + 11) % 12 + 1, count); break; /* 0 -> 12, 13 -> 1 */
    case 'm': put_num(o, t->minute, count); break;
    case 's': put_num(o, t->second, count); break;
    case 'S': {
        /* A fraction: the first `count` digits of the microseconds. */
        uint64_t frac = (uint64_t)t->micros;
        for (size_t n = count; n < 6; n++)
            frac /= 10;
        for (size_t n = 6; n < count && n < 18; n++)
            frac *= 10;
        put_num(o, frac, count);
        break;
    }
    case 'z': put(o, count >= 4 ? zone_names[0] : zone_names[1], count >= 4 ? 26 : 3); break;
    case 'Z': put(o, "+0000", 5); break;
    default: put(o, "Z", 1); break; /* X: ISO 8601's UTC */
    }
}

size_t sluice_datetime_format(const sluice_datetime_pattern *pattern, int64_t epoch_us, char *buf, size_t size)
{
    out_buf o = {buf, size, 0};
    if (!pattern) {
        char tmp[DATETIME_TEXT_SIZE];
        put(&o, tmp, datetime_format(epoch_us, tmp));
    } else {
        broken_down t = {.days = epoch_us / US_PER_DAY};
        int64_t us_of_day = epoch_us % US_PER_DAY;
        if (us_of_day < 0) {
            us_of_day += US_PER_DAY;
            t.days--;
        }
        civil_from_days(t.days, &t.year, &t.month, &t.day);
        int64_t secs = us_of_day / US_PER_SEC;
        t.micros = us_of_day % US_PER_SEC;
        t.hour = (unsigned)(secs / 3600);
        t.minute = (unsigned)(secs / 60 % 60);
        t.second = (unsigned)(secs % 60);
        for (size_t k = 0; k < pattern->n; k++) {
            const pattern_item *item = &pattern->items[k];
            if (item->letter)
                put_letters(&o, item->letter, item->count, &t);
            else
                put(&o, pattern->text + item->at, item->count);
        }
    }
    if (o.len < size)
        buf[o.len] = '\0';
    return o.len;
}

/* ---- parsing --------------------------------------------------------------- */

/* What the text said; int64_t throughout, so that no number read can wrap
 * into range.  -1 for what the text did not have. */
typedef struct parsed {
    int64_t year, month, day, minute, second, micros;
    int64_t era;         /* G: 0 BC, 1 AD */
    int64_t day_of_year; /* D */
    int64_t hour_of_day; /* H, or k with 24 as 0 */
    int64_t hour_am;     /* h with 12 as 0, or K: 0-11, completed by a */
    int64_t pm;          /* a: 0 AM, 1 PM */
    int64_t weekday;     /* E or u: 0 = Sunday */
    bool has_day;        /* d: the date is the text's, for D, E and u */
    int64_t offset_sec;  /* east of UTC */
} parsed;

/* Between min and max digits (at most 18) at s[*i]: -1 when fewer. */
static int64_t digits(const char *s, size_t len, size_t *i, size_t min, size_t max)
{
    int64_t v = 0;
    size_t n = 0;
    if (max > 18)
        return -1;
    while (*i < len && n < max && s[*i] >= '0' && s[*i] <= '9') {
        v = v * 10 + (s[*i] - '0');
        (*i)++;
        n++;
    }
    return n < min ? -1 : v;
}

/* A fraction of a second of min to max digits: microseconds, the digits
 * past the sixth dropped. */
static int64_t fraction(const char *s, size_t len, size_t *i, size_t min, size_t max)
{
    int64_t v = 0;
    size_t n = 0;
    for (; *i < len && n < max && s[*i] >= '0' && s[*i] <= '9'; (*i)++, n++)
        if (n < 6)
            v = v * 10 + (s[*i] - '0');
    if (n < min)
        return -1;
    for (; n < 6; n++)
        v *= 10;
    return v;
}

/* An offset at s[*i]: "Z", or a sign, two hour digits and optional
 * minutes (after a ':' when `colon`). */
static int64_t parse_offset(const char *s, size_t len, size_t *i, bool colon, int64_t *off)
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

/* One of n names at s[*i] in any case, in full or (with `abbrev`) its
 * first three letters: its index, or -1. */
static int64_t parse_name(const char *const *names, int n, bool abbrev, const char *s, size_t len, size_t *i)
{
    for (int full = 1; full >= !abbrev; full--) {
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

/* z: a zone name for UTC, then an optional offset ("GMT+02:00"). */
static int64_t parse_zone(const char *s, size_t len, size_t *i, int64_t *off)
{
    if (parse_name(zone_names, 3, false, s, len, i) < 0)
        return -1;
    *off = 0;
    return *i < len && (s[*i] == '+' || s[*i] == '-') ? parse_offset(s, len, i, true, off) : 0;
}

/* "AM" or "PM" at s[*i], any case: 0, 1, or -1. */
static int64_t parse_am_pm(const char *s, size_t len, size_t *i)
{
    if (len - *i < 2 || (s[*i + 1] != 'M' && s[*i + 1] != 'm'))
        return -1;
    char c = s[*i];
    int pm = c == 'P' || c == 'p' ? 1 : c == 'A' || c == 'a' ? 0 : -1;
    if (pm >= 0)
        *i += 2;
    return pm;
}

/* The number of a run of `count` letters: one or two digits for one
 * letter, else exactly `count` digits.  -1 when there are not. */
static int64_t number(const char *s, size_t len, size_t *i, size_t count)
{
    return digits(s, len, i, count == 1 ? 1 : count, count == 1 ? 2 : count);
}

/* The same, within [lo, hi]: -1 otherwise. */
static int64_t number_in(const char *s, size_t len, size_t *i, size_t count, int64_t lo, int64_t hi)
{
    int64_t v = number(s, len, i, count);
    return v >= lo && v <= hi ? v : -1;
}

/* One run of `count` letters c at text[*i] into p: -1 when it does not
 * match. */
static int64_t parse_letters(char c, size_t count, const char *s, size_t len, size_t *i, parsed *p)
{
    int64_t v;
    switch (c) {
    case 'G': return p->era = parse_name(era_names, 2, false, s, len, i);
    case 'y':
    case 'Y': {
        size_t n = count == 2 ? 2 : count < 4 ? 4 : count;
        v = digits(s, len, i, n, n);
        return p->year = count == 2 && v >= 0 ? 2000 + v : v;
    }
    case 'M':
    case 'L':
        v = count >= 3 ? parse_name(month_names, 12, true, s, len, i) + 1 : number(s, len, i, count);
        return p->month = v > 0 ? v : -1;
    case 'd': p->has_day = true; return p->day = number(s, len, i, count);
    case 'D': return p->day_of_year = digits(s, len, i, count == 1 ? 1 : count, count == 1 ? 3 : count);
    case 'E': return p->weekday = parse_name(day_names, 7, true, s, len, i);
    case 'u': return (v = number_in(s, len, i, count, 1, 7)) < 0 ? -1 : (p->weekday = v % 7);
    case 'a': return p->pm = parse_am_pm(s, len, i);
    case 'H': return p->hour_of_day = number(s, len, i, count);
    case 'k': return (v = number_in(s, len, i, count, 1, 24)) < 0 ? -1 : (p->hour_of_day = v % 24);
    case 'h': return (v = number_in(s, len, i, count, 1, 12)) < 0 ? -1 : (p->hour_am = v % 12);
    case 'K': return p->hour_am = number_in(s, len, i, count, 0, 11);
    case 'm': return p->minute = number(s, len, i, count);
    case 's': return p->second = number(s, len, i, count);
    case 'S': return p->micros = fraction(s, len, i, count, count);
    case 'z': return parse_zone(s, len, i, &p->offset_sec);
    case 'Z': return parse_offset(s, len, i, false, &p->offset_sec);
    default: return parse_offset(s, len, i, count >= 3, &p->offset_sec); /* X */
    }
}

static int parse_pattern(const sluice_datetime_pattern *pattern, const char *s, size_t len, parsed *p)
{
    size_t i = 0;
    for (size_t k = 0; k < pattern->n; k++) {
        const pattern_item *item = &pattern->items[k];
        if (!item->letter) {
            if (len - i < item->count || memcmp(s + i, pattern->text + item->at, item->count))
                return -1;
            i += item->count;
        } else if (parse_letters(item->letter, item->count, s, len, &i, p) < 0) {
            return -1;
        }
    }
    return i == len ? 0 : -1;
}

/* RFC 3339 §5.6 date-time (with ' ' or 't' for 'T', as §5.6's note
 * allows, and 'z' for 'Z'). */
static int parse_rfc3339(const char *s, size_t len, parsed *p)
{
    size_t i = 0;
    if ((p->year = digits(s, len, &i, 4, 4)) < 0 || i >= len || s[i++] != '-' ||
        (p->month = digits(s, len, &i, 2, 2)) < 0 || i >= len || s[i++] != '-' ||
        (p->day = digits(s, len, &i, 2, 2)) < 0 || i >= len || (s[i] != 'T' && s[i] != 't' && s[i] != ' '))
        return -1;
    i++;
    if ((p->hour_of_day = digits(s, len, &i, 2, 2)) < 0 || i >= len || s[i++] != ':' ||
        (p->minute = digits(s, len, &i, 2, 2)) < 0 || i >= len || s[i++] != ':' ||
        (p->second = digits(s, len, &i, 2, 2)) < 0)
        return -1;
    if (i < len && s[i] == '.') {
        i++;
        if ((p->micros = fraction(s, len, &i, 1, SIZE_MAX)) < 0)
            return -1;
    }
    return parse_offset(s, len, &i, true, &p->offset_sec) != 0 || i != len ? -1 : 0;
}

/* The day (since 1970-01-01) the parsed fields name: -1 with *ok false
 * when they are not a date or contradict each other. */
static int64_t resolve_day(const parsed *p, int64_t year, bool *ok)
{
    *ok = year > -YEAR_LIMIT && year < YEAR_LIMIT && p->month >= 1 && p->month <= 12 && p->day >= 1 &&
          p->day <= days_in_month(year, (unsigned)p->month);
    if (!*ok)
        return -1;
    int64_t days = days_from_civil(year, (unsigned)p->month, (unsigned)p->day);
    if (p->day_of_year >= 0) {
        int64_t jan1 = days_from_civil(year, 1, 1), in_year = days_from_civil(year + 1, 1, 1) - jan1;
        *ok = p->day_of_year >= 1 && p->day_of_year <= in_year && (!p->has_day || jan1 + p->day_of_year - 1 == days);
        days = jan1 + p->day_of_year - 1;
    }
    /* Unlike Java's lenient parser: a day name that is not the date's day
     * is a text that contradicts itself. */
    if (p->weekday >= 0 && (p->has_day || p->day_of_year >= 0) && p->weekday != weekday_of(days))
        *ok = false;
    return days;
}

int sluice_datetime_parse(const sluice_datetime_pattern *pattern, const char *text, size_t len, int32_t offset_sec,
                          int64_t *epoch_us)
{
    parsed p = {.year = 1970, .month = 1, .day = 1, .era = -1, .day_of_year = -1, .hour_of_day = -1,
                .hour_am = -1, .pm = -1, .weekday = -1, .offset_sec = offset_sec};
    if ((pattern ? parse_pattern(pattern, text, len, &p) : parse_rfc3339(text, len, &p)) != 0)
        return SLUICE_ERROR;
    /* As in Java, H (HOUR_OF_DAY) wins over h and a; h without a is AM. */
    int64_t hour = p.hour_of_day >= 0 ? p.hour_of_day : p.hour_am >= 0 ? p.hour_am + (p.pm == 1 ? 12 : 0) : 0;
    bool ok;
    int64_t days = resolve_day(&p, p.era == 0 ? 1 - p.year : p.year, &ok);
    if (!ok || hour > 23 || p.minute > 59 || p.second > 59)
        return SLUICE_ERROR;
    int64_t secs = days * 86400 + hour * 3600 + p.minute * 60 + p.second;
    *epoch_us = (secs - p.offset_sec) * US_PER_SEC + p.micros;
    return SLUICE_OK;
}
