/* core/config/value.c — checking and converting one config value against
 * its key: the type, the range, the enum values; lists item by item and
 * objects through config_build, each with its own location.
 *
 * Choices: an INT accepts a JSON number with an integral value ("1000",
 * "1e3", "1000.0") up to 2^53 beyond which doubles are not exact; 1.5 is
 * refused.  A DOUBLE accepts integers.  null is never a value: leave the
 * key out to get its default.  A SECRET's value never appears in a
 * message, not even when it has the wrong type. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_impl.h"
#include "config/schema.h"
#include "expr/expr.h"
#include "pipeline/strict_json.h"

/* Integral doubles up to 2^53 convert exactly. */
#define EXACT_DOUBLE_LIMIT 9007199254740992.0
/* A RANGE bound at or past this is "no bound" (max = INT64_MAX, DBL_MAX). */
#define UNBOUNDED 9.2e18

static char *dup_or_die(const char *s)
{
    char *p = strdup(s);
    if (!p)
        abort();
    return p;
}

/* "expected WHAT, got VALUE" (for a secret: got its kind only). */
static int type_error(const sluice_config_key *key, json_object *json, const char *location, const char *what,
                      char *err, size_t errsize)
{
    char brief[64];
    const char *got =
        key->type == SLUICE_CONFIG_SECRET ? strict_json_kind(json) : strict_json_brief(json, brief, sizeof brief);
    return config_fail(err, errsize, location, "expected %s, got %s", what, got);
}

static int schema_error(const char *location, char *err, size_t errsize, const char *what)
{
    return config_fail(err, errsize, location, "invalid schema in the plugin: %s", what);
}

/* 0: *out set; -1: not an integer; -2: out of range. */
static int json_to_int64(json_object *json, int64_t *out)
{
    if (json_object_is_type(json, json_type_int)) {
        int64_t v = json_object_get_int64(json);
        /* json-c keeps integers past INT64_MAX as unsigned and clamps. */
        if (v == INT64_MAX && json_object_get_uint64(json) > (uint64_t)INT64_MAX)
            return -2;
        *out = v;
        return 0;
    }
    if (!json_object_is_type(json, json_type_double))
        return -1;
    double d = json_object_get_double(json);
    if (!isfinite(d) || d != floor(d))
        return -1;
    if (fabs(d) > EXACT_DOUBLE_LIMIT)
        return -2;
    *out = (int64_t)d;
    return 0;
}

static int range_check(const sluice_config_key *key, double v, const char *shown, const char *unit,
                       const char *location, char *err, size_t errsize)
{
    if (!(key->flags & SLUICE_CONFIG_RANGE) || (v >= key->min && v <= key->max))
        return 0;
    char lo[48], hi[48];
    config_format_number(key->min, lo, sizeof lo);
    config_format_number(key->max, hi, sizeof hi);
    if (key->max >= UNBOUNDED)
        return config_fail(err, errsize, location, "must be at least %s%s, got %s", lo, unit, shown);
    if (key->min <= -UNBOUNDED)
        return config_fail(err, errsize, location, "must be at most %s%s, got %s", hi, unit, shown);
    return config_fail(err, errsize, location, "must be between %s and %s%s, got %s", lo, hi, unit, shown);
}

static int convert_int(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                       char *err, size_t errsize)
{
    int rc = json_to_int64(json, &out->u.i);
    if (rc == -2) {
        char brief[64];
        return config_fail(err, errsize, location, "integer out of range: %s",
                           strict_json_brief(json, brief, sizeof brief));
    }
    if (rc != 0)
        return type_error(key, json, location, "an integer", err, errsize);
    char shown[32];
    snprintf(shown, sizeof shown, "%lld", (long long)out->u.i);
    return range_check(key, (double)out->u.i, shown, "", location, err, errsize);
}

static int convert_double(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                          char *err, size_t errsize)
{
    if (!json_object_is_type(json, json_type_double) && !json_object_is_type(json, json_type_int))
        return type_error(key, json, location, "a number", err, errsize);
    out->u.d = json_object_get_double(json);
    if (!isfinite(out->u.d))
        return type_error(key, json, location, "a finite number", err, errsize);
    char shown[48];
    return range_check(key, out->u.d, config_format_number(out->u.d, shown, sizeof shown), "", location, err,
                       errsize);
}

