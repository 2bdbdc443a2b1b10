/* core/format/data_format.c — data format names, options, and the one
 * parse loop every format shares (sluice/data_format.h).
 *
 * The loop owns what does not depend on the format: where a record ends
 * (scan), the size limit and skipping the rest of a record too long, line
 * numbers, max_records, and the header; the formats only say where their
 * record ends and how its bytes become fields (data_format_impl.h). */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/buf_impl.h"
#include "format/data_format_impl.h"

/* ---- names and options -------------------------------------------------- */

static const char *const format_names[] = {
    [SLUICE_DATA_JSON] = "json",
    [SLUICE_DATA_DELIMITED] = "delimited",
    [SLUICE_DATA_TEXT] = "text",
    [SLUICE_DATA_BINARY] = "binary",
};

#define N_FORMAT_NAMES (sizeof format_names / sizeof format_names[0])

SLUICE_API int sluice_data_format_lookup(const char *name, sluice_data_format *format)
{
    for (size_t i = 1; name && i < N_FORMAT_NAMES; i++)
        if (strcmp(name, format_names[i]) == 0) {
            *format = (sluice_data_format)i;
            return SLUICE_OK;
        }
    return SLUICE_ERROR;
}

SLUICE_API const char *sluice_data_format_name(sluice_data_format format)
{
    return (size_t)format >= 1 && (size_t)format < N_FORMAT_NAMES ? format_names[format] : "?";
}

SLUICE_API void sluice_data_options_init(sluice_data_options *options, sluice_data_format format)
{
    memset(options, 0, sizeof *options);
    options->struct_size = sizeof *options;
    options->format = format;
    options->delimiter = ',';
    options->max_record_size = SLUICE_DATA_DEFAULT_MAX_RECORD;
}

/* Copies the caller's options (as many bytes as it knows of, DESIGN §4),
 * fills the defaults and checks them. */
static int options_take(sluice_data_options *dst, const sluice_data_options *src, char *err, size_t errsize)
{
    sluice_data_options_init(dst, src->format);
    size_t n = src->struct_size < sizeof *dst ? src->struct_size : sizeof *dst;
    memcpy(dst, src, n);
    dst->struct_size = sizeof *dst;
    if ((size_t)dst->format < 1 || (size_t)dst->format >= N_FORMAT_NAMES) {
        snprintf(err, errsize, "unknown data format %d", (int)dst->format);
        return SLUICE_ERROR;
    }
    if (dst->delimiter == 0)
        dst->delimiter = ',';
    /* RFC 4180 §2.6-2.7: quotes and line breaks are the format's own. */
    if (dst->delimiter == '"' || dst->delimiter == '\r' || dst->delimiter == '\n') {
        snprintf(err, errsize, "the delimiter cannot be a double quote, CR or LF");
        return SLUICE_ERROR;
    }
    if (dst->max_record_size == 0)
        dst->max_record_size = SLUICE_DATA_DEFAULT_MAX_RECORD;
    /* STRING and BYTES lengths are 32-bit (record_impl.h). */
    if (dst->max_record_size > (1u << 31)) {
        snprintf(err, errsize, "max_record_size is at most 2 GiB");
        return SLUICE_ERROR;
    }
    return SLUICE_OK;
}

/* ---- parser ----------------------------------------------------------------- */

SLUICE_API sluice_data_parser *sluice_data_parser_new(const sluice_data_options *options, char *err, size_t errsize)
{
    sluice_data_parser *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    if (options_take(&p->opt, options, err, errsize) != SLUICE_OK) {
        free(p);
        return NULL;
    }
    sluice_data_parser_reset(p, 1);
    return p;
}

SLUICE_API void sluice_data_parser_free(sluice_data_parser *parser)
{
    if (!parser)
        return;
    csv_names_clear(parser);
    free(parser);
}

SLUICE_API void sluice_data_parser_reset(sluice_data_parser *parser, uint64_t line)
{
    csv_names_clear(parser);
    parser->line = line ? line : 1;
    parser->header_pending = parser->opt.format == SLUICE_DATA_DELIMITED && parser->opt.header;
    parser->skipping = false;
    parser->skip_state = 0;
}

void data_error_set(const sluice_data_parser *p, sluice_data_error *error, size_t lines_in, size_t column,
                    const char *fmt, ...)
{
    char *m = error->message;
    size_t size = sizeof error->message;
    int n = column ? snprintf(m, size, "line %llu, column %zu: ", (unsigned long long)(p->line + lines_in), column)
                   : snprintf(m, size, "line %llu: ", (unsigned long long)(p->line + lines_in));
    if (n < 0 || (size_t)n >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m + n, size - (size_t)n, fmt, ap);
    va_end(ap);
}

static scan_result scan(sluice_data_parser *p, const char *data, size_t len, bool eof, int *state,
                        size_t *rec_len, size_t *next, size_t *lines)
{
    *lines = 0;
    switch (p->opt.format) {
    case SLUICE_DATA_DELIMITED:
        return csv_scan(p->opt.delimiter, data, len, eof, state, rec_len, next, lines);
    case SLUICE_DATA_BINARY:
        /* A whole input per record, in chunks of max_record_size. */
        if (len >= p->opt.max_record_size) {
            *rec_len = *next = p->opt.max_record_size;
            return SCAN_FOUND;
        }
        if (eof && len > 0) {
            *rec_len = *next = len;
            return SCAN_FOUND;
        }
        return SCAN_NEED_MORE;
    default:
        return line_scan(data, len, eof, rec_len, next);
    }
}

