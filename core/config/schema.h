/* core/config/schema.h — checking and converting a stage's config against
 * the schema its plugin declared (sdk/sluice/config.h). */
#ifndef SLUICE_CORE_SCHEMA_H
#define SLUICE_CORE_SCHEMA_H

#include <stdio.h>

#include <json-c/json.h>
#include <sluice/config.h>

/* Checks `raw` (a JSON object, or NULL for no config) against `schema`,
 * fills defaults, converts durations, sizes and secrets, and returns the
 * config a stage reads.  `location` ("stages[2].config") prefixes every
 * message.  On error returns NULL with one line in err, e.g.
 *   stages[0].config.batch_size: expected an integer, got "ten"
 *   stages[0].config.recrods: unknown key (did you mean "records"?); known keys: preset, fields, ...
 * The schema's structs are read with the sizes the plugin was built with. */
sluice_config *config_build(const sluice_config_schema *schema, json_object *raw, const char *location, char *err,
                            size_t errsize);
void config_free(sluice_config *config);

/* Copies key i of a plugin's schema into *key, zero-filling fields that the
 * plugin's (older, smaller) struct does not have. */
void config_schema_key(const sluice_config_schema *schema, size_t i, sluice_config_key *key);

/* The schema as text for `sluice describe`: one key per line with type,
 * default, "required", allowed values and help, nested objects indented. */
void config_schema_print(const sluice_config_schema *schema, FILE *out, int indent);
/* The schema as JSON (an array of key objects), for `describe --json`. */
json_object *config_schema_to_json(const sluice_config_schema *schema);

/* The lower-case name of a config type ("duration"). */
const char *config_type_name(sluice_config_type type);

/* Parses "250ms", "5s", "2m", "1h" or an integer (ms) / "5MiB", "64KiB",
 * "1GB", "512" or an integer (bytes).  0 on success, -1 if malformed. */
int config_parse_duration(const char *text, long long *ms);
int config_parse_size(const char *text, long long *bytes);

/* "did you mean": the candidate closest to `word` by edit distance, or NULL
 * when none is close.  `candidates` is NULL-terminated. */
const char *suggest_closest(const char *word, const char *const *candidates);

#endif
