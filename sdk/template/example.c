/* example.c — "example:upper", a sluice processor stage written against
 * the installed SDK only.  Copy this directory, rename the plugin, and
 * replace the stage with your own; sluice-plugin(7) is the reference.
 *
 * What the stage does: for every record, each field named in the `paths`
 * config that holds a STRING is replaced by its upper-cased copy.  A field
 * that is absent is left alone; a field of another type is either left
 * alone or sends the record to error handling, as `non_string` says.
 *
 *     { "id": "shout", "stage": "example:upper", "inputs": ["gen"],
 *       "config": { "paths": ["/name", "/address/city"] } }
 *
 * The plugin's name ("example") must be the module's file name without
 * ".so": sluice finds the plugin of stage "example:upper" by looking for
 * example.so in its plugin directories.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/sluice.h>

/* ---- config ------------------------------------------------------------ */

/* The core validates the operator's JSON against this table before init:
 * types, required keys, enum values, unknown keys (with a "did you mean").
 * `sluice describe example:upper` prints it, so the help texts are the
 * stage's user documentation. */
static const char *const non_string_values[] = {"skip", "error", NULL};

static const sluice_config_key upper_keys[] = {
    {.struct_size = sizeof(sluice_config_key),
     .name = "paths",
     .type = SLUICE_CONFIG_LIST,
     .item_type = SLUICE_CONFIG_STRING,
     .flags = SLUICE_CONFIG_REQUIRED,
     .help = "field paths (\"/name\", \"/a/b\", \"/list[0]\") whose STRING values are upper-cased"},
    {.struct_size = sizeof(sluice_config_key),
     .name = "non_string",
     .type = SLUICE_CONFIG_ENUM,
     .enum_values = non_string_values,
     .default_json = "\"skip\"",
     .help = "what to do when a path holds something other than a string: \"skip\" leaves it, \"error\" "
             "sends the record to error handling (code EXAMPLE_01)"},
};

/* Runs after every key passed its own checks.  Checking the paths here
 * rather than in init means `sluice validate` reports a bad path, with
 * its position in the descriptor, before anything runs.  The message
 * starts with the key it is about; the core prefixes the location
 * ("stages[1].config."). */
static int upper_check(const sluice_config *config, char *err, size_t errsize)
{
    size_t n = sluice_config_list_count(config, "paths");

    if (n == 0) {
        snprintf(err, errsize, "paths: name at least one field");
        return SLUICE_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        char why[256];
        sluice_path *path = sluice_path_compile(sluice_config_list_string(config, "paths", i), why, sizeof why);

        if (!path) {
            snprintf(err, errsize, "paths[%zu]: %s", i, why);
            return SLUICE_ERROR;
        }
        sluice_path_free(path);
    }
    return SLUICE_OK;
}

static const sluice_config_schema upper_schema = {
    .struct_size = sizeof(sluice_config_schema),
    .keys = upper_keys,
    .n_keys = sizeof upper_keys / sizeof upper_keys[0],
    .check = upper_check,
};

/* ---- one instance ------------------------------------------------------ */

/* Everything an instance needs, made once in init.  With a multithreaded
 * origin the core makes one instance per runner thread, and never calls one
 * instance from two threads at once, so nothing here needs a lock. */
typedef struct upper {
    sluice_stage_ctx *ctx; /* kept for sluice_stage_fail() and sluice_log() later */
    sluice_path **paths;   /* compiled once: compiling per record would parse per record */
    size_t n_paths;
    int fail_non_string;   /* non_string == "error" */
} upper;

static void upper_destroy(void *state)
{
    upper *u = state;

    if (!u)
        return;
    for (size_t i = 0; i < u->n_paths; i++)
        sluice_path_free(u->paths[i]);
    free(u->paths);
    free(u);
}

/* Called on the main thread, with a config the core has already checked:
 * an error here is something the schema could not know (a file that will
 * not open, a server that refuses), reported with sluice_stage_fail(). */
static int upper_init(sluice_stage_ctx *ctx, const sluice_config *config, void **state)
{
    upper *u = calloc(1, sizeof *u);

    if (!u) {
        sluice_stage_fail(ctx, "out of memory");
        return SLUICE_ERROR;
    }
    u->ctx = ctx;
    u->n_paths = sluice_config_list_count(config, "paths");
    u->paths = calloc(u->n_paths, sizeof *u->paths);
    if (!u->paths) {
        sluice_stage_fail(ctx, "out of memory");
        upper_destroy(u);
        return SLUICE_ERROR;
    }
    for (size_t i = 0; i < u->n_paths; i++) {
        char why[256];

        u->paths[i] = sluice_path_compile(sluice_config_list_string(config, "paths", i), why, sizeof why);
        if (!u->paths[i]) { /* upper_check accepted it, so this cannot happen; say so if it does */
            sluice_stage_fail(ctx, "paths[%zu]: %s", i, why);
            upper_destroy(u);
            return SLUICE_ERROR;
        }
    }
    u->fail_non_string = strcmp(sluice_config_string(config, "non_string"), "error") == 0;
    sluice_log(ctx, SLUICE_LOG_DEBUG, "upper-casing %zu path(s)", u->n_paths);
    *state = u;
    return SLUICE_OK;
}

