/* A module without the sluice entry point: not a plugin, must be refused. */
#include <sluice/abi.h>

SLUICE_EXPORT int not_a_plugin(void);
SLUICE_EXPORT int not_a_plugin(void) { return 42; }
