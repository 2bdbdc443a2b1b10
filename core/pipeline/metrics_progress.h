/* core/pipeline/metrics_progress.h — the progress line on a terminal
 * (metrics_progress.c); the reporter thread draws it. */
#ifndef SLUICE_CORE_METRICS_PROGRESS_H
#define SLUICE_CORE_METRICS_PROGRESS_H

#include <stddef.h>

#include "pipeline/metrics_impl.h"

/* Formats the progress text (no control characters) into buf; its length. */
size_t metrics_progress_text(const metrics *m, const metrics_view *v, double last_rate, char *buf, size_t size);

/* Redraws the line on the terminal `fd` in one write(2), cut to its width. */
void metrics_progress_draw(int fd, const char *text, size_t len);

/* Erases the line, leaving the cursor at its start. */
void metrics_progress_clear(int fd);

#endif
