/* core/format/json_read.c — JSON text (RFC 8259) to fields, in the batch's
 * arena (sluice/format.h, DESIGN §2).
 *
 * Strict: exactly the RFC 8259 grammar (no comments, trailing commas,
 * NaN, single quotes or leading zeros), strings must be valid UTF-8
 * (RFC 8259 §8.1) and \u escapes must pair their surrogates (§7), so that
 * every string field holds valid UTF-8.  Objects keep their key order;
 * with duplicate keys the last one wins (§4 leaves it open; this is what
 * most readers do).  Nesting is limited to JSON_MAX_DEPTH so that a hostile
 * line cannot overflow the stack.
 *
 * Numbers (§6): an integer that fits int64 becomes INT; a larger integer
 * becomes a DECIMAL (scale 0) when it has at most DECIMAL_MAX_DIGITS
 * digits; any other number becomes a DOUBLE.  The non-INT ones keep their
 * text (FIELD_NUMBER_TEXT), which the writer puts back as it was.
 *
 * Errors are one line, "column N: expected ..." (and "line L, " first when
 * the text has several lines), N counting bytes from 1. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sluice/format.h>

#include "format/number.h"
#include "format/utf8.h"
#include "record/decimal.h"
#include "record/record_impl.h"

#define JSON_MAX_DEPTH 512
/* Objects with more members than this get a hash index for duplicates. */
#define JSON_INDEX_FROM 16u

typedef struct json_parser {
    sluice_batch *batch;
    const char *start, *p, *end;
    int depth;
    char *err;
    size_t errsize;
} json_parser;

static sluice_field *parse_value(json_parser *j);

/* ---- errors ---------------------------------------------------------------- */

static SLUICE_PRINTF(3, 4) void json_fail(json_parser *j, const char *at, const char *fmt, ...)
{
    if (j->errsize == 0)
        return;
    size_t line = 1;
    const char *line_start = j->start;
    for (const char *q = j->start; q < at; q++) {
        if (*q == '\n') {
            line++;
            line_start = q + 1;
        }
    }
    size_t column = (size_t)(at - line_start) + 1;
    int n = line > 1 ? snprintf(j->err, j->errsize, "line %zu, column %zu: ", line, column)
                     : snprintf(j->err, j->errsize, "column %zu: ", column);
    if (n < 0 || (size_t)n >= j->errsize)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(j->err + n, j->errsize - (size_t)n, fmt, ap);
    va_end(ap);
}

/* What is at `at`, for "expected X, found Y". */
static const char *json_found(const json_parser *j, const char *at, char buf[16])
{
    if (at >= j->end)
        return "end of input";
    unsigned char c = (unsigned char)*at;
    if (c >= 0x21 && c < 0x7f)
        snprintf(buf, 16, "'%c'", c);
    else
        snprintf(buf, 16, "byte 0x%02x", c);
    return buf;
}

static void json_expected(json_parser *j, const char *what)
{
    char buf[16];
    json_fail(j, j->p, "expected %s, found %s", what, json_found(j, j->p, buf));
}

/* ---- lexical ---------------------------------------------------------------- */

