/* core/pipeline/metrics_progress.c — the one-line progress report redrawn
 * in place on a terminal:
 *
 *   0:01:52 taxi: 1,234,567 records, 12,345/s, 3 errors, 1,235 batches, avg 11,020/s
 *
 * Most telling first: a narrow terminal cuts the tail.
 * Drawn as "\r" + text + "\033[K" in one write(2): back to the start of the
 * line, the new text over the old, then erase what a longer old text left.
 * It is cut to the terminal's width, since a wrapped line could not be
 * redrawn with "\r". */
#include "pipeline/metrics_progress.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

size_t metrics_progress_text(const metrics *m, const metrics_view *v, double last_rate, char *buf, size_t size)
{
    char records[32], rate[32], overall[32], batches[32], errors[32];
    double overall_rate = v->uptime_s > 0 ? (double)v->records / v->uptime_s : 0;
    unsigned long secs = (unsigned long)v->uptime_s;
    int n = snprintf(buf, size, "%lu:%02lu:%02lu %s: %s records, %s/s, %s errors, %s batches, avg %s/s", secs / 3600,
                     secs / 60 % 60, secs % 60, m->pipeline, metrics_grouped(v->records, records, sizeof records),
                     metrics_grouped((uint64_t)(last_rate + 0.5), rate, sizeof rate),
                     metrics_grouped(v->stage_errors, errors, sizeof errors),
                     metrics_grouped(v->batches, batches, sizeof batches),
                     metrics_grouped((uint64_t)(overall_rate + 0.5), overall, sizeof overall));
    if (n < 0)
        return 0;
    return (size_t)n < size ? (size_t)n : size - 1;
}

static size_t terminal_width(int fd)
{
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

static void write_fully(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w <= 0)
            return; /* a terminal that went away: nothing to report to */
        data += w;
        len -= (size_t)w;
    }
}

void metrics_progress_draw(int fd, const char *text, size_t len)
{
    char line[512];
    size_t width = terminal_width(fd);
    /* One column short: writing into the last column wraps on some terminals. */
    if (width > 1 && len > width - 1)
        len = width - 1;
    if (len > sizeof line - 8)
        len = sizeof line - 8;
    line[0] = '\r';
    memcpy(line + 1, text, len);
    memcpy(line + 1 + len, "\033[K", 3);
    write_fully(fd, line, len + 4);
}

void metrics_progress_clear(int fd) { write_fully(fd, "\r\033[K", 4); }
