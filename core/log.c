/* core/log.c — leveled one-line logging to stderr. */
#include "log.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic int current_level = SLUICE_LOG_INFO;
/* A progress line is on the terminal (metrics_reporter.c). */
static atomic_bool progress_line_shown;

static const char *const level_names[] = {"error", "warn", "info", "debug"};
static const char *const level_labels[] = {"ERROR", "WARN ", "INFO ", "DEBUG"};

void log_set_level(sluice_log_level level) { atomic_store(&current_level, (int)level); }

void log_set_progress_line(bool shown) { atomic_store(&progress_line_shown, shown); }

sluice_log_level log_get_level(void) { return (sluice_log_level)atomic_load(&current_level); }

int log_parse_level(const char *name, sluice_log_level *level)
{
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
        if (strcmp(name, level_names[i]) == 0) {
            *level = (sluice_log_level)i;
            return 0;
        }
    }
    return -1;
}

void log_vmsg(sluice_log_level level, const char *tag, const char *fmt, va_list ap)
{
    if ((int)level > atomic_load(&current_level) || (int)level < 0)
        return;
    char line[2048];
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    /* Over a progress line: back to its start and erase it, in the same
     * write(2) as the text, so the log line replaces it rather than
     * following it on the same terminal line. */
    int start = 0;
    if (atomic_load(&progress_line_shown)) {
        memcpy(line, "\r\033[K", 4);
        start = 4;
    }
    int n = start + (int)strftime(line + start, sizeof line - (size_t)start, "%Y-%m-%dT%H:%M:%SZ ", &tm);
    n += snprintf(line + n, sizeof line - (size_t)n, "%s ", level_labels[level]);
    if (tag)
        n += snprintf(line + n, sizeof line - (size_t)n, "[%s] ", tag);
    /* snprintf returns the length it wanted: a tag longer than the line
     * would put n past the buffer and make the size below wrap around. */
    if (n > (int)sizeof line - 1)
        n = (int)sizeof line - 1;
    int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    if (m < 0)
        m = 0;
    n += m;
    if (n > (int)sizeof line - 2)
        n = (int)sizeof line - 2; /* truncated: keep it one line */
    /* A message must stay one line: newlines inside it become spaces. */
    for (char *p = line + start; p < line + n; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    line[n++] = '\n';
    ssize_t off = 0;
    while (off < n) {
        ssize_t w = write(STDERR_FILENO, line + off, (size_t)(n - off));
        if (w <= 0)
            break;
        off += w;
    }
}

void log_msg(sluice_log_level level, const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, tag, fmt, ap);
    va_end(ap);
}
