/* plugins/fields/convert.c — fields:convert, SDC's Field Type Converter.
 *
 *   "config": { "conversions": [
 *       { "paths": ["/fare_amount", "/tip_amount"], "to": "decimal", "scale": 1, "rounding": "half_even" },
 *       { "paths": ["/pickup"], "to": "datetime", "pattern": "yyyy-MM-dd HH:mm:ss" } ] }
 *
 * Conversions apply in order; a missing field or a null is skipped.  Paths
 * may have SDC's wildcards (/ * and [*]), as in SDC's Field Type Converter:
 * every matching field is converted, and an error names its concrete path
 * (/items[2]/price).  What
 * converts (anything else is a record error, FIELDS_04, naming the
 * conversion, the field and its value):
 *   string    from anything but list/map: numbers in their shortest exact
 *             text, bool "true"/"false", datetime RFC 3339 UTC or `pattern`
 *   int       from a string of digits (optional sign, nothing else), a
 *             double or decimal (truncated toward zero), bool (1/0),
 *             datetime (epoch milliseconds); out of int64's range fails
 *   double    from a string (strtod's syntax), int, decimal, bool; NaN and
 *             infinities fail (JSON cannot carry them)
 *   decimal   from a string (plain or scientific), int, double (its
 *             shortest text), decimal; with `scale`, rounded (`rounding`,
 *             java.math.RoundingMode's modes, default half_up) or padded
 *   datetime  from a string (RFC 3339, or `pattern`, Java letters, see
 *             sluice/datetime.h; without an offset, UTC), an int (epoch milliseconds)
 *   bool      from a string ("true"/"false", any case), int or double (not 0)
 * An empty string converts to string only: "" is not a number, datetime
 * or bool (SDC turns it into null; an error says more). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "decimal.h"
#include "fields.h"

enum target { TO_STRING, TO_INT, TO_DOUBLE, TO_DECIMAL, TO_DATETIME, TO_BOOL };
static const char *const target_names[] = {"string", "int", "double", "decimal", "datetime", "bool", NULL};
/* Index = decimal_rounding. */
static const char *const rounding_names[] = {"half_up", "half_even", "half_down", "up",
                                             "down",    "ceiling",   "floor",     NULL};

static int index_of(const char *const *names, const char *name)
{
    for (int i = 0; names[i]; i++)
        if (!strcmp(names[i], name))
            return i;
    return 0;
}

static const sluice_config_key item_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "paths",
     .type = SLUICE_CONFIG_LIST,
     .flags = SLUICE_CONFIG_REQUIRED,
     .item_type = SLUICE_CONFIG_STRING,
     .help = "The fields to convert."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "to",
     .type = SLUICE_CONFIG_ENUM,
     .flags = SLUICE_CONFIG_REQUIRED,
     .enum_values = target_names,
     .help = "The type to convert to."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "pattern",
     .type = SLUICE_CONFIG_STRING,
     .help = "datetime from a string, string from a datetime: a Java date pattern (\"yyyy-MM-dd HH:mm:ss\"); "
             "RFC 3339 without it."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "scale",
     .type = SLUICE_CONFIG_INT,
     .flags = SLUICE_CONFIG_RANGE,
     .min = 0,
     .max = 38,
     .help = "decimal: digits after the point; the value is rounded or padded to it."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "rounding",
     .type = SLUICE_CONFIG_ENUM,
     .enum_values = rounding_names,
     .help = "decimal with scale: half_up (default), half_even, half_down, up, down, ceiling or floor."},
};

static const sluice_config_schema item_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = item_keys,
    .n_keys = sizeof item_keys / sizeof item_keys[0],
};

static int convert_check(const sluice_config *config, char *err, size_t errsize)
{
    size_t n = sluice_config_list_count(config, "conversions");
    if (n == 0) {
        snprintf(err, errsize, "conversions: at least one conversion is needed");
        return SLUICE_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        const sluice_config *item = sluice_config_list_object(config, "conversions", i);
        const char *to = sluice_config_string(item, "to");
        char why[200];
        if (fields_check_path_list(item, "paths", why, sizeof why) != SLUICE_OK) {
            snprintf(err, errsize, "conversions[%zu].%s", i, why);
            return SLUICE_ERROR;
        }
        if (sluice_config_has(item, "pattern")) {
            if (strcmp(to, "datetime") && strcmp(to, "string")) {
                snprintf(err, errsize, "conversions[%zu].pattern: only with to datetime or string", i);
                return SLUICE_ERROR;
            }
            const char *text = sluice_config_string(item, "pattern");
            size_t column;
            sluice_datetime_pattern *p = sluice_datetime_pattern_compile(text, strlen(text), &column, why, sizeof why);
            if (!p) {
                snprintf(err, errsize, "conversions[%zu].pattern: column %zu: %s", i, column, why);
                return SLUICE_ERROR;
            }
            sluice_datetime_pattern_free(p);
        }
        for (int k = 0; k < 2; k++) {
            const char *key = k ? "rounding" : "scale";
            if (strcmp(to, "decimal") && sluice_config_has(item, key)) {
                snprintf(err, errsize, "conversions[%zu].%s: only with to decimal", i, key);
                return SLUICE_ERROR;
            }
        }
        if (sluice_config_has(item, "rounding") && !sluice_config_has(item, "scale")) {
            snprintf(err, errsize, "conversions[%zu].rounding: needs a scale to round to", i);
            return SLUICE_ERROR;
        }
    }
    return SLUICE_OK;
}

