/* plugins/fields/decimal.h — decimal text helpers for fields:convert. */
#ifndef SLUICE_PLUGINS_FIELDS_DECIMAL_H
#define SLUICE_PLUGINS_FIELDS_DECIMAL_H

#include <stdbool.h>
#include <stddef.h>

/* More digits than a DECIMAL holds (77), with room for what rounding and
 * a double's exponent add. */
#define DECIMAL_PLAIN_MAX 400

/* java.math.RoundingMode. */
typedef enum decimal_rounding {
    ROUND_HALF_UP,
    ROUND_HALF_EVEN,
    ROUND_HALF_DOWN,
    ROUND_UP,
    ROUND_DOWN,
    ROUND_CEILING,
    ROUND_FLOOR
} decimal_rounding;

/* Rewrites a number ("-1.5e3", "+.25", "12") as plain decimal text
 * ("-1500", "0.25", "12") into out (NUL-terminated): its length, or 0
 * when s[0..len) is not a number or it does not fit in `size`. */
size_t decimal_plain(const char *s, size_t len, char *out, size_t size);

/* Rounds plain decimal text (decimal_plain's output) to `scale` digits
 * after the point, padding with zeros: its length, or 0 when it does not
 * fit in `size`. */
size_t decimal_round(const char *plain, int scale, decimal_rounding mode, char *out, size_t size);

#endif
