/* sluice/data_format.h — the data formats, for every stage that reads or
 * writes bytes (files now, Kinesis and others later).
 *
 * DESIGN §3 names four formats, the same wherever a stage reads or writes:
 *   json       one JSON value per line, the record's root (sluice/format.h
 *              gives the JSON form of each type); blank lines are skipped.
 *   delimited  CSV as in RFC 4180, with any one-byte delimiter.  With a
 *              header, the first line names the columns and each record is
 *              a MAP of STRINGs keyed by them; without, a LIST of STRINGs.
 *   text       one line per record: a MAP with the STRING field "text",
 *              the line without its ending (LF or CRLF).
 *   binary     the bytes as a MAP with one BYTES field "value": a whole
 *              input per record, cut into records of max_record_size bytes
 *              when it is larger.
 *
 * A parser turns bytes into records incrementally: the caller feeds what it
 * has, the parser takes the complete records and says how many bytes they
 * used, and the caller feeds the rest again with more bytes behind it.  A
 * writer appends a record's bytes to a sluice_buf.
 *
 * Memory: a parser or writer is malloc'd by its _new and owned by the
 * caller until its _free; records go to the batch's arena, never malloc'd
 * one by one.
 *
 * Threads: a parser or writer belongs to one thread at a time; different
 * ones may be used by different threads at once.
 */
#ifndef SLUICE_DATA_FORMAT_H
#define SLUICE_DATA_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sluice/abi.h>
#include <sluice/format.h>
#include <sluice/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Values are part of the ABI: never renumbered. */
typedef enum sluice_data_format {
    SLUICE_DATA_JSON = 1,
    SLUICE_DATA_DELIMITED = 2,
    SLUICE_DATA_TEXT = 3,
    SLUICE_DATA_BINARY = 4
} sluice_data_format;

/* The format named `name` ("json", "delimited", "text", "binary") into
 * *format: SLUICE_OK, or SLUICE_ERROR for an unknown name. */
SLUICE_API int sluice_data_format_lookup(const char *name, sluice_data_format *format);
/* The name of a format; "?" for an unknown value. */
SLUICE_API const char *sluice_data_format_name(sluice_data_format format);

/* Largest record a parser takes unless told otherwise, in bytes. */
#define SLUICE_DATA_DEFAULT_MAX_RECORD (1024u * 1024u)

/* How to read or write a format.  Fill it with sluice_data_options_init()
 * and change what differs: the struct grows at the end, and the core reads
 * only the struct_size bytes the caller was built with. */
typedef struct sluice_data_options {
    size_t struct_size;        /* sizeof(sluice_data_options) */
    sluice_data_format format;
    unsigned json_flags;       /* json: SLUICE_JSON_WITH_ATTRIBUTES reads and writes the envelope */
    bool header;               /* delimited: the first line names the columns */
    char delimiter;            /* delimited: the field separator, ',' by default; not '"', CR or LF */
    size_t max_record_size;    /* parse: a longer record is bad (binary: the size of a chunk);
                                * 0 means SLUICE_DATA_DEFAULT_MAX_RECORD; at most 2^31 */
} sluice_data_options;

/* Sets every member to its default for `format` (delimiter ',', no header,
 * no JSON flags, the default record size) and struct_size. */
SLUICE_API void sluice_data_options_init(sluice_data_options *options, sluice_data_format format);

/* ---- parsing ---------------------------------------------------------- */

typedef struct sluice_data_parser sluice_data_parser;

/* A parser for `options` (copied), or NULL with a one-line message in err
 * when the options are not valid (a bad delimiter, an unknown format). */
SLUICE_API sluice_data_parser *sluice_data_parser_new(const sluice_data_options *options, char *err,
                                                     size_t errsize);
SLUICE_API void sluice_data_parser_free(sluice_data_parser *parser);

