/* core/expr/fn_str.c — the str: namespace without regexes (SDC "String
 * Functions"; the regex ones are in fn_regex.c).
 *
 * Indexes and lengths count Unicode code points of the UTF-8 text, where
 * Java counts UTF-16 units: the two agree except for characters outside
 * the Basic Multilingual Plane (emoji), which Java counts twice.
 * toUpper / toLower change ASCII letters only (Java's would also change
 * other scripts' letters); trim removes bytes up to ' ', as Java's trim().
 * Results built here go to the evaluation's scratch memory; substrings
 * point into their argument. */
#include "config.h"

#include <string.h>

#include "expr/expr_impl.h"

static bool is_continuation(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* Code points in s[0, len). */
static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += !is_continuation(s[i]);
    return n;
}

/* The byte offset of code point `index` (len when past the end). */
static size_t char_offset(const char *s, size_t len, size_t index)
{
    size_t i = 0;
    for (size_t n = 0; i < len; i++) {
        if (!is_continuation(s[i])) {
            if (n == index)
                return i;
            n++;
        }
    }
    return len;
}

static void set_bool(expr_value *out, bool b)
{
    out->type = EXPR_BOOL;
    out->u.b = b;
}

static void set_long(expr_value *out, int64_t i)
{
    out->type = EXPR_LONG;
    out->u.i = i;
}

/* The first occurrence of needle in s, or NULL. */
static const char *find(const char *s, size_t len, const char *needle, size_t nlen)
{
    if (nlen == 0)
        return s;
    return memmem(s, len, needle, nlen);
}

static int fn_contains(const expr_call *call, expr_value *out)
{
    const char *s, *sub;
    size_t len, sublen;
    if (expr_arg_string(call, 0, &s, &len) != 0 || expr_arg_string(call, 1, &sub, &sublen) != 0)
        return -1;
    set_bool(out, find(s, len, sub, sublen) != NULL);
    return 0;
}

static int fn_starts_with(const expr_call *call, expr_value *out)
{
    const char *s, *pre;
    size_t len, prelen;
    if (expr_arg_string(call, 0, &s, &len) != 0 || expr_arg_string(call, 1, &pre, &prelen) != 0)
        return -1;
    set_bool(out, prelen <= len && !memcmp(s, pre, prelen));
    return 0;
}

static int fn_ends_with(const expr_call *call, expr_value *out)
{
    const char *s, *suf;
    size_t len, suflen;
    if (expr_arg_string(call, 0, &s, &len) != 0 || expr_arg_string(call, 1, &suf, &suflen) != 0)
        return -1;
    set_bool(out, suflen <= len && !memcmp(s + len - suflen, suf, suflen));
    return 0;
}

