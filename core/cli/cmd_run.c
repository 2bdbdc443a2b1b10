/* core/cli/cmd_run.c — `sluice run PIPELINE.json`. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/load_pipeline.h"
#include "cli/options.h"
#include "log.h"
#include "pipeline/runner.h"
#include "pipeline/state_dir.h"

static const char help[] =
    "Usage: sluice run PIPELINE.json [OPTIONS]\n"
    "\n"
    "Runs a pipeline: batches from its origin through its processors to its\n"
    "destinations, at least once, until the origin ends or SIGINT/SIGTERM\n"
    "(the batch in flight is finished first; a second signal aborts it).\n"
    "Error records go to the descriptor's error_records stage, else to\n"
    "errors.jsonl in the state directory.\n"
    "\n"
    "Options:\n"
    "  --state-dir DIR      state directory (default: $STATE_DIRECTORY/PIPELINE,\n"
    "                       else $XDG_STATE_HOME/sluice/PIPELINE, else\n"
    "                       ~/.local/state/sluice/PIPELINE)\n"
    "  --plugin-path DIRS   colon-separated plugin directories, searched first\n"
    "  --max-batches N      stop after N batches\n"
    "  --log-level LEVEL    error, warn, info (default) or debug\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 when the origin ended or a stop was asked for, 1 when the\n"
    "pipeline failed while running, 2 for an invalid descriptor or usage.\n";

static void on_stop_signal(int sig)
{
    static volatile sig_atomic_t signals_seen;
    (void)sig;
    /* The second signal aborts: nothing of the batch in flight is committed. */
    if (signals_seen++)
        _exit(EXIT_RUNTIME);
    runner_request_stop();
}

static void install_signal_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int cmd_run(int argc, char **argv)
{
    cli_options opts;
    int rc = cli_parse(argc, argv, OPT_PLUGIN_PATH | OPT_LOG_LEVEL | OPT_STATE_DIR | OPT_MAX_BATCHES, &opts);
    if (rc)
        return rc;
    if (opts.help) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    if (opts.n_args != 1)
        return cli_usage_error("run", "expected one descriptor path, got %d arguments", opts.n_args);
    loaded_pipeline lp;
    rc = load_pipeline(opts.args[0], opts.plugin_path, &lp);
    if (rc)
        return rc;

    char err[2048];
    char state_dir[PATH_MAX], error_file[PATH_MAX + 16];
    if (state_dir_resolve(opts.state_dir, lp.desc->pipeline, state_dir, sizeof state_dir, err, sizeof err) != 0) {
        log_msg(SLUICE_LOG_ERROR, NULL, "%s", err);
        loaded_pipeline_free(&lp);
        return EXIT_RUNTIME;
    }
    snprintf(error_file, sizeof error_file, "%s/errors.jsonl", state_dir);

    run_options ro;
    run_options_default(&ro);
    ro.error_file = error_file;
    ro.max_batches = opts.max_batches;
    install_signal_handlers();
    log_msg(SLUICE_LOG_INFO, NULL, "running pipeline \"%s\" (state in %s)", lp.desc->pipeline, state_dir);
    rc = runner_run(lp.pipeline, &ro, err, sizeof err);
    if (rc != 0)
        log_msg(SLUICE_LOG_ERROR, NULL, "%s", err);
    loaded_pipeline_free(&lp);
    return rc ? EXIT_RUNTIME : EXIT_OK;
}
