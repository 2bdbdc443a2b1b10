/* core/cli/cmd_validate.c — `sluice validate PIPELINE.json`: everything
 * `run` checks before it starts a stage, without touching any server. */
#include <stdio.h>

#include "cli/cli.h"
#include "cli/load_pipeline.h"
#include "cli/options.h"

static const char help[] =
    "Usage: sluice validate PIPELINE.json [--plugin-path DIRS]\n"
    "\n"
    "Checks a pipeline descriptor: its JSON, its structure, that every stage\n"
    "exists in a plugin, each stage's config against the stage's schema, and\n"
    "the wiring of lanes (one origin, no cycles, every lane read).  Starts no\n"
    "stage and needs no server.  A problem is reported on one line naming\n"
    "where it is (FILE:LINE:COL, or stages[2].config.stream), exit status 2.\n"
    "\n"
    "Options:\n"
    "  --plugin-path DIRS   colon-separated plugin directories, searched first\n"
    "  --log-level LEVEL    error, warn, info (default) or debug\n"
    "  -h, --help           show this help\n";

int cmd_validate(int argc, char **argv)
{
    cli_options opts;
    int rc = cli_parse_descriptor_command(help, argc, argv, OPT_PLUGIN_PATH | OPT_LOG_LEVEL, &opts);
    if (rc >= 0)
        return rc;
    loaded_pipeline lp;
    rc = load_pipeline(opts.args[0], opts.plugin_path, &lp);
    if (rc)
        return rc;
    printf("%s: pipeline \"%s\" is valid (%zu stages)\n", opts.args[0], lp.desc->pipeline, lp.desc->n_stages);
    loaded_pipeline_free(&lp);
    return EXIT_OK;
}
