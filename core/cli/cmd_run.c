/* core/cli/cmd_run.c — `sluice run PIPELINE.json`. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/load_pipeline.h"
#include "cli/options.h"
#include "cli/run_metrics.h"
#include "cli/run_state.h"
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
    "  --stop-timeout TIME  after SIGINT/SIGTERM, how long the batches in flight\n"
    "                       may take before they are aborted (default 30s)\n"
    "  --log-level LEVEL    error, warn, info (default) or debug\n"
    "  --metrics-file PATH  write the run's metrics there as JSON, replaced\n"
    "                       atomically each second and once more at the end\n"
    "  --no-progress        no progress line on stderr (drawn when it is a TTY)\n"
    "  --sync-offsets       write each batch's offsets before the next batch\n"
    "                       (default: in the background, at most two batches behind)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Exit status: 0 when the origin ended or a stop was asked for, 1 when the\n"
    "pipeline failed while running, 2 for an invalid descriptor or usage.\n";

/* Seconds the batches in flight get after the first stop signal. */
static unsigned stop_deadline_s = 30;

static void on_stop_signal(int sig)
{
    static volatile sig_atomic_t signals_seen;
    (void)sig;
    /* The second signal aborts: nothing of the batch in flight is
     * committed, and offsets still pending in the offset store's writer
     * (batches delivered, at most two per runner) are not written either:
     * "stop now" is taken literally, and at least once repeats them. */
    if (signals_seen++)
        _exit(EXIT_RUNTIME);
    runner_request_stop();
    alarm(stop_deadline_s);
}

/* The stop deadline passed with batches still in flight: abort them, as a
 * second signal would (async-signal-safe: write and _exit only). */
static void on_stop_deadline(int sig)
{
    static const char msg[] = "sluice: stop deadline passed with batches in flight: aborting without committing them\n";
    (void)sig;
    ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)ignored;
    _exit(EXIT_RUNTIME);
}

static void install_signal_handlers(int64_t stop_timeout_ms)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    stop_deadline_s = stop_timeout_ms <= 0 ? 1 : (unsigned)((stop_timeout_ms + 999) / 1000);
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_stop_deadline;
    sigaction(SIGALRM, &sa, NULL);
}

int cmd_run(int argc, char **argv)
{
    cli_options opts;
    unsigned accepted = OPT_PLUGIN_PATH | OPT_LOG_LEVEL | OPT_STATE_DIR | OPT_MAX_BATCHES | OPT_METRICS |
                        OPT_STOP_TIMEOUT | OPT_SYNC_OFFSETS;
    int rc = cli_parse_descriptor_command(help, argc, argv, accepted, &opts);
    if (rc >= 0)
        return rc;
    loaded_pipeline lp;
    run_state rs;
    rc = load_pipeline_with_state(opts.args[0], opts.plugin_path, opts.state_dir, &lp, &rs);
    if (rc)
        return rc;

    char err[2048];

    run_options ro;
    run_options_default(&ro);
    ro.error_file = rs.error_file;
    ro.offsets = rs.offsets;
    offset_store_set_sync(rs.offsets, opts.sync_offsets);
    ro.max_batches = opts.max_batches;
    ro.metrics = run_metrics_start(lp.pipeline, opts.metrics_file, !opts.no_progress, err, sizeof err);
    if (!ro.metrics) {
        log_msg(SLUICE_LOG_ERROR, NULL, "%s", err);
        run_state_close(&rs);
        loaded_pipeline_free(&lp);
        return EXIT_RUNTIME;
    }
    if (opts.stop_timeout_ms)
        ro.stop_timeout_ms = opts.stop_timeout_ms;
    install_signal_handlers(ro.stop_timeout_ms);
    log_msg(SLUICE_LOG_INFO, NULL, "running pipeline \"%s\" (state in %s)", lp.desc->pipeline, rs.dir);
    rc = runner_run(lp.pipeline, &ro, err, sizeof err);
    run_metrics_finish(ro.metrics);
    if (rc != 0)
        log_msg(SLUICE_LOG_ERROR, NULL, "%s", err);
    run_state_close(&rs);
    loaded_pipeline_free(&lp);
    return rc ? EXIT_RUNTIME : EXIT_OK;
}