/* RFC 8259 §2: whitespace is space, tab, line feed and carriage return. */
static void skip_ws(json_parser *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static bool next_is(json_parser *j, char c)
{
    return j->p < j->end && *j->p == c;
}

static sluice_field *parse_literal(json_parser *j)
{
    static const struct {
        const char *text;
        size_t len;
    } literals[] = {{"true", 4}, {"false", 5}, {"null", 4}};
    for (size_t i = 0; i < 3; i++) {
        if ((size_t)(j->end - j->p) >= literals[i].len && memcmp(j->p, literals[i].text, literals[i].len) == 0) {
            j->p += literals[i].len;
            return i == 2 ? sluice_field_new_null(j->batch) : sluice_field_new_bool(j->batch, i == 0);
        }
    }
    json_expected(j, "a JSON value");
    return NULL;
}

/* ---- numbers (RFC 8259 §6) ------------------------------------------------- */

static bool is_digit(const json_parser *j, const char *q)
{
    return q < j->end && *q >= '0' && *q <= '9';
}

/* Skips `-? int frac? exp?`, reporting the first character that breaks the
 * grammar.  Sets *integer when there is neither fraction nor exponent. */
static bool scan_number(json_parser *j, bool *integer)
{
    if (*j->p == '-')
        j->p++;
    if (!is_digit(j, j->p)) {
        json_expected(j, "a digit");
        return false;
    }
    if (*j->p++ == '0') {
        if (is_digit(j, j->p)) {
            json_fail(j, j->p - 1, "leading zeros are not allowed in numbers");
            return false;
        }
    } else {
        while (is_digit(j, j->p))
            j->p++;
    }
    *integer = true;
    if (next_is(j, '.')) {
        *integer = false;
        j->p++;
        if (!is_digit(j, j->p)) {
            json_expected(j, "a digit after '.'");
            return false;
        }
        while (is_digit(j, j->p))
            j->p++;
    }
    if (next_is(j, 'e') || next_is(j, 'E')) {
        *integer = false;
        j->p++;
        if (next_is(j, '+') || next_is(j, '-'))
            j->p++;
        if (!is_digit(j, j->p)) {
            json_expected(j, "a digit in the exponent");
            return false;
        }
        while (is_digit(j, j->p))
            j->p++;
    }
    return true;
}

/* The int64 value of integer text, when it fits. */
static bool integer_value(const char *s, size_t n, int64_t *out)
{
    bool neg = s[0] == '-';
    uint64_t mag = 0;
    for (size_t i = neg; i < n; i++) {
        uint64_t digit = (uint64_t)(s[i] - '0');
        if (mag > (UINT64_MAX - digit) / 10)
            return false;
        mag = mag * 10 + digit;
    }
    if (neg ? mag > (uint64_t)INT64_MAX + 1u : mag > (uint64_t)INT64_MAX)
        return false;
    *out = neg ? (mag == 0 ? 0 : -(int64_t)(mag - 1u) - 1) : (int64_t)mag;
    return true;
}

static sluice_field *parse_number(json_parser *j)
{
    const char *s = j->p;
    bool integer;
    if (!scan_number(j, &integer))
        return NULL;
    size_t n = (size_t)(j->p - s);
    int64_t v = 0;
    bool fits = integer && integer_value(s, n, &v);
    /* "-0" is an INT 0 that keeps its text, so that it is written back as
     * it came. */
    bool negative_zero = fits && v == 0 && s[0] == '-';
    if (fits && !negative_zero)
        return sluice_field_new_int(j->batch, v);
    if (n > UINT32_MAX) {
        json_fail(j, s, "number longer than 4 GiB");
        return NULL;
    }
    const char *text = sluice_batch_strndup(j->batch, s, n);
    sluice_field *f;
    size_t digits = n - (s[0] == '-');
    if (negative_zero) {
        f = sluice_field_new_int(j->batch, 0);
    } else if (integer && digits <= DECIMAL_MAX_DIGITS) {
        /* JSON integer text is already canonical decimal text. */
        f = sluice_field_new_null(j->batch);
        f->type = SLUICE_DECIMAL;
        f->flags = FIELD_DECIMAL_TEXT;
        f->v.s = text;
        f->len = (uint32_t)n;
    } else {
        f = sluice_field_new_double(j->batch, number_parse_double(text, n));
    }
    f->flags |= FIELD_NUMBER_TEXT;
    f->text = text;
    f->text_len = (uint32_t)n;
    return f;
}

/* ---- strings (RFC 8259 §7) ------------------------------------------------- */

/* The closing quote of the string whose opening quote is at j->p, or end. */
static const char *string_close(const json_parser *j)
{
    const char *q = j->p + 1;
    while (q < j->end && *q != '"') {
        if (*q == '\\' && q + 1 < j->end)
            q++;
        q++;
    }
    return q;
}

static int hex4(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* A \uXXXX escape at j->p (on the backslash), with its low surrogate when
 * it is a high one; advances past it and writes UTF-8 to *out. */
static bool decode_u_escape(json_parser *j, const char *close, char **out)
{
    const char *at = j->p;
    uint32_t cp, low;
    if (close - j->p < 6 || hex4(j->p + 2, &cp) != 0) {
        json_fail(j, at, "expected 4 hex digits after \\u");
        return false;
    }
    j->p += 6;
    if (cp >= 0xdc00 && cp <= 0xdfff) {
        json_fail(j, at, "unpaired surrogate \\u%04x (a low surrogate must follow a high one)", (unsigned)cp);
        return false;
    }
    if (cp >= 0xd800 && cp <= 0xdbff) {
        if (close - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' || hex4(j->p + 2, &low) != 0 || low < 0xdc00 ||
            low > 0xdfff) {
            json_fail(j, at, "unpaired surrogate \\u%04x (expected a low surrogate \\udc00-\\udfff after it)",
                      (unsigned)cp);
            return false;
        }
        j->p += 6;
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
    }
    *out += utf8_encode(cp, *out);
    return true;
}

static bool decode_escape(json_parser *j, const char *close, char **out)
{
    char c = j->p + 1 < close ? j->p[1] : '\0';
    char decoded;
    switch (c) {
    case '"': decoded = '"'; break;
    case '\\': decoded = '\\'; break;
    case '/': decoded = '/'; break;
    case 'b': decoded = '\b'; break;
    case 'f': decoded = '\f'; break;
    case 'n': decoded = '\n'; break;
    case 'r': decoded = '\r'; break;
    case 't': decoded = '\t'; break;
    case 'u': return decode_u_escape(j, close, out);
    default:
        if (j->p + 1 == j->end) {
            j->p++;
            json_expected(j, "an escape character");
        } else {
            json_fail(j, j->p, "invalid escape (expected \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)");
        }
        return false;
    }
    *(*out)++ = decoded;
    j->p += 2;
    return true;
}

/* Decodes the string at j->p into `out` (room for its raw length and a
 * NUL) and leaves j->p after the closing quote.  Escapes only ever shrink:
 * \uXXXX (6 bytes) is at most 3 bytes of UTF-8, a pair (12) is 4. */
static bool decode_string(json_parser *j, const char *close, char *out, size_t *len)
{
    char *o = out;
    j->p++;
    while (j->p < close) {
        unsigned char c = (unsigned char)*j->p;
        if (c == '\\') {
            if (!decode_escape(j, close, &o))
                return false;
        } else if (c < 0x20) {
            json_fail(j, j->p, "control character in string (write it as \\u%04x)", c);
            return false;
        } else if (c < 0x80) {
            *o++ = (char)c;
            j->p++;
        } else {
            size_t n = utf8_sequence_len((const unsigned char *)j->p, (size_t)(close - j->p));
            if (n == 0) {
                json_fail(j, j->p, "invalid UTF-8 in string");
                return false;
            }
            memcpy(o, j->p, n);
            o += n;
            j->p += n;
        }
    }
    if (close == j->end) {
        json_expected(j, "'\"' (end of string)");
        return false;
    }
    j->p++;
    *o = '\0';
    *len = (size_t)(o - out);
    return true;
}

/* A string's decoded bytes, placed `before` bytes into a new arena block
 * (room for a field in front of it, or 0). */
static char *parse_string(json_parser *j, size_t before, size_t *len)
{
    const char *close = string_close(j);
    size_t raw = (size_t)(close - j->p);
    if (raw > UINT32_MAX) {
        json_fail(j, j->p, "string longer than 4 GiB");
        return NULL;
    }
    char *block = arena_alloc(j->batch->arena, before + raw + 1);
    if (!decode_string(j, close, block + before, len))
        return NULL;
    return block;
}

static sluice_field *parse_string_field(json_parser *j)
{
    size_t len;
    char *block = parse_string(j, sizeof(sluice_field), &len);
    if (!block)
        return NULL;
    sluice_field *f = (sluice_field *)block;
    *f = (sluice_field){.type = SLUICE_STRING, .len = (uint32_t)len};
    f->v.s = block + sizeof(sluice_field);
    return f;
}

/* ---- arrays and objects ------------------------------------------------------ */

static bool enter(json_parser *j)
{
    if (++j->depth > JSON_MAX_DEPTH) {
        json_fail(j, j->p, "nesting deeper than %d levels", JSON_MAX_DEPTH);
        return false;
    }
    j->p++;
    skip_ws(j);
    return true;
}

static sluice_field *parse_array(json_parser *j)
{
    if (!enter(j))
        return NULL;
    sluice_field *list = sluice_field_new_list(j->batch, 4);
    if (next_is(j, ']')) {
        j->p++;
        j->depth--;
        return list;
    }
    for (;;) {
        sluice_field *item = parse_value(j);
        if (!item)
            return NULL;
        sluice_list_append(j->batch, list, item);
        skip_ws(j);
        if (next_is(j, ',')) {
            j->p++;
            continue;
        }
        if (next_is(j, ']'))
            break;
        json_expected(j, "',' or ']'");
        return NULL;
    }
    j->p++;
    j->depth--;
    return list;
}

/* Finds duplicate keys in large objects: an open-addressing table of entry
 * indexes + 1, rebuilt in the arena at twice the size when half full, so
 * that an object with many members costs linear time, not quadratic. */
typedef struct key_index {
    uint32_t *slots;
    uint32_t mask; /* size - 1; size 0 until the object is large */
    uint32_t used;
} key_index;

static uint32_t key_hash(const char *key, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)key[i]) * 16777619u;
    return h;
}

