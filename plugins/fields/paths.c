/* plugins/fields/paths.c — checking, compiling and splitting the field
 * paths of the fields stages' config.
 *
 * Wildcards (/ * and [*]) go where SDC takes them: the fields to remove,
 * mask and convert (the Data Collector docs, "Wildcard Use for Arrays and
 * Maps", list Field Remover, Field Masker and Field Type Converter among
 * the processors that accept them).  A stage that writes one field (set,
 * rename's target) refuses them at validation with its reason.
 * Splitting a path into its steps (same grammar as core/record/path.c)
 * is needed where a stage walks the tree itself: remove's keep mode and
 * rename's parent map. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"

int fields_check_path(const char *what, const char *text, const char *no_wildcard, char *err, size_t errsize)
{
    char why[256];
    sluice_path *p = sluice_path_compile(text, why, sizeof why);
    if (!p) {
        snprintf(err, errsize, "%s: \"%s\" is not a field path: %s", what, text, why);
        return SLUICE_ERROR;
    }
    bool wildcard = sluice_path_has_wildcard(p);
    sluice_path_free(p);
    if (wildcard && no_wildcard) {
        snprintf(err, errsize, "%s: \"%s\": no wildcards (/* or [*]) here: %s", what, text, no_wildcard);
        return SLUICE_ERROR;
    }
    if (!strcmp(text, "") || !strcmp(text, "/")) {
        snprintf(err, errsize, "%s: the root \"%s\" cannot be used here; name a field (\"/name\")", what, text);
        return SLUICE_ERROR;
    }
    return SLUICE_OK;
}

int fields_check_path_list(const sluice_config *config, const char *key, char *err, size_t errsize)
{
    size_t n = sluice_config_list_count(config, key);
    if (n == 0) {
        snprintf(err, errsize, "%s: at least one path is needed", key);
        return SLUICE_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        char what[64];
        snprintf(what, sizeof what, "%s[%zu]", key, i);
        if (fields_check_path(what, sluice_config_list_string(config, key, i), NULL, err, errsize) != SLUICE_OK)
            return SLUICE_ERROR;
    }
    return SLUICE_OK;
}

sluice_path **fields_compile_paths(sluice_stage_ctx *ctx, const sluice_config *config, const char *key, size_t *n)
{
    *n = sluice_config_list_count(config, key);
    sluice_path **paths = calloc(*n ? *n : 1, sizeof *paths);
    if (!paths) {
        sluice_stage_fail(ctx, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < *n; i++) {
        char why[256];
        paths[i] = sluice_path_compile(sluice_config_list_string(config, key, i), why, sizeof why);
        if (!paths[i]) { /* validated already: only out of memory gets here */
            sluice_stage_fail(ctx, "%s[%zu]: %s", key, i, why);
            fields_free_paths(paths, i);
            return NULL;
        }
    }
    return paths;
}

const char *fields_match_text(sluice_batch *batch, const sluice_path_match *match)
{
    size_t len = sluice_path_match_text(match, NULL, 0);
    char *text = sluice_batch_alloc(batch, len + 1);
    sluice_path_match_text(match, text, len + 1);
    return text;
}

void fields_free_paths(sluice_path **paths, size_t n)
{
    if (!paths)
        return;
    for (size_t i = 0; i < n; i++)
        sluice_path_free(paths[i]);
    free(paths);
}

/* ---- splitting -------------------------------------------------------------- */

static fields_step *new_step(size_t key_room)
{
    return calloc(1, sizeof(fields_step) + key_room + 1);
}

/* One step at text[*pos] ('/' or '['), moving *pos past it.  The path
 * compiled, so the grammar holds: an unquoted '*' is a whole step. */
static fields_step *split_one(const char *text, size_t *pos)
{
    size_t len = strlen(text), p = *pos;
    fields_step *s;
    if (text[p] == '[') {
        if (!(s = new_step(0)))
            return NULL;
        s->is_index = true;
        s->is_wildcard = text[p + 1] == '*';
        s->index = s->is_wildcard ? 0 : strtoul(text + p + 1, NULL, 10);
        while (p < len && text[p] != ']')
            p++;
        *pos = p + 1;
        return s;
    }
    p++; /* the '/' */
    if (!(s = new_step(len - p)))
        return NULL;
    if (text[p] == '*') {
        s->is_wildcard = true;
        p++;
    } else if (text[p] == '\'' || text[p] == '"') {
        char quote = text[p++];
        while (p < len && text[p] != quote) {
            if (text[p] == '\\')
                p++;
            s->key[s->key_len++] = text[p++];
        }
        p++;
    } else {
        while (p < len && text[p] != '/' && text[p] != '[')
            s->key[s->key_len++] = text[p++];
    }
    s->key[s->key_len] = '\0';
    *pos = p;
    return s;
}

int fields_split_path(const char *text, fields_step ***steps, size_t *n)
{
    size_t len = strlen(text), pos = 0, cap = 4;
    *n = 0;
    *steps = malloc(cap * sizeof **steps);
    if (!*steps)
        return -1;
    while (pos < len) {
        if (*n == cap) {
            fields_step **grown = realloc(*steps, 2 * cap * sizeof **steps);
            if (!grown)
                goto fail;
            *steps = grown;
            cap *= 2;
        }
        fields_step *s = split_one(text, &pos);
        if (!s)
            goto fail;
        (*steps)[(*n)++] = s;
    }
    return 0;
fail:
    fields_free_steps(*steps, *n);
    *steps = NULL;
    return -1;
}

void fields_free_steps(fields_step **steps, size_t n)
{
    if (!steps)
        return;
    for (size_t i = 0; i < n; i++)
        free(steps[i]);
    free(steps);
}

bool fields_steps_prefix(fields_step **a, size_t na, fields_step **b, size_t nb)
{
    if (na > nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        if (a[i]->is_index != b[i]->is_index || a[i]->is_wildcard != b[i]->is_wildcard)
            return false;
        if (a[i]->is_index ? a[i]->index != b[i]->index
                           : a[i]->key_len != b[i]->key_len || memcmp(a[i]->key, b[i]->key, a[i]->key_len))
            return false;
    }
    return true;
}

char *fields_parent_path(const char *text)
{
    /* The last step starts at the last '/' or '[' outside quotes. */
    size_t len = strlen(text), last = 0;
    char quote = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (quote) {
            if (c == '\\')
                i++;
            else if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == '/' || c == '[') {
            last = i;
        }
    }
    if (last == 0)
        return strdup("/");
    return strndup(text, last);
}
