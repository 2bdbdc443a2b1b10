/* core/format/number.h — numbers to text and back, fast and without locale.
 *
 * The C library's printf/strtod follow LC_NUMERIC (a plugin's library may
 * call setlocale()), and JSON (RFC 8259 §6) wants a '.' whatever the
 * locale: these helpers always speak the "C" locale.  Internal to
 * libsluice. */
#ifndef SLUICE_CORE_FORMAT_NUMBER_H
#define SLUICE_CORE_FORMAT_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/* Enough for any int64 or uint64 in decimal, with its sign. */
#define NUMBER_INT_SIZE 21
/* Enough for number_format_double(): "-1.2345678901234567e-308" and a NUL. */
#define NUMBER_DOUBLE_SIZE 32

/* Decimal digits of v (no NUL); returns how many were written. */
size_t number_format_uint(uint64_t v, char *out);
size_t number_format_int(int64_t v, char *out);

/* The shortest "%.{15,16,17}g" text that reads back as exactly `d`, NUL
 * terminated, with ".0" appended when it would otherwise look like an
 * integer (so that a DOUBLE stays a DOUBLE through JSON, as in Jackson).
 * `d` must be finite.  Returns the length. */
size_t number_format_double(double d, char *out);

/* The double nearest to a decimal number's text (JSON number syntax, or
 * decimal text with an optional '+'), rounded as strtod does.  text[len]
 * must be '\0'.  Out-of-range values give ±HUGE_VAL or ±0. */
double number_parse_double(const char *text, size_t len);

#endif
