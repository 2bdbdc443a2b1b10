/* core/config/describe.c — a schema for people (`sluice describe`) and for
 * tools (`describe --json`).  Text: one key per line, names and types in
 * aligned columns, then "required", "default: X", "one of: a, b",
 * "range: 1..100" (or "min: 1" / "max: 9" for an open end), and
 * " — help" (two spaces before the dash when nothing precedes it, so
 * help-only lines line up); a nested object's keys follow its line,
 * indented four more.  A schema may nest itself (a tree of objects):
 * printing stops at DESCRIBE_MAX_DEPTH. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/config_impl.h"
#include "config/schema.h"

#define DESCRIBE_MAX_DEPTH 8
/* Bounds at or past this mean "no bound" (INT64_MAX, DBL_MAX). */
#define UNBOUNDED 9.2e18

const char *config_type_name(sluice_config_type type)
{
    switch (type) {
    case SLUICE_CONFIG_STRING: return "string";
    case SLUICE_CONFIG_INT: return "int";
    case SLUICE_CONFIG_DOUBLE: return "double";
    case SLUICE_CONFIG_BOOL: return "bool";
    case SLUICE_CONFIG_DURATION: return "duration";
    case SLUICE_CONFIG_SIZE: return "size";
    case SLUICE_CONFIG_ENUM: return "enum";
    case SLUICE_CONFIG_LIST: return "list";
    case SLUICE_CONFIG_OBJECT: return "object";
    case SLUICE_CONFIG_MAP: return "map";
    case SLUICE_CONFIG_EXPRESSION: return "expression";
    case SLUICE_CONFIG_SECRET: return "secret";
    }
    return "unknown";
}

const char *config_format_number(double v, char *buf, size_t size)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.15g", v);
    return buf;
}

static size_t schema_size(const sluice_config_schema *schema)
{
    if (!schema || schema->struct_size < offsetof(sluice_config_schema, n_keys) + sizeof(size_t))
        return 0;
    return schema->n_keys;
}

/* "list of object", "int". */
static const char *type_label(const sluice_config_key *key, char *buf, size_t size)
{
    if (key->type == SLUICE_CONFIG_LIST)
        snprintf(buf, size, "list of %s", config_type_name(key->item_type));
    else
        snprintf(buf, size, "%s", config_type_name(key->type));
    return buf;
}

static const sluice_config_schema *nested_schema(const sluice_config_key *key)
{
    if (key->type == SLUICE_CONFIG_OBJECT || (key->type == SLUICE_CONFIG_LIST && key->item_type == SLUICE_CONFIG_OBJECT))
        return key->object;
    return NULL;
}

/* ---- text ----------------------------------------------------------------- */

typedef struct line {
    char text[2048];
    size_t len;
} line;

static void put(line *l, const char *fmt, ...) SLUICE_PRINTF(2, 3);

