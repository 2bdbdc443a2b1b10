/* core/format/data_format_impl.h — the parser and writer behind
 * sluice/data_format.h, and the per-format pieces data_format.c drives.
 * Internal to libsluice.
 *
 * Parsing is two steps per record, so that every format shares one loop
 * (data_format.c) for chunking, line counting, the size limit and errors:
 *   scan   finds where the record ends (its line ending, outside quotes
 *          for delimited) without building anything;
 *   build  makes the record of those bytes in the batch's arena. */
#ifndef SLUICE_CORE_FORMAT_DATA_FORMAT_IMPL_H
#define SLUICE_CORE_FORMAT_DATA_FORMAT_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/data_format.h>

struct sluice_data_parser {
    sluice_data_options opt; /* with the defaults filled in */
    uint64_t line;           /* the line the next record starts on */
    bool header_pending;     /* delimited with a header: the next record is the header */
    bool skipping;           /* inside a record too long: skip to its end */
    int skip_state;          /* delimited: csv_scan's state at the end of the skipped bytes */
    /* Delimited header: the column names, malloc'd once per input. */
    char *names_mem;
    const char **names;
    uint32_t *name_lens;
    size_t n_names;
    bool duplicate_names; /* a later column of the same name replaces the earlier */
    /* The names copied into the arena of the batch being filled, so that a
     * record never points at memory a reset may free; once per call. */
    sluice_batch *names_batch;
    const char **batch_names;
};

struct sluice_data_writer {
    sluice_data_options opt;
    bool header_present; /* delimited: the output has its header line */
    /* Delimited with a header: the columns, from the first record. */
    char *columns_mem;
    const char **columns;
    uint32_t *column_lens;
    size_t n_columns;
    sluice_buf *scratch; /* text of a non-string field, reused */
};

/* What scan found. */
typedef enum scan_result {
    SCAN_NEED_MORE = 0, /* no record end in the data yet */
    SCAN_FOUND = 1      /* a record: *rec_len bytes, then the line ending up to *next */
} scan_result;

/* What build made. */
typedef enum build_result {
    BUILD_RECORD = 0, /* a record, added to the batch */
    BUILD_NONE = 1,   /* nothing: a blank line, or a header */
    BUILD_BAD = 2     /* a bad record: the message is in error->message */
} build_result;

/* Line formats (text, json): the record is the bytes up to the next LF,
 * less a CR just before it. */
scan_result line_scan(const char *data, size_t len, bool eof, size_t *rec_len, size_t *next);

/* Delimited: up to the next LF outside quotes (RFC 4180 §2.6: line breaks
 * inside quotes are data).  *state carries the scan's state in and out (0
 * at a record's start), *lines counts the LFs inside the record. */
scan_result csv_scan(char delim, const char *data, size_t len, bool eof, int *state, size_t *rec_len,
                     size_t *next, size_t *lines);

build_result text_build(sluice_data_parser *p, sluice_batch *batch, const char *rec, size_t len,
                        sluice_data_error *error);
build_result json_build(sluice_data_parser *p, sluice_batch *batch, const char *rec, size_t len,
                        sluice_data_error *error);
build_result binary_build(sluice_data_parser *p, sluice_batch *batch, const char *rec, size_t len,
                          sluice_data_error *error);
build_result csv_build(sluice_data_parser *p, sluice_batch *batch, const char *rec, size_t len,
                       sluice_data_error *error);

/* Forgets the header names (a new input). */
void csv_names_clear(sluice_data_parser *p);

/* Sets error->message to "line L: " and the text, L being p->line plus
 * `lines_in`; with a column when column > 0 ("line L, column C: "). */
void data_error_set(const sluice_data_parser *p, sluice_data_error *error, size_t lines_in, size_t column,
                    const char *fmt, ...) SLUICE_PRINTF(5, 6);

/* Writers: append one record, or return SLUICE_ERROR with err set (the
 * caller puts `out` back as it was). */
int json_write(sluice_data_writer *w, const sluice_record *record, sluice_buf *out, char *err, size_t errsize);
int text_write(sluice_data_writer *w, const sluice_record *record, sluice_buf *out, char *err, size_t errsize);
int binary_write(sluice_data_writer *w, const sluice_record *record, sluice_buf *out, char *err, size_t errsize);
int csv_write(sluice_data_writer *w, const sluice_record *record, sluice_buf *out, char *err, size_t errsize);
void csv_columns_clear(sluice_data_writer *w);

/* Appends the text form of a field that is not a STRING (a STRING's own
 * bytes otherwise): "" for NULL, true/false, numbers as JSON writes them
 * (keeping parsed text), DATETIME in RFC 3339, BYTES in base64, LIST and
 * MAP as JSON. */
void field_text_append(sluice_buf *out, const sluice_field *field);

#endif