static const sluice_config_key convert_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "conversions",
     .type = SLUICE_CONFIG_LIST,
     .flags = SLUICE_CONFIG_REQUIRED,
     .item_type = SLUICE_CONFIG_OBJECT,
     .object = &item_schema,
     .help = "The conversions, in order: objects {paths, to, pattern, scale, rounding}."},
};

const sluice_config_schema fields_convert_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = convert_keys,
    .n_keys = sizeof convert_keys / sizeof convert_keys[0],
    .check = convert_check,
};

typedef struct conversion {
    size_t n_paths;
    sluice_path **paths;
    enum target to;
    sluice_datetime_pattern *pattern; /* NULL for RFC 3339 */
    int scale;           /* -1: keep the value's */
    decimal_rounding rounding;
} conversion;

typedef struct convert_stage {
    size_t n;
    conversion *conv;
} convert_stage;

int fields_convert_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    convert_stage *s = calloc(1, sizeof *s);
    size_t n = sluice_config_list_count(config, "conversions");
    if (!s || !(s->conv = calloc(n, sizeof *s->conv))) {
        free(s);
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    for (; s->n < n; s->n++) {
        const sluice_config *item = sluice_config_list_object(config, "conversions", s->n);
        conversion *c = &s->conv[s->n];
        c->to = (enum target)index_of(target_names, sluice_config_string(item, "to"));
        if (sluice_config_has(item, "pattern")) {
            const char *text = sluice_config_string(item, "pattern");
            char why[160];
            if (!(c->pattern = sluice_datetime_pattern_compile(text, strlen(text), NULL, why, sizeof why))) {
                sluice_stage_fail(ctx, "conversions[%zu].pattern: %s", s->n, why); /* checked: out of memory */
                s->n++;
                fields_convert_destroy(s);
                return SLUICE_ERROR;
            }
        }
        c->scale = sluice_config_has(item, "scale") ? (int)sluice_config_int(item, "scale") : -1;
        c->rounding = sluice_config_has(item, "rounding")
                          ? (decimal_rounding)index_of(rounding_names, sluice_config_string(item, "rounding"))
                          : ROUND_HALF_UP;
        if (!(c->paths = fields_compile_paths(ctx, item, "paths", &c->n_paths))) {
            s->n++; /* its pattern */
            fields_convert_destroy(s);
            return SLUICE_ERROR;
        }
    }
    *state = s;
    return SLUICE_OK;
}

void fields_convert_destroy(void *state)
{
    convert_stage *s = state;
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        fields_free_paths(s->conv[i].paths, s->conv[i].n_paths);
        sluice_datetime_pattern_free(s->conv[i].pattern);
    }
    free(s->conv);
    free(s);
}

/* ---- one value ------------------------------------------------------------ */

/* Each returns the converted field, or NULL with why it failed in *why. */

static sluice_field *int_from_text(sluice_batch *b, const char *s, size_t len, const char **why)
{
    /* Digits only: strtoll would take blanks and a '+' in front. */
    size_t i = s[0] == '-' ? 1 : 0;
    if (len == i) {
        *why = "not a whole number";
        return NULL;
    }
    for (size_t k = i; k < len; k++) {
        if (s[k] < '0' || s[k] > '9') {
            *why = "not a whole number";
            return NULL;
        }
    }
    errno = 0;
    long long v = strtoll(s, NULL, 10);
    if (errno == ERANGE) {
        *why = "out of the range of int (64 bits)";
        return NULL;
    }
    return sluice_field_new_int(b, v);
}

static sluice_field *int_from_double(sluice_batch *b, double d, const char **why)
{
    /* 2^63 is exact as a double; anything at or past it does not fit. */
    if (!isfinite(d) || d >= 9223372036854775808.0 || d < -9223372036854775808.0) {
        *why = isfinite(d) ? "out of the range of int (64 bits)" : "not a finite number";
        return NULL;
    }
    return sluice_field_new_int(b, (int64_t)d);
}

