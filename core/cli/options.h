/* core/cli/options.h — options shared by the commands.  Options may come
 * before or after the descriptor path (GNU getopt permutes them). */
#ifndef SLUICE_CORE_CLI_OPTIONS_H
#define SLUICE_CORE_CLI_OPTIONS_H

#include <stdint.h>

/* Which options a command accepts. */
#define OPT_PLUGIN_PATH 0x01u
#define OPT_LOG_LEVEL 0x02u
#define OPT_STATE_DIR 0x04u
#define OPT_JSON 0x08u
#define OPT_MAX_BATCHES 0x10u
#define OPT_RECORDS 0x20u /* -n, --records N */
#define OPT_WRITE 0x40u   /* --write */
#define OPT_STOP_TIMEOUT 0x80u /* --stop-timeout DURATION */
#define OPT_SYNC_OFFSETS 0x100u /* --sync-offsets */
#define OPT_METRICS 0x1000u /* --metrics-file PATH, --no-progress */

typedef struct cli_options {
    const char *plugin_path;
    const char *state_dir;
    int json;
    int help;
    int64_t max_batches;
    const char *metrics_file; /* --metrics-file: NULL for none */
    int no_progress;          /* --no-progress: no progress line even on a TTY */
    int64_t records;          /* -n, --records: 0 when not given */
    int write;                /* --write */
    int64_t stop_timeout_ms;  /* --stop-timeout: 0 when not given */
    int sync_offsets;         /* --sync-offsets: each commit waits for its write */
    char **args; /* positional arguments */
    int n_args;
} cli_options;

/* Parses argv (argv[0] is the command name).  Returns 0, or EXIT_INVALID
 * after printing "sluice CMD: ..." and a pointer to --help on stderr.
 * Applies --log-level at once. */
int cli_parse(int argc, char **argv, unsigned accepted, cli_options *opts);

/* For the commands that take one descriptor (run, preview, validate):
 * parses argv, prints `help` for --help, and checks there is exactly one
 * argument, opts->args[0].  Returns -1 to go on, or the exit status the
 * command returns at once (EXIT_OK after help, EXIT_INVALID). */
int cli_parse_descriptor_command(const char *help, int argc, char **argv, unsigned accepted, cli_options *opts);

/* Prints "sluice CMD: <message>" and the --help hint; returns EXIT_INVALID. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
