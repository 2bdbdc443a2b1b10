/* core/cli/options.c — parsing the options the commands share. */
#include "cli/options.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "config/schema.h"
#include "log.h"

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "sluice %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'sluice %s --help'.\n", cmd);
    return EXIT_INVALID;
}

int cli_parse_descriptor_command(const char *help, int argc, char **argv, unsigned accepted, cli_options *opts)
{
    int rc = cli_parse(argc, argv, accepted, opts);
    if (rc)
        return rc;
    if (opts->help) {
        fputs(help, stdout);
        return EXIT_OK;
    }
    if (opts->n_args != 1)
        return cli_usage_error(argv[0], "expected one descriptor path, got %d arguments", opts->n_args);
    return -1;
}

int cli_parse(int argc, char **argv, unsigned accepted, cli_options *opts)
{
    enum { O_PLUGIN_PATH = 256, O_LOG_LEVEL, O_STATE_DIR, O_JSON, O_MAX_BATCHES, O_METRICS_FILE, O_NO_PROGRESS, O_WRITE, O_STOP_TIMEOUT, O_SYNC_OFFSETS };
    const struct option all[] = {
        {"help", no_argument, NULL, 'h'},
        {"plugin-path", required_argument, NULL, O_PLUGIN_PATH},
        {"log-level", required_argument, NULL, O_LOG_LEVEL},
        {"state-dir", required_argument, NULL, O_STATE_DIR},
        {"json", no_argument, NULL, O_JSON},
        {"max-batches", required_argument, NULL, O_MAX_BATCHES},
        {"metrics-file", required_argument, NULL, O_METRICS_FILE},
        {"no-progress", no_argument, NULL, O_NO_PROGRESS},
        {"records", required_argument, NULL, 'n'},
        {"write", no_argument, NULL, O_WRITE},
        {"stop-timeout", required_argument, NULL, O_STOP_TIMEOUT},
        {"sync-offsets", no_argument, NULL, O_SYNC_OFFSETS},
    };
    const unsigned flag_of[] = {0, OPT_PLUGIN_PATH, OPT_LOG_LEVEL, OPT_STATE_DIR, OPT_JSON, OPT_MAX_BATCHES,
                                OPT_METRICS, OPT_METRICS, OPT_RECORDS, OPT_WRITE, OPT_STOP_TIMEOUT,
                                OPT_SYNC_OFFSETS};
    struct option longopts[sizeof all / sizeof all[0] + 1];
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!flag_of[i] || (accepted & flag_of[i]))
            longopts[n++] = all[i];
    memset(&longopts[n], 0, sizeof longopts[n]);

    memset(opts, 0, sizeof *opts);
    const char *cmd = argv[0];
    optind = 0; /* GNU: full reinitialisation, permuting */
    opterr = 0;
    int c;
    const char *shortopts = (accepted & OPT_RECORDS) ? ":hn:" : ":h";
    while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            opts->help = 1;
            break;
        case O_PLUGIN_PATH:
            opts->plugin_path = optarg;
            break;
        case O_LOG_LEVEL: {
            sluice_log_level level;
            if (log_parse_level(optarg, &level) != 0)
                return cli_usage_error(cmd, "--log-level: expected error, warn, info or debug, got \"%s\"", optarg);
            log_set_level(level);
            break;
        }
        case O_STATE_DIR:
            opts->state_dir = optarg;
            break;
        case O_JSON:
            opts->json = 1;
            break;
        case O_MAX_BATCHES: {
            char *end;
            long long v = strtoll(optarg, &end, 10);
            if (*end || v < 1)
                return cli_usage_error(cmd, "--max-batches: expected a positive integer, got \"%s\"", optarg);
            opts->max_batches = v;
            break;
        }
        case O_METRICS_FILE:
            if (!*optarg)
                return cli_usage_error(cmd, "--metrics-file: expected a path");
            opts->metrics_file = optarg;
            break;
        case O_NO_PROGRESS:
            opts->no_progress = 1;
            break;
        case 'n': {
            char *end;
            long long v = strtoll(optarg, &end, 10);
            if (*end || v < 1)
                return cli_usage_error(cmd, "--records: expected a positive integer, got \"%s\"", optarg);
            opts->records = v;
            break;
        }
        case O_WRITE:
            opts->write = 1;
            break;
        case O_STOP_TIMEOUT: {
            long long ms;
            if (config_parse_duration(optarg, &ms) != 0 || ms < 1)
                return cli_usage_error(cmd, "--stop-timeout: expected a duration such as 30s or 500ms, got \"%s\"",
                                       optarg);
            opts->stop_timeout_ms = ms;
            break;
        }
        case O_SYNC_OFFSETS:
            opts->sync_offsets = 1;
            break;
        case ':':
            return cli_usage_error(cmd, "%s needs a value", argv[optind - 1]);
        default:
            return cli_usage_error(cmd, "unknown option %s", argv[optind - 1]);
        }
    }
    opts->args = argv + optind;
    opts->n_args = argc - optind;
    return 0;
}
