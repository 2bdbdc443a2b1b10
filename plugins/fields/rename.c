/* plugins/fields/rename.c — fields:rename, SDC's Field Renamer.
 *
 *   "config": { "renames": [ { "from": "/credit_card", "to": "/card/number" } ], "on_clash": "error" }
 *
 * Renames apply in order.  A rename within one map (/a/x -> /a/y) keeps
 * the field where it stood; a move to another map appends it there,
 * creating the maps on the way.  A record without `from` is left alone.
 * When `to` exists already, on_clash decides: error (the record is a
 * record error, FIELDS_02), overwrite (the old `to` goes; within one map
 * the renamed field keeps the place of `from`) or skip (this rename is
 * not done for that record).  A rename whose `to` refers to a group ($1)
 * renames every name a regular expression matches (rename_regex.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

static const char *const clash_modes[] = {"error", "overwrite", "skip", NULL};

#define NO_WILDCARD "a rename moves one field to one new path; list each rename"

static const sluice_config_key item_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "from",
     .type = SLUICE_CONFIG_STRING,
     .flags = SLUICE_CONFIG_REQUIRED,
     .help = "The field to rename; with a $n in `to`, its last step is a regular expression over names."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "to",
     .type = SLUICE_CONFIG_STRING,
     .flags = SLUICE_CONFIG_REQUIRED,
     .help = "Its new path; $1... stand for the groups of a regular expression `from`."},
};

static const sluice_config_schema item_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = item_keys,
    .n_keys = sizeof item_keys / sizeof item_keys[0],
};

static int rename_check(const sluice_config *config, char *err, size_t errsize)
{
    size_t n = sluice_config_list_count(config, "renames");
    if (n == 0) {
        snprintf(err, errsize, "renames: at least one rename is needed");
        return SLUICE_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        const sluice_config *item = sluice_config_list_object(config, "renames", i);
        const char *from = sluice_config_string(item, "from"), *to = sluice_config_string(item, "to");
        char what[64];
        if (fields_rename_is_regex(to)) {
            char why[400];
            snprintf(what, sizeof what, "renames[%zu].from", i);
            if (fields_check_path(what, from, NULL, err, errsize) != SLUICE_OK)
                return SLUICE_ERROR;
            snprintf(what, sizeof what, "renames[%zu].to", i);
            if (fields_check_path(what, to, NULL, err, errsize) != SLUICE_OK)
                return SLUICE_ERROR;
            if (fields_regex_rename_check(from, to, why, sizeof why) != SLUICE_OK) {
                snprintf(err, errsize, "renames[%zu].%s", i, why);
                return SLUICE_ERROR;
            }
            continue;
        }
        snprintf(what, sizeof what, "renames[%zu].from", i);
        /* SDC's Field Renamer renames several fields with a regular
         * expression and groups ($1, above), not with wildcards: a plain
         * rename is one field. */
        if (fields_check_path(what, from, NO_WILDCARD, err, errsize) != SLUICE_OK)
            return SLUICE_ERROR;
        snprintf(what, sizeof what, "renames[%zu].to", i);
        if (fields_check_path(what, to, NO_WILDCARD, err, errsize) != SLUICE_OK)
            return SLUICE_ERROR;
        fields_step **fs = NULL, **ts = NULL;
        size_t nf = 0, nt = 0;
        bool nested = false;
        if (fields_split_path(from, &fs, &nf) == 0 && fields_split_path(to, &ts, &nt) == 0)
            nested = fields_steps_prefix(fs, nf, ts, nt) || fields_steps_prefix(ts, nt, fs, nf);
        fields_free_steps(fs, nf);
        fields_free_steps(ts, nt);
        if (nested) {
            snprintf(err, errsize, "renames[%zu]: \"%s\" and \"%s\" are the same field or one holds the other", i,
                     from, to);
            return SLUICE_ERROR;
        }
    }
    return SLUICE_OK;
}

static const sluice_config_key rename_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "renames",
     .type = SLUICE_CONFIG_LIST,
     .flags = SLUICE_CONFIG_REQUIRED,
     .item_type = SLUICE_CONFIG_OBJECT,
     .object = &item_schema,
     .help = "The renames, in order: objects {from, to}."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "on_clash",
     .type = SLUICE_CONFIG_ENUM,
     .default_json = "\"error\"",
     .enum_values = clash_modes,
     .help = "When `to` exists: error (record error), overwrite, or skip the rename."},
};

const sluice_config_schema fields_rename_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = rename_keys,
    .n_keys = sizeof rename_keys / sizeof rename_keys[0],
    .check = rename_check,
};

typedef struct rename_item {
    sluice_path *from, *to;
    sluice_path *parent; /* the map both are in, when they share one; else NULL */
    bool parent_is_root;
    char *from_key, *to_key; /* last steps, when they share a map */
    size_t from_len, to_len;
    fields_regex_rename *regex; /* a rename by regular expression: only this */
} rename_item;

typedef struct rename_stage {
    size_t n;
    rename_item *items;
    fields_clash on_clash;
} rename_stage;