static uint32_t *index_slot(const key_index *ix, const sluice_field *map, const char *key, size_t len)
{
    uint32_t i = key_hash(key, len) & ix->mask;
    for (;; i = (i + 1) & ix->mask) {
        uint32_t s = ix->slots[i];
        if (s == 0)
            return &ix->slots[i];
        const map_entry *e = &map->v.entries[s - 1];
        if (e->key_len == len && memcmp(e->key, key, len) == 0)
            return &ix->slots[i];
    }
}

static void index_rebuild(json_parser *j, key_index *ix, const sluice_field *map)
{
    uint32_t size = 64;
    while (size < map->len * 4)
        size *= 2;
    ix->slots = arena_alloc(j->batch->arena, size * sizeof *ix->slots);
    memset(ix->slots, 0, size * sizeof *ix->slots);
    ix->mask = size - 1;
    for (uint32_t k = 0; k < map->len; k++)
        *index_slot(ix, map, map->v.entries[k].key, map->v.entries[k].key_len) = k + 1;
    ix->used = map->len;
}

/* sluice_map_put() without copying the key (already in the arena). */
static void object_put(json_parser *j, sluice_field *map, key_index *ix, const char *key, size_t len,
                       sluice_field *value)
{
    if (map->len < JSON_INDEX_FROM) {
        for (uint32_t k = 0; k < map->len; k++) {
            map_entry *e = &map->v.entries[k];
            if (e->key_len == len && memcmp(e->key, key, len) == 0) {
                e->value = value;
                return;
            }
        }
        sluice_map_append_static(j->batch, map, key, len, value);
        return;
    }
    if (ix->mask == 0 || (ix->used + 1) * 2 > ix->mask + 1)
        index_rebuild(j, ix, map);
    uint32_t *slot = index_slot(ix, map, key, len);
    if (*slot) {
        map->v.entries[*slot - 1].value = value;
        return;
    }
    sluice_map_append_static(j->batch, map, key, len, value);
    *slot = map->len;
    ix->used++;
}

