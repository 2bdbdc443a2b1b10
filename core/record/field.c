/* core/record/field.c — field constructors, getters and deep copy.
 *
 * Constructors run once per field on the hot path (a generator makes tens
 * of millions a second), so each is one bump allocation in the batch's
 * arena and a few stores (a compound literal assignment), and strings
 * share the allocation with their field.  LIST and MAP live in map.c, DECIMAL text in decimal.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record/decimal.h"
#include "record/record_impl.h"


/* A field of `type` with `extra` bytes right after it (a string's bytes,
 * a decimal's text), in one allocation. */
static inline sluice_field *field_alloc(sluice_batch *batch, sluice_type type, size_t extra)
{
    sluice_field *f = arena_alloc(batch->arena, sizeof *f + extra);
    *f = (sluice_field){.type = (uint8_t)type};
    return f;
}

/* The value part of a field, which the calling convention passes in a
 * register. */
typedef __typeof__(((sluice_field *)0)->v) field_value;

/* When the current chunk is full: a field from the next one. */
static __attribute__((noinline)) sluice_field *field_new_slow(sluice_batch *batch, sluice_type type, int scale,
                                                              uint32_t len, field_value v)
{
    sluice_field *f = arena_alloc_slow(batch->arena, sizeof *f);
    *f = (sluice_field){.type = (uint8_t)type, .scale = (int16_t)scale, .len = len, .v = v};
    return f;
}

/* Returns a new field of type_ whose v.<member_> is value_.  The common
 * path bumps the arena inline and calls nothing, so the scalar
 * constructors need no stack frame: about fifteen instructions each. */
#define RETURN_NEW_FIELD(batch_, type_, scale_, len_, member_, value_)                                            \
    do {                                                                                                           \
        arena *a_ = (batch_)->arena;                                                                               \
        if ((size_t)(a_->end - a_->cur) < sizeof(sluice_field))                                                    \
            return field_new_slow((batch_), (type_), (scale_), (len_), (field_value){.member_ = (value_)});        \
        sluice_field *f_ = (sluice_field *)(void *)a_->cur;                                                        \
        a_->cur += sizeof(sluice_field);                                                                           \
        a_->used += sizeof(sluice_field);                                                                          \
        *f_ = (sluice_field){                                                                                      \
            .type = (type_), .scale = (int16_t)(scale_), .len = (len_), .v.member_ = (value_)};                    \
        return f_;                                                                                                 \
    } while (0)

/* Out of line, so that the constructors' length check costs a compare. */
static __attribute__((noinline, cold, noreturn)) void field_too_long(size_t len)
{
    fprintf(stderr, "sluice: field of %zu bytes is larger than 4 GiB\n", len);
    abort();
}

/* Lengths are 32-bit in the field layout; a 4 GiB string in one record is a
 * bug upstream, not data to carry. */
static inline uint32_t field_len32(size_t len)
{
    if (len > UINT32_MAX)
        field_too_long(len);
    return (uint32_t)len;
}

SLUICE_API const char *sluice_type_name(sluice_type type)
{
    static const char *const names[] = {
        [SLUICE_NULL] = "null",     [SLUICE_BOOL] = "bool",   [SLUICE_INT] = "int",
        [SLUICE_DOUBLE] = "double", [SLUICE_DECIMAL] = "decimal", [SLUICE_STRING] = "string",
        [SLUICE_BYTES] = "bytes",   [SLUICE_DATETIME] = "datetime", [SLUICE_LIST] = "list",
        [SLUICE_MAP] = "map",
    };
    if ((unsigned)type >= sizeof names / sizeof names[0])
        return "?";
    return names[type];
}

/* ---- constructors -------------------------------------------------------- */

SLUICE_API sluice_field *sluice_field_new_null(sluice_batch *batch)
{
    RETURN_NEW_FIELD(batch, SLUICE_NULL, 0, 0, i, 0);
}

SLUICE_API sluice_field *sluice_field_new_bool(sluice_batch *batch, bool value)
{
    RETURN_NEW_FIELD(batch, SLUICE_BOOL, 0, 0, b, value);
}