static int change_case(const expr_call *call, expr_value *out, bool upper)
{
    const char *s;
    size_t len;
    if (expr_arg_string(call, 0, &s, &len) != 0)
        return -1;
    char *r = expr_scratch(call->ev, len + 1);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (upper && c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        else if (!upper && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        r[i] = c;
    }
    r[len] = '\0';
    expr_set_string(out, r, len);
    return 0;
}

static int fn_to_upper(const expr_call *call, expr_value *out)
{
    return change_case(call, out, true);
}

static int fn_to_lower(const expr_call *call, expr_value *out)
{
    return change_case(call, out, false);
}

static int fn_trim(const expr_call *call, expr_value *out)
{
    const char *s;
    size_t len;
    if (expr_arg_string(call, 0, &s, &len) != 0)
        return -1;
    while (len && (unsigned char)s[0] <= ' ')
        s++, len--;
    while (len && (unsigned char)s[len - 1] <= ' ')
        len--;
    expr_set_string(out, s, len);
    return 0;
}

static int fn_length(const expr_call *call, expr_value *out)
{
    const char *s;
    size_t len;
    if (expr_arg_string(call, 0, &s, &len) != 0)
        return -1;
    set_long(out, (int64_t)count_chars(s, len));
    return 0;
}

/* As SDC: begin and end must not be negative; a begin past the end gives
 * "", an end past it is cut to the length; then begin > end is an error
 * (Java's substring throws). */
static int fn_substring(const expr_call *call, expr_value *out)
{
    const char *s;
    size_t len;
    int64_t begin, end;
    if (expr_arg_string(call, 0, &s, &len) != 0 || expr_arg_long(call, 1, &begin) != 0 ||
        expr_arg_long(call, 2, &end) != 0)
        return -1;
    if (begin < 0)
        return expr_fail(call->ev, expr_arg_column(call, 1), "str:substring: beginIndex must be 0 or more, got %lld",
                         (long long)begin);
    if (end < 0)
        return expr_fail(call->ev, expr_arg_column(call, 2), "str:substring: endIndex must be 0 or more, got %lld",
                         (long long)end);
    size_t n = count_chars(s, len);
    if ((uint64_t)begin > n) {
        expr_set_string(out, s + len, 0);
        return 0;
    }
    if ((uint64_t)end > n)
        end = (int64_t)n;
    if (begin > end)
        return expr_fail(call->ev, expr_arg_column(call, 1),
                         "str:substring: beginIndex %lld is past endIndex %lld", (long long)begin, (long long)end);
    size_t from = char_offset(s, len, (size_t)begin);
    size_t to = char_offset(s, len, (size_t)end);
    expr_set_string(out, s + from, to - from);
    return 0;
}

static int fn_index_of(const expr_call *call, expr_value *out)
{
    const char *s, *sub;
    size_t len, sublen;
    if (expr_arg_string(call, 0, &s, &len) != 0 || expr_arg_string(call, 1, &sub, &sublen) != 0)
        return -1;
    const char *at = find(s, len, sub, sublen);
    set_long(out, at ? (int64_t)count_chars(s, (size_t)(at - s)) : -1);
    return 0;
}

static int fn_concat(const expr_call *call, expr_value *out)
{
    const char *a, *b;
    size_t alen, blen;
    if (expr_arg_string(call, 0, &a, &alen) != 0 || expr_arg_string(call, 1, &b, &blen) != 0)
        return -1;
    char *r = expr_scratch(call->ev, alen + blen + 1);
    memcpy(r, a, alen);
    memcpy(r + alen, b, blen);
    r[alen + blen] = '\0';
    expr_set_string(out, r, alen + blen);
    return 0;
}

/* SDC's str:replace(string, oldChar, newChar) replaces characters; here
 * `old` and `new` may be any strings (every occurrence of `old`, left to
 * right, as Java's String.replace(CharSequence, CharSequence)). */
static int fn_replace(const expr_call *call, expr_value *out)
{
    const char *s, *old, *rep;
    size_t len, oldlen, replen;
    if (expr_arg_string(call, 0, &s, &len) != 0 || expr_arg_string(call, 1, &old, &oldlen) != 0 ||
        expr_arg_string(call, 2, &rep, &replen) != 0)
        return -1;
    if (oldlen == 0)
        return expr_fail(call->ev, expr_arg_column(call, 1), "str:replace: the string to replace is empty");
    size_t count = 0;
    for (const char *p = s; (p = find(p, len - (size_t)(p - s), old, oldlen)); p += oldlen)
        count++;
    if (count == 0) {
        expr_set_string(out, s, len);
        return 0;
    }
    size_t total = len - count * oldlen + count * replen;
    char *r = expr_scratch(call->ev, total + 1), *w = r;
    const char *p = s, *hit;
    while ((hit = find(p, len - (size_t)(p - s), old, oldlen))) {
        memcpy(w, p, (size_t)(hit - p));
        w += hit - p;
        memcpy(w, rep, replen);
        w += replen;
        p = hit + oldlen;
    }
    memcpy(w, p, len - (size_t)(p - s));
    r[total] = '\0';
    expr_set_string(out, r, total);
    return 0;
}

const expr_function expr_fn_str[] = {
    {"str:contains", 2, 2, fn_contains, NULL},
    {"str:startsWith", 2, 2, fn_starts_with, NULL},
    {"str:endsWith", 2, 2, fn_ends_with, NULL},
    {"str:toUpper", 1, 1, fn_to_upper, NULL},
    {"str:toLower", 1, 1, fn_to_lower, NULL},
    {"str:trim", 1, 1, fn_trim, NULL},
    {"str:length", 1, 1, fn_length, NULL},
    {"str:substring", 3, 3, fn_substring, NULL},
    {"str:indexOf", 2, 2, fn_index_of, NULL},
    {"str:concat", 2, 2, fn_concat, NULL},
    {"str:replace", 3, 3, fn_replace, NULL},
    {"str:matches", 2, 2, expr_fn_matches, expr_compile_regex},
    {"str:regExCapture", 3, 3, expr_fn_regex_capture, expr_compile_regex},
    {"str:replaceAll", 3, 3, expr_fn_replace_all, expr_compile_regex},
    {"str:split", 2, 2, expr_fn_split, expr_compile_regex},
    {NULL, 0, 0, NULL, NULL},
};
