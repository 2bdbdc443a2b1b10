/* core/cli/cmd_describe.c — `sluice describe PLUGIN:STAGE`: a stage's
 * kind, summary and config schema with types, defaults and help. */
#include <stdio.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "cli/stage_json.h"
#include "cli/options.h"
#include "config/schema.h"
#include "plugin/loader.h"

static const char help[] =
    "Usage: sluice describe PLUGIN:STAGE [--json] [--plugin-path DIRS]\n"
    "\n"
    "Shows a stage: its kind, summary, plugin, and every config key with its\n"
    "type, default, allowed values and help; nested objects are indented.\n"
    "A plugin with a single stage may be named by the plugin alone.\n"
    "\n"
    "Options:\n"
    "  --json               the same as one JSON object\n"
    "  --plugin-path DIRS   colon-separated plugin directories, searched first\n"
    "  --log-level LEVEL    error, warn, info (default) or debug\n"
    "  -h, --help           show this help\n";

static void print_json(const loaded_plugin *p, const sluice_stage_def *s)
{
    json_object *o = stage_summary_json(p, s);
    json_object_object_add(o, "path", json_object_new_string(p->path));
    json_object_object_add(o, "shared", json_object_new_boolean(!!(s->flags & SLUICE_STAGE_SHARED)));
    json_object_object_add(o, "lanes_from_config", json_object_new_boolean(s->output_lanes != NULL));
    json_object_object_add(o, "config", s->config ? config_schema_to_json(s->config) : json_object_new_array());
    puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

static void print_text(const loaded_plugin *p, const sluice_stage_def *s)
{
    printf("%s:%s (%s)\n  %s\n\n", p->name, s->name, stage_kind_name(s->kind), s->summary ? s->summary : "");
    printf("plugin:  %s %s (%s)\n", p->name, p->info.version ? p->info.version : "", p->path);
    if (s->flags & SLUICE_STAGE_SHARED)
        printf("shared:  one instance for all runners (calls serialized)\n");
    if (s->output_lanes)
        printf("lanes:   named by its config, as ID.LANE\n");
    printf("\nconfig:\n");
    if (s->config && s->config->n_keys)
        config_schema_print(s->config, stdout, 2);
    else
        printf("  (none)\n");
}

int cmd_describe(int argc, char **argv)
{
    cli_options opts;
    int rc = cli_parse(argc, argv, OPT_PLUGIN_PATH | OPT_JSON | OPT_LOG_LEVEL, &opts);
    if (rc)
        return rc;
    if (opts.help) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    if (opts.n_args != 1)
        return cli_usage_error("describe", "expected one PLUGIN:STAGE, got %d arguments", opts.n_args);
    plugin_registry *reg = plugin_registry_new(opts.plugin_path);
    char err[1024];
    const loaded_plugin *p = NULL;
    const sluice_stage_def *s = plugin_find_stage(reg, opts.args[0], &p, err, sizeof err);
    if (!s) {
        fprintf(stderr, "sluice describe: %s\n", err);
        plugin_registry_free(reg);
        return EXIT_INVALID;
    }
    if (opts.json)
        print_json(p, s);
    else
        print_text(p, s);
    plugin_registry_free(reg);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
}