/* DURATION and SIZE: a non-negative integer in the base unit, or a string
 * with a unit (core/config/units.c). */
static int convert_quantity(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                            char *err, size_t errsize)
{
    bool duration = key->type == SLUICE_CONFIG_DURATION;
    long long v = 0;
    int rc = -1;
    int64_t i;
    if (json_object_is_type(json, json_type_string))
        rc = duration ? config_parse_duration(json_object_get_string(json), &v)
                      : config_parse_size(json_object_get_string(json), &v);
    else if (json_to_int64(json, &i) == 0 && i >= 0) {
        v = i;
        rc = 0;
    }
    if (rc != 0)
        return type_error(key, json, location,
                          duration ? "a duration (milliseconds, or a string with a unit: \"250ms\", \"5s\", \"2m\", "
                                     "\"1h\")"
                                   : "a size (bytes, or a string with a unit: \"512B\", \"64KiB\", \"5MiB\", \"1GB\")",
                          err, errsize);
    out->u.i = v;
    const char *unit = duration ? " ms" : " bytes";
    char shown[48];
    snprintf(shown, sizeof shown, "%lld%s", v, unit);
    return range_check(key, (double)v, shown, unit, location, err, errsize);
}

static int convert_bool(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                        char *err, size_t errsize)
{
    if (!json_object_is_type(json, json_type_boolean))
        return type_error(key, json, location, "true or false", err, errsize);
    out->u.b = json_object_get_boolean(json);
    return 0;
}

static int convert_string(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                          char *err, size_t errsize)
{
    if (!json_object_is_type(json, json_type_string))
        return type_error(key, json, location, "a string", err, errsize);
    if (key->type == SLUICE_CONFIG_SECRET)
        return config_secret_resolve(json_object_get_string(json), location, &out->u.s, err, errsize);
    out->u.s = dup_or_die(json_object_get_string(json));
    if (key->type == SLUICE_CONFIG_EXPRESSION) {
        /* Compiled here, at validation: `sluice validate` reports a syntax
         * error with the location and the column inside the value. */
        char why[512];
        out->expr = expr_compile(out->u.s, why, sizeof why);
        if (!out->expr)
            return config_fail(err, errsize, location, "%s", why);
    }
    return 0;
}

static int convert_enum(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                        char *err, size_t errsize)
{
    if (!key->enum_values || !key->enum_values[0])
        return schema_error(location, err, errsize, "an enum without enum_values");
    const char *s = json_object_is_type(json, json_type_string) ? json_object_get_string(json) : NULL;
    for (size_t i = 0; s && key->enum_values[i]; i++) {
        if (!strcmp(s, key->enum_values[i])) {
            out->u.s = dup_or_die(s);
            return 0;
        }
    }
    char names[512] = "", brief[64], hint[128] = "";
    size_t used = 0;
    for (size_t i = 0; key->enum_values[i] && used < sizeof names; i++) {
        int n = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", key->enum_values[i]);
        used += n > 0 ? (size_t)n : 0;
    }
    const char *close = s ? suggest_closest(s, key->enum_values) : NULL;
    if (close)
        snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", close);
    return config_fail(err, errsize, location, "expected one of %s, got %s%s", names,
                       strict_json_brief(json, brief, sizeof brief), hint);
}

/* Lists of lists or maps have no getters, and nothing needs them yet. */
static bool list_item_type_supported(sluice_config_type t)
{
    return t >= SLUICE_CONFIG_STRING && t <= SLUICE_CONFIG_SECRET && t != SLUICE_CONFIG_LIST &&
           t != SLUICE_CONFIG_MAP;
}

