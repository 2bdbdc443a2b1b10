/* core/cli/cli.c — `sluice COMMAND ...`: dispatch, --version, --help. */
#include "cli/cli.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <sluice/abi.h>

#include "config.h"

static const char usage[] =
    "Usage: sluice COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Runs ETL pipelines described in JSON (sluice-pipeline(5)) with stages\n"
    "loaded from plugins (sluice-plugin(7)).\n"
    "\n"
    "Commands:\n"
    "  run PIPELINE.json         run a pipeline until its origin ends or a signal\n"
    "  preview PIPELINE.json     one batch through every stage, each stage's output shown\n"
    "  validate PIPELINE.json    check a descriptor and its stages' configs\n"
    "  stages [--json]           list the stages of every installed plugin\n"
    "  describe PLUGIN:STAGE     show a stage's config keys\n"
    "  offsets show|reset PIPELINE.json\n"
    "                            show or forget a pipeline's committed offsets\n"
    "  help [COMMAND]            show help for a command\n"
    "\n"
    "Options:\n"
    "  -h, --help                show help (also after any command)\n"
    "  --version                 show the version and the stage ABI\n"
    "\n"
    "Exit status: 0 success, 1 the pipeline failed while running,\n"
    "2 invalid usage or descriptor.\n";

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
} command;

static const command commands[] = {
    {"run", cmd_run},
    {"preview", cmd_preview},
    {"validate", cmd_validate},
    {"stages", cmd_stages},
    {"describe", cmd_describe},
    {"offsets", cmd_offsets},
};

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

SLUICE_EXPORT int sluice_cli_main(int argc, char **argv)
{
    /* A closed pipe on stdout must be an EPIPE error, not a silent death. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_INVALID;
    }
    const char *arg = argv[1];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (strcmp(arg, "--version") == 0) {
        printf("sluice %s (stage ABI %d.%d)\n", PACKAGE_VERSION, SLUICE_ABI_MAJOR, SLUICE_ABI_MINOR);
        return EXIT_OK;
    }
    if (strcmp(arg, "help") == 0) {
        if (argc < 3) {
            fputs(usage, stdout);
            return EXIT_OK;
        }
        const command *c = find_command(argv[2]);
        if (!c) {
            fprintf(stderr, "sluice: no command \"%s\"\nTry 'sluice --help'.\n", argv[2]);
            return EXIT_INVALID;
        }
        char *help_argv[] = {argv[2], "--help", NULL};
        return c->fn(2, help_argv);
    }
    const command *c = find_command(arg);
    if (!c) {
        fprintf(stderr, "sluice: no command \"%s\"\nTry 'sluice --help'.\n", arg);
        return EXIT_INVALID;
    }
    return c->fn(argc - 1, argv + 1);
}
