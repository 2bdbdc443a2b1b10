/* core/pipeline/emitter.c — the SDK calls by which origins, processors
 * and destinations say where each record goes: on to a lane, to error
 * handling, or back for a retry. */
#include "pipeline/emitter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void error_list_add(error_list *list, sluice_record *record, size_t stage, const char *code, const char *message)
{
    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 64;
        list->items = realloc(list->items, list->cap * sizeof *list->items);
        if (!list->items)
            abort();
    }
    list->items[list->n++] = (record_error){record, stage, code, message};
}

void error_list_free(error_list *list)
{
    free(list->items);
    memset(list, 0, sizeof *list);
}

/* Formats a message into the arena: it lives as long as the record. */
static const char *arena_vformat(arena *a, const char *fmt, va_list ap)
{
    char buf[1024];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof buf)
        n = sizeof buf - 1;
    char *s = arena_alloc(a, (size_t)n + 1);
    memcpy(s, buf, (size_t)n + 1);
    return s;
}

static const char *arena_strdup(arena *a, const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    char *d = arena_alloc(a, n + 1);
    memcpy(d, s, n + 1);
    return d;
}

SLUICE_API void sluice_emit(sluice_emitter *out, size_t lane, sluice_record *record)
{
    if (lane >= out->n_lanes) {
        out->bad_lane = "a lane index past the stage's lanes";
        return;
    }
    /* Counted first so that the add, inline (this runs once per record
     * routed), ends the function and needs no stack frame. */
    out->emitted++;
    batch_add(out->lanes[lane], record);
}

SLUICE_API void sluice_emit_error(sluice_emitter *out, sluice_record *record, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *message = arena_vformat(out->arena, fmt, ap);
    va_end(ap);
    error_list_add(out->errors, record, out->stage, arena_strdup(out->arena, code), message);
}

/* The origin's error records stay with its batch until the runner takes
 * them, so that an origin works the same polled or pushed (and driven by a
 * test without a runner).  The list grows in the arena, like offsets:
 * origins' errors are rare, a copy on growth is cheap. */
SLUICE_API void sluice_batch_add_error(sluice_batch *batch, sluice_record *record, const char *code, const char *fmt,
                                       ...)
{
    if (batch->n_errors == batch->cap_errors)
        batch->errors = arena_grow(batch->arena, batch->errors, batch->n_errors, &batch->cap_errors, 8,
                                   sizeof *batch->errors);
    va_list ap;
    va_start(ap, fmt);
    const char *message = arena_vformat(batch->arena, fmt, ap);
    va_end(ap);
    batch->errors[batch->n_errors++] = (batch_error){record, arena_strdup(batch->arena, code), message};
}

/* The outcomes array is made on the first mark, all DONE. */
static batch_outcome *outcome_at(sluice_batch *in, size_t i)
{
    if (i >= in->count)
        return NULL;
    if (!in->outcomes) {
        in->outcomes = arena_alloc(in->arena, in->count * sizeof *in->outcomes);
        memset(in->outcomes, 0, in->count * sizeof *in->outcomes);
    }
    return &in->outcomes[i];
}

SLUICE_API void sluice_batch_record_error(sluice_batch *in, size_t i, const char *code, const char *fmt, ...)
{
    batch_outcome *o = outcome_at(in, i);
    if (!o)
        return;
    va_list ap;
    va_start(ap, fmt);
    o->message = arena_vformat(in->arena, fmt, ap);
    va_end(ap);
    o->code = arena_strdup(in->arena, code);
    o->kind = OUTCOME_ERROR;
}

SLUICE_API void sluice_batch_record_retry(sluice_batch *in, size_t i)
{
    batch_outcome *o = outcome_at(in, i);
    if (o)
        o->kind = OUTCOME_RETRY;
}
