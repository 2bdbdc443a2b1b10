/* core/expr/fn_record.c — the record: namespace (SDC "Record Functions").
 *
 * Field paths must be string literals: they are compiled once with the
 * expression (a path error is a compile error with its column), and
 * evaluation only walks them.  SDC also accepts computed paths; sluice
 * refuses them at compile time rather than parse a path per record.
 *
 * record:type() returns SDC's type names as strings (BOOLEAN, LONG,
 * DOUBLE, DECIMAL, STRING, BYTE_ARRAY, DATETIME, LIST, MAP; NULL for a
 * null field), and the parser knows these names as constants, so
 * `record:type('/a') == STRING` works as in SDC.  record:id() is the
 * header attribute "sluice.record_id" (null when the origin set none):
 * sluice records have no other identity. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr/expr_impl.h"

#define RECORD_ID_ATTRIBUTE "sluice.record_id"

static void path_release(void *p)
{
    sluice_path_free(p);
}

/* The path's text for a one-line message: control characters become '?',
 * and a long one is cut with "...". */
static void path_shown(const char *text, char *shown, size_t size)
{
    size_t n = 0;
    for (const char *p = text; *p && n < size - 4; p++)
        shown[n++] = (unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p;
    if (text[n])
        shown[n++] = '.', shown[n++] = '.', shown[n++] = '.';
    shown[n] = '\0';
}

/* Compiles the literal path of argument 0 into *data. */
static int compile_path(expr_compiling *c, const expr_node *call, const expr_node *const *args, const void **data,
                        char *err, size_t errsize)
{
    const expr_value *lit = expr_literal_string(args[0]);
    if (!lit)
        return expr_compile_error(err, errsize, args[0]->column,
                                  "%s: the field path must be a string literal ('/a/b')", call->fn->name);
    char why[256] = "", shown[64];
    path_shown(lit->u.s.p, shown, sizeof shown);
    sluice_path *path = sluice_path_compile(lit->u.s.p, why, sizeof why);
    if (!path) {
        size_t col = 0;
        int skip = 0;
        const char *msg = why;
        /* The path's own column, turned into one in the whole text (the
         * literal's quote is at args[0]->column). */
        if (sscanf(why, "column %zu: %n", &col, &skip) == 1 && skip > 0)
            msg = why + skip;
        return expr_compile_error(err, errsize, args[0]->column + (uint32_t)col, "invalid field path '%s': %s",
                                  shown, msg);
    }
    if (sluice_path_has_wildcard(path)) {
        /* These functions read one field; / * and [*] name several. */
        sluice_path_free(path);
        return expr_compile_error(err, errsize, args[0]->column + 1,
                                  "invalid field path '%s': a wildcard (/* or [*]) matches several fields; "
                                  "%s takes one", shown, call->fn->name);
    }
    expr_own(c, path, path_release);
    *data = path;
    return 0;
}

static int need_record(const expr_call *call)
{
    if (call->ev->record)
        return 0;
    return expr_fail(call->ev, call->node->column, "%s: there is no record here", call->node->fn->name);
}

static const sluice_field *field_at(const expr_call *call)
{
    return sluice_path_get(call->ev->record, call->node->data);
}

static int fn_value(const expr_call *call, expr_value *out)
{
    if (need_record(call) != 0)
        return -1;
    expr_value_of_field(field_at(call), out);
    return 0;
}

/* SDC: the default when the field is missing or null. */
static int fn_value_or_default(const expr_call *call, expr_value *out)
{
    if (need_record(call) != 0)
        return -1;
    expr_value_of_field(field_at(call), out);
    if (out->type == EXPR_NULL)
        *out = call->args[1];
    return 0;
}

static int fn_exists(const expr_call *call, expr_value *out)
{
    if (need_record(call) != 0)
        return -1;
    out->type = EXPR_BOOL;
    out->u.b = field_at(call) != NULL;
    return 0;
}

static const char *sdc_type_name(sluice_type t)
{
    switch (t) {
    case SLUICE_NULL: return "NULL";
    case SLUICE_BOOL: return "BOOLEAN";
    case SLUICE_INT: return "LONG";
    case SLUICE_DOUBLE: return "DOUBLE";
    case SLUICE_DECIMAL: return "DECIMAL";
    case SLUICE_STRING: return "STRING";
    case SLUICE_BYTES: return "BYTE_ARRAY";
    case SLUICE_DATETIME: return "DATETIME";
    case SLUICE_LIST: return "LIST";
    case SLUICE_MAP: return "MAP";
    }
    return "NULL";
}

static int fn_type(const expr_call *call, expr_value *out)
{
    if (need_record(call) != 0)
        return -1;
    const sluice_field *f = field_at(call);
    if (!f)
        return 0; /* null, as SDC for a missing field */
    const char *name = sdc_type_name(sluice_field_type(f));
    out->type = EXPR_STRING;
    out->u.s.p = name;
    out->u.s.len = strlen(name);
    return 0;
}

/* The attribute named by argument 0, as a value (null when absent). */
static int attribute(const expr_call *call, expr_value *out)
{
    if (need_record(call) != 0)
        return -1;
    const char *name;
    size_t len;
    if (expr_to_string(call->ev, &call->args[0], call->node->column, &name, &len) != 0)
        return -1;
    if (name[len] != '\0') { /* a piece of a longer string: terminate a copy */
        char *copy = expr_scratch(call->ev, len + 1);
        memcpy(copy, name, len);
        copy[len] = '\0';
        name = copy;
    }
    const char *value = sluice_record_attribute(call->ev->record, name);
    out->type = EXPR_NULL;
    if (value) {
        out->type = EXPR_STRING;
        out->u.s.p = value;
        out->u.s.len = strlen(value);
    }
    return 0;
}

static int fn_attribute(const expr_call *call, expr_value *out)
{
    return attribute(call, out);
}

static int fn_attribute_or_default(const expr_call *call, expr_value *out)
{
    if (attribute(call, out) != 0)
        return -1;
    if (out->type == EXPR_NULL)
        *out = call->args[1];
    return 0;
}

static int fn_id(const expr_call *call, expr_value *out)
{
    if (need_record(call) != 0)
        return -1;
    const char *id = sluice_record_attribute(call->ev->record, RECORD_ID_ATTRIBUTE);
    if (id) {
        out->type = EXPR_STRING;
        out->u.s.p = id;
        out->u.s.len = strlen(id);
    }
    return 0;
}

const expr_function expr_fn_record[] = {
    {"record:value", 1, 1, fn_value, compile_path},
    {"record:valueOrDefault", 2, 2, fn_value_or_default, compile_path},
    {"record:exists", 1, 1, fn_exists, compile_path},
    {"record:type", 1, 1, fn_type, compile_path},
    {"record:attribute", 1, 1, fn_attribute, NULL},
    {"record:attributeOrDefault", 2, 2, fn_attribute_or_default, NULL},
    {"record:id", 0, 0, fn_id, NULL},
    {NULL, 0, 0, NULL, NULL},
};
