/* core/plugin/loader.h — finding, loading and checking stage plugins.
 *
 * Plugins are looked up only in the configured directories (DESIGN §4):
 * --plugin-path, then $SLUICE_PLUGIN_PATH, then the build's plugin dir,
 * each turned into an absolute path.  A plugin named "dev" is the module
 * "<dir>/dev.so" in the first directory that has one.  Loads happen on the
 * main thread and modules are never unloaded. */
#ifndef SLUICE_CORE_LOADER_H
#define SLUICE_CORE_LOADER_H

#include <stddef.h>

#include <sluice/stage.h>

typedef struct loaded_plugin {
    char *name;             /* "dev" */
    char *path;             /* absolute path of the module */
    sluice_plugin_def info; /* the plugin's def, read with its size into the core's */
    sluice_stage_def *stages; /* info.n_stages defs, each read with the plugin's size */
} loaded_plugin;

typedef struct plugin_registry plugin_registry;

/* A registry searching `cli_path` (colon-separated, may be NULL), then
 * $SLUICE_PLUGIN_PATH, then SLUICE_PLUGINDIR.  Directories that do not exist
 * are left out. */
plugin_registry *plugin_registry_new(const char *cli_path);
/* Frees the registry's memory; the modules stay loaded (DESIGN §4). */
void plugin_registry_free(plugin_registry *reg);

/* The search path as one colon-separated string, for messages. */
const char *plugin_registry_path(const plugin_registry *reg);

/* Loads plugin `name` (once; later calls return the same plugin) and checks
 * its ABI and stage table.  NULL with one line in err when it is missing,
 * not a sluice plugin, built for an incompatible ABI, or malformed. */
const loaded_plugin *plugin_load(plugin_registry *reg, const char *name, char *err, size_t errsize);

/* Loads every module found in the search path (first one wins for a name).
 * Modules that fail are reported through `on_error` and skipped.  Returns
 * the number loaded; plugin_registry_at() walks them sorted by name. */
size_t plugin_load_all(plugin_registry *reg, void (*on_error)(const char *msg, void *arg), void *arg);
size_t plugin_registry_count(const plugin_registry *reg);
const loaded_plugin *plugin_registry_at(const plugin_registry *reg, size_t i);

/* Finds a stage by its descriptor name: "plugin:stage", or "plugin" when
 * the plugin has exactly one stage.  Loads the plugin if needed.  NULL with
 * one line in err (with a "did you mean" when a name is close). */
const sluice_stage_def *plugin_find_stage(plugin_registry *reg, const char *full_name, const loaded_plugin **plugin,
                                          char *err, size_t errsize);

/* "origin", "processor", "destination". */
const char *stage_kind_name(sluice_stage_kind kind);

#endif
