/* core/cli/cmd_preview.c — `sluice preview PIPELINE.json`: one batch
 * through every stage, each stage's output shown; destinations run only
 * with --write; offsets are never committed (DESIGN §5). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/format.h>

#include "cli/cli.h"
#include "cli/load_pipeline.h"
#include "cli/options.h"
#include "cli/run_state.h"
#include "log.h"
#include "pipeline/runner.h"

static const char help[] =
    "Usage: sluice preview PIPELINE.json [-n N] [--write] [--json] [OPTIONS]\n"
    "\n"
    "Runs one batch of at most N records (default 10) through every stage and\n"
    "shows what each stage put out: the origin's records, each processor's\n"
    "lanes, what each destination was given, and the error records with their\n"
    "reasons.  Destinations and the error stage are not called unless --write\n"
    "is given.  Offsets are never committed, so a later run starts where it\n"
    "would have anyway.\n"
    "\n"
    "Options:\n"
    "  -n, --records N      at most N records from the origin (default 10)\n"
    "  --write              also let destinations and the error stage write\n"
    "  --json               one JSON object: {\"stages\": [...], \"errors\": [...]}\n"
    "  --state-dir DIR      state directory, as for run\n"
    "  --plugin-path DIRS   colon-separated plugin directories, searched first\n"
    "  --log-level LEVEL    error, warn (default for preview), info or debug\n"
    "  -h, --help           show this help\n";

typedef struct printer {
    pthread_mutex_t lock; /* a push origin's runners may call at once */
    bool json;
    sluice_buf *stages; /* JSON: the "stages" array's members */
    sluice_buf *errors; /* JSON: the "errors" array's members */
} printer;

static void append_str(sluice_buf *b, const char *s) { sluice_buf_append(b, s, strlen(s)); }

/* A JSON string of plain text (ids and names: no escaping beyond quotes). */
static void append_json_name(sluice_buf *b, const char *s)
{
    append_str(b, "\"");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sluice_buf_append(b, "\\", 1);
        sluice_buf_append(b, s, 1);
    }
    append_str(b, "\"");
}

static void print_records_text(const sluice_batch *records, unsigned flags)
{
    sluice_buf *line = sluice_buf_new();
    for (size_t i = 0; i < sluice_batch_count(records); i++) {
        sluice_buf_reset(line);
        sluice_json_write_record(line, sluice_batch_record(records, i), flags);
        printf("  %s\n", sluice_buf_data(line));
    }
    sluice_buf_free(line);
}

static void on_stage_output(void *arg, const pipeline_stage *stage, size_t lane, const sluice_batch *records)
{
    printer *pr = arg;
    bool destination = lane == SIZE_MAX;
    pthread_mutex_lock(&pr->lock);
    if (pr->json) {
        sluice_buf *b = pr->stages;
        if (sluice_buf_len(b))
            append_str(b, ",");
        append_str(b, "{\"id\":");
        append_json_name(b, stage->desc->id);
        append_str(b, ",\"stage\":");
        append_json_name(b, stage->desc->stage);
        append_str(b, destination ? ",\"input\":[" : ",\"lane\":");
        if (!destination) {
            append_json_name(b, stage->lanes[lane]);
            append_str(b, ",\"records\":[");
        }
        for (size_t i = 0; i < sluice_batch_count(records); i++) {
            if (i)
                append_str(b, ",");
            sluice_json_write_record(b, sluice_batch_record(records, i), 0);
        }
        append_str(b, "]}");
    } else {
        if (destination)
            printf("== %s (%s) was given %zu record(s)\n", stage->desc->id, stage->desc->stage,
                   sluice_batch_count(records));
        else
            printf("== %s (%s) -> lane %s: %zu record(s)\n", stage->desc->id, stage->desc->stage,
                   stage->lanes[lane], sluice_batch_count(records));
        print_records_text(records, 0);
    }
    pthread_mutex_unlock(&pr->lock);
}

static void on_errors(void *arg, const pipeline_stage *stage, const sluice_batch *errors)
{
    printer *pr = arg;
    (void)stage;
    pthread_mutex_lock(&pr->lock);
    if (pr->json) {
        for (size_t i = 0; i < sluice_batch_count(errors); i++) {
            if (sluice_buf_len(pr->errors))
                append_str(pr->errors, ",");
            sluice_json_write_record(pr->errors, sluice_batch_record(errors, i), SLUICE_JSON_WITH_ATTRIBUTES);
        }
    } else {
        printf("== error records: %zu\n", sluice_batch_count(errors));
        print_records_text(errors, SLUICE_JSON_WITH_ATTRIBUTES);
    }
    pthread_mutex_unlock(&pr->lock);
}

int cmd_preview(int argc, char **argv)
{
    cli_options opts;
    /* Preview is for reading: only warnings and errors on stderr unless asked. */
    log_set_level(SLUICE_LOG_WARN);
    unsigned accepted = OPT_PLUGIN_PATH | OPT_LOG_LEVEL | OPT_STATE_DIR | OPT_JSON | OPT_RECORDS | OPT_WRITE;
    int rc = cli_parse_descriptor_command(help, argc, argv, accepted, &opts);
    if (rc >= 0)
        return rc;
    loaded_pipeline lp;
    run_state rs;
    rc = load_pipeline_with_state(opts.args[0], opts.plugin_path, opts.state_dir, &lp, &rs);
    if (rc)
        return rc;

    char err[2048];

    printer pr = {.json = opts.json, .stages = sluice_buf_new(), .errors = sluice_buf_new()};
    pthread_mutex_init(&pr.lock, NULL);
    preview_hooks hooks = {.stage_output = on_stage_output, .stage_errors = on_errors, .arg = &pr};
    run_options ro;
    run_options_default(&ro);
    ro.error_file = rs.error_file;
    ro.offsets = rs.offsets; /* read for where the origin resumes; a preview never commits */
    ro.preview = &hooks;
    ro.preview_records = opts.records ? (size_t)opts.records : 10;
    ro.preview_write = opts.write;
    rc = runner_run(lp.pipeline, &ro, err, sizeof err);
    if (rc != 0)
        log_msg(SLUICE_LOG_ERROR, NULL, "%s", err);
    if (pr.json)
        printf("{\"pipeline\":\"%s\",\"stages\":[%s],\"errors\":[%s]}\n", lp.desc->pipeline,
               sluice_buf_data(pr.stages), sluice_buf_data(pr.errors));
    sluice_buf_free(pr.stages);
    sluice_buf_free(pr.errors);
    pthread_mutex_destroy(&pr.lock);
    run_state_close(&rs);
    loaded_pipeline_free(&lp);
    if (fflush(stdout) != 0)
        return EXIT_RUNTIME;
    return rc ? EXIT_RUNTIME : EXIT_OK;
}
