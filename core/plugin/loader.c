/* core/plugin/loader.c — loading stage plugins with libltdl and checking
 * the ABI they were built for (DESIGN §4). */
#include "plugin/loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <ltdl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config/schema.h"

/* The smallest structs a plugin may hand us: those of ABI 0.1.  Fields
 * added later read as zero from an older plugin. */
#define PLUGIN_DEF_MIN_SIZE (offsetof(sluice_plugin_def, n_stages) + sizeof(size_t))
#define STAGE_DEF_MIN_SIZE (offsetof(sluice_stage_def, write) + sizeof(void (*)(void)))

struct plugin_registry {
    char **dirs;
    size_t n_dirs;
    char *path_text;
    loaded_plugin **plugins; /* kept sorted by name */
    size_t n_plugins, cap_plugins;
};

static int ltdl_ready;

const char *stage_kind_name(sluice_stage_kind kind)
{
    switch (kind) {
    case SLUICE_ORIGIN:
        return "origin";
    case SLUICE_PROCESSOR:
        return "processor";
    case SLUICE_DESTINATION:
        return "destination";
    }
    return "?";
}

/* Appends each existing directory of a colon-separated list, made absolute. */
static void add_dirs(plugin_registry *reg, const char *list)
{
    if (!list)
        return;
    char *copy = strdup(list);
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char abs[PATH_MAX];
        struct stat st;
        if (!realpath(dir, abs) || stat(abs, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        int seen = 0;
        for (size_t i = 0; i < reg->n_dirs; i++)
            seen |= strcmp(reg->dirs[i], abs) == 0;
        if (seen)
            continue;
        reg->dirs = realloc(reg->dirs, (reg->n_dirs + 1) * sizeof *reg->dirs);
        reg->dirs[reg->n_dirs++] = strdup(abs);
    }
    free(copy);
}

plugin_registry *plugin_registry_new(const char *cli_path)
{
    if (!ltdl_ready) {
        lt_dlinit();
        ltdl_ready = 1;
    }
    plugin_registry *reg = calloc(1, sizeof *reg);
    add_dirs(reg, cli_path);
    add_dirs(reg, getenv("SLUICE_PLUGIN_PATH"));
    add_dirs(reg, SLUICE_PLUGINDIR);
    size_t len = 1;
    for (size_t i = 0; i < reg->n_dirs; i++)
        len += strlen(reg->dirs[i]) + 1;
    reg->path_text = calloc(1, len);
    for (size_t i = 0; i < reg->n_dirs; i++) {
        if (i)
            strcat(reg->path_text, ":");
        strcat(reg->path_text, reg->dirs[i]);
    }
    return reg;
}

static void loaded_plugin_free(loaded_plugin *p)
{
    free(p->name);
    free(p->path);
    free(p->stages);
    free(p);
}

void plugin_registry_free(plugin_registry *reg)
{
    if (!reg)
        return;
    for (size_t i = 0; i < reg->n_dirs; i++)
        free(reg->dirs[i]);
    free(reg->dirs);
    free(reg->path_text);
    for (size_t i = 0; i < reg->n_plugins; i++)
        loaded_plugin_free(reg->plugins[i]);
    free(reg->plugins);
    free(reg);
}

const char *plugin_registry_path(const plugin_registry *reg) { return reg->n_dirs ? reg->path_text : "(none)"; }

size_t plugin_registry_count(const plugin_registry *reg) { return reg->n_plugins; }

const loaded_plugin *plugin_registry_at(const plugin_registry *reg, size_t i)
{
    return i < reg->n_plugins ? reg->plugins[i] : NULL;
}

/* Plugin names become file names: keep them to [a-z0-9_-] so that a
 * descriptor can never point the loader outside its directories. */
static int valid_plugin_name(const char *name)
{
    if (!*name || strlen(name) > 64)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            return 0;
    return 1;
}

static const loaded_plugin *find_loaded(const plugin_registry *reg, const char *name)
{
    for (size_t i = 0; i < reg->n_plugins; i++)
        if (strcmp(reg->plugins[i]->name, name) == 0)
            return reg->plugins[i];
    return NULL;
}

static void insert_sorted(plugin_registry *reg, loaded_plugin *p)
{
    if (reg->n_plugins == reg->cap_plugins) {
        reg->cap_plugins = reg->cap_plugins ? reg->cap_plugins * 2 : 8;
        reg->plugins = realloc(reg->plugins, reg->cap_plugins * sizeof *reg->plugins);
    }
    size_t at = reg->n_plugins;
    while (at > 0 && strcmp(reg->plugins[at - 1]->name, p->name) > 0) {
        reg->plugins[at] = reg->plugins[at - 1];
        at--;
    }
    reg->plugins[at] = p;
    reg->n_plugins++;
}

/* Checks one stage def read into the core's layout. */
static int check_stage(const sluice_stage_def *s, size_t i, char *err, size_t errsize)
{
    if (!s->name || !valid_plugin_name(s->name)) {
        snprintf(err, errsize, "stage %zu has no valid name", i);
        return -1;
    }
    const char *missing = NULL;
    if (!s->init || !s->destroy)
        missing = "init/destroy";
    else if (s->kind == SLUICE_ORIGIN && !s->produce && !s->start)
        missing = "produce or start";
    else if (s->kind == SLUICE_ORIGIN && s->start && !s->stop)
        missing = "stop (a push origin with start needs it)";
    else if (s->kind == SLUICE_PROCESSOR && !s->process)
        missing = "process";
    else if (s->kind == SLUICE_DESTINATION && !s->write)
        missing = "write";
    else if (s->kind != SLUICE_ORIGIN && s->kind != SLUICE_PROCESSOR && s->kind != SLUICE_DESTINATION) {
        snprintf(err, errsize, "stage \"%s\" has an unknown kind %d", s->name, (int)s->kind);
        return -1;
    }
    if (s->flush && s->kind != SLUICE_DESTINATION) {
        snprintf(err, errsize, "stage \"%s\" (%s) has a flush callback, which only destinations may have", s->name,
                 stage_kind_name(s->kind));
        return -1;
    }
    if (missing) {
        snprintf(err, errsize, "stage \"%s\" (%s) has no %s callback", s->name, stage_kind_name(s->kind), missing);
        return -1;
    }
    if (s->config && s->config->struct_size < offsetof(sluice_config_schema, check) + sizeof(void (*)(void))) {
        snprintf(err, errsize, "stage \"%s\" has a config schema of an unknown size", s->name);
        return -1;
    }
    return 0;
}

/* Reads the plugin's def and stage table with the plugin's own sizes. */
static int read_plugin_def(loaded_plugin *p, const sluice_plugin_def *def, char *err, size_t errsize)
{
    if (def->struct_size < PLUGIN_DEF_MIN_SIZE) {
        snprintf(err, errsize, "plugin %s (%s): its plugin def is %zu bytes, smaller than any sluice ABI's", p->name,
                 p->path, def->struct_size);
        return -1;
    }
    /* Another major is another ABI; a newer minor may use what we lack. */
    if (def->abi_major != SLUICE_ABI_MAJOR || def->abi_minor > SLUICE_ABI_MINOR) {
        snprintf(err, errsize,
                 "plugin %s (%s) was built for sluice ABI %u.%u; this sluice provides ABI %d.%d and loads "
                 "plugins built for %d.0 to %d.%d: %s",
                 p->name, p->path, def->abi_major, def->abi_minor, SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR,
                 SLUICE_ABI_MAJOR, SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR,
                 def->abi_major != SLUICE_ABI_MAJOR ? "rebuild the plugin for this sluice"
                                                    : "upgrade sluice or use an older build of the plugin");
        return -1;
    }
    memset(&p->info, 0, sizeof p->info);
    memcpy(&p->info, def, def->struct_size < sizeof p->info ? def->struct_size : sizeof p->info);
    p->info.struct_size = sizeof p->info;
    if (!p->info.name || strcmp(p->info.name, p->name) != 0) {
        snprintf(err, errsize, "plugin %s (%s) calls itself \"%s\": a plugin's name must be its file name", p->name,
                 p->path, p->info.name ? p->info.name : "");
        return -1;
    }
    if (p->info.n_stages == 0 || !p->info.stages) {
        snprintf(err, errsize, "plugin %s (%s) declares no stages", p->name, p->path);
        return -1;
    }
    size_t stride = p->info.stages[0].struct_size;
    if (stride < STAGE_DEF_MIN_SIZE) {
        snprintf(err, errsize, "plugin %s (%s): its stage defs are %zu bytes, smaller than any sluice ABI's", p->name,
                 p->path, stride);
        return -1;
    }
    p->stages = calloc(p->info.n_stages, sizeof *p->stages);
    const char *base = (const char *)p->info.stages;
    for (size_t i = 0; i < p->info.n_stages; i++) {
        const sluice_stage_def *src = (const sluice_stage_def *)(const void *)(base + i * stride);
        memcpy(&p->stages[i], src, stride < sizeof *p->stages ? stride : sizeof *p->stages);
        p->stages[i].struct_size = sizeof *p->stages;
        char why[256];
        if (check_stage(&p->stages[i], i, why, sizeof why) != 0) {
            snprintf(err, errsize, "plugin %s (%s): %s", p->name, p->path, why);
            return -1;
        }
    }
    return 0;
}

/* Why a module would not load.  libltdl reports the last loader's error
 * ("file not found") even when the file is there and the dynamic linker
 * refused it, so ask the dynamic linker itself for the reason (a missing
 * library or symbol). */
static const char *load_failure(const char *path)
{
    const char *ltdl_reason = lt_dlerror();
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h) {
        dlclose(h);
        return ltdl_reason ? ltdl_reason : "unknown error";
    }
    const char *reason = dlerror();
    return reason ? reason : ltdl_reason;
}