static build_result build(sluice_data_parser *p, sluice_batch *batch, const char *rec, size_t len,
                          sluice_data_error *error)
{
    switch (p->opt.format) {
    case SLUICE_DATA_JSON: return json_build(p, batch, rec, len, error);
    case SLUICE_DATA_DELIMITED: return csv_build(p, batch, rec, len, error);
    case SLUICE_DATA_TEXT: return text_build(p, batch, rec, len, error);
    default: return binary_build(p, batch, rec, len, error);
    }
}

/* Skips the rest of a record found too long: up to its end, or all of
 * `len` when the end is not there yet. */
static size_t skip_rest(sluice_data_parser *p, const char *data, size_t len, bool eof)
{
    size_t rec_len, next, lines;
    int st = p->skip_state;
    if (scan(p, data, len, eof, &st, &rec_len, &next, &lines) == SCAN_FOUND) {
        p->skipping = false;
        p->line += lines + 1;
        return next;
    }
    /* Count the lines it spans all the same, so later lines stay right. */
    if (p->opt.format != SLUICE_DATA_BINARY)
        for (const char *nl = data; (nl = memchr(nl, '\n', (size_t)(data + len - nl))); nl++)
            p->line++;
    p->skip_state = st;
    if (eof)
        p->skipping = false;
    return len;
}

/* Hands a bad record's report to the caller's struct, writing only the
 * members its struct_size covers (DESIGN §4: structs grow at the end). */
static int report_bad(const sluice_data_error *e, sluice_data_error *caller)
{
    if (caller && caller != e && caller->struct_size > sizeof caller->struct_size) {
        size_t n = caller->struct_size < sizeof *e ? caller->struct_size : sizeof *e;
        memcpy((char *)caller + sizeof e->struct_size, (const char *)e + sizeof e->struct_size,
               n - sizeof e->struct_size);
    }
    return SLUICE_DATA_BAD;
}

SLUICE_API int sluice_data_parse(sluice_data_parser *p, sluice_batch *batch, const char *data, size_t len,
                                 unsigned flags, size_t max_records, size_t *consumed, sluice_data_error *caller)
{
    bool eof = flags & SLUICE_DATA_EOF;
    size_t pos = 0, added = 0;
    sluice_data_error scratch;
    sluice_data_error *error = caller && caller->struct_size >= sizeof *caller ? caller : &scratch;
    p->names_batch = NULL; /* copy the header names into this call's batch */

    while (pos < len && (added < max_records || p->header_pending)) {
        if (p->skipping) {
            pos += skip_rest(p, data + pos, len - pos, eof);
            continue;
        }
        size_t rec_len, next, lines;
        int st = 0;
        size_t avail = len - pos;
        scan_result sr = scan(p, data + pos, avail, eof, &st, &rec_len, &next, &lines);
        if (sr == SCAN_NEED_MORE || rec_len > p->opt.max_record_size) {
            size_t limit = p->opt.max_record_size;
            /* A CR last may be the start of a CRLF, not the record's. */
            size_t at_least = avail - (avail > 0 && data[pos + avail - 1] == '\r' ? 1 : 0);
            if (sr == SCAN_NEED_MORE && at_least <= limit)
                break; /* wait for the rest of the record */
            /* Too long: bad now, then skip to its end. */
            error->line = p->line;
            error->offset = pos;
            error->len = limit;
            data_error_set(p, error, 0, 0, "record longer than %zu bytes (max_record_size), skipped", limit);
            p->skipping = true;
            p->skip_state = 0;
            pos += skip_rest(p, data + pos, len - pos, eof);
            *consumed = pos;
            return report_bad(error, caller);
        }
        bool was_header = p->header_pending;
        build_result br = build(p, batch, data + pos, rec_len, error);
        if (br == BUILD_BAD) {
            error->line = p->line;
            error->offset = pos;
            error->len = rec_len;
        }
        pos += next;
        /* The record's own line breaks, and its ending when it has one. */
        p->line += lines + (next > rec_len ? 1 : 0);
        if (br == BUILD_BAD) {
            *consumed = pos;
            return report_bad(error, caller);
        }
        if (br == BUILD_RECORD)
            added++;
        if (was_header && max_records == 0)
            break;
    }
    *consumed = pos;
    return SLUICE_OK;
}

/* ---- writer ------------------------------------------------------------------ */

SLUICE_API sluice_data_writer *sluice_data_writer_new(const sluice_data_options *options, char *err, size_t errsize)
{
    sluice_data_writer *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    if (options_take(&w->opt, options, err, errsize) != SLUICE_OK) {
        free(w);
        return NULL;
    }
    w->scratch = sluice_buf_new();
    return w;
}

SLUICE_API void sluice_data_writer_free(sluice_data_writer *writer)
{
    if (!writer)
        return;
    csv_columns_clear(writer);
    sluice_buf_free(writer->scratch);
    free(writer);
}

SLUICE_API void sluice_data_writer_reset(sluice_data_writer *writer, bool header_present)
{
    csv_columns_clear(writer);
    writer->header_present = header_present;
}

SLUICE_API int sluice_data_write(sluice_data_writer *w, const sluice_record *record, sluice_buf *out, char *err,
                                 size_t errsize)
{
    size_t before = out->len;
    int rc;
    switch (w->opt.format) {
    case SLUICE_DATA_JSON: rc = json_write(w, record, out, err, errsize); break;
    case SLUICE_DATA_DELIMITED: rc = csv_write(w, record, out, err, errsize); break;
    case SLUICE_DATA_TEXT: rc = text_write(w, record, out, err, errsize); break;
    default: rc = binary_write(w, record, out, err, errsize); break;
    }
    if (rc != SLUICE_OK) {
        out->len = before; /* nothing of a refused record stays */
        out->data[before] = '\0';
    }
    return rc;
}
