/* core/format/json_write.c — the JSON form of fields and records
 * (sluice/format.h, DESIGN §2), written straight into a sluice_buf.
 *
 * Speed matters here (every JSON-writing destination calls it per record),
 * so integers, decimals and datetimes are formatted by hand; only doubles
 * without their original text go through printf (number.c). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "format/base64.h"
#include "format/buf_impl.h"
#include "format/datetime.h"
#include "format/number.h"
#include "format/utf8.h"
#include "record/decimal.h"
#include "record/record_impl.h"

static void write_field(sluice_buf *out, const sluice_field *f);

#define PUT_LITERAL(out, s) buf_put((out), (s), sizeof(s) - 1)

/* ---- strings (RFC 8259 §7) ------------------------------------------------ */

/* Bytes that go out as they are: printable ASCII but '"' and '\\'. */
static inline int json_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void write_escape(sluice_buf *out, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char e[6] = {'\\', 0, 0, 0, 0, 0};
    size_t n = 2;
    switch (c) {
    case '"': e[1] = '"'; break;
    case '\\': e[1] = '\\'; break;
    case '\b': e[1] = 'b'; break;
    case '\f': e[1] = 'f'; break;
    case '\n': e[1] = 'n'; break;
    case '\r': e[1] = 'r'; break;
    case '\t': e[1] = 't'; break;
    default:
        /* Other control characters (RFC 8259 §7: U+0000 to U+001F). */
        e[1] = 'u';
        e[2] = '0';
        e[3] = '0';
        e[4] = hex[c >> 4];
        e[5] = hex[c & 15];
        n = 6;
    }
    buf_put(out, e, n);
}

/* A JSON string.  Valid UTF-8 passes through; a byte that is not part of a
 * valid sequence becomes U+FFFD, since JSON text must be UTF-8 (RFC 8259
 * §8.1) and a reader would otherwise reject the whole record. */
static void write_string(sluice_buf *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    buf_putc(out, '"');
    while (p < end) {
        const unsigned char *run = p;
        while (p < end && json_plain(*p))
            p++;
        if (p > run)
            buf_put(out, run, (size_t)(p - run));
        if (p == end)
            break;
        if (*p < 0x80) {
            write_escape(out, *p++);
            continue;
        }
        size_t n = utf8_sequence_len(p, (size_t)(end - p));
        if (n) {
            buf_put(out, p, n);
            p += n;
        } else {
            PUT_LITERAL(out, "\xef\xbf\xbd");
            p++;
        }
    }
    buf_putc(out, '"');
}

/* ---- scalars -------------------------------------------------------------- */

static void write_int(sluice_buf *out, int64_t v)
{
    char *p = buf_reserve(out, NUMBER_INT_SIZE);
    buf_commit(out, number_format_int(v, p));
}

/* JSON has no NaN or Infinity (RFC 8259 §6): they are written as null. */
static void write_double(sluice_buf *out, double d)
{
    if (!isfinite(d)) {
        PUT_LITERAL(out, "null");
        return;
    }
    char *p = buf_reserve(out, NUMBER_DOUBLE_SIZE);
    buf_commit(out, number_format_double(d, p));
}

static void write_decimal(sluice_buf *out, const sluice_field *f)
{
    if (f->flags & FIELD_DECIMAL_TEXT) {
        buf_put(out, f->v.s, f->len);
        return;
    }
    char *p = buf_reserve(out, DECIMAL_TEXT_SIZE);
    buf_commit(out, decimal_format(f->v.i, f->scale, p));
}

static void write_datetime(sluice_buf *out, int64_t epoch_us)
{
    char *p = buf_reserve(out, DATETIME_TEXT_SIZE + 2);
    p[0] = '"';
    size_t n = datetime_format(epoch_us, p + 1);
    p[n + 1] = '"';
    buf_commit(out, n + 2);
}

/* BYTES as base64 text (RFC 4648 §4). */
static void write_bytes(sluice_buf *out, const char *data, size_t len)
{
    size_t n = base64_encoded_len(len);
    char *p = buf_reserve(out, n + 2);
    p[0] = '"';
    base64_encode(data, len, p + 1);
    p[n + 1] = '"';
    buf_commit(out, n + 2);
}

/* ---- containers ----------------------------------------------------------- */

static void write_list(sluice_buf *out, const sluice_field *f)
{
    buf_putc(out, '[');
    for (uint32_t i = 0; i < f->len; i++) {
        if (i)
            buf_putc(out, ',');
        write_field(out, f->v.items[i]);
    }
    buf_putc(out, ']');
}

static void write_map(sluice_buf *out, const sluice_field *f)
{
    buf_putc(out, '{');
    for (uint32_t i = 0; i < f->len; i++) {
        const map_entry *e = &f->v.entries[i];
        if (i)
            buf_putc(out, ',');
        write_string(out, e->key, e->key_len);
        buf_putc(out, ':');
        write_field(out, e->value);
    }
    buf_putc(out, '}');
}

static void write_field(sluice_buf *out, const sluice_field *f)
{
    if (!f) {
        PUT_LITERAL(out, "null");
        return;
    }
    /* A number read from JSON goes back out digit for digit ("12.50"). */
    if (f->flags & FIELD_NUMBER_TEXT) {
        buf_put(out, f->text, f->text_len);
        return;
    }
    switch (f->type) {
    case SLUICE_BOOL:
        if (f->v.b)
            PUT_LITERAL(out, "true");
        else
            PUT_LITERAL(out, "false");
        break;
    case SLUICE_INT: write_int(out, f->v.i); break;
    case SLUICE_DOUBLE: write_double(out, f->v.d); break;
    case SLUICE_DECIMAL: write_decimal(out, f); break;
    case SLUICE_STRING: write_string(out, f->v.s, f->len); break;
    case SLUICE_BYTES: write_bytes(out, f->v.s, f->len); break;
    case SLUICE_DATETIME: write_datetime(out, f->v.i); break;
    case SLUICE_LIST: write_list(out, f); break;
    case SLUICE_MAP: write_map(out, f); break;
    default: PUT_LITERAL(out, "null"); break;
    }
}

SLUICE_API void sluice_json_write_field(sluice_buf *out, const sluice_field *field)
{
    write_field(out, field);
}

static void write_attributes(sluice_buf *out, const sluice_record *record)
{
    buf_putc(out, '{');
    for (uint32_t i = 0; i < record->n_attrs; i++) {
        if (i)
            buf_putc(out, ',');
        write_string(out, record->attrs[i].name, strlen(record->attrs[i].name));
        buf_putc(out, ':');
        write_string(out, record->attrs[i].value, strlen(record->attrs[i].value));
    }
    buf_putc(out, '}');
}

SLUICE_API void sluice_json_write_record(sluice_buf *out, const sluice_record *record, unsigned flags)
{
    if (!(flags & SLUICE_JSON_WITH_ATTRIBUTES)) {
        write_field(out, record->root);
        return;
    }
    PUT_LITERAL(out, "{\"attributes\":");
    write_attributes(out, record);
    PUT_LITERAL(out, ",\"value\":");
    write_field(out, record->root);
    buf_putc(out, '}');
}
