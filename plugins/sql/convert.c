/* plugins/sql/convert.c — a field's value as its column's type (issue 7:
 * "typed fields bound as the column's type; strings converted to the
 * column's type by the sink").  The server still parses the text we bind,
 * but every check it would make on a value is made here first, so that a
 * bad value becomes a record error naming field, column and value instead
 * of a failed statement to bisect.
 *
 * Accepted, by column type (anything else is refused):
 *   INT      INT (in the column's range), DOUBLE / DECIMAL without fraction,
 *            BOOL (1 / 0), STRING of an optional sign and digits
 *   FLOAT    INT, DOUBLE, DECIMAL, STRING that strtod reads whole (no hex)
 *   DECIMAL  INT, DECIMAL, finite DOUBLE, STRING of digits with one point
 *   BOOL     BOOL, INT 0 / 1, STRING true/false/t/f/1/0/yes/no (any case)
 *   DATE, TIME, TIMESTAMP  DATETIME, INT as epoch milliseconds (as SDC's
 *            JDBC Producer), STRING (sql_time.c); DATE and TIME take the
 *            date / time of day in UTC
 *   BYTES    BYTES, STRING (its bytes)
 *   JSON     STRING as is (the server checks it), anything else as JSON
 *   TEXT     STRING, numbers and BOOL as text, DATETIME as a timestamp,
 *            LIST / MAP as JSON */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert.h"

#define WHY(...) (snprintf(why, whysize, __VA_ARGS__), false)

const char *sql_type_name(sql_type type)
{
    static const char *const names[] = {"text", "integer", "float", "decimal", "boolean",
                                        "date", "time",    "timestamp", "bytes", "json"};
    return (unsigned)type < sizeof names / sizeof *names ? names[type] : "?";
}

/* The value as a message quotes it: strings in quotes, cut at 64 bytes,
 * control characters as '?' so the message stays one line. */
static const char *shown(const sluice_field *f, char *buf, size_t size)
{
    switch (sluice_field_type(f)) {
    case SLUICE_STRING: {
        size_t len;
        const char *s = sluice_field_get_string(f, &len);
        size_t n = len < 64 ? len : 64, o = 0;
        while (n < len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--; /* cut between UTF-8 characters */
        buf[o++] = '\'';
        for (size_t i = 0; i < n && o + 5 < size; i++)
            buf[o++] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
        if (n < len && o + 5 < size)
            o += (size_t)snprintf(buf + o, size - o, "...");
        snprintf(buf + o, size - o, "'");
        return buf;
    }
    case SLUICE_INT: snprintf(buf, size, "%" PRId64, sluice_field_get_int(f)); return buf;
    case SLUICE_DOUBLE: snprintf(buf, size, "%.17g", sluice_field_get_double(f)); return buf;
    case SLUICE_DECIMAL: sluice_field_decimal_text(f, buf, size); return buf;
    case SLUICE_BOOL: return sluice_field_get_bool(f) ? "true" : "false";
    default: snprintf(buf, size, "a %s", sluice_type_name(sluice_field_type(f))); return buf;
    }
}

static void set_text(sluice_batch *b, sql_value *out, const char *s, size_t len)
{
    out->text = sluice_batch_strndup(b, s, len);
    out->len = len;
    out->kind = SQL_VALUE_TEXT;
}

/* Numbers and dates are formatted straight into the arena (room for their
 * longest text), not into a stack buffer and then copied: this runs for
 * most values of every row.  Returns the room; set_room says how much of
 * it the text took. */
#define ROOM 32 /* sql_format_double and sql_format_timestamp's minimum */
static char *room(sluice_batch *b, size_t size)
{
    return sluice_batch_alloc(b, size);
}

static void set_room(sql_value *out, const char *text, size_t len)
{
    out->text = text;
    out->len = len;
    out->kind = SQL_VALUE_TEXT;
}

/* A whole-string integer: optional sign, digits; false on overflow. */
static bool parse_int(const char *s, size_t len, int64_t *out)
{
    if (len == 0 || (*s != '-' && *s != '+' && (*s < '0' || *s > '9')))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end != s + len)
        return false;
    *out = v;
    return true;
}

/* A DECIMAL or DOUBLE without fraction as int64. */
static bool integral(const sluice_field *f, int64_t *out)
{
    if (sluice_field_type(f) == SLUICE_DOUBLE) {
        double d = sluice_field_get_double(f);
        if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != floor(d))
            return false;
        *out = (int64_t)d;
        return true;
    }
    char text[96];
    size_t len = sluice_field_decimal_text(f, text, sizeof text);
    if (len >= sizeof text)
        return false;
    char *point = strchr(text, '.');
    if (point) {
        for (const char *p = point + 1; *p; p++)
            if (*p != '0')
                return false;
        len = (size_t)(point - text);
    }
    return parse_int(text, len, out);
}