static sluice_field *to_int(sluice_batch *b, const sluice_field *f, const char *text, size_t len, const char **why)
{
    switch (sluice_field_type(f)) {
    case SLUICE_STRING: return int_from_text(b, text, len, why);
    case SLUICE_DOUBLE: return int_from_double(b, sluice_field_get_double(f), why);
    case SLUICE_DECIMAL: {
        /* The integer part of its text: exact, however many digits. */
        const char *dot = memchr(text, '.', len);
        return int_from_text(b, text, dot ? (size_t)(dot - text) : len, why);
    }
    case SLUICE_BOOL: return sluice_field_new_int(b, sluice_field_get_bool(f));
    case SLUICE_DATETIME: {
        int64_t us = sluice_field_get_datetime(f);
        return sluice_field_new_int(b, us / 1000 - (us % 1000 < 0)); /* floor to ms */
    }
    default: *why = "no conversion from this type"; return NULL;
    }
}

static sluice_field *to_double(sluice_batch *b, const sluice_field *f, const char *text, size_t len, const char **why)
{
    double d;
    switch (sluice_field_type(f)) {
    case SLUICE_STRING: {
        char *end;
        if (len == 0 || text[0] == ' ' || text[0] == '\t') {
            *why = "not a number";
            return NULL;
        }
        errno = 0;
        d = strtod(text, &end);
        if (end != text + len) {
            *why = "not a number";
            return NULL;
        }
        break;
    }
    case SLUICE_INT:
    case SLUICE_DECIMAL: d = sluice_field_get_double(f); break;
    case SLUICE_BOOL: d = sluice_field_get_bool(f) ? 1.0 : 0.0; break;
    default: *why = "no conversion from this type"; return NULL;
    }
    if (!isfinite(d)) {
        *why = "not a finite number (JSON has no NaN or Infinity)";
        return NULL;
    }
    return sluice_field_new_double(b, d);
}

static sluice_field *to_decimal(sluice_batch *b, const conversion *c, const sluice_field *f, const char *text,
                                size_t len, const char **why)
{
    sluice_type t = sluice_field_type(f);
    if (t != SLUICE_STRING && t != SLUICE_INT && t != SLUICE_DOUBLE && t != SLUICE_DECIMAL) {
        *why = "no conversion from this type";
        return NULL;
    }
    if (t == SLUICE_DOUBLE && !isfinite(sluice_field_get_double(f))) {
        *why = "not a finite number";
        return NULL;
    }
    char plain[DECIMAL_PLAIN_MAX + 8], rounded[DECIMAL_PLAIN_MAX + 8];
    size_t n = decimal_plain(text, len, plain, sizeof plain);
    if (n == 0) {
        *why = "not a decimal number";
        return NULL;
    }
    const char *out = plain;
    if (c->scale >= 0) {
        if ((n = decimal_round(plain, c->scale, c->rounding, rounded, sizeof rounded)) == 0) {
            *why = "too many digits for a decimal";
            return NULL;
        }
        out = rounded;
    }
    sluice_field *d = sluice_field_new_decimal_text(b, out, n);
    if (!d)
        *why = "too many digits for a decimal (at most 77, scale at most 38)";
    return d;
}

static sluice_field *to_datetime(sluice_batch *b, const conversion *c, const sluice_field *f, const char *text,
                                 size_t len, const char **why)
{
    int64_t us;
    switch (sluice_field_type(f)) {
    case SLUICE_STRING:
        if (sluice_datetime_parse(c->pattern, text, len, 0, &us) != SLUICE_OK) {
            *why = c->pattern ? "does not match the pattern" : "not an RFC 3339 datetime";
            return NULL;
        }
        return sluice_field_new_datetime(b, us);
    case SLUICE_INT: {
        int64_t ms = sluice_field_get_int(f);
        if (ms > INT64_MAX / 1000 || ms < INT64_MIN / 1000) {
            *why = "out of the range of datetime";
            return NULL;
        }
        return sluice_field_new_datetime(b, ms * 1000);
    }
    case SLUICE_DATETIME: return (sluice_field *)f;
    default: *why = "no conversion from this type"; return NULL;
    }
}

static sluice_field *to_bool(sluice_batch *b, const sluice_field *f, const char *text, const char **why)
{
    switch (sluice_field_type(f)) {
    case SLUICE_STRING:
        if (!strcasecmp(text, "true") || !strcasecmp(text, "false"))
            return sluice_field_new_bool(b, !strcasecmp(text, "true"));
        *why = "not true or false";
        return NULL;
    case SLUICE_INT: return sluice_field_new_bool(b, sluice_field_get_int(f) != 0);
    case SLUICE_DOUBLE: return sluice_field_new_bool(b, sluice_field_get_double(f) != 0.0);
    case SLUICE_BOOL: return (sluice_field *)f;
    default: *why = "no conversion from this type"; return NULL;
    }
}

