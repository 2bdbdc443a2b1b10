/* core/config/schema.c — building a stage's config from the operator's
 * JSON object and the plugin's schema (DESIGN §4): unknown keys first
 * (they come with a "did you mean", and often explain a "required" that
 * would follow), then each key in schema order (value, required or
 * default), then the stage's own check.
 *
 * The plugin's structs are read with the plugin's sizes: the schema by
 * its struct_size, the key array with keys[0].struct_size as the stride,
 * each key copied into a zeroed current-size struct, so fields an older
 * plugin does not know read as zero. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_impl.h"
#include "config/schema.h"
#include "pipeline/strict_json.h"

/* A key struct must at least reach its type to mean anything. */
#define KEY_MIN_SIZE (offsetof(sluice_config_key, type) + sizeof(sluice_config_type))
#define SCHEMA_MIN_SIZE (offsetof(sluice_config_schema, n_keys) + sizeof(size_t))

int config_fail(char *err, size_t errsize, const char *location, const char *fmt, ...)
{
    if (!err || !errsize)
        return -1;
    int n = location && *location ? snprintf(err, errsize, "%s: ", location) : 0;
    if (n < 0 || (size_t)n >= errsize)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errsize - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

char *config_join(const char *base, const char *key)
{
    char *s;
    if (asprintf(&s, "%s%s%s", base ? base : "", base && *base ? "." : "", key) < 0)
        abort();
    return s;
}

char *config_join_index(const char *base, size_t i)
{
    char *s;
    if (asprintf(&s, "%s[%zu]", base ? base : "", i) < 0)
        abort();
    return s;
}

/* The plugin's schema struct, zero-filled past its size. */
static void schema_copy(const sluice_config_schema *schema, sluice_config_schema *copy)
{
    memset(copy, 0, sizeof *copy);
    if (!schema)
        return;
    size_t n = schema->struct_size < sizeof *copy ? schema->struct_size : sizeof *copy;
    memcpy(copy, schema, n);
}

void config_schema_key(const sluice_config_schema *schema, size_t i, sluice_config_key *key)
{
    memset(key, 0, sizeof *key);
    sluice_config_schema s;
    schema_copy(schema, &s);
    if (!s.keys || i >= s.n_keys)
        return;
    size_t stride = s.keys[0].struct_size;
    if (stride < KEY_MIN_SIZE)
        return;
    memcpy(key, (const char *)s.keys + i * stride, stride < sizeof *key ? stride : sizeof *key);
}

/* A plugin's schema mistakes become config errors rather than crashes. */
static int schema_usable(const sluice_config_schema *schema, const sluice_config_schema *s, const char *location,
                         char *err, size_t errsize)
{
    if (schema && schema->struct_size < SCHEMA_MIN_SIZE)
        return config_fail(err, errsize, location, "invalid schema in the plugin: struct_size %zu is too small",
                           schema->struct_size);
    if (s->n_keys && !s->keys)
        return config_fail(err, errsize, location, "invalid schema in the plugin: %zu keys but no key array",
                           s->n_keys);
    if (s->n_keys && s->keys[0].struct_size < KEY_MIN_SIZE)
        return config_fail(err, errsize, location, "invalid schema in the plugin: key struct_size %zu is too small",
                           s->keys[0].struct_size);
    for (size_t i = 0; i < s->n_keys; i++) {
        sluice_config_key key;
        config_schema_key(schema, i, &key);
        if (!key.name)
            return config_fail(err, errsize, location, "invalid schema in the plugin: key %zu has no name", i);
    }
    return 0;
}

/* The schema's key names, NULL-terminated, for suggestions; malloc'd. */
static const char **key_names(const sluice_config_schema *schema, size_t n)
{
    const char **names = calloc(n + 1, sizeof *names);
    if (!names)
        abort();
    for (size_t i = 0; i < n; i++) {
        sluice_config_key key;
        config_schema_key(schema, i, &key);
        names[i] = key.name;
    }
    return names;
}

static int unknown_key(const char **names, const char *key, const char *location, char *err, size_t errsize)
{
    char *key_location = config_join(location, key);
    if (!names[0]) {
        config_fail(err, errsize, key_location, "unknown key; this stage takes no config");
    } else {
        char known[512] = "", hint[128] = "";
        size_t used = 0;
        for (size_t i = 0; names[i] && used < sizeof known; i++) {
            int n = snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", names[i]);
            used += n > 0 ? (size_t)n : 0;
        }
        const char *close = suggest_closest(key, names);
        if (close)
            snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", close);
        config_fail(err, errsize, key_location, "unknown key%s; known keys: %s", hint, known);
    }
    free(key_location);
    return -1;
}

static int check_unknown_keys(const sluice_config_schema *schema, size_t n_keys, json_object *raw,
                              const char *location, char *err, size_t errsize)
{
    if (!raw)
        return 0;
    const char **names = key_names(schema, n_keys);
    int rc = 0;
    json_object_object_foreach(raw, k, v) {
        (void)v;
        size_t i = 0;
        while (names[i] && strcmp(names[i], k) != 0)
            i++;
        if (!names[i]) {
            rc = unknown_key(names, k, location, err, errsize);
            break;
        }
    }
    free(names);
    return rc;
}

/* An absent key's default, converted like an operator's value.  A bad
 * default is the plugin's bug: the message says so. */
static int fill_default(const sluice_config_key *key, const char *location, config_entry *e, char *err,
                        size_t errsize)
{
    json_object *json = json_tokener_parse(key->default_json);
    if (!json)
        return config_fail(err, errsize, location, "invalid default in the plugin's schema: %s is not JSON",
                           key->default_json);
    char why[512];
    int rc = config_value_convert(key, json, location, &e->value, why, sizeof why);
    json_object_put(json);
    if (rc != 0)
        return config_fail(err, errsize, location, "invalid default in the plugin's schema (%s)", why);
    e->has = true;
    return 0;
}

static int fill_entry(const sluice_config_key *key, json_object *raw, const char *location, config_entry *e,
                      char *err, size_t errsize)
{
    char *key_location = config_join(location, key->name);
    json_object *json;
    int rc = 0;
    if (raw && json_object_object_get_ex(raw, key->name, &json)) {
        rc = config_value_convert(key, json, key_location, &e->value, err, errsize);
        e->has = rc == 0;
    } else if (key->flags & SLUICE_CONFIG_REQUIRED) {
        rc = config_fail(err, errsize, key_location, "required");
    } else if (key->default_json) {
        rc = fill_default(key, key_location, e, err, errsize);
    }
    free(key_location);
    return rc;
}

/* The stage's cross-key check; its message starts with a key name and
 * gets the location in front. */
static int run_check(const sluice_config_schema *s, const sluice_config *config, const char *location, char *err,
                     size_t errsize)
{
    char why[512] = "";
    if (s->check(config, why, sizeof why) == SLUICE_OK)
        return 0;
    for (char *p = why; *p; p++) /* one line, whatever the plugin wrote */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    if (!*why)
        return config_fail(err, errsize, location, "refused by the stage (it gave no reason)");
    if (err && errsize)
        snprintf(err, errsize, "%s%s%s", location, *location ? "." : "", why);
    return -1;
}

sluice_config *config_build(const sluice_config_schema *schema, json_object *raw, const char *location, char *err,
                            size_t errsize)
{
    if (!location)
        location = "";
    sluice_config_schema s;
    schema_copy(schema, &s);
    if (schema_usable(schema, &s, location, err, errsize) != 0)
        return NULL;
    if (raw && !json_object_is_type(raw, json_type_object)) {
        char brief[64];
        config_fail(err, errsize, location, "expected an object, got %s", strict_json_brief(raw, brief, sizeof brief));
        return NULL;
    }
    if (check_unknown_keys(schema, s.n_keys, raw, location, err, errsize) != 0)
        return NULL;
    sluice_config *c = calloc(1, sizeof *c);
    if (!c)
        abort();
    c->entries = calloc(s.n_keys ? s.n_keys : 1, sizeof *c->entries);
    c->location = strdup(location);
    if (!c->entries || !c->location)
        abort();
    for (size_t i = 0; i < s.n_keys; i++) {
        sluice_config_key key;
        config_schema_key(schema, i, &key);
        config_entry *e = &c->entries[i];
        c->n = i + 1; /* so a failure releases what was built */
        e->name = strdup(key.name);
        if (!e->name)
            abort();
        e->value.type = key.type;
        if (fill_entry(&key, raw, location, e, err, errsize) != 0) {
            config_free(c);
            return NULL;
        }
    }
    if (s.check && run_check(&s, c, location, err, errsize) != 0) {
        config_free(c);
        return NULL;
    }
    return c;
}

void config_free(sluice_config *config)
{
    if (!config)
        return;
    for (size_t i = 0; i < config->n; i++) {
        config_value_clear(&config->entries[i].value);
        free(config->entries[i].name);
    }
    free(config->entries);
    free(config->location);
    free(config);
}
