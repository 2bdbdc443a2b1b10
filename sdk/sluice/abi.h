/* sluice/abi.h — ABI version and symbol visibility for the sluice SDK.
 *
 * The ABI is 0.x until the packaging work freezes 1.0.  A plugin states the
 * ABI it was built for (SLUICE_ABI_MAJOR / SLUICE_ABI_MINOR at its compile
 * time); the core refuses another major, or a newer minor than its own.
 * New functions only ever appear in a new minor, in a new symbol version
 * node (SLUICE_0.1, SLUICE_0.2, ...): a plugin that needs them fails at load
 * on an older core, never at its first call.  So does a new struct field
 * the core must not ignore (0.2: sluice_stage_def.flush), since a core reads
 * a plugin's structs only as far as it knows them. */
#ifndef SLUICE_ABI_H
#define SLUICE_ABI_H

#define SLUICE_ABI_MAJOR 0
#define SLUICE_ABI_MINOR 2

#if defined(__GNUC__)
#define SLUICE_EXPORT __attribute__((visibility("default")))
#define SLUICE_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define SLUICE_EXPORT
#define SLUICE_PRINTF(fmt, args)
#endif

/* Functions of the SDK that plugins call are declared with SLUICE_API. */
#define SLUICE_API SLUICE_EXPORT

/* Return codes shared by every callback and most SDK functions. */
#define SLUICE_OK 0     /* success */
#define SLUICE_END 1    /* an origin has no more data: the run ends cleanly */
#define SLUICE_ERROR -1 /* failure; the message was set with sluice_stage_fail() */

#endif
