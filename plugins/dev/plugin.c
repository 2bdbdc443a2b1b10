/* plugins/dev/plugin.c — the dev plugin: data to test pipelines with, and
 * somewhere to drop it.  No dependencies, always built. */
#include "config.h" /* PACKAGE_VERSION: the plugin ships with sluice */

#include "generator.h"

static const sluice_stage_def dev_stages[] = {
    {
        .struct_size = sizeof(sluice_stage_def),
        .name = "generator",
        .kind = SLUICE_ORIGIN,
        .summary = "makes test records (the NYC taxi preset, or fields you describe), record i a pure "
                   "function of (seed, i)",
        .config = &generator_schema,
        .init = generator_init,
        .destroy = generator_destroy,
        .produce = generator_produce,
        .start = generator_start,
        .stop = generator_stop,
    },
    {
        .struct_size = sizeof(sluice_stage_def),
        .name = "trash",
        .kind = SLUICE_DESTINATION,
        .summary = "accepts every record and discards it",
        .config = &trash_schema,
        .init = trash_init,
        .destroy = trash_destroy,
        .write = trash_write,
    },
};

static const sluice_plugin_def dev_plugin = {
    SLUICE_PLUGIN_DEF_HEADER,
    .name = "dev",
    .version = PACKAGE_VERSION,
    .summary = "test data: a record generator and a trash destination",
    .stages = dev_stages,
    .n_stages = sizeof dev_stages / sizeof dev_stages[0],
};

SLUICE_PLUGIN(dev_plugin)
