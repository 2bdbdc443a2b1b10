/* core/config/config_get.c — the getters of sdk/sluice/config.h.
 *
 * Values were converted when the config was built, so a getter finds the
 * entry by name (a schema has a handful of keys; stages read their config
 * at init, not per record) and reads a field.  An absent key, an index
 * past the end, a NULL config or a getter of the wrong type returns the
 * documented zero value (NULL, 0, 0.0, false) instead of failing: a
 * plugin's mistake must not crash the pipeline. */
#include <string.h>

#include "config/config_impl.h"

static const config_value *find(const sluice_config *config, const char *key)
{
    if (!config || !key)
        return NULL;
    for (size_t i = 0; i < config->n; i++)
        if (!strcmp(config->entries[i].name, key))
            return config->entries[i].has ? &config->entries[i].value : NULL;
    return NULL;
}

static bool is_text(sluice_config_type t)
{
    return t == SLUICE_CONFIG_STRING || t == SLUICE_CONFIG_ENUM || t == SLUICE_CONFIG_SECRET ||
           t == SLUICE_CONFIG_EXPRESSION;
}

static bool is_integer(sluice_config_type t)
{
    return t == SLUICE_CONFIG_INT || t == SLUICE_CONFIG_DURATION || t == SLUICE_CONFIG_SIZE;
}

/* The i-th item of a LIST, or NULL. */
static const config_value *list_item(const sluice_config *config, const char *key, size_t i)
{
    const config_value *v = find(config, key);
    if (!v || v->type != SLUICE_CONFIG_LIST || i >= v->u.list.n)
        return NULL;
    return &v->u.list.items[i];
}

static const config_map *map_of(const sluice_config *config, const char *key)
{
    const config_value *v = find(config, key);
    return v && v->type == SLUICE_CONFIG_MAP ? &v->u.map : NULL;
}

SLUICE_API bool sluice_config_has(const sluice_config *config, const char *key)
{
    return find(config, key) != NULL;
}

SLUICE_API const char *sluice_config_string(const sluice_config *config, const char *key)
{
    const config_value *v = find(config, key);
    return v && is_text(v->type) ? v->u.s : NULL;
}

SLUICE_API int64_t sluice_config_int(const sluice_config *config, const char *key)
{
    const config_value *v = find(config, key);
    return v && is_integer(v->type) ? v->u.i : 0;
}

SLUICE_API double sluice_config_double(const sluice_config *config, const char *key)
{
    const config_value *v = find(config, key);
    if (!v)
        return 0.0;
    if (v->type == SLUICE_CONFIG_DOUBLE)
        return v->u.d;
    return v->type == SLUICE_CONFIG_INT ? (double)v->u.i : 0.0;
}

SLUICE_API bool sluice_config_bool(const sluice_config *config, const char *key)
{
    const config_value *v = find(config, key);
    return v && v->type == SLUICE_CONFIG_BOOL ? v->u.b : false;
}

SLUICE_API const sluice_config *sluice_config_object(const sluice_config *config, const char *key)
{
    const config_value *v = find(config, key);
    return v && v->type == SLUICE_CONFIG_OBJECT ? v->u.obj : NULL;
}

SLUICE_API size_t sluice_config_list_count(const sluice_config *config, const char *key)
{
    const config_value *v = find(config, key);
    return v && v->type == SLUICE_CONFIG_LIST ? v->u.list.n : 0;
}

SLUICE_API const char *sluice_config_list_string(const sluice_config *config, const char *key, size_t i)
{
    const config_value *item = list_item(config, key, i);
    return item && is_text(item->type) ? item->u.s : NULL;
}

SLUICE_API int64_t sluice_config_list_int(const sluice_config *config, const char *key, size_t i)
{
    const config_value *item = list_item(config, key, i);
    return item && is_integer(item->type) ? item->u.i : 0;
}

SLUICE_API const sluice_config *sluice_config_list_object(const sluice_config *config, const char *key, size_t i)
{
    const config_value *item = list_item(config, key, i);
    return item && item->type == SLUICE_CONFIG_OBJECT ? item->u.obj : NULL;
}

SLUICE_API size_t sluice_config_map_count(const sluice_config *config, const char *key)
{
    const config_map *m = map_of(config, key);
    return m ? m->n : 0;
}

SLUICE_API const char *sluice_config_map_key(const sluice_config *config, const char *key, size_t i)
{
    const config_map *m = map_of(config, key);
    return m && i < m->n ? m->keys[i] : NULL;
}

SLUICE_API const char *sluice_config_map_value(const sluice_config *config, const char *key, size_t i)
{
    const config_map *m = map_of(config, key);
    return m && i < m->n ? m->values[i] : NULL;
}

SLUICE_API const char *sluice_config_location(const sluice_config *config)
{
    return config && config->location ? config->location : "";
}

SLUICE_API const sluice_expr *sluice_config_expression(const sluice_config *config, const char *key)
{
    const config_value *v = find(config, key);
    return v && v->type == SLUICE_CONFIG_EXPRESSION ? v->expr : NULL;
}

SLUICE_API const sluice_expr *sluice_config_list_expression(const sluice_config *config, const char *key, size_t i)
{
    const config_value *item = list_item(config, key, i);
    return item && item->type == SLUICE_CONFIG_EXPRESSION ? item->expr : NULL;
}
