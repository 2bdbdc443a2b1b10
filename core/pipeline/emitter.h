/* core/pipeline/emitter.h — where a processor's output goes, and the list
 * of records that failed in a batch. */
#ifndef SLUICE_CORE_EMITTER_H
#define SLUICE_CORE_EMITTER_H

#include <stddef.h>

#include <sluice/stage.h>

#include "record/record_impl.h"

/* A record that failed at a stage, with the reason. */
typedef struct record_error {
    sluice_record *record;
    size_t stage;        /* index in pipeline.stages */
    const char *code;    /* in the batch arena */
    const char *message; /* in the batch arena */
} record_error;

typedef struct error_list {
    record_error *items; /* malloc'd, kept across batches */
    size_t n, cap;
} error_list;

void error_list_add(error_list *list, sluice_record *record, size_t stage, const char *code, const char *message);
void error_list_free(error_list *list);

struct sluice_emitter {
    sluice_batch **lanes; /* the stage's output lanes */
    size_t n_lanes;
    error_list *errors;
    size_t stage;
    arena *arena;
    size_t emitted;       /* records sent to lanes in this call */
    const char *bad_lane; /* set when a lane index was out of range */
};

#endif
