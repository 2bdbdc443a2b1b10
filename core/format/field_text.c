/* core/format/field_text.c — a field as plain text, for the formats that
 * write text rather than JSON (delimited cells, text lines). */
#include "config.h"

#include "format/base64.h"
#include "format/buf_impl.h"
#include "format/data_format_impl.h"
#include "format/datetime.h"

void field_text_append(sluice_buf *out, const sluice_field *f)
{
    size_t n;
    const char *s;
    switch (f ? sluice_field_type(f) : SLUICE_NULL) {
    case SLUICE_NULL:
        return;
    case SLUICE_STRING:
        s = sluice_field_get_string(f, &n);
        if (n)
            buf_put(out, s, n);
        return;
    case SLUICE_BYTES: {
        s = sluice_field_get_string(f, &n);
        size_t m = base64_encoded_len(n);
        char *p = buf_reserve(out, m);
        base64_encode(s, n, p);
        buf_commit(out, m);
        return;
    }
    case SLUICE_DATETIME: {
        char *p = buf_reserve(out, DATETIME_TEXT_SIZE);
        buf_commit(out, datetime_format(sluice_field_get_datetime(f), p));
        return;
    }
    default:
        /* BOOL and numbers as JSON has them (exact DECIMAL digits, parsed
         * numbers' own text); LIST and MAP as JSON. */
        sluice_json_write_field(out, f);
        return;
    }
}
