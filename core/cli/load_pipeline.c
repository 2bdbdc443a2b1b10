/* core/cli/load_pipeline.c — descriptor + plugins -> a checked pipeline. */
#include "cli/load_pipeline.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

void loaded_pipeline_free(loaded_pipeline *lp)
{
    pipeline_free(lp->pipeline);
    descriptor_free(lp->desc);
    plugin_registry_free(lp->plugins);
    memset(lp, 0, sizeof *lp);
}

int load_pipeline(const char *path, const char *plugin_path, loaded_pipeline *out)
{
    char err[2048];
    memset(out, 0, sizeof *out);
    out->desc = descriptor_load_file(path, err, sizeof err);
    if (!out->desc) {
        fprintf(stderr, "%s\n", err);
        return EXIT_INVALID;
    }
    out->plugins = plugin_registry_new(plugin_path);
    out->pipeline = pipeline_build(out->desc, out->plugins, err, sizeof err);
    if (!out->pipeline) {
        fprintf(stderr, "%s\n", err);
        loaded_pipeline_free(out);
        return EXIT_INVALID;
    }
    return EXIT_OK;
}