/* Starts a new input (the next file): the header, if any, is read again,
 * and the next record is counted as starting on line `line` (1 for the
 * start of a file; more when resuming in the middle of one). */
SLUICE_API void sluice_data_parser_reset(sluice_data_parser *parser, uint64_t line);

/* A bad record, as sluice_data_parse() reports it. */
typedef struct sluice_data_error {
    size_t struct_size; /* sizeof(sluice_data_error), set by the caller: members past it are not written */
    uint64_t line;      /* the line the bad record starts on, from 1 */
    size_t offset;      /* its first byte in the data of the call */
    size_t len;         /* its bytes in that data (without the line ending; for a record too
                         * long, the first max_record_size of them) */
    char message[256];  /* one line, "line 7: ..." */
} sluice_data_error;

/* sluice_data_parse() flags. */
#define SLUICE_DATA_EOF 0x1u /* no bytes follow `data`: a last record without a line ending is complete */

/* sluice_data_parse() result besides SLUICE_OK. */
#define SLUICE_DATA_BAD 2

/* Parses the complete records at the start of data[0, len), adds them to
 * `batch` (sluice_batch_add), at most `max_records` of them, and sets
 * *consumed to the bytes they used, line endings included.  `data` must
 * start where the previous call's *consumed ended (or at the start of the
 * input): the caller keeps the unconsumed bytes and passes them again with
 * the next ones behind.  A record is complete when its line ending is in
 * `data` (for delimited, outside quotes), or at the end of it with
 * SLUICE_DATA_EOF.  A header line is consumed without making a record; with
 * max_records 0 only a pending header is read (resuming mid-file).
 *
 * Returns SLUICE_OK when it needs more bytes, has used them all, or has
 * added max_records.  Returns SLUICE_DATA_BAD when it met a bad record: the
 * records before it were added, the bad one was skipped (*consumed is past
 * it) and *error (when not NULL) says where and why; call again for the
 * rest.  A record
 * longer than max_record_size is bad as soon as that many bytes are seen;
 * the parser then skips the rest of it, over as many calls as it takes.
 *
 * The fields' memory is in the batch's arena; `data` is not referenced
 * after the call. */
SLUICE_API int sluice_data_parse(sluice_data_parser *parser, sluice_batch *batch, const char *data, size_t len,
                                 unsigned flags, size_t max_records, size_t *consumed, sluice_data_error *error);

/* ---- writing ----------------------------------------------------------- */

typedef struct sluice_data_writer sluice_data_writer;

/* A writer for `options` (copied), or NULL with a message in err. */
SLUICE_API sluice_data_writer *sluice_data_writer_new(const sluice_data_options *options, char *err,
                                                     size_t errsize);
SLUICE_API void sluice_data_writer_free(sluice_data_writer *writer);

/* Starts a new output.  Delimited with a header: the columns are taken from
 * the next record's keys, and the header line is written before it unless
 * `header_present` says the output already has one (appending to a file
 * that is not empty). */
SLUICE_API void sluice_data_writer_reset(sluice_data_writer *writer, bool header_present);

/* Appends the record's bytes, line ending included (binary: none), to
 * `out`.  SLUICE_OK, or SLUICE_ERROR with a one-line message in err and
 * nothing appended, when the record does not fit the format (text without
 * a "/text" field or with a line feed in it, binary without "/value",
 * delimited with a header: a root that is not a MAP, or a key that is not
 * one of the columns).  Delimited writes fields that are not STRINGs as
 * text: numbers as JSON has them, DATETIME in RFC 3339, BYTES in base64, a
 * nested LIST or MAP as its JSON; it quotes a field only when it holds the
 * delimiter, a double quote, CR or LF (RFC 4180 §2.6) and ends lines with
 * LF. */
SLUICE_API int sluice_data_write(sluice_data_writer *writer, const sluice_record *record, sluice_buf *out,
                                 char *err, size_t errsize);

#ifdef __cplusplus
}
#endif

#endif
