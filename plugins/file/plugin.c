/* plugins/file/plugin.c — the file plugin: records to local files. */
#include "config.h" /* PACKAGE_VERSION: the plugin ships with sluice */

#include "writer.h"

static const sluice_stage_def file_stages[] = {
    {
        .struct_size = sizeof(sluice_stage_def),
        .name = "writer",
        .kind = SLUICE_DESTINATION,
        .summary = "appends records to a local file, one JSON line each, flushed every batch",
        .config = &writer_schema,
        /* One open file per path: runners share the instance, the core
         * serializes its writes, and lines never interleave. */
        .flags = SLUICE_STAGE_SHARED,
        .init = writer_init,
        .destroy = writer_destroy,
        .write = writer_write,
    },
};

static const sluice_plugin_def file_plugin = {
    SLUICE_PLUGIN_DEF_HEADER,
    .name = "file",
    .version = PACKAGE_VERSION,
    .summary = "local files: a writer",
    .stages = file_stages,
    .n_stages = sizeof file_stages / sizeof file_stages[0],
};

SLUICE_PLUGIN(file_plugin)
