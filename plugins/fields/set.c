/* plugins/fields/set.c — fields:set, SDC's Expression Evaluator: sets
 * fields and header attributes to the values of expressions.
 *
 *   "config": { "fields": [ { "path": "/total_cents", "value": "${record:value('/total_amount') * 100}" },
 *                           { "attribute": "source", "value": "taxi" } ] }
 *
 * Items are applied in order, so an item sees what the earlier ones set.
 * A path that does not exist is created, with the maps it needs on the
 * way; an existing field is replaced where it stands (order kept).  An
 * expression that fails, or a path through a field that is not a map or
 * list, makes the record a record error (FIELDS_01). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

static const sluice_config_key item_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "path",
     .type = SLUICE_CONFIG_STRING,
     .help = "The field to set (\"/a/b\"); maps on the way are created.  Give path or attribute."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "attribute",
     .type = SLUICE_CONFIG_STRING,
     .help = "The header attribute to set, instead of a field; its value is the expression's text."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "value",
     .type = SLUICE_CONFIG_EXPRESSION,
     .flags = SLUICE_CONFIG_REQUIRED,
     .help = "The value: an expression (${...}) or text with ${...} inside; its type is the expression's."},
};

static const sluice_config_schema item_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = item_keys,
    .n_keys = sizeof item_keys / sizeof item_keys[0],
};

static int set_check(const sluice_config *config, char *err, size_t errsize)
{
    size_t n = sluice_config_list_count(config, "fields");
    if (n == 0) {
        snprintf(err, errsize, "fields: at least one item is needed");
        return SLUICE_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        const sluice_config *item = sluice_config_list_object(config, "fields", i);
        bool has_path = sluice_config_has(item, "path"), has_attr = sluice_config_has(item, "attribute");
        char what[64];
        if (has_path == has_attr) {
            snprintf(err, errsize, "fields[%zu]: give either \"path\" or \"attribute\"%s", i,
                     has_path ? ", not both" : "");
            return SLUICE_ERROR;
        }
        if (has_attr && !*sluice_config_string(item, "attribute")) {
            snprintf(err, errsize, "fields[%zu].attribute: an attribute name cannot be empty", i);
            return SLUICE_ERROR;
        }
        snprintf(what, sizeof what, "fields[%zu].path", i);
        /* SDC's Expression Evaluator writes one output field per expression. */
        if (has_path && fields_check_path(what, sluice_config_string(item, "path"),
                                          "a value is set at one path (as in SDC's Expression Evaluator)", err,
                                          errsize) != SLUICE_OK)
            return SLUICE_ERROR;
    }
    return SLUICE_OK;
}

static const sluice_config_key set_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "fields",
     .type = SLUICE_CONFIG_LIST,
     .flags = SLUICE_CONFIG_REQUIRED,
     .item_type = SLUICE_CONFIG_OBJECT,
     .object = &item_schema,
     .help = "What to set, in order: objects {path, value} or {attribute, value}."},
};

const sluice_config_schema fields_set_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = set_keys,
    .n_keys = sizeof set_keys / sizeof set_keys[0],
    .check = set_check,
};

typedef struct set_item {
    sluice_path *path;     /* NULL for an attribute */
    const char *attribute; /* owned by the config */
    const sluice_expr *value;
} set_item;

typedef struct set_stage {
    size_t n;
    set_item *items;
    sluice_expr_ctx *ectx;
} set_stage;

int fields_set_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    set_stage *s = calloc(1, sizeof *s);
    if (!s || !(s->items = calloc(sluice_config_list_count(config, "fields"), sizeof *s->items))) {
        free(s);
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    s->ectx = sluice_expr_ctx_new(ctx);
    size_t n = sluice_config_list_count(config, "fields");
    for (; s->n < n; s->n++) {
        const sluice_config *item = sluice_config_list_object(config, "fields", s->n);
        set_item *it = &s->items[s->n];
        it->value = sluice_config_expression(item, "value");
        if (sluice_config_has(item, "attribute")) {
            it->attribute = sluice_config_string(item, "attribute");
            continue;
        }
        char why[256];
        if (!(it->path = sluice_path_compile(sluice_config_string(item, "path"), why, sizeof why))) {
            sluice_stage_fail(ctx, "fields[%zu].path: %s", s->n, why);
            fields_set_destroy(s);
            return SLUICE_ERROR;
        }
    }
    *state = s;
    return SLUICE_OK;
}

void fields_set_destroy(void *state)
{
    set_stage *s = state;
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        sluice_path_free(s->items[i].path);
    sluice_expr_ctx_free(s->ectx);
    free(s->items);
    free(s);
}

/* Applies every item to one record: SLUICE_OK, or SLUICE_ERROR after
 * making it a record error. */
static int set_record(set_stage *s, sluice_batch *in, sluice_record *record, sluice_emitter *out)
{
    for (size_t i = 0; i < s->n; i++) {
        set_item *it = &s->items[i];
        if (it->attribute) {
            const char *text;
            size_t len;
            if (sluice_expr_eval_string(it->value, s->ectx, record, in, &text, &len) != SLUICE_OK)
                goto eval_failed;
            sluice_record_set_attribute(in, record, it->attribute, text);
            continue;
        }
        sluice_field *value;
        if (sluice_expr_eval_field(it->value, s->ectx, record, in, &value) != SLUICE_OK)
            goto eval_failed;
        if (sluice_path_set(in, record, it->path, value) != SLUICE_OK) {
            sluice_emit_error(out, record, FIELDS_SET_ERROR,
                              "fields[%zu].path: cannot set %s: a field on the way is not a map or list", i,
                              sluice_path_text(it->path));
            return SLUICE_ERROR;
        }
        continue;
    eval_failed:
        sluice_emit_error(out, record, FIELDS_SET_ERROR, "fields[%zu].value: %s", i, sluice_expr_ctx_error(s->ectx));
        return SLUICE_ERROR;
    }
    return SLUICE_OK;
}

int fields_set_process(void *state, sluice_batch *in, sluice_emitter *out)
{
    set_stage *s = state;
    size_t n = sluice_batch_count(in);
    for (size_t k = 0; k < n; k++) {
        sluice_record *record = sluice_batch_record(in, k);
        if (set_record(s, in, record, out) == SLUICE_OK)
            sluice_emit(out, 0, record);
    }
    return SLUICE_OK;
}
