/* core/cli/main.c — the `sluice` executable: everything is in libsluice. */
#include "cli/cli.h"

int main(int argc, char **argv) { return sluice_cli_main(argc, argv); }
