/* core/pipeline/descriptor.c — loading a pipeline descriptor (DESIGN §3):
 * strict JSON, then the descriptor's own structure.  Every mistake is one
 * line "SOURCE: where: what", checked in document order so the operator
 * fixes them top to bottom.  Lanes, the origin and cycles are the graph's
 * business (core/pipeline/graph.c), once plugins say what each stage is. */
#include "pipeline/descriptor.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/abi.h>

#include "config/schema.h"
#include "pipeline/strict_json.h"
#include "read_file.h"

/* The error stage's id; reserved so no regular stage can take it. */
#define ERROR_STAGE_ID "error_records"

typedef struct loader {
    const char *source;
    char *err;
    size_t errsize;
} loader;

static const char *const top_keys[] = {"pipeline", "description", "stages", "error_records", "retry", NULL};
static const char *const stage_keys[] = {"id",           "stage",         "inputs",          "config",
                                         "on_record_error", "preconditions", "required_fields", NULL};
static const char *const error_stage_keys[] = {"stage", "config", NULL};
static const char *const on_error_names[] = {"to_error", "discard", "stop_pipeline", NULL};

static int fail(loader *ld, const char *fmt, ...) SLUICE_PRINTF(2, 3);

/* "SOURCE: " + the message; always returns -1. */
static int fail(loader *ld, const char *fmt, ...)
{
    if (!ld->err || !ld->errsize)
        return -1;
    int n = snprintf(ld->err, ld->errsize, "%s: ", ld->source);
    if (n < 0 || (size_t)n >= ld->errsize)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ld->err + n, ld->errsize - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        abort(); /* out of memory while loading: nothing sensible to do */
    return p;
}

/* "a, b, c" into buf. */
static const char *join_names(const char *const *names, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; names[i] && used < size; i++) {
        int n = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return buf;
}

static bool in_list(const char *word, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        if (!strcmp(word, names[i]))
            return true;
    return false;
}

/* `where` is "" for the top level, else "stages[3]" and the like. */
static int check_keys(loader *ld, json_object *obj, const char *where, const char *const *known)
{
    json_object_object_foreach(obj, key, value) {
        (void)value;
        if (in_list(key, known))
            continue;
        char names[256];
        const char *close = suggest_closest(key, known);
        char hint[128] = "";
        if (close)
            snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", close);
        return fail(ld, "%s%sunknown key \"%.64s\"%s; known keys: %s", where, *where ? ": " : "", key, hint,
                    join_names(known, names, sizeof names));
    }
    return 0;
}

/* ---- values ----------------------------------------------------------------- */

static int expected(loader *ld, const char *where, const char *key, const char *what, json_object *got)
{
    char brief[64];
    return fail(ld, "%s%s%s: expected %s, got %s", where, *where ? "." : "", key, what,
                strict_json_brief(got, brief, sizeof brief));
}

/* A string member; *out stays NULL when absent and not required. */
static int get_string(loader *ld, json_object *obj, const char *where, const char *key, bool required, char **out)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, key, &v))
        return required ? fail(ld, "%s%s%s: required", where, *where ? "." : "", key) : 0;
    if (!json_object_is_type(v, json_type_string))
        return expected(ld, where, key, "a string", v);
    *out = xstrdup(json_object_get_string(v));
    return 0;
}

/* An optional array of strings. */
static int get_string_list(loader *ld, json_object *obj, const char *where, const char *key, char ***out, size_t *n)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, key, &v))
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return expected(ld, where, key, "an array of strings", v);
    size_t len = json_object_array_length(v);
    *out = calloc(len ? len : 1, sizeof **out);
    if (!*out)
        abort();
    for (size_t i = 0; i < len; i++) {
        json_object *item = json_object_array_get_idx(v, i);
        if (!json_object_is_type(item, json_type_string)) {
            char brief[64];
            return fail(ld, "%s.%s[%zu]: expected a string, got %s", where, key, i,
                        strict_json_brief(item, brief, sizeof brief));
        }
        (*out)[i] = xstrdup(json_object_get_string(item));
        *n = i + 1;
    }
    return 0;
}

/* ---- names ---------------------------------------------------------------- */

/* Ids and the pipeline name: [A-Za-z_][A-Za-z0-9_-]*.  No dots (they
 * separate a stage id from its lane) and no slashes (the pipeline name
 * is a directory). */
static bool valid_id(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '-'))
            return false;
    return true;
}

/* A plugin or stage name: [a-z0-9_-]+, n bytes of s. */
static bool valid_plugin_name(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            return false;
    return true;
}