SLUICE_API sluice_field *sluice_field_new_int(sluice_batch *batch, int64_t value)
{
    RETURN_NEW_FIELD(batch, SLUICE_INT, 0, 0, i, value);
}

SLUICE_API sluice_field *sluice_field_new_double(sluice_batch *batch, double value)
{
    RETURN_NEW_FIELD(batch, SLUICE_DOUBLE, 0, 0, d, value);
}

SLUICE_API sluice_field *sluice_field_new_decimal(sluice_batch *batch, int64_t unscaled, int scale)
{
    if ((unsigned)scale > DECIMAL_MAX_SCALE)
        return NULL;
    RETURN_NEW_FIELD(batch, SLUICE_DECIMAL, scale, 0, i, unscaled);
}

SLUICE_API sluice_field *sluice_field_new_decimal_text(sluice_batch *batch, const char *text, size_t len)
{
    decimal_value d;
    if (decimal_parse(text, len, &d) != 0)
        return NULL;
    if (d.fits)
        return sluice_field_new_decimal(batch, d.unscaled, d.scale);
    sluice_field *f = field_alloc(batch, SLUICE_DECIMAL, d.len + 1);
    char *copy = (char *)(f + 1);
    memcpy(copy, d.text, d.len + 1);
    f->flags = FIELD_DECIMAL_TEXT;
    f->scale = (int16_t)d.scale;
    f->len = (uint32_t)d.len;
    f->v.s = copy;
    return f;
}

/* STRING or BYTES holding a NUL-terminated copy of the data. */
static sluice_field *field_new_copy(sluice_batch *batch, sluice_type type, const void *data, size_t len)
{
    uint32_t len32 = field_len32(len);
    sluice_field *f = field_alloc(batch, type, (size_t)len32 + 1);
    char *copy = (char *)(f + 1);
    if (len32)
        memcpy(copy, data, len32);
    copy[len32] = '\0';
    f->len = len32;
    f->v.s = copy;
    return f;
}

SLUICE_API sluice_field *sluice_field_new_string(sluice_batch *batch, const char *s, size_t len)
{
    return field_new_copy(batch, SLUICE_STRING, s, len);
}

SLUICE_API sluice_field *sluice_field_new_string_static(sluice_batch *batch, const char *s, size_t len)
{
    uint32_t len32 = field_len32(len);
    RETURN_NEW_FIELD(batch, SLUICE_STRING, 0, len32, s, s);
}

SLUICE_API sluice_field *sluice_field_new_bytes(sluice_batch *batch, const void *data, size_t len)
{
    return field_new_copy(batch, SLUICE_BYTES, data, len);
}

SLUICE_API sluice_field *sluice_field_new_datetime(sluice_batch *batch, int64_t epoch_us)
{
    RETURN_NEW_FIELD(batch, SLUICE_DATETIME, 0, 0, i, epoch_us);
}

/* ---- getters: NULL-safe, so that sluice_field_get_int(sluice_record_get(
 * r, "/x")) is 0 when there is no /x. ---------------------------------------- */

SLUICE_API sluice_type sluice_field_type(const sluice_field *field)
{
    return field ? (sluice_type)field->type : SLUICE_NULL;
}

SLUICE_API bool sluice_field_get_bool(const sluice_field *field)
{
    return field && field->type == SLUICE_BOOL ? field->v.b != 0 : false;
}

SLUICE_API int64_t sluice_field_get_int(const sluice_field *field)
{
    return field && field->type == SLUICE_INT ? field->v.i : 0;
}

SLUICE_API double sluice_field_get_double(const sluice_field *field)
{
    if (!field)
        return 0.0;
    switch (field->type) {
    case SLUICE_DOUBLE:
        return field->v.d;
    case SLUICE_INT:
        return (double)field->v.i;
    case SLUICE_DECIMAL:
        return decimal_to_double(field);
    default:
        return 0.0;
    }
}

