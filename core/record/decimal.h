/* core/record/decimal.h — exact DECIMAL numbers (DESIGN §2).
 *
 * A DECIMAL is worth unscaled × 10^-scale.  A field holds it as an int64
 * `unscaled` and `scale` when the digits fit, else as its canonical text
 * (FIELD_DECIMAL_TEXT).  Canonical text is what Java's
 * BigDecimal.toPlainString() writes: an optional '-', the integer digits
 * without leading zeros ("0" when there are none), and when scale > 0 a '.'
 * and exactly `scale` digits; zero has no sign.  It is also a valid JSON
 * number (RFC 8259 §6).  Internal to libsluice. */
#ifndef SLUICE_CORE_RECORD_DECIMAL_H
#define SLUICE_CORE_RECORD_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/record.h>

#define DECIMAL_MAX_DIGITS 77 /* significant digits, as in the SDK */
#define DECIMAL_MAX_SCALE 38  /* digits after the point */
/* Canonical text and its NUL: '-', "0.", 77 digits. */
#define DECIMAL_TEXT_SIZE (DECIMAL_MAX_DIGITS + 4)

typedef struct decimal_value {
    bool fits;        /* unscaled holds the value */
    int64_t unscaled; /* when fits */
    int scale;
    size_t len;                    /* of text */
    char text[DECIMAL_TEXT_SIZE]; /* canonical text, NUL-terminated */
} decimal_value;

/* Parses decimal text: an optional sign, digits with at most one '.', at
 * least one digit, at most DECIMAL_MAX_DIGITS significant digits and
 * DECIMAL_MAX_SCALE after the point; no exponent, no spaces.
 * Returns 0, or -1 when the text is not such a number. */
int decimal_parse(const char *text, size_t len, decimal_value *out);

/* Canonical text of unscaled × 10^-scale (0 <= scale <= DECIMAL_MAX_SCALE)
 * into out (DECIMAL_TEXT_SIZE bytes), NUL-terminated; returns the length. */
size_t decimal_format(int64_t unscaled, int scale, char *out);

/* The nearest double to a DECIMAL field (either form). */
double decimal_to_double(const sluice_field *field);

#endif
