/* core/config/config_impl.h — what a sluice_config is inside the core.
 *
 * A config is built once, before init, and then only read.  It holds one
 * entry per key of the plugin's schema, in schema order, with the value
 * already converted (durations in ms, sizes in bytes, secrets resolved,
 * defaults filled): a getter is a name lookup and a field read, no JSON.
 * Nested objects and list items of type OBJECT are configs of their own,
 * owned by their parent, each with its location for messages.  Nothing
 * here points into the operator's JSON or the plugin's schema, so a
 * config outlives both. */
#ifndef SLUICE_CORE_CONFIG_IMPL_H
#define SLUICE_CORE_CONFIG_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>
#include <sluice/abi.h>
#include <sluice/config.h>
#include <sluice/expr.h>

typedef struct config_value config_value;

typedef struct config_list {
    size_t n;
    config_value *items; /* each with type = the key's item_type */
} config_list;

typedef struct config_map {
    size_t n;
    char **keys; /* in the operator's order */
    char **values;
} config_map;

struct config_value {
    sluice_config_type type;
    sluice_expr *expr; /* EXPRESSION: compiled from u.s when the config is built */
    union {
        char *s;           /* STRING, ENUM, EXPRESSION, SECRET */
        int64_t i;         /* INT, DURATION (ms), SIZE (bytes) */
        double d;          /* DOUBLE */
        bool b;            /* BOOL */
        sluice_config *obj; /* OBJECT */
        config_list list;  /* LIST */
        config_map map;    /* MAP */
    } u;
};

typedef struct config_entry {
    char *name;
    bool has; /* set by the operator or by a default */
    config_value value;
} config_entry;

struct sluice_config {
    char *location; /* "stages[2].config", "stages[2].config.fields[1]" */
    size_t n;
    config_entry *entries; /* one per schema key, in schema order */
};

/* value.c: converts the operator's `json` for `key` into *out (zeroed by
 * the caller).  `location` names the value ("stages[0].config.batch_size").
 * 0, or -1 with one line in err.  *out may hold parts on failure: release
 * it with config_value_clear either way. */
int config_value_convert(const sluice_config_key *key, json_object *json, const char *location, config_value *out,
                         char *err, size_t errsize);
void config_value_clear(config_value *v);

/* secret.c: a SECRET's text resolved: a literal, "${env:NAME}" or
 * "${file:PATH}".  0 and a malloc'd *out, or -1 with a message in err
 * that never contains the secret. */
int config_secret_resolve(const char *text, const char *location, char **out, char *err, size_t errsize);

/* schema.c: "location: message" into err; returns -1. */
int config_fail(char *err, size_t errsize, const char *location, const char *fmt, ...) SLUICE_PRINTF(4, 5);
/* "base.key" (or "key" when base is empty), malloc'd. */
char *config_join(const char *base, const char *key);
/* "base[i]", malloc'd. */
char *config_join_index(const char *base, size_t i);

/* describe.c: a range bound or value as an operator would write it
 * ("100000", "0.5"). */
const char *config_format_number(double v, char *buf, size_t size);

#endif