/* Opens the module at `path` as plugin `name`. */
static loaded_plugin *open_module(const char *name, const char *path, char *err, size_t errsize)
{
    lt_dladvise advise;
    lt_dladvise_init(&advise);
    lt_dladvise_local(&advise); /* a plugin's symbols never satisfy another's */
    lt_dlhandle handle = lt_dlopenadvise(path, advise);
    lt_dladvise_destroy(&advise);
    if (!handle) {
        snprintf(err, errsize, "plugin %s (%s): cannot load: %s", name, path, load_failure(path));
        return NULL;
    }
    sluice_plugin_entry_fn entry = (sluice_plugin_entry_fn)(uintptr_t)lt_dlsym(handle, SLUICE_PLUGIN_ENTRY_SYMBOL);
    if (!entry) {
        snprintf(err, errsize, "plugin %s (%s): no entry point %s(): not a sluice plugin", name, path,
                 SLUICE_PLUGIN_ENTRY_SYMBOL);
        return NULL; /* never unloaded (DESIGN §4) */
    }
    const sluice_plugin_def *def = entry();
    loaded_plugin *p = calloc(1, sizeof *p);
    p->name = strdup(name);
    p->path = strdup(path);
    if (!def) {
        snprintf(err, errsize, "plugin %s (%s): its entry point returned nothing", name, path);
        loaded_plugin_free(p);
        return NULL;
    }
    if (read_plugin_def(p, def, err, errsize) != 0) {
        loaded_plugin_free(p);
        return NULL;
    }
    return p;
}