/* `"key" :` of an object member; leaves j->p on the value. */
static const char *parse_member_key(json_parser *j, size_t *len, const char *expected)
{
    skip_ws(j);
    if (!next_is(j, '"')) {
        json_expected(j, expected);
        return NULL;
    }
    const char *key = parse_string(j, 0, len);
    if (!key)
        return NULL;
    skip_ws(j);
    if (!next_is(j, ':')) {
        json_expected(j, "':' after the key");
        return NULL;
    }
    j->p++;
    return key;
}

/* After a member: true on ',' (another follows), false with *done on '}'. */
static bool member_separator(json_parser *j, bool *done)
{
    skip_ws(j);
    if (next_is(j, ',') || next_is(j, '}')) {
        *done = *j->p++ == '}';
        return true;
    }
    json_expected(j, "',' or '}'");
    return false;
}

static sluice_field *parse_object(json_parser *j)
{
    if (!enter(j))
        return NULL;
    sluice_field *map = sluice_field_new_map(j->batch, 8);
    key_index ix = {0};
    if (next_is(j, '}')) {
        j->p++;
        j->depth--;
        return map;
    }
    for (bool done = false; !done;) {
        size_t len;
        const char *key = parse_member_key(j, &len, "a string key");
        if (!key)
            return NULL;
        sluice_field *value = parse_value(j);
        if (!value)
            return NULL;
        object_put(j, map, &ix, key, len, value);
        if (!member_separator(j, &done))
            return NULL;
    }
    j->depth--;
    return map;
}

static sluice_field *parse_value(json_parser *j)
{
    skip_ws(j);
    if (j->p == j->end) {
        json_expected(j, "a JSON value");
        return NULL;
    }
    switch (*j->p) {
    case '{': return parse_object(j);
    case '[': return parse_array(j);
    case '"': return parse_string_field(j);
    case 't':
    case 'f':
    case 'n': return parse_literal(j);
    default:
        if (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))
            return parse_number(j);
        json_expected(j, "a JSON value");
        return NULL;
    }
}