static bool to_int(const sluice_field *f, const sql_column *col, sluice_batch *b, sql_value *out, char *why,
                   size_t whysize)
{
    int64_t n;
    size_t len;
    const char *s;
    switch (sluice_field_type(f)) {
    case SLUICE_INT: n = sluice_field_get_int(f); break;
    case SLUICE_BOOL: n = sluice_field_get_bool(f); break;
    case SLUICE_DOUBLE:
    case SLUICE_DECIMAL:
        if (!integral(f, &n))
            return WHY("is not an integer");
        break;
    case SLUICE_STRING:
        s = sluice_field_get_string(f, &len);
        if (!parse_int(s, len, &n))
            return WHY("is not an integer");
        break;
    default: return WHY("does not convert to an integer");
    }
    if ((col->min || col->max) && (n < col->min || n > col->max))
        return WHY("is out of range [%" PRId64 ", %" PRId64 "]", col->min, col->max);
    char *buf = room(b, 24);
    set_room(out, buf, sql_format_int(n, buf));
    return true;
}

/* A whole string strtod reads: decimal or exponent notation, nan, inf. */
static bool parse_double(const char *s, size_t len, double *out)
{
    if (len == 0 || len > 400 || strpbrk(s, "xX") || (*s != '-' && *s != '+' && *s != '.' && !isalnum((unsigned char)*s)))
        return false;
    char *end;
    *out = sql_strtod(s, &end);
    return end == s + len;
}

static bool to_float(const sql_converter *cv, const sluice_field *f, sluice_batch *b, sql_value *out, char *why,
                     size_t whysize)
{
    double d;
    size_t len;
    const char *s;
    switch (sluice_field_type(f)) {
    case SLUICE_INT:
    case SLUICE_DOUBLE:
    case SLUICE_DECIMAL: d = sluice_field_get_double(f); break;
    case SLUICE_STRING:
        s = sluice_field_get_string(f, &len);
        if (!parse_double(s, len, &d))
            return WHY("is not a number");
        break;
    default: return WHY("does not convert to a number");
    }
    if (!isfinite(d) && !cv->has_nonfinite)
        return WHY("is not a finite number");
    char *buf = room(b, ROOM);
    set_room(out, buf, sql_format_double(d, buf, ROOM));
    return true;
}

static bool to_decimal(const sluice_field *f, sluice_batch *b, sql_value *out, char *why, size_t whysize)
{
    char *buf;
    size_t len;
    const char *s;
    switch (sluice_field_type(f)) {
    case SLUICE_INT:
        buf = room(b, 24);
        set_room(out, buf, sql_format_int(sluice_field_get_int(f), buf));
        return true;
    case SLUICE_DOUBLE:
        if (!isfinite(sluice_field_get_double(f)))
            return WHY("is not a finite number");
        /* From JSON: its digits as written ("1.50"), when they are plain. */
        s = sluice_field_number_text(f, &len);
        const sluice_field *digits = s ? sluice_field_new_decimal_text(b, s, len) : NULL;
        if (digits) {
            f = digits;
            break;
        }
        buf = room(b, ROOM);
        set_room(out, buf, sql_format_double(sluice_field_get_double(f), buf, ROOM));
        return true;
    case SLUICE_STRING:
        s = sluice_field_get_string(f, &len);
        f = sluice_field_new_decimal_text(b, s, len);
        if (!f)
            return WHY("is not a number");
        break;
    case SLUICE_DECIMAL: break;
    default: return WHY("does not convert to a number");
    }
    /* f is a DECIMAL: its canonical text, mostly short; at most 95 bytes.
     * One that fits int64 is formatted here from its digits and scale
     * (as the core's decimal text, without its copy). */
    int64_t unscaled;
    int scale;
    if (sluice_field_get_decimal(f, &unscaled, &scale) == 0 && scale >= 0 && scale <= ROOM - 24) {
        buf = room(b, ROOM);
        set_room(out, buf, sql_format_scaled(unscaled, (size_t)scale, buf));
        return true;
    }
    buf = room(b, ROOM);
    len = sluice_field_decimal_text(f, buf, ROOM);
    if (len >= 96)
        return WHY("has too many digits");
    if (len >= ROOM) {
        buf = room(b, len + 1);
        sluice_field_decimal_text(f, buf, len + 1);
    }
    set_room(out, buf, len);
    return true;
}

static bool to_bool(const sluice_field *f, sql_value *out, char *why, size_t whysize)
{
    static const char *const yes[] = {"true", "t", "1", "yes"}, *const no[] = {"false", "f", "0", "no"};
    int value = -1;
    if (sluice_field_type(f) == SLUICE_BOOL) {
        value = sluice_field_get_bool(f);
    } else if (sluice_field_type(f) == SLUICE_INT) {
        int64_t n = sluice_field_get_int(f);
        value = n == 0 || n == 1 ? (int)n : -1;
    } else if (sluice_field_type(f) == SLUICE_STRING) {
        const char *s = sluice_field_get_string(f, NULL);
        for (size_t i = 0; i < 4 && value < 0; i++)
            value = strcasecmp(s, yes[i]) == 0 ? 1 : strcasecmp(s, no[i]) == 0 ? 0 : -1;
    }
    if (value < 0)
        return WHY("is not a boolean");
    out->text = value ? "true" : "false"; /* literals outlive the batch */
    out->len = strlen(out->text);
    out->kind = SQL_VALUE_TEXT;
    return true;
}

