/* core/pipeline/strict_json.c — an RFC 8259 checker in front of json-c.
 *
 * The checker walks the text once, by recursive descent bounded by
 * STRICT_JSON_MAX_DEPTH, and stops at the first mistake with its byte
 * offset and a sentence for the operator.  It also decodes every object
 * key so that duplicates ("a" and "\u0061" are the same key) are found:
 * json-c would silently keep the last one.  \u0000 is refused, so a
 * decoded key is a plain C string. */
#include "pipeline/strict_json.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/linkhash.h>
#include <sluice/abi.h>

typedef struct open_container {
    const char *kind; /* "object", "array", or NULL at the top */
    size_t offset;    /* of its bracket */
} open_container;

typedef struct scanner {
    const char *text;
    size_t len;
    size_t pos;
    int depth;
    open_container open; /* the innermost unclosed one, for end-of-input messages */
    size_t err_offset;
    char what[256];
} scanner;

static int fail_at(scanner *s, size_t offset, const char *fmt, ...) SLUICE_PRINTF(3, 4);

static int fail_at(scanner *s, size_t offset, const char *fmt, ...)
{
    s->err_offset = offset;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->what, sizeof s->what, fmt, ap);
    va_end(ap);
    return -1;
}

void strict_json_position(const char *text, size_t offset, size_t *line, size_t *col)
{
    size_t l = 1, c = 1;
    for (size_t i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) { /* not a UTF-8 continuation byte */
            c++;
        }
    }
    *line = l;
    *col = c;
}