static int convert_list(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                        char *err, size_t errsize)
{
    sluice_config_type t = key->item_type;
    if (!list_item_type_supported(t))
        return schema_error(location, err, errsize, "a list's item_type must be a scalar, an enum or an object");
    if (!json_object_is_type(json, json_type_array)) {
        char what[48];
        snprintf(what, sizeof what, "a list of %s", config_type_name(t));
        return type_error(key, json, location, what, err, errsize);
    }
    /* Items are checked like a key of the item type: enum values, nested
     * object and range carry over, "required" and the default do not. */
    sluice_config_key item = *key;
    item.type = t;
    item.flags = key->flags & SLUICE_CONFIG_RANGE;
    item.default_json = NULL;
    size_t n = json_object_array_length(json);
    out->u.list.items = calloc(n ? n : 1, sizeof *out->u.list.items);
    if (!out->u.list.items)
        abort();
    for (size_t i = 0; i < n; i++) {
        out->u.list.n = i + 1; /* so a failure releases what was built */
        char *item_location = config_join_index(location, i);
        int rc = config_value_convert(&item, json_object_array_get_idx(json, i), item_location,
                                      &out->u.list.items[i], err, errsize);
        free(item_location);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int convert_object(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                          char *err, size_t errsize)
{
    if (!key->object)
        return schema_error(location, err, errsize, "an object without a nested schema");
    out->u.obj = config_build(key->object, json, location, err, errsize);
    return out->u.obj ? 0 : -1;
}

static int convert_map(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                       char *err, size_t errsize)
{
    if (!json_object_is_type(json, json_type_object))
        return type_error(key, json, location, "an object of strings", err, errsize);
    size_t n = (size_t)json_object_object_length(json);
    config_map *m = &out->u.map;
    m->keys = calloc(n ? n : 1, sizeof *m->keys);
    m->values = calloc(n ? n : 1, sizeof *m->values);
    if (!m->keys || !m->values)
        abort();
    json_object_object_foreach(json, k, v) {
        if (!json_object_is_type(v, json_type_string)) {
            char *entry_location = config_join(location, k);
            char brief[64];
            config_fail(err, errsize, entry_location, "expected a string, got %s",
                        strict_json_brief(v, brief, sizeof brief));
            free(entry_location);
            return -1;
        }
        m->keys[m->n] = dup_or_die(k);
        m->values[m->n] = dup_or_die(json_object_get_string(v));
        m->n++;
    }
    return 0;
}

int config_value_convert(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                         char *err, size_t errsize)
{
    out->type = key->type;
    switch (key->type) {
    case SLUICE_CONFIG_STRING:
    case SLUICE_CONFIG_EXPRESSION: /* the text, and its compiled form */
    case SLUICE_CONFIG_SECRET: return convert_string(key, json, location, out, err, errsize);
    case SLUICE_CONFIG_INT: return convert_int(key, json, location, out, err, errsize);
    case SLUICE_CONFIG_DOUBLE: return convert_double(key, json, location, out, err, errsize);
    case SLUICE_CONFIG_BOOL: return convert_bool(key, json, location, out, err, errsize);
    case SLUICE_CONFIG_DURATION:
    case SLUICE_CONFIG_SIZE: return convert_quantity(key, json, location, out, err, errsize);
    case SLUICE_CONFIG_ENUM: return convert_enum(key, json, location, out, err, errsize);
    case SLUICE_CONFIG_LIST: return convert_list(key, json, location, out, err, errsize);
    case SLUICE_CONFIG_OBJECT: return convert_object(key, json, location, out, err, errsize);
    case SLUICE_CONFIG_MAP: return convert_map(key, json, location, out, err, errsize);
    }
    char what[48];
    snprintf(what, sizeof what, "unknown type %d", (int)key->type);
    return schema_error(location, err, errsize, what);
}

void config_value_clear(config_value *v)
{
    switch (v->type) {
    case SLUICE_CONFIG_EXPRESSION: expr_free(v->expr); free(v->u.s); break;
    case SLUICE_CONFIG_SECRET:
        if (v->u.s)
            explicit_bzero(v->u.s, strlen(v->u.s)); /* do not leave it in freed memory */
        /* fall through */
    case SLUICE_CONFIG_STRING:
    case SLUICE_CONFIG_ENUM: free(v->u.s); break;
    case SLUICE_CONFIG_OBJECT: config_free(v->u.obj); break;
    case SLUICE_CONFIG_LIST:
        for (size_t i = 0; i < v->u.list.n; i++)
            config_value_clear(&v->u.list.items[i]);
        free(v->u.list.items);
        break;
    case SLUICE_CONFIG_MAP:
        for (size_t i = 0; i < v->u.map.n; i++) {
            free(v->u.map.keys[i]);
            free(v->u.map.values[i]);
        }
        free(v->u.map.keys);
        free(v->u.map.values);
        break;
    default: break;
    }
    memset(v, 0, sizeof *v);
}
