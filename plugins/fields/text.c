/* plugins/fields/text.c — the text of a field's value, for conversions to
 * string and for record error messages that name the value. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

/* The shortest "%.*g" text that reads back as the same double (at most 17
 * digits, which always round-trips an IEEE double). */
static size_t double_text(double d, char *buf, size_t size)
{
    int n = 0;
    for (int precision = 1; precision <= 17; precision++) {
        n = snprintf(buf, size, "%.*g", precision, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    /* "12.0" as the JSON writer (and Java's Double.toString) has it: the
     * text still says it is a double. */
    if (isfinite(d) && !strpbrk(buf, ".e") && (size_t)n + 2 < size) {
        memcpy(buf + n, ".0", 3);
        n += 2;
    }
    return (size_t)n;
}

const char *fields_value_text(sluice_batch *batch, const sluice_field *field, size_t *len)
{
    char tmp[64];
    size_t n = 0;
    const char *text = tmp;
    switch (sluice_field_type(field)) {
    case SLUICE_NULL: text = "null"; n = 4; break;
    case SLUICE_BOOL:
        text = sluice_field_get_bool(field) ? "true" : "false";
        n = strlen(text);
        break;
    case SLUICE_INT: {
        /* By hand: snprintf costs more than the rest of a conversion. */
        int64_t v = sluice_field_get_int(field);
        uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        char *end = tmp + sizeof tmp, *p = end;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0)
            *--p = '-';
        n = (size_t)(end - p);
        *len = n;
        return sluice_batch_strndup(batch, p, n);
    }
    case SLUICE_DOUBLE: n = double_text(sluice_field_get_double(field), tmp, sizeof tmp); break;
    case SLUICE_DECIMAL: {
        /* Up to 77 digits, a sign and a point: measure first. */
        n = sluice_field_decimal_text(field, NULL, 0);
        char *d = sluice_batch_alloc(batch, n + 1);
        sluice_field_decimal_text(field, d, n + 1);
        *len = n;
        return d;
    }
    case SLUICE_STRING:
    case SLUICE_BYTES: {
        const char *s = sluice_field_get_string(field, &n);
        *len = n;
        return sluice_field_type(field) == SLUICE_STRING ? s : sluice_batch_strndup(batch, s, n);
    }
    case SLUICE_DATETIME: n = sluice_datetime_format(NULL, sluice_field_get_datetime(field), tmp, sizeof tmp); break;
    case SLUICE_LIST: text = "<list>"; n = 6; break;
    case SLUICE_MAP: text = "<map>"; n = 5; break;
    }
    *len = n;
    return text == tmp ? sluice_batch_strndup(batch, tmp, n) : text;
}