/* Fills the same-map part of an item: -1 on out of memory. */
static int find_shared_map(rename_item *it, const char *from, const char *to)
{
    char *pf = fields_parent_path(from), *pt = fields_parent_path(to);
    fields_step **fs = NULL, **ts = NULL;
    size_t nf = 0, nt = 0;
    int rc = -1;
    if (!pf || !pt || fields_split_path(from, &fs, &nf) != 0 || fields_split_path(to, &ts, &nt) != 0)
        goto done;
    rc = 0;
    if (strcmp(pf, pt) || fs[nf - 1]->is_index || ts[nt - 1]->is_index)
        goto done;
    it->parent_is_root = !strcmp(pf, "/");
    if (!it->parent_is_root && !(it->parent = sluice_path_compile(pf, NULL, 0)))
        rc = -1;
    it->from_key = strdup(fs[nf - 1]->key);
    it->to_key = strdup(ts[nt - 1]->key);
    it->from_len = fs[nf - 1]->key_len;
    it->to_len = ts[nt - 1]->key_len;
    if (!it->from_key || !it->to_key)
        rc = -1;
done:
    free(pf);
    free(pt);
    fields_free_steps(fs, nf);
    fields_free_steps(ts, nt);
    return rc;
}

int fields_rename_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    rename_stage *s = calloc(1, sizeof *s);
    size_t n = sluice_config_list_count(config, "renames");
    if (!s || !(s->items = calloc(n, sizeof *s->items))) {
        free(s);
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    const char *mode = sluice_config_string(config, "on_clash");
    s->on_clash = !strcmp(mode, "overwrite") ? FIELDS_CLASH_OVERWRITE
                  : !strcmp(mode, "skip")    ? FIELDS_CLASH_SKIP
                                             : FIELDS_CLASH_ERROR;
    for (; s->n < n; s->n++) {
        const sluice_config *item = sluice_config_list_object(config, "renames", s->n);
        rename_item *it = &s->items[s->n];
        const char *from = sluice_config_string(item, "from"), *to = sluice_config_string(item, "to");
        bool ok;
        if (fields_rename_is_regex(to)) {
            /* Checked already: only memory can fail (the message below). */
            ok = (it->regex = fields_regex_rename_new(from, to, NULL, 0)) != NULL;
        } else {
            it->from = sluice_path_compile(from, NULL, 0);
            it->to = sluice_path_compile(to, NULL, 0);
            ok = it->from && it->to && find_shared_map(it, from, to) == 0;
        }
        if (!ok) {
            s->n++;
            fields_rename_destroy(s);
            sluice_stage_fail(ctx, "out of memory");
            return SLUICE_ERROR;
        }
    }
    *state = s;
    return SLUICE_OK;
}

void fields_rename_destroy(void *state)
{
    rename_stage *s = state;
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        rename_item *it = &s->items[i];
        sluice_path_free(it->from);
        sluice_path_free(it->to);
        sluice_path_free(it->parent);
        free(it->from_key);
        free(it->to_key);
        fields_regex_rename_free(it->regex);
    }
    free(s->items);
    free(s);
}

/* Within one map: a new map with the same entries in the same order, the
 * renamed one under its new key and an overwritten `to` left out; it then
 * takes the old map's place.  (The SDK has no rename of a key in place.) */
static void rename_in_map(sluice_batch *b, sluice_record *record, const rename_item *it)
{
    sluice_field *map = it->parent_is_root ? sluice_record_root(record) : sluice_path_get(record, it->parent);
    size_t n = sluice_field_count(map);
    sluice_field *renamed = sluice_field_new_map(b, n);
    for (size_t i = 0; i < n; i++) {
        const char *key;
        size_t key_len;
        sluice_field *value = sluice_map_entry(map, i, &key, &key_len);
        if (key_len == it->from_len && !memcmp(key, it->from_key, key_len))
            sluice_map_put(b, renamed, it->to_key, it->to_len, value);
        else if (!(key_len == it->to_len && !memcmp(key, it->to_key, key_len)))
            sluice_map_append_static(b, renamed, key, key_len, value);
    }
    if (it->parent_is_root)
        sluice_record_set_root(record, renamed);
    else
        sluice_path_set(b, record, it->parent, renamed);
}

int fields_rename_process(void *state, sluice_batch *in, sluice_emitter *out)
{
    rename_stage *s = state;
    size_t n = sluice_batch_count(in);
    for (size_t k = 0; k < n; k++) {
        sluice_record *record = sluice_batch_record(in, k);
        bool failed = false;
        for (size_t i = 0; i < s->n && !failed; i++) {
            const rename_item *it = &s->items[i];
            if (it->regex) {
                failed = fields_regex_rename_apply(it->regex, s->on_clash, i, in, record, out) != SLUICE_OK;
                continue;
            }
            sluice_field *field = sluice_path_get(record, it->from);
            if (!field)
                continue;
            if (sluice_path_get(record, it->to)) {
                if (s->on_clash == FIELDS_CLASH_SKIP)
                    continue;
                if (s->on_clash == FIELDS_CLASH_ERROR) {
                    sluice_emit_error(out, record, FIELDS_RENAME_ERROR, "renames[%zu]: cannot rename %s: %s exists", i,
                                      sluice_path_text(it->from), sluice_path_text(it->to));
                    failed = true;
                    continue;
                }
            }
            if (it->from_key) {
                rename_in_map(in, record, it);
            } else if (sluice_path_set(in, record, it->to, field) == SLUICE_OK) {
                sluice_path_remove(record, it->from);
            } else {
                sluice_emit_error(out, record, FIELDS_RENAME_ERROR,
                                  "renames[%zu]: cannot move %s to %s: a field on the way is not a map or list", i,
                                  sluice_path_text(it->from), sluice_path_text(it->to));
                failed = true;
            }
        }
        if (!failed)
            sluice_emit(out, 0, record);
    }
    return SLUICE_OK;
}
