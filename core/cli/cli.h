/* core/cli/cli.h — the `sluice` command.  Its code lives in libsluice so
 * that the command and the plugins it loads share one copy of the core;
 * sluice_cli_main is exported in the SLUICE_PRIVATE symbol node, not part
 * of the SDK. */
#ifndef SLUICE_CORE_CLI_H
#define SLUICE_CORE_CLI_H

#include <sluice/abi.h>

/* Exit codes (sluice(1)). */
#define EXIT_OK 0
#define EXIT_RUNTIME 1 /* the pipeline failed while running */
#define EXIT_INVALID 2 /* invalid usage or descriptor */

SLUICE_EXPORT int sluice_cli_main(int argc, char **argv);

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_stages(int argc, char **argv);
int cmd_describe(int argc, char **argv);
int cmd_preview(int argc, char **argv);
int cmd_offsets(int argc, char **argv);

#endif