/* DATE, TIME, TIMESTAMP: first the instant, then its text. */
static bool to_temporal(const sluice_field *f, const sql_column *col, sluice_batch *b, sql_value *out, char *why,
                        size_t whysize)
{
    int64_t us = 0;
    size_t len;
    const char *s;
    switch (sluice_field_type(f)) {
    case SLUICE_DATETIME: us = sluice_field_get_datetime(f); break;
    case SLUICE_INT:
        if (__builtin_mul_overflow(sluice_field_get_int(f), 1000, &us))
            return WHY("is out of range as epoch milliseconds");
        break;
    case SLUICE_STRING:
        s = sluice_field_get_string(f, &len);
        if (col->type == SQL_TYPE_TIME && sql_parse_time(s, len, &us))
            break;
        if (!sql_parse_timestamp(s, len, &us))
            return WHY("is not a %s (RFC 3339 or yyyy-MM-dd HH:mm:ss)", sql_type_name(col->type));
        break;
    default: return WHY("does not convert to a %s", sql_type_name(col->type));
    }
    char *buf = room(b, ROOM);
    bool ok = true;
    if (col->type == SQL_TYPE_TIME)
        sql_format_time(sql_time_of_day(us), buf, ROOM);
    else if (col->type == SQL_TYPE_DATE)
        ok = sql_format_date(us, buf, ROOM);
    else
        ok = sql_format_timestamp(us, buf, ROOM);
    if (!ok)
        return WHY("is outside years 0001-9999");
    set_room(out, buf, strlen(buf));
    return true;
}

static void to_json(const sql_converter *cv, const sluice_field *f, sluice_batch *b, sql_value *out)
{
    sluice_buf_reset(cv->json);
    sluice_json_write_field(cv->json, f);
    set_text(b, out, sluice_buf_data(cv->json), sluice_buf_len(cv->json));
}

static bool to_text(const sql_converter *cv, const sluice_field *f, sluice_batch *b, sql_value *out, char *why,
                    size_t whysize)
{
    char buf[96];
    switch (sluice_field_type(f)) {
    case SLUICE_STRING:
        out->text = sluice_field_get_string(f, &out->len); /* NUL-terminated, in the batch */
        out->kind = SQL_VALUE_TEXT;
        return true;
    case SLUICE_DOUBLE: set_text(b, out, buf, sql_format_double(sluice_field_get_double(f), buf, sizeof buf)); return true;
    case SLUICE_DATETIME:
        if (!sql_format_timestamp(sluice_field_get_datetime(f), buf, sizeof buf))
            return WHY("is outside years 0001-9999");
        set_text(b, out, buf, strlen(buf));
        return true;
    case SLUICE_BYTES: return WHY("does not convert to text");
    case SLUICE_LIST:
    case SLUICE_MAP: to_json(cv, f, b, out); return true;
    default: /* INT, DECIMAL, BOOL: shown() is their text */
        {
            const char *t = shown(f, buf, sizeof buf);
            set_text(b, out, t, strlen(t));
        }
        return true;
    }
}

/* The conversion proper; on failure `why` has the reason without the value. */
static bool convert(const sql_converter *cv, sluice_batch *b, const sluice_field *f, const sql_column *col,
                    sql_value *out, char *why, size_t whysize)
{
    sluice_type t = sluice_field_type(f);
    if (t == SLUICE_NULL) {
        *out = (sql_value){NULL, 0, SQL_VALUE_NULL};
        return true;
    }
    switch (col->type) {
    case SQL_TYPE_INT: return to_int(f, col, b, out, why, whysize);
    case SQL_TYPE_FLOAT: return to_float(cv, f, b, out, why, whysize);
    case SQL_TYPE_DECIMAL: return to_decimal(f, b, out, why, whysize);
    case SQL_TYPE_BOOL: return to_bool(f, out, why, whysize);
    case SQL_TYPE_DATE:
    case SQL_TYPE_TIME:
    case SQL_TYPE_TIMESTAMP: return to_temporal(f, col, b, out, why, whysize);
    case SQL_TYPE_BYTES:
        if (t != SLUICE_BYTES && t != SLUICE_STRING)
            return WHY("does not convert to bytes");
        size_t len;
        const char *s = sluice_field_get_string(f, &len);
        out->text = sluice_batch_strndup(b, s, len);
        out->len = len;
        out->kind = SQL_VALUE_BYTES;
        return true;
    case SQL_TYPE_JSON:
        if (t == SLUICE_STRING)
            return to_text(cv, f, b, out, why, whysize);
        to_json(cv, f, b, out);
        return true;
    default: return to_text(cv, f, b, out, why, whysize);
    }
}

bool sql_convert(const sql_converter *cv, sluice_batch *b, const sluice_field *f, const sql_column *col,
                 sql_value *out, char *why, size_t whysize)
{
    char reason[160];
    if (convert(cv, b, f, col, out, reason, sizeof reason))
        return true;
    char vbuf[96];
    snprintf(why, whysize, "%s %s", shown(f, vbuf, sizeof vbuf), reason);
    return false;
}