static void skip_ws(scanner *s)
{
    while (s->pos < s->len) {
        char c = s->text[s->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        s->pos++;
    }
}

static bool at_eof(const scanner *s)
{
    return s->pos >= s->len;
}

static int peek(const scanner *s)
{
    return at_eof(s) ? -1 : (unsigned char)s->text[s->pos];
}

static bool is_word_char(int c)
{
    return c >= 0 && (isalnum(c) || c == '_' || c == '$');
}

static bool is_word_start(int c)
{
    return c >= 0 && (isalpha(c) || c == '_' || c == '$');
}

static size_t utf8_sequence(const unsigned char *p, size_t avail);

/* Names the unexpected thing at the current position: an unclosed
 * container at the end, a comment, a single quote, a bare word, or a
 * character.  `expected` says what would have been right. */
static int unexpected(scanner *s, const char *expected)
{
    size_t at = s->pos;
    if (at_eof(s)) {
        if (!s->open.kind)
            return fail_at(s, at, "unexpected end of input (expected %s)", expected);
        size_t line, col;
        strict_json_position(s->text, s->open.offset, &line, &col);
        return fail_at(s, at, "unexpected end of input: the %s opened at %zu:%zu is not closed", s->open.kind, line,
                       col);
    }
    int c = peek(s);
    if (c == '/' && at + 1 < s->len && (s->text[at + 1] == '/' || s->text[at + 1] == '*'))
        return fail_at(s, at, "comments are not allowed in JSON");
    if (c == '\'')
        return fail_at(s, at, "single quotes are not allowed in JSON: use double quotes");
    if (is_word_start(c)) {
        size_t end = at;
        while (end < s->len && is_word_char((unsigned char)s->text[end]) && end - at < 32)
            end++;
        int n = (int)(end - at);
        const char *w = s->text + at;
        if ((n == 3 && !memcmp(w, "NaN", 3)) || (n == 8 && !memcmp(w, "Infinity", 8)))
            return fail_at(s, at, "%.*s is not a JSON number", n, w);
        return fail_at(s, at, "unexpected word \"%.*s\" (expected %s)", n, w, expected);
    }
    if (c >= 0x80) {
        size_t n = utf8_sequence((const unsigned char *)s->text + at, s->len - at);
        if (n == 0)
            return fail_at(s, at, "invalid UTF-8");
        return fail_at(s, at, "unexpected '%.*s' (expected %s)", (int)n, s->text + at, expected);
    }
    if (c < 0x20 || c == 0x7F)
        return fail_at(s, at, "unexpected byte 0x%02X (expected %s)", (unsigned)c, expected);
    return fail_at(s, at, "unexpected '%c' (expected %s)", c, expected);
}

/* ---- strings ------------------------------------------------------------ */

typedef struct strbuf {
    char *data;
    size_t len, cap;
} strbuf;

static void strbuf_put(strbuf *b, const char *bytes, size_t n)
{
    if (!b)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 32;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->data, cap);
        if (!p)
            abort(); /* a descriptor key cannot need this much; out of memory */
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, bytes, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void strbuf_put_utf8(strbuf *b, uint32_t cp)
{
    char out[4];
    size_t n;
    if (cp < 0x80) {
        out[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        out[0] = (char)(0xF0 | (cp >> 18));
        out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    strbuf_put(b, out, n);
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0. */
static size_t utf8_sequence(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (avail < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return n;
}

static int hex4(scanner *s, size_t at, uint32_t *out)
{
    if (at + 4 > s->len)
        return -1;
    uint32_t v = 0;
    for (size_t i = 0; i < 4; i++) {
        int c = (unsigned char)s->text[at + i];
        int d = isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + (uint32_t)d;
    }
    *out = v;
    return 0;
}

/* A \uXXXX escape (a surrogate pair counts as one); pos is at the 'u'. */
static int scan_unicode_escape(scanner *s, size_t esc, strbuf *out)
{
    uint32_t cp;
    if (hex4(s, s->pos + 1, &cp) != 0)
        return fail_at(s, esc, "invalid \\u escape: expected 4 hex digits");
    s->pos += 5;
    if (cp >= 0xDC00 && cp <= 0xDFFF)
        return fail_at(s, esc, "invalid \\u escape: unpaired surrogate");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t low;
        if (s->pos + 1 >= s->len || s->text[s->pos] != '\\' || s->text[s->pos + 1] != 'u' ||
            hex4(s, s->pos + 2, &low) != 0 || low < 0xDC00 || low > 0xDFFF)
            return fail_at(s, esc, "invalid \\u escape: unpaired surrogate");
        s->pos += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    /* C strings end at NUL: a key or value holding one would be cut short. */
    if (cp == 0)
        return fail_at(s, esc, "\\u0000 (NUL) is not allowed");
    strbuf_put_utf8(out, cp);
    return 0;
}

static int scan_escape(scanner *s, strbuf *out)
{
    size_t esc = s->pos;
    s->pos++; /* the backslash */
    if (at_eof(s))
        return fail_at(s, esc, "unterminated string");
    char c = s->text[s->pos];
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = c ? strchr(from, c) : NULL;
    if (hit) {
        strbuf_put(out, &to[hit - from], 1);
        s->pos++;
        return 0;
    }
    if (c == 'u')
        return scan_unicode_escape(s, esc, out);
    if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7F)
        return fail_at(s, esc, "invalid escape in a string");
    return fail_at(s, esc, "invalid escape \\%c in a string", c);
}

/* A string at pos (its opening quote); decoded into out when out is set. */
static int scan_string(scanner *s, strbuf *out)
{
    size_t open = s->pos;
    s->pos++;
    for (;;) {
        if (at_eof(s))
            return fail_at(s, open, "unterminated string");
        unsigned char c = (unsigned char)s->text[s->pos];
        if (c == '"') {
            s->pos++;
            return 0;
        }
        if (c == '\\') {
            if (scan_escape(s, out) != 0)
                return -1;
            continue;
        }
        if (c == '\n')
            return fail_at(s, open, "unterminated string (a line break inside a string must be written \\n)");
        if (c < 0x20)
            return fail_at(s, s->pos, "control character 0x%02X inside a string: escape it", (unsigned)c);
        size_t n = c < 0x80 ? 1 : utf8_sequence((const unsigned char *)s->text + s->pos, s->len - s->pos);
        if (n == 0)
            return fail_at(s, s->pos, "invalid UTF-8");
        strbuf_put(out, s->text + s->pos, n);
        s->pos += n;
    }
}

/* ---- numbers and literals ----------------------------------------------- */

static size_t scan_digits(scanner *s)
{
    size_t start = s->pos;
    while (!at_eof(s) && isdigit(peek(s)))
        s->pos++;
    return s->pos - start;
}

/* json-c clamps integers past 64 bits and turns 1e400 into infinity, both
 * silently: refuse them here, where the number can be pointed at. */
static int check_number_range(scanner *s, size_t start, bool integral)
{
    size_t n = s->pos - start;
    char small[128];
    char *lit = n < sizeof small ? small : malloc(n + 1);
    if (!lit)
        abort();
    memcpy(lit, s->text + start, n);
    lit[n] = '\0';
    errno = 0;
    bool bad;
    if (integral) {
        (void)strtoll(lit, NULL, 10);
        bad = errno == ERANGE;
    } else {
        double d = strtod(lit, NULL);
        bad = isinf(d);
    }
    if (lit != small)
        free(lit);
    if (bad)
        return fail_at(s, start, integral ? "integer out of range (more than 64 bits)" : "number out of range");
    return 0;
}

static int scan_number(scanner *s)
{
    size_t start = s->pos;
    bool integral = true;
    if (peek(s) == '-')
        s->pos++;
    if (peek(s) == '0') {
        s->pos++;
        if (isdigit(peek(s)))
            return fail_at(s, start, "numbers must not start with 0");
    } else if (scan_digits(s) == 0) {
        return fail_at(s, s->pos, "expected a digit after '-'");
    }
    if (peek(s) == '.') {
        s->pos++;
        integral = false;
        if (scan_digits(s) == 0)
            return fail_at(s, s->pos, "expected a digit after '.'");
    }
    if (peek(s) == 'e' || peek(s) == 'E') {
        s->pos++;
        integral = false;
        if (peek(s) == '+' || peek(s) == '-')
            s->pos++;
        if (scan_digits(s) == 0)
            return fail_at(s, s->pos, "expected a digit in the exponent");
    }
    return check_number_range(s, start, integral);
}

static int scan_literal(scanner *s, const char *expected)
{
    static const char *const words[] = {"true", "false", "null"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i]);
        if (s->len - s->pos >= n && !memcmp(s->text + s->pos, words[i], n) &&
            !is_word_char(s->pos + n < s->len ? (unsigned char)s->text[s->pos + n] : -1)) {
            s->pos += n;
            return 0;
        }
    }
    return unexpected(s, expected);
}

/* ---- containers --------------------------------------------------------- */

static int scan_value(scanner *s);

/* Opens a container; *saved keeps the enclosing one for leave(). */
static int enter(scanner *s, const char *kind, open_container *saved)
{
    if (s->depth + 1 > STRICT_JSON_MAX_DEPTH)
        return fail_at(s, s->pos, "nested deeper than %d levels", STRICT_JSON_MAX_DEPTH);
    s->depth++;
    *saved = s->open;
    s->open = (open_container){kind, s->pos++};
    return 0;
}

static int leave(scanner *s, const open_container *saved, int rc)
{
    s->depth--;
    s->open = *saved;
    return rc;
}

static void free_key(struct lh_entry *e)
{
    free(lh_entry_k(e));
}

/* Records the key just decoded (taking its buffer) with the offset of
 * its quote; fails when the object already has it.  A hash table, since
 * a config may hold a large map. */
static int remember_key(scanner *s, struct lh_table **keys, strbuf *key, size_t offset)
{
    if (!*keys && !(*keys = lh_kchar_table_new(16, free_key)))
        abort();
    void *first;
    if (lh_table_lookup_ex(*keys, key->data, &first)) {
        size_t line, col;
        strict_json_position(s->text, (size_t)(uintptr_t)first, &line, &col);
        return fail_at(s, offset, "duplicate key \"%.64s\" (first at %zu:%zu)", key->data, line, col);
    }
    if (lh_table_insert(*keys, key->data, (void *)(uintptr_t)offset) != 0)
        abort();
    *key = (strbuf){0};
    return 0;
}

static int scan_member(scanner *s, struct lh_table **keys)
{
    if (peek(s) != '"')
        return unexpected(s, "a key in double quotes");
    size_t key_at = s->pos;
    strbuf key = {0};
    if (scan_string(s, &key) != 0) {
        free(key.data);
        return -1;
    }
    if (!key.data)
        strbuf_put(&key, "", 0);
    if (remember_key(s, keys, &key, key_at) != 0) {
        free(key.data);
        return -1;
    }
    skip_ws(s);
    if (peek(s) != ':')
        return unexpected(s, "':' after the key");
    s->pos++;
    return scan_value(s);
}

static int scan_object(scanner *s)
{
    open_container saved;
    if (enter(s, "object", &saved) != 0)
        return -1;
    struct lh_table *keys = NULL; /* created at the first key */
    int rc = 0;
    skip_ws(s);
    if (peek(s) == '}') {
        s->pos++;
        goto done;
    }
    for (;;) {
        if ((rc = scan_member(s, &keys)) != 0)
            goto done;
        skip_ws(s);
        if (peek(s) == '}') {
            s->pos++;
            goto done;
        }
        if (peek(s) != ',') {
            rc = unexpected(s, "',' or '}'");
            goto done;
        }
        size_t comma = s->pos++;
        skip_ws(s);
        if (peek(s) == '}') {
            rc = fail_at(s, comma, "trailing comma before '}'");
            goto done;
        }
    }
done:
    if (keys)
        lh_table_free(keys);
    return leave(s, &saved, rc);
}

static int scan_array(scanner *s)
{
    open_container saved;
    if (enter(s, "array", &saved) != 0)
        return -1;
    skip_ws(s);
    if (peek(s) == ']') {
        s->pos++;
        return leave(s, &saved, 0);
    }
    for (;;) {
        if (scan_value(s) != 0)
            return -1;
        skip_ws(s);
        if (peek(s) == ']') {
            s->pos++;
            return leave(s, &saved, 0);
        }
        if (peek(s) != ',')
            return unexpected(s, "',' or ']'");
        size_t comma = s->pos++;
        skip_ws(s);
        if (peek(s) == ']')
            return fail_at(s, comma, "trailing comma before ']'");
    }
}

static int scan_value(scanner *s)
{
    skip_ws(s);
    int c = peek(s);
    if (c == '{')
        return scan_object(s);
    if (c == '[')
        return scan_array(s);
    if (c == '"')
        return scan_string(s, NULL);
    if (c == '-' || isdigit(c))
        return scan_number(s);
    if (c == 't' || c == 'f' || c == 'n')
        return scan_literal(s, "a value");
    return unexpected(s, "a value");
}

static int scan_document(scanner *s)
{
    skip_ws(s);
    if (at_eof(s))
        return fail_at(s, s->pos, "empty document");
    if (scan_value(s) != 0)
        return -1;
    skip_ws(s);
    if (!at_eof(s)) {
        if (peek(s) == '/' && s->pos + 1 < s->len && (s->text[s->pos + 1] == '/' || s->text[s->pos + 1] == '*'))
            return fail_at(s, s->pos, "comments are not allowed in JSON");
        return fail_at(s, s->pos, "unexpected text after the end of the JSON document");
    }
    return 0;
}

/* ---- parsing ------------------------------------------------------------- */

static void located(char *err, size_t errsize, const char *source, const char *text, size_t offset, const char *what)
{
    size_t line, col;
    strict_json_position(text, offset, &line, &col);
    if (err && errsize)
        snprintf(err, errsize, "%s:%zu:%zu: %s", source, line, col, what);
}

json_object *strict_json_parse(const char *text, size_t len, const char *source, char *err, size_t errsize)
{
    if (!source)
        source = "<descriptor>";
    if (len > STRICT_JSON_MAX_LEN) {
        if (err && errsize)
            snprintf(err, errsize, "%s: too large (more than %u MiB)", source, STRICT_JSON_MAX_LEN >> 20);
        return NULL;
    }
    /* RFC 8259 §8.1 lets a parser ignore a byte order mark; editors on
     * Windows write one. */
    size_t bom = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
    scanner s = {.text = text, .len = len, .pos = bom};
    if (scan_document(&s) != 0) {
        located(err, errsize, source, text, s.err_offset, s.what);
        return NULL;
    }
    json_tokener *tok = json_tokener_new_ex(STRICT_JSON_MAX_DEPTH + 1);
    if (!tok)
        abort();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *root = json_tokener_parse_ex(tok, text + bom, (int)(len - bom));
    if (!root || json_tokener_get_error(tok) != json_tokener_success) {
        /* Only reachable if json-c is stricter than the checker above. */
        enum json_tokener_error e = json_tokener_get_error(tok);
        located(err, errsize, source, text, bom + json_tokener_get_parse_end(tok),
                e == json_tokener_continue ? "unexpected end of input" : json_tokener_error_desc(e));
        json_object_put(root);
        root = NULL;
    }
    json_tokener_free(tok);
    return root;
}

/* ---- values in messages -------------------------------------------------- */

const char *strict_json_kind(json_object *value)
{
    switch (json_object_get_type(value)) {
    case json_type_null: return "null";
    case json_type_boolean: return json_object_get_boolean(value) ? "true" : "false";
    case json_type_int:
    case json_type_double: return "a number";
    case json_type_string: return "a string";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    }
    return "a value";
}

/* Cuts a UTF-8 string to at most max bytes on a character boundary. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

const char *strict_json_brief(json_object *value, char *buf, size_t size)
{
    enum json_type t = json_object_get_type(value);
    if (t == json_type_object || t == json_type_array || t == json_type_null) {
        snprintf(buf, size, "%s", strict_json_kind(value));
        return buf;
    }
    const char *text = json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    size_t len = strlen(text);
    enum { LONGEST = 48 };
    if (len <= LONGEST) {
        snprintf(buf, size, "%s", text);
        return buf;
    }
    size_t keep = utf8_cut(text, len, LONGEST - 4);
    /* A JSON string stays quoted; cutting an escape in half is harmless. */
    snprintf(buf, size, "%.*s...%s", (int)keep, text, t == json_type_string ? "\"" : "");
    return buf;
}