/* Plugin names found in the search path, for a "did you mean". */
static char **list_available(const plugin_registry *reg)
{
    size_t n = 0, cap = 16;
    char **names = calloc(cap + 1, sizeof *names);
    for (size_t d = 0; d < reg->n_dirs; d++) {
        DIR *dir = opendir(reg->dirs[d]);
        if (!dir)
            continue;
        struct dirent *e;
        while ((e = readdir(dir))) {
            size_t len = strlen(e->d_name);
            if (len < 4 || strcmp(e->d_name + len - 3, ".so") != 0)
                continue;
            if (n == cap) {
                cap *= 2;
                names = realloc(names, (cap + 1) * sizeof *names);
            }
            names[n++] = strndup(e->d_name, len - 3);
            names[n] = NULL;
        }
        closedir(dir);
    }
    return names;
}

static void free_names(char **names)
{
    for (char **p = names; *p; p++)
        free(*p);
    free(names);
}

const loaded_plugin *plugin_load(plugin_registry *reg, const char *name, char *err, size_t errsize)
{
    const loaded_plugin *have = find_loaded(reg, name);
    if (have)
        return have;
    if (!valid_plugin_name(name)) {
        snprintf(err, errsize, "\"%s\" is not a plugin name (letters a-z, digits, _ and -)", name);
        return NULL;
    }
    for (size_t d = 0; d < reg->n_dirs; d++) {
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s.so", reg->dirs[d], name);
        if (stat(path, &st) != 0)
            continue;
        loaded_plugin *p = open_module(name, path, err, errsize);
        if (!p)
            return NULL;
        insert_sorted(reg, p);
        return p;
    }
    char **names = list_available(reg);
    const char *close = suggest_closest(name, (const char *const *)names);
    if (close)
        snprintf(err, errsize, "no plugin \"%s\" (did you mean \"%s\"?) in %s", name, close,
                 plugin_registry_path(reg));
    else
        snprintf(err, errsize, "no plugin \"%s\" in %s", name, plugin_registry_path(reg));
    free_names(names);
    return NULL;
}

