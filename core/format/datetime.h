/* core/format/datetime.h — DATETIME (epoch microseconds, UTC) to RFC 3339
 * text and back, and the proleptic Gregorian calendar arithmetic under it.
 * No gmtime/timegm: those take locks or the TZ environment, and this runs
 * per field.  Internal to libsluice. */
#ifndef SLUICE_CORE_FORMAT_DATETIME_H
#define SLUICE_CORE_FORMAT_DATETIME_H

#include <stddef.h>
#include <stdint.h>

/* Room for any datetime_format() output and its NUL:
 * "-290308-12-21T19:59:05.224192Z". */
#define DATETIME_TEXT_SIZE 40

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day
 * 1-31, not checked), and back. */
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);
void civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);

/* 28-31, for a month 1-12 of a proleptic Gregorian year. */
unsigned days_in_month(int64_t year, unsigned month);

/* RFC 3339 UTC text of a DATETIME: "2013-01-13T04:36:00Z", with ".mmm"
 * when the microseconds are a whole non-zero number of milliseconds and
 * ".uuuuuu" when they are not.  Years outside 0000-9999 are written in
 * the ISO 8601 expanded form with a sign ("+10000-01-01T00:00:00Z").
 * Writes a NUL and returns the length. */
size_t datetime_format(int64_t epoch_us, char *out);

/* Parses RFC 3339 date-time text ("2013-01-13T04:36:00.5+01:00"; 'T', 't'
 * or ' ' between date and time, 'Z', 'z' or a ±hh:mm offset), the same
 * without an offset meaning UTC ("2013-01-13 04:36:00"), and the expanded
 * years datetime_format() writes.  Fractions past microseconds are
 * truncated; a leap second (:60) counts as the next second.  Returns 0, or
 * -1 when the text is not such a date-time or is out of range. */
int datetime_parse(const char *text, size_t len, int64_t *epoch_us);

#endif
