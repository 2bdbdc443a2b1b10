/* plugins/fields/remove.c — fields:remove, SDC's Field Remover.
 *
 *   "config": { "paths": ["/medallion", "/hack_license"], "mode": "remove" }
 *
 * mode remove drops the listed fields; mode keep drops every other field,
 * keeping the maps and lists on the way to a listed one (with only what
 * leads to listed fields in them), in their original order.  A listed
 * path a record does not have is skipped.  Kept list items are packed:
 * keeping /l[1] and /l[3] of a list leaves a list of two.
 *
 * Paths may have SDC's wildcards, as in SDC's Field Remover: / * for every
 * entry of a map, [*] for every item of a list.  Removing /l[*] empties the
 * list l (it stays); keeping /items[*]/price keeps every item of items with
 * only its price.
 *
 * keep walks the record against a tree of the listed paths built at init
 * (the SDK's walker visits the fields of one path; this needs the shape of
 * all of them at once) and rebuilds only the containers it prunes, in the
 * batch arena.  With wildcards several branches of the tree can apply to
 * one field (/a/ * and /a/x both to /a/x): the walk carries the set of
 * them, in scratch space sized at init. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

static const char *const modes[] = {"remove", "keep", NULL};

static int remove_check(const sluice_config *config, char *err, size_t errsize)
{
    return fields_check_path_list(config, "paths", err, errsize);
}

static const sluice_config_key remove_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "paths",
     .type = SLUICE_CONFIG_LIST,
     .flags = SLUICE_CONFIG_REQUIRED,
     .item_type = SLUICE_CONFIG_STRING,
     .help = "The fields to remove (or, with mode keep, to keep)."},
    {.struct_size = sizeof(sluice_config_key),
     .name = "mode",
     .type = SLUICE_CONFIG_ENUM,
     .default_json = "\"remove\"",
     .enum_values = modes,
     .help = "remove: drop the listed fields; keep: drop every other field."},
};

const sluice_config_schema fields_remove_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = remove_keys,
    .n_keys = sizeof remove_keys / sizeof remove_keys[0],
    .check = remove_check,
};

/* A node of the tree of kept paths: a step, and either `whole` (a listed
 * path ends here: keep everything below) or the steps below to keep. */
typedef struct keep_node {
    fields_step *step; /* NULL at the root */
    bool whole;
    size_t n_children;
    struct keep_node *children;
} keep_node;

typedef struct remove_stage {
    bool keep;
    size_t n_paths;
    sluice_path **paths; /* mode remove */
    keep_node root;      /* mode keep */
    /* mode keep: the nodes that apply at each depth, n_keep per depth (a
     * listed path has at most one node at a depth); one instance runs on
     * one thread, so this is reused for every record. */
    size_t n_keep;
    const keep_node **scratch;
} remove_stage;

static void free_node(keep_node *node)
{
    for (size_t i = 0; i < node->n_children; i++)
        free_node(&node->children[i]);
    free(node->children);
    free(node->step);
}

static keep_node *child_for(const keep_node *node, const fields_step *step)
{
    for (size_t i = 0; i < node->n_children; i++) {
        const fields_step *c = node->children[i].step;
        if (c->is_index == step->is_index && c->is_wildcard == step->is_wildcard &&
            (c->is_wildcard || (c->is_index ? c->index == step->index
                                            : c->key_len == step->key_len && !memcmp(c->key, step->key, c->key_len))))
            return &node->children[i];
    }
    return NULL;
}

/* Adds a split path to the tree, taking its steps.  -1 on out of memory. */
static int add_path(keep_node *root, fields_step **steps, size_t n)
{
    keep_node *node = root;
    for (size_t i = 0; i < n; i++) {
        keep_node *child = child_for(node, steps[i]);
        if (child) {
            free(steps[i]);
        } else {
            keep_node *grown = realloc(node->children, (node->n_children + 1) * sizeof *grown);
            if (!grown) {
                for (size_t j = i; j < n; j++)
                    free(steps[j]);
                return -1;
            }
            node->children = grown;
            child = &node->children[node->n_children++];
            *child = (keep_node){.step = steps[i]};
        }
        steps[i] = NULL;
        node = child;
    }
    node->whole = true;
    return 0;
}