/* "plugin:stage" or "plugin" into st->plugin / st->stage_name. */
static int split_stage_ref(loader *ld, descriptor_stage *st)
{
    const char *colon = strchr(st->stage, ':');
    size_t plen = colon ? (size_t)(colon - st->stage) : strlen(st->stage);
    if (!valid_plugin_name(st->stage, plen) || (colon && !valid_plugin_name(colon + 1, strlen(colon + 1))))
        return fail(ld,
                    "%s.stage: \"%.64s\" is not a stage name: expected \"plugin:stage\" or \"plugin\", "
                    "in lower-case letters, digits, '_' and '-'",
                    st->location, st->stage);
    st->plugin = strndup(st->stage, plen);
    if (!st->plugin)
        abort();
    if (colon)
        st->stage_name = xstrdup(colon + 1);
    return 0;
}

static int check_id(loader *ld, const descriptor *d, const descriptor_stage *st)
{
    if (!valid_id(st->id))
        return fail(ld,
                    "%s.id: \"%.64s\" is not a valid id: use letters, digits, '_' and '-', starting with a letter or "
                    "'_' (dots separate lanes)",
                    st->location, st->id);
    if (!strcmp(st->id, ERROR_STAGE_ID))
        return fail(ld, "%s.id: \"%s\" is reserved for the error stage", st->location, st->id);
    for (size_t i = 0; i < st->index; i++)
        if (!strcmp(d->stages[i].id, st->id))
            return fail(ld, "%s.id: \"%s\" is already the id of %s", st->location, st->id, d->stages[i].location);
    return 0;
}

static int get_on_record_error(loader *ld, json_object *obj, descriptor_stage *st)
{
    json_object *v;
    st->on_record_error = ON_ERROR_TO_ERROR;
    if (!json_object_object_get_ex(obj, "on_record_error", &v))
        return 0;
    if (json_object_is_type(v, json_type_string)) {
        const char *s = json_object_get_string(v);
        for (size_t i = 0; on_error_names[i]; i++) {
            if (!strcmp(s, on_error_names[i])) {
                st->on_record_error = (enum on_record_error)i;
                return 0;
            }
        }
    }
    char names[128], brief[64], hint[128] = "";
    const char *close = json_object_is_type(v, json_type_string)
                            ? suggest_closest(json_object_get_string(v), on_error_names)
                            : NULL;
    if (close)
        snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", close);
    return fail(ld, "%s.on_record_error: expected one of %s, got %s%s", st->location,
                join_names(on_error_names, names, sizeof names), strict_json_brief(v, brief, sizeof brief), hint);
}

static int get_config(loader *ld, json_object *obj, descriptor_stage *st)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, "config", &v))
        return 0;
    if (!json_object_is_type(v, json_type_object))
        return expected(ld, st->location, "config", "an object", v);
    st->config = v;
    return 0;
}

/* ---- stages ----------------------------------------------------------------- */

static int parse_stage(loader *ld, descriptor *d, json_object *obj, descriptor_stage *st)
{
    char brief[64];
    if (!json_object_is_type(obj, json_type_object))
        return fail(ld, "%s: expected an object, got %s", st->location, strict_json_brief(obj, brief, sizeof brief));
    if (check_keys(ld, obj, st->location, stage_keys) != 0 ||
        get_string(ld, obj, st->location, "id", true, &st->id) != 0 || check_id(ld, d, st) != 0 ||
        get_string(ld, obj, st->location, "stage", true, &st->stage) != 0 || split_stage_ref(ld, st) != 0 ||
        get_string_list(ld, obj, st->location, "inputs", &st->inputs, &st->n_inputs) != 0 ||
        get_config(ld, obj, st) != 0 || get_on_record_error(ld, obj, st) != 0 ||
        get_string_list(ld, obj, st->location, "preconditions", &st->preconditions, &st->n_preconditions) != 0 ||
        get_string_list(ld, obj, st->location, "required_fields", &st->required_fields, &st->n_required_fields) != 0)
        return -1;
    return 0;
}

static int parse_stages(loader *ld, descriptor *d)
{
    json_object *arr;
    if (!json_object_object_get_ex(d->root, "stages", &arr))
        return fail(ld, "stages: required");
    size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
    if (n == 0) {
        char brief[64];
        return fail(ld, "stages: expected a non-empty array, got %s",
                    json_object_is_type(arr, json_type_array) ? "an empty one"
                                                               : strict_json_brief(arr, brief, sizeof brief));
    }
    d->stages = calloc(n, sizeof *d->stages);
    if (!d->stages)
        abort();
    for (size_t i = 0; i < n; i++) {
        descriptor_stage *st = &d->stages[i];
        d->n_stages = i + 1; /* so descriptor_free releases what was parsed */
        st->index = i;
        snprintf(st->location, sizeof st->location, "stages[%zu]", i);
        if (parse_stage(ld, d, json_object_array_get_idx(arr, i), st) != 0)
            return -1;
    }
    return 0;
}