SLUICE_API int64_t sluice_field_get_datetime(const sluice_field *field)
{
    return field && field->type == SLUICE_DATETIME ? field->v.i : 0;
}

SLUICE_API const char *sluice_field_get_string(const sluice_field *field, size_t *len)
{
    if (field && (field->type == SLUICE_STRING || field->type == SLUICE_BYTES)) {
        if (len)
            *len = field->len;
        return field->v.s;
    }
    if (len)
        *len = 0;
    return NULL;
}

SLUICE_API int sluice_field_get_decimal(const sluice_field *field, int64_t *unscaled, int *scale)
{
    if (!field || field->type != SLUICE_DECIMAL || (field->flags & FIELD_DECIMAL_TEXT))
        return -1;
    if (unscaled)
        *unscaled = field->v.i;
    if (scale)
        *scale = field->scale;
    return 0;
}

SLUICE_API size_t sluice_field_decimal_text(const sluice_field *field, char *buf, size_t size)
{
    char tmp[DECIMAL_TEXT_SIZE];
    const char *text = tmp;
    size_t n = 0;
    if (field && field->type == SLUICE_DECIMAL) {
        if (field->flags & FIELD_DECIMAL_TEXT) {
            text = field->v.s;
            n = field->len;
        } else {
            n = decimal_format(field->v.i, field->scale, tmp);
        }
    }
    if (size > 0) {
        size_t c = n < size - 1 ? n : size - 1;
        memcpy(buf, text, c);
        buf[c] = '\0';
    }
    return n;
}

SLUICE_API const char *sluice_field_number_text(const sluice_field *field, size_t *len)
{
    if (field && (field->flags & FIELD_NUMBER_TEXT)) {
        if (len)
            *len = field->text_len;
        return field->text;
    }
    if (len)
        *len = 0;
    return NULL;
}

/* ---- deep copy ------------------------------------------------------------ */

static sluice_field *copy_list(sluice_batch *batch, const sluice_field *src)
{
    sluice_field *dst = sluice_field_new_list(batch, src->len);
    for (uint32_t i = 0; i < src->len; i++)
        dst->v.items[i] = sluice_field_copy(batch, src->v.items[i]);
    dst->len = src->len;
    return dst;
}

static sluice_field *copy_map(sluice_batch *batch, const sluice_field *src)
{
    sluice_field *dst = sluice_field_new_map(batch, src->len);
    for (uint32_t i = 0; i < src->len; i++) {
        const map_entry *e = &src->v.entries[i];
        dst->v.entries[i].key = sluice_batch_strndup(batch, e->key, e->key_len);
        dst->v.entries[i].key_len = e->key_len;
        dst->v.entries[i].value = sluice_field_copy(batch, e->value);
    }
    dst->len = src->len;
    return dst;
}

/* Everything is copied, static strings and keys too: the copy may live in
 * a batch that outlives the memory they point to. */
SLUICE_API sluice_field *sluice_field_copy(sluice_batch *batch, const sluice_field *field)
{
    if (!field)
        return NULL;
    sluice_field *dst;
    switch (field->type) {
    case SLUICE_STRING:
    case SLUICE_BYTES:
        dst = field_new_copy(batch, (sluice_type)field->type, field->v.s, field->len);
        break;
    case SLUICE_DECIMAL:
        dst = field_alloc(batch, SLUICE_DECIMAL, 0);
        *dst = *field;
        if (field->flags & FIELD_DECIMAL_TEXT)
            dst->v.s = sluice_batch_strndup(batch, field->v.s, field->len);
        break;
    case SLUICE_LIST:
        return copy_list(batch, field);
    case SLUICE_MAP:
        return copy_map(batch, field);
    default:
        dst = field_alloc(batch, SLUICE_NULL, 0);
        *dst = *field;
        break;
    }
    if (field->flags & FIELD_NUMBER_TEXT) {
        dst->flags |= FIELD_NUMBER_TEXT;
        dst->text = sluice_batch_strndup(batch, field->text, field->text_len);
        dst->text_len = field->text_len;
    }
    return dst;
}
