/* core/record/record_impl.h — the layout behind the SDK's opaque record
 * handles.  Internal to libsluice: plugins only see sluice/record.h. */
#ifndef SLUICE_CORE_RECORD_IMPL_H
#define SLUICE_CORE_RECORD_IMPL_H

#include <stdint.h>

#include <sluice/record.h>

#include "arena.h"

/* sluice_field.flags */
#define FIELD_DECIMAL_TEXT 0x1u /* DECIMAL held as text in v.s/len, not as v.i */
#define FIELD_NUMBER_TEXT 0x2u  /* INT/DOUBLE/DECIMAL parsed from JSON: original text in text/text_len */

typedef struct map_entry {
    const char *key; /* NUL-terminated */
    uint32_t key_len;
    sluice_field *value;
} map_entry;

struct sluice_field {
    uint8_t type;  /* sluice_type */
    uint8_t flags; /* FIELD_* */
    int16_t scale; /* DECIMAL */
    uint32_t len;  /* STRING/BYTES length, text DECIMAL length, LIST/MAP count */
    uint32_t cap;  /* LIST/MAP capacity */
    uint32_t text_len;
    const char *text; /* FIELD_NUMBER_TEXT */
    union {
        int b;
        int64_t i; /* INT, DATETIME (µs), DECIMAL unscaled */
        double d;
        const char *s;        /* STRING, BYTES, text DECIMAL */
        sluice_field **items; /* LIST */
        map_entry *entries;   /* MAP */
    } v;
};

/* Index of `key` in MAP `map`, or -1 (map.c; the path walker needs the
 * entry's place, not only its value). */
long map_find(const sluice_field *map, const char *key, size_t key_len);

typedef struct record_attr {
    const char *name;
    const char *value;
} record_attr;

struct sluice_record {
    sluice_field *root;
    record_attr *attrs;
    uint32_t n_attrs, cap_attrs;
};

/* What a destination said of one record. */
enum record_outcome { OUTCOME_DONE = 0, OUTCOME_ERROR = 1, OUTCOME_RETRY = 2 };

typedef struct batch_outcome {
    uint8_t kind; /* record_outcome */
    const char *code;
    const char *message;
} batch_outcome;

typedef struct batch_offset {
    const char *key, *value;
} batch_offset;

/* A record an origin sent to error handling (sluice_batch_add_error). */
typedef struct batch_error {
    sluice_record *record;
    const char *code;    /* in the arena */
    const char *message; /* in the arena */
} batch_error;

/* A batch is an arena plus a list of records in it.  The runner makes one
 * per origin batch and lighter ones (sharing the arena) for each lane and
 * each destination's input. */
struct sluice_batch {
    arena *arena;                /* not owned: shared by the batches of one run through the pipeline */
    sluice_record **records;     /* malloc'd, grows, kept across resets */
    size_t count, cap;
    batch_outcome *outcomes;     /* destinations: NULL until a record is marked, then `count` entries in the arena */
    batch_offset *offsets;       /* origins: in the arena */
    size_t n_offsets, cap_offsets;
    batch_error *errors;         /* origins: error records, in the arena */
    size_t n_errors, cap_errors;
};

/* A batch over arena `a` (not owned). */
sluice_batch *batch_new(arena *a);
void batch_free(sluice_batch *b);
/* Empties the record list, outcomes, offsets and origin errors (the arena
 * is reset by its owner). */
void batch_clear(sluice_batch *b);
/* Appends n records at once (the runner moving a lane into a stage's input). */
void batch_append_records(sluice_batch *dst, sluice_record *const *records, size_t n);
/* Appends one record to a full batch, growing its vector. */
void batch_add_grow(sluice_batch *b, sluice_record *record);

/* sluice_batch_add(), inline for the core's per-record paths
 * (sluice_emit): when the vector has room, a store and no call.  The
 * growth is a tail call, so the common case needs no stack frame. */
static inline void batch_add(sluice_batch *b, sluice_record *record)
{
    if (__builtin_expect(b->count == b->cap, 0)) {
        batch_add_grow(b, record);
        return;
    }
    b->records[b->count++] = record;
}

#endif