/* The error stage takes every stage's error records: it has no inputs,
 * and a record error inside it stops the pipeline (DESIGN §5). */
static int parse_error_stage(loader *ld, descriptor *d)
{
    json_object *obj;
    if (!json_object_object_get_ex(d->root, ERROR_STAGE_ID, &obj))
        return 0;
    char brief[64];
    if (!json_object_is_type(obj, json_type_object))
        return fail(ld, ERROR_STAGE_ID ": expected an object, got %s", strict_json_brief(obj, brief, sizeof brief));
    descriptor_stage *st = d->error_stage = calloc(1, sizeof *st);
    if (!st)
        abort();
    st->index = d->n_stages;
    snprintf(st->location, sizeof st->location, ERROR_STAGE_ID);
    st->id = xstrdup(ERROR_STAGE_ID);
    st->on_record_error = ON_ERROR_STOP_PIPELINE;
    if (json_object_object_get_ex(obj, "inputs", NULL))
        return fail(ld, ERROR_STAGE_ID ".inputs: not allowed: the error stage receives the error records of every "
                        "stage");
    if (check_keys(ld, obj, st->location, error_stage_keys) != 0 ||
        get_string(ld, obj, st->location, "stage", true, &st->stage) != 0 || split_stage_ref(ld, st) != 0 ||
        get_config(ld, obj, st) != 0)
        return -1;
    return 0;
}

static int parse_top(loader *ld, descriptor *d)
{
    char brief[64];
    if (!json_object_is_type(d->root, json_type_object))
        return fail(ld, "expected a JSON object at the top, got %s", strict_json_brief(d->root, brief, sizeof brief));
    if (check_keys(ld, d->root, "", top_keys) != 0 || get_string(ld, d->root, "", "pipeline", true, &d->pipeline) != 0)
        return -1;
    if (!valid_id(d->pipeline))
        return fail(ld,
                    "pipeline: \"%.64s\" is not a valid name: use letters, digits, '_' and '-', starting with a "
                    "letter or '_' (it names the state directory)",
                    d->pipeline);
    json_object *v = NULL;
    if (json_object_object_get_ex(d->root, "description", &v) && !json_object_is_type(v, json_type_string))
        return expected(ld, "", "description", "a string", v);
    /* "retry" is checked by the graph against its schema (graph.c). */
    if (json_object_object_get_ex(d->root, "retry", &v) && !json_object_is_type(v, json_type_object))
        return expected(ld, "", "retry", "an object", v);
    d->retry = v && json_object_is_type(v, json_type_object) ? v : NULL;
    return parse_stages(ld, d) != 0 || parse_error_stage(ld, d) != 0 ? -1 : 0;
}

/* ---- entry points ------------------------------------------------------- */

descriptor *descriptor_load_string(const char *text, size_t len, const char *source, char *err, size_t errsize)
{
    loader ld = {source ? source : "<descriptor>", err, errsize};
    json_object *root = strict_json_parse(text, len, ld.source, err, errsize);
    if (!root)
        return NULL;
    descriptor *d = calloc(1, sizeof *d);
    if (!d)
        abort();
    d->root = root;
    d->source = xstrdup(ld.source);
    if (parse_top(&ld, d) != 0) {
        descriptor_free(d);
        return NULL;
    }
    return d;
}

descriptor *descriptor_load_file(const char *path, char *err, size_t errsize)
{
    size_t len = 0;
    /* Reading stops just past what the parser accepts: it refuses that much. */
    char *text = read_file(path, STRICT_JSON_MAX_LEN, &len);
    if (!text) {
        if (err && errsize)
            snprintf(err, errsize, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    descriptor *d = descriptor_load_string(text, len, path, err, errsize);
    free(text);
    return d;
}

static void free_strings(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void stage_clear(descriptor_stage *st)
{
    free(st->id);
    free(st->stage);
    free(st->plugin);
    free(st->stage_name);
    free_strings(st->inputs, st->n_inputs);
    free_strings(st->preconditions, st->n_preconditions);
    free_strings(st->required_fields, st->n_required_fields);
}

void descriptor_free(descriptor *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_stages; i++)
        stage_clear(&d->stages[i]);
    free(d->stages);
    if (d->error_stage) {
        stage_clear(d->error_stage);
        free(d->error_stage);
    }
    free(d->pipeline);
    free(d->source);
    json_object_put(d->root);
    free(d);
}