/* ---- entry points ------------------------------------------------------------ */

static void parser_init(json_parser *j, sluice_batch *batch, const char *text, size_t len, char *err,
                        size_t errsize)
{
    *j = (json_parser){.batch = batch, .start = text, .p = text, .end = text + len, .err = err, .errsize = errsize};
    if (errsize > 0)
        err[0] = '\0';
}

static bool at_end(json_parser *j)
{
    skip_ws(j);
    if (j->p != j->end) {
        json_expected(j, "end of input");
        return false;
    }
    return true;
}

SLUICE_API sluice_field *sluice_json_parse_field(sluice_batch *batch, const char *text, size_t len, char *err,
                                                 size_t errsize)
{
    json_parser j;
    parser_init(&j, batch, text, len, err, errsize);
    sluice_field *f = parse_value(&j);
    return f && at_end(&j) ? f : NULL;
}

/* "attributes": an object whose values are strings.  Attributes are C
 * strings, so a \u0000 in one is refused rather than cut short. */
static bool parse_attributes(json_parser *j, sluice_record *record)
{
    skip_ws(j);
    if (!next_is(j, '{')) {
        json_expected(j, "'{' (the attributes object)");
        return false;
    }
    if (!enter(j))
        return false;
    if (next_is(j, '}')) {
        j->p++;
        j->depth--;
        return true;
    }
    for (bool done = false; !done;) {
        size_t name_len, value_len;
        skip_ws(j);
        const char *name_at = j->p;
        const char *name = parse_member_key(j, &name_len, "an attribute name");
        if (!name)
            return false;
        skip_ws(j);
        const char *value_at = j->p;
        if (!next_is(j, '"')) {
            json_expected(j, "a string (attribute values are strings)");
            return false;
        }
        const char *value = parse_string(j, 0, &value_len);
        if (!value)
            return false;
        if (strlen(name) != name_len || strlen(value) != value_len) {
            json_fail(j, strlen(name) != name_len ? name_at : value_at, "attribute contains a NUL character");
            return false;
        }
        sluice_record_set_attribute(j->batch, record, name, value);
        if (!member_separator(j, &done))
            return false;
    }
    j->depth--;
    return true;
}

/* {"attributes": {...}, "value": <root>}, members in any order, "value"
 * required. */
static bool parse_envelope(json_parser *j, sluice_record *record)
{
    skip_ws(j);
    if (!next_is(j, '{')) {
        json_expected(j, "'{' (a record envelope with \"attributes\" and \"value\")");
        return false;
    }
    if (!enter(j))
        return false;
    sluice_field *value = NULL;
    bool done = next_is(j, '}');
    if (done)
        j->p++;
    while (!done) {
        size_t len;
        skip_ws(j);
        const char *key_at = j->p;
        const char *key = parse_member_key(j, &len, "\"attributes\" or \"value\"");
        if (!key)
            return false;
        if (len == 10 && memcmp(key, "attributes", 10) == 0) {
            if (!parse_attributes(j, record))
                return false;
        } else if (len == 5 && memcmp(key, "value", 5) == 0) {
            if (!(value = parse_value(j)))
                return false;
        } else {
            json_fail(j, key_at, "unexpected key in the record envelope (expected \"attributes\" or \"value\")");
            return false;
        }
        if (!member_separator(j, &done))
            return false;
    }
    if (!value) {
        json_fail(j, j->p - 1, "the record envelope has no \"value\"");
        return false;
    }
    j->depth--;
    record->root = value;
    return true;
}

SLUICE_API sluice_record *sluice_json_parse_record(sluice_batch *batch, const char *text, size_t len,
                                                   unsigned flags, char *err, size_t errsize)
{
    json_parser j;
    parser_init(&j, batch, text, len, err, errsize);
    if (!(flags & SLUICE_JSON_WITH_ATTRIBUTES)) {
        sluice_field *root = parse_value(&j);
        if (!root || !at_end(&j))
            return NULL;
        return sluice_record_new(batch, root);
    }
    sluice_record *record = sluice_record_new(batch, NULL);
    if (!parse_envelope(&j, record) || !at_end(&j))
        return NULL;
    return record;
}
