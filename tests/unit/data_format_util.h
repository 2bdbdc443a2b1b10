/* tests/unit/data_format_util.h — helpers shared by the data format tests:
 * parse bytes fed in chunks of any size, the way a reader feeds a file, and
 * show the records as JSON lines so that expectations read as text. */
#ifndef SLUICE_TESTS_DATA_FORMAT_UTIL_H
#define SLUICE_TESTS_DATA_FORMAT_UTIL_H

#include <stdlib.h>
#include <string.h>

#include <sluice/data_format.h>
#include <sluice/format.h>

#include "arena.h"
#include "record/record_impl.h"

typedef struct fixture {
    arena *a;
    sluice_batch *b;
    sluice_buf *out;    /* the records as JSON lines */
    sluice_buf *errors; /* the error messages, one per line */
    sluice_buf *bad;    /* the bad records' bytes, one per line */
} fixture;

static inline int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    fx->a = arena_new(0);
    fx->b = batch_new(fx->a);
    fx->out = sluice_buf_new();
    fx->errors = sluice_buf_new();
    fx->bad = sluice_buf_new();
    *state = fx;
    return 0;
}

static inline int teardown(void **state)
{
    fixture *fx = *state;
    sluice_buf_free(fx->out);
    sluice_buf_free(fx->errors);
    sluice_buf_free(fx->bad);
    batch_free(fx->b);
    arena_free(fx->a);
    free(fx);
    return 0;
}

static inline sluice_data_parser *parser_for(sluice_data_format format, bool header, char delim, size_t max)
{
    sluice_data_options o;
    char err[128];
    sluice_data_options_init(&o, format);
    o.header = header;
    if (delim)
        o.delimiter = delim;
    if (max)
        o.max_record_size = max;
    sluice_data_parser *p = sluice_data_parser_new(&o, err, sizeof err);
    if (!p)
        fail_msg("sluice_data_parser_new: %s", err);
    return p;
}

/* Feeds text to the parser `chunk` bytes at a time (0: all at once),
 * keeping the unconsumed bytes as a reader does, with SLUICE_DATA_EOF on
 * the last feed when `eof`.  Returns the records as JSON lines; errors go
 * to fx->errors.  The batch is emptied first. */
static inline const char *feed(void **state, sluice_data_parser *p, const char *text, size_t len, size_t chunk, bool eof)
{
    fixture *fx = *state;
    batch_clear(fx->b);
    sluice_buf_reset(fx->out);
    sluice_buf_reset(fx->errors);
    sluice_buf_reset(fx->bad);
    char *pending = malloc(len + 1);
    size_t have = 0, given = 0;
    if (chunk == 0)
        chunk = len ? len : 1;
    do {
        size_t n = len - given < chunk ? len - given : chunk;
        memcpy(pending + have, text + given, n);
        have += n;
        given += n;
        unsigned flags = eof && given == len ? SLUICE_DATA_EOF : 0;
        for (;;) {
            size_t used = 0;
            sluice_data_error e = {.struct_size = sizeof e};
            int rc = sluice_data_parse(p, fx->b, pending, have, flags, SIZE_MAX, &used, &e);
            assert_true(used <= have);
            if (rc == SLUICE_DATA_BAD) {
                sluice_buf_append(fx->errors, e.message, strlen(e.message));
                sluice_buf_append(fx->errors, "\n", 1);
                sluice_buf_append(fx->bad, pending + e.offset, e.len);
                sluice_buf_append(fx->bad, "\n", 1);
            } else {
                assert_int_equal(rc, SLUICE_OK);
            }
            memmove(pending, pending + used, have - used);
            have -= used;
            if (rc == SLUICE_OK)
                break;
        }
    } while (given < len);
    free(pending);
    for (size_t i = 0; i < sluice_batch_count(fx->b); i++) {
        sluice_json_write_record(fx->out, sluice_batch_record(fx->b, i), 0);
        sluice_buf_append(fx->out, "\n", 1);
    }
    return sluice_buf_data(fx->out);
}

static inline const char *errors_of(void **state)
{
    return sluice_buf_data(((fixture *)*state)->errors);
}

static inline const char *bad_of(void **state)
{
    return sluice_buf_data(((fixture *)*state)->bad);
}

/* The same records whatever the chunk size: 1, 2, 3, 7 bytes and all. */
static inline void assert_feeds(void **state, sluice_data_format format, bool header, const char *text,
                         const char *expected, const char *expected_errors)
{
    static const size_t chunks[] = {0, 1, 2, 3, 7};
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        sluice_data_parser *p = parser_for(format, header, 0, 0);
        const char *got = feed(state, p, text, strlen(text), chunks[i], true);
        if (strcmp(got, expected) != 0)
            fail_msg("chunk %zu: records\n%s\nexpected\n%s", chunks[i], got, expected);
        if (strcmp(errors_of(state), expected_errors) != 0)
            fail_msg("chunk %zu: errors\n%s\nexpected\n%s", chunks[i], errors_of(state), expected_errors);
        sluice_data_parser_free(p);
    }
}

#endif
