/* core/cli/load_pipeline.h — descriptor + plugins -> a checked pipeline,
 * the part `run` and `validate` share. */
#ifndef SLUICE_CORE_CLI_LOAD_PIPELINE_H
#define SLUICE_CORE_CLI_LOAD_PIPELINE_H

#include "pipeline/descriptor.h"
#include "pipeline/graph.h"
#include "plugin/loader.h"

typedef struct loaded_pipeline {
    descriptor *desc;
    plugin_registry *plugins;
    pipeline *pipeline;
} loaded_pipeline;

/* Loads `path` and builds it.  0, or EXIT_INVALID after printing the one
 * located line on stderr (everything freed). */
int load_pipeline(const char *path, const char *plugin_path, loaded_pipeline *out);
void loaded_pipeline_free(loaded_pipeline *lp);

#endif
