/* tests/fuzz/fuzz_data_format.c — libFuzzer target for the data format
 * parsers and writers (sluice/data_format.h, core/format/).
 *
 * The first input byte picks the format and its options (header, one of a
 * few delimiters, a small or the default max_record_size), the second the
 * size of the chunks the rest is fed in, the way file:reader feeds a file.
 * What must hold for any input:
 *  - the parser never takes more than it is given, always progresses, and
 *    at the end of the input (SLUICE_DATA_EOF) takes everything;
 *  - the records do not depend on the chunk size (compared with one feed
 *    of the whole input);
 *  - delimited, text and json records written by the writer and parsed
 *    again are the same records (those the writer accepts);
 * without crashing, leaking or reading out of bounds.  tests/fuzz/run.sh
 * builds it (with core/format, core/record and core/arena.c) and runs it
 * next to fuzz_expr. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/data_format.h>
#include <sluice/format.h>

#include "arena.h"
#include "record/record_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char delimiters[] = {',', ';', '\t', '|', 'a', ' ', '\x01', '"'};

/* Parses `len` bytes fed `chunk` at a time into `b`; the records as JSON
 * lines (attributes included) into `out`. */
static void parse_all(const sluice_data_options *o, const char *text, size_t len, size_t chunk, sluice_batch *b,
                      sluice_buf *out)
{
    char err[256];
    sluice_data_parser *p = sluice_data_parser_new(o, err, sizeof err);
    if (!p)
        return;
    char *pending = malloc(len + 1);
    size_t have = 0, given = 0;
    do {
        size_t n = len - given < chunk ? len - given : chunk;
        memcpy(pending + have, text + given, n);
        have += n;
        given += n;
        unsigned flags = given == len ? SLUICE_DATA_EOF : 0;
        for (;;) {
            size_t used = 0;
            sluice_data_error e = {.struct_size = sizeof e};
            int rc = sluice_data_parse(p, b, pending, have, flags, SIZE_MAX, &used, &e);
            if (used > have || (rc != SLUICE_OK && rc != SLUICE_DATA_BAD))
                abort();
            if (rc == SLUICE_DATA_BAD && (e.offset + e.len > have || !memchr(e.message, '\0', sizeof e.message)))
                abort();
            memmove(pending, pending + used, have - used);
            have -= used;
            if (rc == SLUICE_OK)
                break;
        }
        if ((flags & SLUICE_DATA_EOF) && have != 0)
            abort(); /* at the end everything is taken */
    } while (given < len);
    free(pending);
    sluice_data_parser_free(p);
    for (size_t i = 0; i < sluice_batch_count(b); i++) {
        sluice_json_write_record(out, sluice_batch_record(b, i), SLUICE_JSON_WITH_ATTRIBUTES);
        sluice_buf_append(out, "\n", 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    sluice_data_options o;
    sluice_data_options_init(&o, (sluice_data_format)(1 + (data[0] & 3)));
    o.header = data[0] & 4;
    o.delimiter = delimiters[(data[0] >> 3) & 7];
    if (data[0] & 0x40)
        o.max_record_size = 1 + data[1] % 16;
    size_t chunk = 1 + data[1] % 37;
    const char *text = (const char *)data + 2;
    size_t len = size - 2;

    arena *a = arena_new(0);
    sluice_batch *whole = batch_new(a), *chunked = batch_new(a), *again = batch_new(a);
    sluice_buf *w1 = sluice_buf_new(), *w2 = sluice_buf_new(), *written = sluice_buf_new(),
               *accepted = sluice_buf_new(), *back = sluice_buf_new();

    parse_all(&o, text, len, len ? len : 1, whole, w1);
    parse_all(&o, text, len, chunk, chunked, w2);
    if (sluice_buf_len(w1) != sluice_buf_len(w2) || memcmp(sluice_buf_data(w1), sluice_buf_data(w2), sluice_buf_len(w1)))
        abort(); /* the chunk size changed the records */

    char err[256];
    sluice_data_writer *w = sluice_data_writer_new(&o, err, sizeof err);
    if (w && o.format != SLUICE_DATA_BINARY) {
        for (size_t i = 0; i < sluice_batch_count(whole); i++) {
            sluice_record *r = sluice_batch_record(whole, i);
            /* Bad records ({"raw": ...} is not what a parser makes) are
             * left out: only parsed records must come back. */
            if (sluice_record_attribute_count(r))
                continue;
            if (sluice_data_write(w, r, written, err, sizeof err) != SLUICE_OK)
                continue;
            sluice_json_write_record(accepted, r, SLUICE_JSON_WITH_ATTRIBUTES);
            sluice_buf_append(accepted, "\n", 1);
        }
        /* No size limit when reading back: quoting makes records longer. */
        o.max_record_size = 0;
        parse_all(&o, sluice_buf_data(written), sluice_buf_len(written), 7, again, back);
        if (sluice_buf_len(back) != sluice_buf_len(accepted) ||
            memcmp(sluice_buf_data(back), sluice_buf_data(accepted), sluice_buf_len(back)))
            abort(); /* written and read back, not the same records */
    }
    sluice_data_writer_free(w);

    sluice_buf_free(w1);
    sluice_buf_free(w2);
    sluice_buf_free(written);
    sluice_buf_free(accepted);
    sluice_buf_free(back);
    batch_free(whole);
    batch_free(chunked);
    batch_free(again);
    arena_free(a);
    return 0;
}
