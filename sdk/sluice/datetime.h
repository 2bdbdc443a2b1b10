/* sluice/datetime.h — DATETIME values (microseconds since 1970-01-01T00:00Z)
 * to and from text with Java-style date patterns ("yyyy-MM-dd HH:mm:ss"),
 * or RFC 3339.  The expression language's time: functions and
 * fields:convert use this one implementation; sluice-pipeline(5), DATE
 * PATTERNS, is the user's reference.
 *
 * Pattern letters (java.text.SimpleDateFormat's, in English):
 *   G era AD/BC           y Y year (yy: two digits)   M L month (MMM "Jan", MMMM "January")
 *   d day of month        D day of year               E day name (EEE "Mon", EEEE "Monday")
 *   u day number (1 = Monday .. 7 = Sunday)           a AM/PM
 *   H hour 0-23           k hour 1-24                 K hour 0-11     h hour 1-12
 *   m minute              s second                    S fraction of a second
 *   z "UTC" (zzzz "Coordinated Universal Time")       Z offset "+0000"
 *   X offset "Z", "+02", "+0200" (XX), "+02:00" (XXX)
 * '...' is literal text, '' a quote (inside quotes too); any other
 * non-letter is literal.  Y is the calendar year, not the week-based year;
 * the locale-dependent week letters w W F are refused.
 *
 * S is a fraction of a second, as in java.time.format.DateTimeFormatter:
 * as many digits as letters, "SSS" milliseconds, "SSSSSS" microseconds.
 * java.text.SimpleDateFormat reads S as a number of milliseconds instead:
 * the two agree on "SSS" only.
 *
 * Formatting is always in UTC (X writes "Z").  Parsing is strict where
 * Java's default is lenient: a number with one letter takes one or two
 * digits (D: up to three), with more letters exactly that many (yyyy and
 * y: four, yy: two, read as 2000-2099); a month or day name in either
 * form and in any case; a day name (E, u) that is not the date's day, an
 * hour h outside 1-12 or an invalid date is refused.  H (or k) wins over
 * h (or K) and a; h without a is AM.  A field the pattern does not have
 * is the one of 1970-01-01T00:00:00.
 *
 * Threads and memory: a compiled pattern is immutable after
 * sluice_datetime_pattern_compile() and may be used by any number of
 * threads at once; formatting and parsing allocate nothing. */
#ifndef SLUICE_DATETIME_H
#define SLUICE_DATETIME_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sluice_datetime_pattern sluice_datetime_pattern;

/* Compiles the len bytes of `text` (no NUL needed).  On a pattern error
 * returns NULL, writes a one-line message to err (when errsize > 0) and
 * the 1-based column of the problem to *column (when column is not
 * NULL); NULL with column 0 is out of memory.  Free the result with
 * sluice_datetime_pattern_free(). */
SLUICE_API sluice_datetime_pattern *sluice_datetime_pattern_compile(const char *text, size_t len, size_t *column,
                                                                    char *err, size_t errsize);
SLUICE_API void sluice_datetime_pattern_free(sluice_datetime_pattern *pattern);

/* Writes epoch_us in UTC with `pattern`, or as RFC 3339 when pattern is
 * NULL ("2013-01-13T04:36:00Z", ".mmm" or ".uuuuuu" only when there is a
 * fraction, as in the JSON form of records), to buf, NUL-terminated when
 * the text fits in `size` bytes.  Returns the length of the text, like
 * snprintf: a result >= size means buf was too small (and holds nothing
 * of use). */
SLUICE_API size_t sluice_datetime_format(const sluice_datetime_pattern *pattern, int64_t epoch_us, char *buf,
                                         size_t size);

/* Parses all len bytes of `text` with `pattern` into *epoch_us.  Text
 * without an offset (a pattern without X, Z or z) is local time at
 * offset_sec seconds east of UTC (0: UTC).  With pattern NULL the text
 * is an RFC 3339 date-time, which carries its offset (offset_sec is not
 * used): "2013-01-13T04:36:00.25+01:00", 'T', 't' or ' ' between date
 * and time, 'Z' or 'z' for UTC, fractions past microseconds truncated,
 * no leap second.  Returns SLUICE_OK, or SLUICE_ERROR when the text does
 * not match or is not a valid date and time. */
SLUICE_API int sluice_datetime_parse(const sluice_datetime_pattern *pattern, const char *text, size_t len,
                                     int32_t offset_sec, int64_t *epoch_us);

#ifdef __cplusplus
}
#endif

#endif