/* ---- processing -------------------------------------------------------- */

/* ASCII only, on purpose: toupper() of a byte of a multi-byte UTF-8
 * sequence could break the sequence under some locales, and the engine's
 * strings are UTF-8.  Real Unicode case mapping needs a library (ICU). */
static char ascii_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Upper-cases the record's field at `path`.  UPPER_DONE also when the
 * record has no such field. */
enum upper_result { UPPER_DONE, UPPER_NOT_STRING, UPPER_FAILED };

static enum upper_result upper_one(sluice_batch *in, sluice_record *record, const sluice_path *path)
{
    sluice_field *field = sluice_path_get(record, path);
    size_t len;
    const char *s;
    char *copy;

    if (!field)
        return UPPER_DONE; /* absent: nothing to do */
    if (sluice_field_type(field) != SLUICE_STRING)
        return UPPER_NOT_STRING;
    s = sluice_field_get_string(field, &len);

    /* A field's bytes are never written in place: they may be a literal in
     * the origin's module, or shared with another record.  The copy goes
     * into the batch's arena, which the core releases all at once when the
     * batch has gone through the pipeline; nothing here is freed. */
    copy = sluice_batch_alloc(in, len + 1);
    for (size_t i = 0; i < len; i++)
        copy[i] = ascii_upper(s[i]);
    copy[len] = '\0'; /* the _static constructor needs copy[len] == '\0' */

    /* _static: the new field points at `copy` instead of copying it again. */
    if (sluice_path_set(in, record, path, sluice_field_new_string_static(in, copy, len)) != SLUICE_OK)
        return UPPER_FAILED;
    return UPPER_DONE;
}

/* Every record of `in` either goes on (sluice_emit, lane 0: this stage has
 * one output lane, named by its id) or to error handling
 * (sluice_emit_error, which follows the stage's on_record_error).  A record
 * passed to neither is dropped.  SLUICE_ERROR stops the whole pipeline:
 * that is for the stage being broken, not for bad data. */
static int upper_process(void *state, sluice_batch *in, sluice_emitter *out)
{
    upper *u = state;
    size_t n = sluice_batch_count(in);

    for (size_t r = 0; r < n; r++) {
        sluice_record *record = sluice_batch_record(in, r);
        int to_error = 0;

        for (size_t p = 0; p < u->n_paths && !to_error; p++) {
            switch (upper_one(in, record, u->paths[p])) {
            case UPPER_DONE:
                break;
            case UPPER_NOT_STRING:
                if (!u->fail_non_string)
                    break;
                /* The message travels with the record (attribute
                 * sluice.error.message); the code lets an operator count
                 * and filter errors. */
                sluice_emit_error(out, record, "EXAMPLE_01", "%s is %s, not string", sluice_path_text(u->paths[p]),
                                  sluice_type_name(sluice_field_type(sluice_path_get(record, u->paths[p]))));
                to_error = 1;
                break;
            case UPPER_FAILED:
                /* Replacing a field that exists cannot fail; if it does,
                 * the SDK and this stage disagree, which no record fixes.
                 * process() has no ctx argument: the one from init is
                 * valid until destroy. */
                sluice_stage_fail(u->ctx, "cannot replace %s", sluice_path_text(u->paths[p]));
                return SLUICE_ERROR;
            }
        }
        if (!to_error)
            sluice_emit(out, 0, record);
    }
    return SLUICE_OK;
}

/* ---- the plugin -------------------------------------------------------- */

/* Every struct handed to the core starts with its own size: a later sluice
 * with bigger structs reads this plugin's smaller ones, and fields a later
 * ABI adds are zero here.  Designated initializers keep it that way. */
static const sluice_stage_def example_stages[] = {
    {.struct_size = sizeof(sluice_stage_def),
     .name = "upper",
     .kind = SLUICE_PROCESSOR,
     .summary = "upper-cases the string fields named by `paths` (SDK template)",
     .config = &upper_schema,
     .init = upper_init,
     .destroy = upper_destroy,
     .process = upper_process},
};

static const sluice_plugin_def example_plugin = {
    SLUICE_PLUGIN_DEF_HEADER, /* struct_size and the ABI this file was compiled for */
    .name = "example",        /* = the file name, example.so */
    .version = "0.1.0",
    .summary = "an example plugin built from the sluice SDK template",
    .stages = example_stages,
    .n_stages = sizeof example_stages / sizeof example_stages[0],
};

/* Defines and exports sluice_plugin_entry(), the module's only exported
 * symbol (everything else is hidden by -fvisibility=hidden). */
SLUICE_PLUGIN(example_plugin)
