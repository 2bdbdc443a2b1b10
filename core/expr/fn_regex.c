/* core/expr/fn_regex.c — the str: functions that take a regular
 * expression (SDC: str:matches, str:regExCapture, str:replaceAll,
 * str:split), with PCRE2.
 *
 * The regex must be a string literal: it is compiled once with the
 * expression, so a bad regex is a compile error with its column, and
 * evaluation only matches.  No JIT: PCRE2's JIT-generated code makes
 * valgrind report uninitialised reads (false positives) that would hide
 * real ones, and SDC-style patterns on short field values gain little.  Matching
 * uses the context's match data, so it allocates nothing per record.
 * Patterns are UTF-8 (PCRE2_UTF); subjects that are not valid UTF-8 still
 * match byte-wise where they are valid (PCRE2_MATCH_INVALID_UTF) instead
 * of failing.  PCRE2 syntax is Perl's, which Java's java.util.regex
 * follows closely; the replacement of str:replaceAll uses $1 / ${name}
 * for groups as Java does. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <string.h>

#include "expr/expr_impl.h"

static void regex_release(void *p)
{
    pcre2_code_free(p);
}

int expr_compile_regex(expr_compiling *c, const expr_node *call, const expr_node *const *args, const void **data,
                       char *err, size_t errsize)
{
    const expr_value *lit = expr_literal_string(args[1]);
    if (!lit)
        return expr_compile_error(err, errsize, args[1]->column, "%s: the regular expression must be a string literal",
                                  call->fn->name);
    int code;
    PCRE2_SIZE offset;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)lit->u.s.p, lit->u.s.len, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &code,
                                   &offset, NULL);
    if (!re) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(code, msg, sizeof msg);
        return expr_compile_error(err, errsize, args[1]->column + 1 + (uint32_t)offset,
                                  "%s: invalid regular expression: %s", call->fn->name, (const char *)msg);
    }
    expr_own(c, re, regex_release);
    *data = re;
    return 0;
}

/* Matches the call's regex in s from `start`: 1 with the ovector, 0 for
 * no match, -1 after an error message. */
static int match(const expr_call *call, const char *s, size_t len, size_t start, uint32_t options, PCRE2_SIZE **ov)
{
    pcre2_match_data *md = call->ev->ctx->match_data;
    int rc = pcre2_match(call->node->data, (PCRE2_SPTR)s, len, start, options, md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0) {
        PCRE2_UCHAR msg[160];
        pcre2_get_error_message(rc, msg, sizeof msg);
        return expr_fail(call->ev, call->node->column, "%s: %s", call->node->fn->name, (const char *)msg);
    }
    *ov = pcre2_get_ovector_pointer(md);
    return 1;
}

/* Java's String.matches: the whole string. */
int expr_fn_matches(const expr_call *call, expr_value *out)
{
    const char *s;
    size_t len;
    PCRE2_SIZE *ov;
    if (expr_arg_string(call, 0, &s, &len) != 0)
        return -1;
    int rc = match(call, s, len, 0, PCRE2_ANCHORED | PCRE2_ENDANCHORED, &ov);
    if (rc < 0)
        return -1;
    out->type = EXPR_BOOL;
    out->u.b = rc == 1;
    return 0;
}

/* The group of the first match (Matcher.find(), then group(n)); null when
 * nothing matches or the group took no part in the match, as in SDC. */
