/* core/log.h — one line per event on stderr, filtered by level.
 *
 * A line is "2026-11-26T10:30:00Z WARN  [stage] message" written with one
 * write(2), so lines from several threads never interleave. */
#ifndef SLUICE_CORE_LOG_H
#define SLUICE_CORE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include <sluice/stage.h>

/* The most verbose level written (default SLUICE_LOG_INFO). */
void log_set_level(sluice_log_level level);
sluice_log_level log_get_level(void);
/* "error", "warn", "info", "debug" -> level: 0, or -1 when unknown. */
int log_parse_level(const char *name, sluice_log_level *level);

/* Writes one line tagged `tag` (a stage id, or NULL for the core). */
void log_msg(sluice_log_level level, const char *tag, const char *fmt, ...) SLUICE_PRINTF(3, 4);
void log_vmsg(sluice_log_level level, const char *tag, const char *fmt, va_list ap);

/* Says whether a progress line is on the terminal (the metrics reporter
 * sets it).  While it is, every log line first erases the terminal line it
 * lands on, so that it replaces the progress line instead of being appended
 * to it; the reporter redraws the progress line within a second. */
void log_set_progress_line(bool shown);

/* ---- per-record errors, rate-limited (log_record_error.c) ---------------
 * A stage failing every record must not flood the log: per stage id, the
 * first LOG_RECORD_ERROR_BURST lines are written, then at most one a
 * second, which ends with "(N similar lines suppressed)", N counting the
 * lines left out since the previous one.  Lock-free and thread-safe; the
 * stages limited apart are the first LOG_RECORD_ERROR_STAGES ids (ids
 * longer than 127 bytes are compared on their first 127); any more share
 * one limit, their lines still tagged with their own ids. */
#define LOG_RECORD_ERROR_BURST 10
#define LOG_RECORD_ERROR_STAGES 64

/* Logs at WARN, tagged `stage_id`: "record error CODE: message". */
void log_record_error(const char *stage_id, const char *code, const char *fmt, ...) SLUICE_PRINTF(3, 4);

/* For each stage with lines suppressed since its last one, logs how many,
 * so that a run's end loses no count.  Call after the runners stopped. */
void log_record_error_flush(void);

/* For tests: forgets every stage's counts and sets the monotonic clock the
 * limiter reads, in ns (NULL: CLOCK_MONOTONIC).  Not thread-safe. */
void log_record_error_reset(uint64_t (*clock_ns)(void));

#endif
