/* plugins/dev/generator.h — the dev plugin's parts, as plugin.c wires them.
 *
 * dev:generator (generator.c) makes record i from (seed, i) with one of two
 * record makers: the taxi preset (taxi.c) or the operator's field list
 * (field_spec.c).  dev:trash (trash.c) takes every record and drops it.
 * Everything here is internal to the module (built -fvisibility=hidden).
 */
#ifndef SLUICE_DEV_GENERATOR_H
#define SLUICE_DEV_GENERATOR_H

#include <stddef.h>
#include <stdint.h>

#include <sluice/sluice.h>

/* ---- dev:generator (generator.c) --------------------------------------- */

extern const sluice_config_schema generator_schema;
int generator_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
void generator_destroy(void *state);
int generator_produce(void *state, sluice_batch *out);
int generator_start(void *state, sluice_pusher *pusher);
void generator_stop(void *state);

/* ---- the taxi preset (taxi.c) ------------------------------------------ */

typedef struct taxi_model taxi_model;

/* A model for the given seed key (rng_seed_key) and share of corrupted
 * records (0..1).  Never NULL (allocation failure aborts). */
taxi_model *taxi_model_new(uint64_t seed_key, double corrupt_fraction);
void taxi_model_free(taxi_model *model);
/* Record `seq`'s root MAP, built in `batch`'s arena.  Thread-safe: the
 * model is read-only once made. */
sluice_field *taxi_record(const taxi_model *model, sluice_batch *batch, uint64_t seq);

/* ---- the `fields` list (field_spec.c) ---------------------------------- */

typedef struct field_spec field_spec;

/* The schema of one item of `fields`, and the check the generator's schema
 * runs on the whole list (names unique, keys fitting each type, ranges). */
extern const sluice_config_schema field_spec_item_schema;
int field_spec_check(const sluice_config *config, char *err, size_t errsize);

/* The specs from the generator's validated config (its `fields` list).
 * Names point into the config, which outlives the stage instance. */
field_spec *field_spec_new(const sluice_config *config, uint64_t seed_key);
void field_spec_free(field_spec *spec);
/* Record `seq`'s root MAP: `seq` first, then the fields in list order. */
sluice_field *field_spec_record(const field_spec *spec, sluice_batch *batch, uint64_t seq);

/* ---- dev:trash (trash.c) ------------------------------------------------ */

extern const sluice_config_schema trash_schema;
int trash_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state);
void trash_destroy(void *state);
int trash_write(void *state, sluice_batch *in);

#endif