static void put(line *l, const char *fmt, ...)
{
    if (l->len >= sizeof l->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->text + l->len, sizeof l->text - l->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (size_t)n;
    if (l->len >= sizeof l->text)
        l->len = sizeof l->text - 1;
}

static void put_range(line *l, const sluice_config_key *key)
{
    if (!(key->flags & SLUICE_CONFIG_RANGE))
        return;
    char lo[48], hi[48];
    config_format_number(key->min, lo, sizeof lo);
    config_format_number(key->max, hi, sizeof hi);
    if (key->max >= UNBOUNDED)
        put(l, "  min: %s", lo);
    else if (key->min <= -UNBOUNDED)
        put(l, "  max: %s", hi);
    else
        put(l, "  range: %s..%s", lo, hi);
}

static void print_key(const sluice_config_key *key, FILE *out, int indent, int name_width, int type_width)
{
    line l = {.len = 0};
    char type[48];
    put(&l, "%*s%-*s  %-*s", indent, "", name_width, key->name, type_width, type_label(key, type, sizeof type));
    size_t bare = l.len; /* help right after the type column keeps its column */
    if (key->flags & SLUICE_CONFIG_REQUIRED)
        put(&l, "  required");
    if (key->default_json)
        put(&l, "  default: %s", key->default_json);
    if (key->enum_values && (key->type == SLUICE_CONFIG_ENUM || key->item_type == SLUICE_CONFIG_ENUM)) {
        put(&l, "  one of: ");
        for (size_t i = 0; key->enum_values[i]; i++)
            put(&l, "%s%s", i ? ", " : "", key->enum_values[i]);
    }
    put_range(&l, key);
    if (key->help && *key->help)
        put(&l, "%s— %s", l.len == bare ? "  " : " ", key->help);
    while (l.len > 0 && l.text[l.len - 1] == ' ') /* padding with nothing after it */
        l.len--;
    fprintf(out, "%.*s\n", (int)l.len, l.text);
}

static void print_schema(const sluice_config_schema *schema, FILE *out, int indent, int depth)
{
    size_t n = schema_size(schema);
    int name_width = 0, type_width = 0;
    for (size_t i = 0; i < n; i++) {
        sluice_config_key key;
        char type[48];
        config_schema_key(schema, i, &key);
        int nw = key.name ? (int)strlen(key.name) : 0, tw = (int)strlen(type_label(&key, type, sizeof type));
        name_width = nw > name_width ? nw : name_width;
        type_width = tw > type_width ? tw : type_width;
    }
    for (size_t i = 0; i < n; i++) {
        sluice_config_key key;
        config_schema_key(schema, i, &key);
        if (!key.name)
            continue;
        print_key(&key, out, indent, name_width, type_width);
        const sluice_config_schema *nested = nested_schema(&key);
        if (nested && depth < DESCRIBE_MAX_DEPTH)
            print_schema(nested, out, indent + 4, depth + 1);
    }
}

void config_schema_print(const sluice_config_schema *schema, FILE *out, int indent)
{
    print_schema(schema, out, indent < 0 ? 0 : indent, 0);
}

/* ---- JSON ------------------------------------------------------------------- */

static json_object *schema_json(const sluice_config_schema *schema, int depth);

static json_object *key_json(const sluice_config_key *key, int depth)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(key->name));
    json_object_object_add(o, "type", json_object_new_string(config_type_name(key->type)));
    if (key->type == SLUICE_CONFIG_LIST)
        json_object_object_add(o, "item_type", json_object_new_string(config_type_name(key->item_type)));
    json_object_object_add(o, "required", json_object_new_boolean((key->flags & SLUICE_CONFIG_REQUIRED) != 0));
    if (key->default_json) {
        /* As JSON when it is; a broken default is shown as its text. */
        json_object *def = json_tokener_parse(key->default_json);
        if (!def && strcmp(key->default_json, "null") != 0)
            def = json_object_new_string(key->default_json);
        json_object_object_add(o, "default", def);
    }
    if (key->help)
        json_object_object_add(o, "help", json_object_new_string(key->help));
    if (key->enum_values && (key->type == SLUICE_CONFIG_ENUM || key->item_type == SLUICE_CONFIG_ENUM)) {
        json_object *values = json_object_new_array();
        for (size_t i = 0; key->enum_values[i]; i++)
            json_object_array_add(values, json_object_new_string(key->enum_values[i]));
        json_object_object_add(o, "values", values);
    }
    if (key->flags & SLUICE_CONFIG_RANGE) {
        /* An open end is left out: JSON has no infinity. */
        if (key->min > -UNBOUNDED)
            json_object_object_add(o, "min", json_object_new_double(key->min));
        if (key->max < UNBOUNDED)
            json_object_object_add(o, "max", json_object_new_double(key->max));
    }
    const sluice_config_schema *nested = nested_schema(key);
    if (nested && depth < DESCRIBE_MAX_DEPTH)
        json_object_object_add(o, "keys", schema_json(nested, depth + 1));
    return o;
}

static json_object *schema_json(const sluice_config_schema *schema, int depth)
{
    json_object *arr = json_object_new_array();
    size_t n = schema_size(schema);
    for (size_t i = 0; i < n; i++) {
        sluice_config_key key;
        config_schema_key(schema, i, &key);
        if (key.name)
            json_object_array_add(arr, key_json(&key, depth));
    }
    return arr;
}

json_object *config_schema_to_json(const sluice_config_schema *schema)
{
    return schema_json(schema, 0);
}