size_t plugin_load_all(plugin_registry *reg, void (*on_error)(const char *msg, void *arg), void *arg)
{
    char **names = list_available(reg);
    for (char **p = names; *p; p++) {
        char err[1024];
        if (!valid_plugin_name(*p))
            continue;
        if (!plugin_load(reg, *p, err, sizeof err) && on_error)
            on_error(err, arg);
    }
    free_names(names);
    return reg->n_plugins;
}

const sluice_stage_def *plugin_find_stage(plugin_registry *reg, const char *full_name, const loaded_plugin **plugin,
                                          char *err, size_t errsize)
{
    char plugin_name[128];
    const char *colon = strchr(full_name, ':');
    size_t plen = colon ? (size_t)(colon - full_name) : strlen(full_name);
    if (plen >= sizeof plugin_name) {
        snprintf(err, errsize, "\"%s\" is not a stage name", full_name);
        return NULL;
    }
    memcpy(plugin_name, full_name, plen);
    plugin_name[plen] = '\0';
    const loaded_plugin *p = plugin_load(reg, plugin_name, err, errsize);
    if (!p)
        return NULL;
    if (plugin)
        *plugin = p;
    const char *stage_name = colon ? colon + 1 : NULL;
    if (!stage_name) {
        if (p->info.n_stages == 1)
            return &p->stages[0];
        snprintf(err, errsize, "plugin \"%s\" has %zu stages: name one as \"%s:STAGE\" (%s:%s, ...)", p->name,
                 p->info.n_stages, p->name, p->name, p->stages[0].name);
        return NULL;
    }
    for (size_t i = 0; i < p->info.n_stages; i++)
        if (strcmp(p->stages[i].name, stage_name) == 0)
            return &p->stages[i];
    const char **names = calloc(p->info.n_stages + 1, sizeof *names);
    size_t len = 0;
    for (size_t i = 0; i < p->info.n_stages; i++) {
        names[i] = p->stages[i].name;
        len += strlen(names[i]) + 2;
    }
    char *list = calloc(1, len + 1);
    for (size_t i = 0; i < p->info.n_stages; i++) {
        if (i)
            strcat(list, ", ");
        strcat(list, names[i]);
    }
    const char *close = suggest_closest(stage_name, names);
    if (close)
        snprintf(err, errsize, "plugin \"%s\" has no stage \"%s\" (did you mean \"%s\"?); its stages: %s", p->name,
                 stage_name, close, list);
    else
        snprintf(err, errsize, "plugin \"%s\" has no stage \"%s\"; its stages: %s", p->name, stage_name, list);
    free(list);
    free(names);
    return NULL;
}