static sluice_field *to_string(sluice_batch *b, const conversion *c, const sluice_field *f, const char *text,
                               size_t len, const char **why)
{
    sluice_type t = sluice_field_type(f);
    if (t == SLUICE_LIST || t == SLUICE_MAP) {
        *why = "no conversion from this type";
        return NULL;
    }
    if (t == SLUICE_STRING)
        return (sluice_field *)f;
    if (t == SLUICE_DATETIME && c->pattern) {
        char buf[256];
        size_t n = sluice_datetime_format(c->pattern, sluice_field_get_datetime(f), buf, sizeof buf);
        if (n >= sizeof buf) {
            *why = "the pattern makes text longer than 255 bytes";
            return NULL;
        }
        return sluice_field_new_string(b, buf, n);
    }
    /* fields_value_text's text is in the arena already (or static, or the
     * field's own string): no second copy. */
    return sluice_field_new_string_static(b, text, len);
}

/* Whether converting f needs its text: most conversions from a string or
 * to a string or decimal do; a datetime formatted with a pattern or a
 * number to a number does not (and making text is most of their cost). */
static bool needs_text(const conversion *c, sluice_type t)
{
    if (t == SLUICE_STRING)
        return true;
    switch (c->to) {
    case TO_STRING: return !(t == SLUICE_DATETIME && c->pattern);
    case TO_DECIMAL: return true;
    case TO_INT: return t == SLUICE_DECIMAL;
    default: return false;
    }
}

static sluice_field *convert_value(sluice_batch *b, const conversion *c, const sluice_field *f, const char **why)
{
    size_t len = 0;
    const char *text = needs_text(c, sluice_field_type(f)) ? fields_value_text(b, f, &len) : "";
    switch (c->to) {
    case TO_STRING: return to_string(b, c, f, text, len, why);
    case TO_INT: return to_int(b, f, text, len, why);
    case TO_DOUBLE: return to_double(b, f, text, len, why);
    case TO_DECIMAL: return to_decimal(b, c, f, text, len, why);
    case TO_DATETIME: return to_datetime(b, c, f, text, len, why);
    case TO_BOOL: return to_bool(b, f, text, why);
    }
    return NULL;
}

/* ---- records ----------------------------------------------------------------- */

/* One record and conversion under way: what a visit of a matching field
 * needs. */
typedef struct convert_visit_ctx {
    const conversion *c;
    size_t index; /* of c in the config, for messages */
    sluice_batch *b;
    sluice_record *record;
    sluice_emitter *out;
} convert_visit_ctx;

static int convert_visit(sluice_field **slot, const sluice_path_match *match, void *arg)
{
    convert_visit_ctx *v = arg;
    sluice_field *f = *slot;
    if (sluice_field_type(f) == SLUICE_NULL)
        return SLUICE_OK;
    const char *why = "";
    sluice_field *to = convert_value(v->b, v->c, f, &why);
    if (!to) {
        size_t len;
        const char *text = fields_value_text(v->b, f, &len);
        /* Quote at most 100 bytes of the value: it goes to a log line too. */
        sluice_emit_error(v->out, v->record, FIELDS_CONVERT_ERROR,
                          "conversions[%zu]: %s: cannot convert %s \"%.*s%s\" to %s: %s", v->index,
                          fields_match_text(v->b, match), sluice_type_name(sluice_field_type(f)),
                          (int)(len > 100 ? 100 : len), text, len > 100 ? "..." : "", target_names[v->c->to], why);
        return SLUICE_ERROR;
    }
    *slot = to; /* where it stands: the order is kept */
    return SLUICE_OK;
}

static int convert_record(convert_stage *s, sluice_batch *in, sluice_record *record, sluice_emitter *out)
{
    convert_visit_ctx v = {.b = in, .record = record, .out = out};
    for (size_t i = 0; i < s->n; i++) {
        v.c = &s->conv[i];
        v.index = i;
        for (size_t p = 0; p < v.c->n_paths; p++)
            if (sluice_path_foreach(record, v.c->paths[p], convert_visit, &v) != SLUICE_OK)
                return SLUICE_ERROR;
    }
    return SLUICE_OK;
}

int fields_convert_process(void *state, sluice_batch *in, sluice_emitter *out)
{
    convert_stage *s = state;
    size_t n = sluice_batch_count(in);
    for (size_t k = 0; k < n; k++) {
        sluice_record *record = sluice_batch_record(in, k);
        if (convert_record(s, in, record, out) == SLUICE_OK)
            sluice_emit(out, 0, record);
    }
    return SLUICE_OK;
}