int expr_fn_regex_capture(const expr_call *call, expr_value *out)
{
    const char *s;
    size_t len;
    int64_t group;
    PCRE2_SIZE *ov;
    if (expr_arg_string(call, 0, &s, &len) != 0 || expr_arg_long(call, 2, &group) != 0)
        return -1;
    uint32_t groups;
    pcre2_pattern_info(call->node->data, PCRE2_INFO_CAPTURECOUNT, &groups);
    if (group < 0 || group > (int64_t)groups)
        return expr_fail(call->ev, expr_arg_column(call, 2), "str:regExCapture: no group %lld (the regex has %u)",
                         (long long)group, groups);
    if (group >= (int64_t)pcre2_get_ovector_count(call->ev->ctx->match_data))
        return expr_fail(call->ev, expr_arg_column(call, 2), "str:regExCapture: group %lld is past the last "
                         "supported one", (long long)group);
    int rc = match(call, s, len, 0, 0, &ov);
    if (rc <= 0)
        return rc;
    PCRE2_SIZE from = ov[2 * group], to = ov[2 * group + 1];
    if (from == PCRE2_UNSET)
        return 0;
    expr_set_string(out, s + from, to - from);
    return 0;
}

/* Java's String.replaceAll. */
int expr_fn_replace_all(const expr_call *call, expr_value *out)
{
    const char *s, *rep;
    size_t len, replen;
    if (expr_arg_string(call, 0, &s, &len) != 0 || expr_arg_string(call, 2, &rep, &replen) != 0)
        return -1;
    PCRE2_SIZE size = len + len / 2 + 64;
    for (int attempt = 0; attempt < 2; attempt++) {
        char *buf = expr_scratch(call->ev, size);
        PCRE2_SIZE outlen = size;
        int rc = pcre2_substitute(call->node->data, (PCRE2_SPTR)s, len, 0,
                                  PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH,
                                  call->ev->ctx->match_data, NULL, (PCRE2_SPTR)rep, replen, (PCRE2_UCHAR *)buf,
                                  &outlen);
        if (rc >= 0) {
            expr_set_string(out, buf, outlen);
            return 0;
        }
        if (rc != PCRE2_ERROR_NOMEMORY) {
            PCRE2_UCHAR msg[160];
            pcre2_get_error_message(rc, msg, sizeof msg);
            return expr_fail(call->ev, call->node->column, "str:replaceAll: %s", (const char *)msg);
        }
        size = outlen; /* the length it needs, with its NUL */
    }
    return expr_fail(call->ev, call->node->column, "str:replaceAll: the result does not fit");
}

/* Java's String.split(regex): the pieces between matches as a LIST of
 * STRING fields; trailing empty pieces are dropped, and an empty match at
 * the start makes no leading empty piece. */
int expr_fn_split(const expr_call *call, expr_value *out)
{
    const char *s;
    size_t len;
    if (expr_arg_string(call, 0, &s, &len) != 0)
        return -1;
    sluice_batch *b = call->ev->ctx->scratch_batch;
    sluice_field *list = sluice_field_new_list(b, 4);
    size_t piece = 0, at = 0, kept = 0;
    while (at <= len) {
        PCRE2_SIZE *ov;
        int rc = match(call, s, len, at, 0, &ov);
        if (rc < 0)
            return -1;
        if (rc == 0)
            break;
        size_t from = ov[0], to = ov[1];
        if (to == from) { /* an empty match: split there, then step over a character */
            if (from >= len)
                break;
            if (from == 0) {
                at = 1;
                while (at < len && ((unsigned char)s[at] & 0xC0) == 0x80)
                    at++;
                continue;
            }
        }
        sluice_list_append(b, list, sluice_field_new_string(b, s + piece, from - piece));
        if (from - piece > 0)
            kept = sluice_field_count(list);
        piece = to;
        at = to > from ? to : to + 1;
        while (at < len && ((unsigned char)s[at] & 0xC0) == 0x80)
            at++;
    }
    sluice_list_append(b, list, sluice_field_new_string(b, s + piece, len - piece));
    if (len - piece > 0)
        kept = sluice_field_count(list);
    /* Trailing empty strings go; "" alone splits into [""] in Java. */
    sluice_field *result = list;
    if (len > 0 && kept < sluice_field_count(list)) {
        result = sluice_field_new_list(b, kept);
        for (size_t i = 0; i < kept; i++)
            sluice_list_append(b, result, sluice_list_get(list, i));
    }
    out->type = EXPR_FIELD;
    out->u.f = result;
    return 0;
}