int fields_remove_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    remove_stage *s = calloc(1, sizeof *s);
    if (!s) {
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    s->keep = !strcmp(sluice_config_string(config, "mode"), "keep");
    if (!s->keep) {
        if (!(s->paths = fields_compile_paths(ctx, config, "paths", &s->n_paths))) {
            free(s);
            return SLUICE_ERROR;
        }
        *state = s;
        return SLUICE_OK;
    }
    size_t n = sluice_config_list_count(config, "paths"), max_steps = 0;
    for (size_t i = 0; i < n; i++) {
        fields_step **steps;
        size_t n_steps;
        if (fields_split_path(sluice_config_list_string(config, "paths", i), &steps, &n_steps) != 0 ||
            add_path(&s->root, steps, n_steps) != 0) {
            free(steps);
            fields_remove_destroy(s);
            sluice_stage_fail(ctx, "out of memory");
            return SLUICE_ERROR;
        }
        free(steps);
        if (n_steps > max_steps)
            max_steps = n_steps;
    }
    s->n_keep = n;
    if (!(s->scratch = calloc((max_steps + 1) * n, sizeof *s->scratch))) {
        fields_remove_destroy(s);
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    *state = s;
    return SLUICE_OK;
}

void fields_remove_destroy(void *state)
{
    remove_stage *s = state;
    if (!s)
        return;
    fields_free_paths(s->paths, s->n_paths);
    free_node(&s->root);
    free(s->scratch);
    free(s);
}

/* Whether a node's step takes the map entry `key` (is_index false) or the
 * list item `index`. */
static bool step_takes(const fields_step *st, bool is_index, const char *key, size_t key_len, size_t index)
{
    if (st->is_index != is_index)
        return false;
    if (st->is_wildcard)
        return true;
    return is_index ? st->index == index : st->key_len == key_len && !memcmp(st->key, key, key_len);
}

/* The children of `nodes` that take one entry or item, written to `out`:
 * how many. */
static size_t children_taking(const keep_node *const *nodes, size_t n_nodes, bool is_index, const char *key,
                              size_t key_len, size_t index, const keep_node **out)
{
    size_t n = 0;
    for (size_t i = 0; i < n_nodes; i++)
        for (size_t c = 0; c < nodes[i]->n_children; c++)
            if (step_takes(nodes[i]->children[c].step, is_index, key, key_len, index))
                out[n++] = &nodes[i]->children[c];
    return n;
}

/* What of `field` the tree nodes `nodes` (those that apply to it, at
 * `depth`) keep: the field itself, a pruned copy of its container (new in
 * the arena; the kept leaves are not copied), or NULL when nothing in it
 * is kept. */
static sluice_field *prune(const remove_stage *s, sluice_batch *b, sluice_field *field, const keep_node *const *nodes,
                           size_t n_nodes, size_t depth)
{
    for (size_t i = 0; i < n_nodes; i++)
        if (nodes[i]->whole)
            return field;
    sluice_type t = sluice_field_type(field);
    if (t != SLUICE_MAP && t != SLUICE_LIST)
        return NULL; /* a scalar where the paths go deeper: nothing kept */
    /* Not whole, so every node has children: depth + 1 is within the
     * deepest listed path. */
    const keep_node **next = s->scratch + (depth + 1) * s->n_keep;
    size_t n = sluice_field_count(field);
    sluice_field *kept = t == SLUICE_MAP ? sluice_field_new_map(b, n) : sluice_field_new_list(b, n);
    for (size_t i = 0; i < n; i++) {
        const char *key = NULL;
        size_t key_len = 0;
        sluice_field *value = t == SLUICE_MAP ? sluice_map_entry(field, i, &key, &key_len) : sluice_list_get(field, i);
        size_t n_next = children_taking(nodes, n_nodes, t == SLUICE_LIST, key, key_len, i, next);
        if (!n_next || !(value = prune(s, b, value, next, n_next, depth + 1)))
            continue;
        if (t == SLUICE_MAP) /* the key lives in this batch's arena as long as the record */
            sluice_map_append_static(b, kept, key, key_len, value);
        else
            sluice_list_append(b, kept, value);
    }
    return kept;
}

int fields_remove_process(void *state, sluice_batch *in, sluice_emitter *out)
{
    remove_stage *s = state;
    size_t n = sluice_batch_count(in);
    for (size_t k = 0; k < n; k++) {
        sluice_record *record = sluice_batch_record(in, k);
        if (s->keep) {
            const keep_node *top = &s->root;
            sluice_field *root = prune(s, in, sluice_record_root(record), &top, 1, 0);
            sluice_record_set_root(record, root ? root : sluice_field_new_map(in, 0));
        } else {
            for (size_t i = 0; i < s->n_paths; i++)
                sluice_path_remove(record, s->paths[i]);
        }
        sluice_emit(out, 0, record);
    }
    return SLUICE_OK;
}
