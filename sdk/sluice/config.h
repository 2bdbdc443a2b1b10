/* sluice/config.h — a stage's config schema, and reading validated config.
 *
 * A stage declares its config as a static table of keys.  The core checks
 * the operator's JSON against it before init (types, required keys, enum
 * values, ranges, unknown keys with a "did you mean"), fills defaults and
 * converts units, so a stage never sees raw JSON: it reads values through
 * the getters below.  Durations come out as integer milliseconds, sizes as
 * bytes, secrets resolved (${env:NAME}, ${file:PATH}).
 *
 * ABI: both structs start with their own size and only ever grow at the end;
 * the core walks a plugin's arrays with the plugin's element size.
 *
 * Threads: a sluice_config is immutable once init is called and lives until
 * the stage's destroy returns; any thread may read it.
 */
#ifndef SLUICE_CONFIG_H
#define SLUICE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sluice_config sluice_config;

/* Values are part of the ABI: never renumbered. */
typedef enum sluice_config_type {
    SLUICE_CONFIG_STRING = 1,
    SLUICE_CONFIG_INT = 2,
    SLUICE_CONFIG_DOUBLE = 3,
    SLUICE_CONFIG_BOOL = 4,
    SLUICE_CONFIG_DURATION = 5,   /* integer ms, or "250ms", "5s", "2m", "1h" */
    SLUICE_CONFIG_SIZE = 6,       /* bytes, or "512", "64KiB", "5MiB", "1GB" */
    SLUICE_CONFIG_ENUM = 7,       /* one of enum_values */
    SLUICE_CONFIG_LIST = 8,       /* JSON array of item_type */
    SLUICE_CONFIG_OBJECT = 9,     /* nested keys, described by `object` */
    SLUICE_CONFIG_MAP = 10,       /* JSON object of string -> string */
    SLUICE_CONFIG_EXPRESSION = 11, /* ${...} text, compiled by the core (sluice/expr.h) */
    SLUICE_CONFIG_SECRET = 12     /* string; literal, ${env:NAME} or ${file:PATH}; never logged */
} sluice_config_type;

/* Key flags. */
#define SLUICE_CONFIG_REQUIRED 0x1u /* the operator must set it */
#define SLUICE_CONFIG_RANGE 0x2u    /* numbers must lie in [min, max] */

typedef struct sluice_config_schema sluice_config_schema;

typedef struct sluice_config_key {
    size_t struct_size;             /* sizeof(sluice_config_key) */
    const char *name;
    sluice_config_type type;
    unsigned flags;
    const char *default_json;       /* the default as JSON text ("1000", "\"json\""), or NULL */
    const char *help;               /* one sentence for `sluice describe` */
    const char *const *enum_values; /* ENUM (and LIST of ENUM): NULL-terminated */
    sluice_config_type item_type;   /* LIST: the items' type */
    const sluice_config_schema *object; /* OBJECT, and LIST of OBJECT */
    double min, max;                /* with SLUICE_CONFIG_RANGE */
} sluice_config_key;

struct sluice_config_schema {
    size_t struct_size; /* sizeof(sluice_config_schema) */
    const sluice_config_key *keys;
    size_t n_keys;
    /* Optional check across keys (e.g. "preset or fields, not both"), run on
     * the converted config after every key passed.  On a problem it writes
     * one line to err, starting with the key it is about ("fields: ...";
     * the core prefixes the location), and returns SLUICE_ERROR. */
    int (*check)(const sluice_config *config, char *err, size_t errsize);
};

/* True when `key` has a value, set by the operator or by its default. */
SLUICE_API bool sluice_config_has(const sluice_config *config, const char *key);
/* STRING, ENUM, SECRET, EXPRESSION: the text; NULL when absent. */
SLUICE_API const char *sluice_config_string(const sluice_config *config, const char *key);
/* INT, DURATION (ms), SIZE (bytes); 0 when absent. */
SLUICE_API int64_t sluice_config_int(const sluice_config *config, const char *key);
/* DOUBLE (or INT); 0.0 when absent. */
SLUICE_API double sluice_config_double(const sluice_config *config, const char *key);
SLUICE_API bool sluice_config_bool(const sluice_config *config, const char *key);
/* OBJECT: the nested config, or NULL when absent. */
SLUICE_API const sluice_config *sluice_config_object(const sluice_config *config, const char *key);

/* LIST: number of items (0 when absent) and the i-th item by its type. */
SLUICE_API size_t sluice_config_list_count(const sluice_config *config, const char *key);
SLUICE_API const char *sluice_config_list_string(const sluice_config *config, const char *key, size_t i);
SLUICE_API int64_t sluice_config_list_int(const sluice_config *config, const char *key, size_t i);
SLUICE_API const sluice_config *sluice_config_list_object(const sluice_config *config, const char *key, size_t i);

/* MAP: number of entries, and the i-th key and value. */
SLUICE_API size_t sluice_config_map_count(const sluice_config *config, const char *key);
SLUICE_API const char *sluice_config_map_key(const sluice_config *config, const char *key, size_t i);
SLUICE_API const char *sluice_config_map_value(const sluice_config *config, const char *key, size_t i);

/* Where this config sits in the descriptor ("stages[2].config",
 * "stages[2].config.fields[1]"), for a stage's own error messages. */
SLUICE_API const char *sluice_config_location(const sluice_config *config);

#ifdef __cplusplus
}
#endif

#endif
