/* core/log.h — one line per event on stderr, filtered by level.
 *
 * A line is "2026-11-26T10:30:00Z WARN  [stage] message" written with one
 * write(2), so lines from several threads never interleave. */
#ifndef SLUICE_CORE_LOG_H
#define SLUICE_CORE_LOG_H

#include <stdarg.h>

#include <sluice/stage.h>

/* The most verbose level written (default SLUICE_LOG_INFO). */
void log_set_level(sluice_log_level level);
sluice_log_level log_get_level(void);
/* "error", "warn", "info", "debug" -> level: 0, or -1 when unknown. */
int log_parse_level(const char *name, sluice_log_level *level);

/* Writes one line tagged `tag` (a stage id, or NULL for the core). */
void log_msg(sluice_log_level level, const char *tag, const char *fmt, ...) SLUICE_PRINTF(3, 4);
void log_vmsg(sluice_log_level level, const char *tag, const char *fmt, va_list ap);

#endif
