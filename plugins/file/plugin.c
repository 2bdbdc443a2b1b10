/* plugins/file/plugin.c — the file plugin: records from and to local files. */
#include "config.h" /* PACKAGE_VERSION: the plugin ships with sluice */

#include "reader.h"
#include "writer.h"

static const sluice_stage_def file_stages[] = {
    {
        .struct_size = sizeof(sluice_stage_def),
        .name = "reader",
        .kind = SLUICE_ORIGIN,
        .summary = "reads records from local files (a path or a glob) in a data format; can follow a growing "
                   "file through rotation and truncation",
        .config = &reader_schema,
        .init = reader_init,
        .destroy = reader_destroy,
        .produce = reader_produce,
    },
    {
        .struct_size = sizeof(sluice_stage_def),
        .name = "writer",
        .kind = SLUICE_DESTINATION,
        .summary = "appends records to a local file in a data format (JSON lines by default), flushed every batch",
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
    .summary = "local files: a reader and a writer",
    .stages = file_stages,
    .n_stages = sizeof file_stages / sizeof file_stages[0],
};

SLUICE_PLUGIN(file_plugin)
