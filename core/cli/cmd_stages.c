/* core/cli/cmd_stages.c — `sluice stages [--json]`: every stage of every
 * plugin found in the plugin path, one line each. */
#include <stdio.h>

#include <json-c/json.h>

#include "cli/cli.h"
#include "cli/stage_json.h"
#include "cli/options.h"
#include "plugin/loader.h"

static const char help[] =
    "Usage: sluice stages [--json] [--plugin-path DIRS]\n"
    "\n"
    "Lists the stages of every plugin in the plugin path, one per line:\n"
    "its full name (PLUGIN:STAGE, as a descriptor's \"stage\" names it), its\n"
    "kind (origin, processor, destination) and a summary.  Plugins that\n"
    "cannot be loaded are reported on stderr and skipped.\n"
    "\n"
    "Options:\n"
    "  --json               one JSON array of {name, kind, summary, plugin, version}\n"
    "  --plugin-path DIRS   colon-separated plugin directories, searched first\n"
    "  --log-level LEVEL    error, warn, info (default) or debug\n"
    "  -h, --help           show this help\n";

static void report_skipped(const char *msg, void *arg)
{
    (void)arg;
    fprintf(stderr, "sluice stages: skipped: %s\n", msg);
}

json_object *stage_summary_json(const loaded_plugin *p, const sluice_stage_def *s)
{
    json_object *o = json_object_new_object();
    char name[256];
    snprintf(name, sizeof name, "%s:%s", p->name, s->name);
    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "kind", json_object_new_string(stage_kind_name(s->kind)));
    json_object_object_add(o, "summary", json_object_new_string(s->summary ? s->summary : ""));
    json_object_object_add(o, "plugin", json_object_new_string(p->name));
    json_object_object_add(o, "version", json_object_new_string(p->info.version ? p->info.version : ""));
    return o;
}

static void print_json(const plugin_registry *reg)
{
    json_object *list = json_object_new_array();
    for (size_t i = 0; i < plugin_registry_count(reg); i++) {
        const loaded_plugin *p = plugin_registry_at(reg, i);
        for (size_t j = 0; j < p->info.n_stages; j++)
            json_object_array_add(list, stage_summary_json(p, &p->stages[j]));
    }
    puts(json_object_to_json_string_ext(list, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(list);
}

static void print_text(const plugin_registry *reg)
{
    for (size_t i = 0; i < plugin_registry_count(reg); i++) {
        const loaded_plugin *p = plugin_registry_at(reg, i);
        for (size_t j = 0; j < p->info.n_stages; j++) {
            const sluice_stage_def *s = &p->stages[j];
            char name[256];
            snprintf(name, sizeof name, "%s:%s", p->name, s->name);
            printf("%-24s %-12s %s\n", name, stage_kind_name(s->kind), s->summary ? s->summary : "");
        }
    }
}

int cmd_stages(int argc, char **argv)
{
    cli_options opts;
    int rc = cli_parse(argc, argv, OPT_PLUGIN_PATH | OPT_JSON | OPT_LOG_LEVEL, &opts);
    if (rc)
        return rc;
    if (opts.help) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    if (opts.n_args != 0)
        return cli_usage_error("stages", "takes no arguments, got \"%s\"", opts.args[0]);
    plugin_registry *reg = plugin_registry_new(opts.plugin_path);
    plugin_load_all(reg, report_skipped, NULL);
    if (opts.json)
        print_json(reg);
    else
        print_text(reg);
    if (plugin_registry_count(reg) == 0)
        fprintf(stderr, "sluice stages: no plugins in %s\n", plugin_registry_path(reg));
    plugin_registry_free(reg);
    return fflush(stdout) == 0 ? EXIT_OK : EXIT_RUNTIME;
}
