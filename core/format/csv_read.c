/* core/format/csv_read.c — reading the `delimited` data format: CSV as
 * RFC 4180 defines it, with any one-byte delimiter.
 *
 * RFC 4180 §2 point by point:
 *  1. records end with a line break: CRLF, and LF alone too (files made on
 *     Unix are the common case); a CR elsewhere is data.
 *  2. the last record may lack its line break: it counts at the end of the
 *     input only (SLUICE_DATA_EOF), since a file being written may not be
 *     complete yet.
 *  3. an optional header line of the same shape: with the `header` option
 *     the first record names the columns and every later record is a MAP
 *     keyed by them; without it every record is a LIST of its fields.
 *  4. fields are separated by the delimiter; spaces are part of a field.
 *  5. a field may be enclosed in double quotes; a quote inside an unquoted
 *     field is refused (the RFC says such a field "may not" contain one),
 *     so that a file cut in the wrong place is not read as data.
 *  6. quoted fields may hold delimiters, CR and LF.
 *  7. a quote in a quoted field is written twice ("").
 * After a closing quote only the delimiter or the record's end may come.
 *
 * Every field is a STRING: CSV has no types, and sinks convert strings to
 * their column's type themselves (DESIGN §2).  A record with no bytes at
 * all (an empty line) is skipped rather than read as one empty field.
 * With a header, a record must have as many fields as the header; a header
 * naming a column twice keeps the later value. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/data_format_impl.h"

/* Where a scan is inside a record (RFC 4180 §2 grammar, as far as finding
 * the record's end needs it).  A quote opens a quoted field only at the
 * start of a field, so that a stray quote elsewhere stays on its own line
 * and is reported there by csv_build instead of swallowing the lines after
 * it. */
enum { AT_FIELD_START = 0, IN_UNQUOTED = 1, IN_QUOTED = 2, QUOTE_IN_QUOTED = 3 };

scan_result csv_scan(const char delim, const char *data, size_t len, bool eof, int *state, size_t *rec_len,
                     size_t *next, size_t *lines)
{
    int st = *state;
    *lines = 0;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        switch (st) {
        case IN_QUOTED:
            if (c == '"')
                st = QUOTE_IN_QUOTED;
            else if (c == '\n')
                (*lines)++; /* §2.6: a line break inside quotes is data */
            continue;
        case QUOTE_IN_QUOTED:
            if (c == '"') { /* §2.7: a doubled quote */
                st = IN_QUOTED;
                continue;
            }
            break;
        case AT_FIELD_START:
            if (c == '"') {
                st = IN_QUOTED;
                continue;
            }
            break;
        default:
            break;
        }
        if (c == '\n') {
            *next = i + 1;
            *rec_len = i > 0 && data[i - 1] == '\r' ? i - 1 : i;
            *state = AT_FIELD_START;
            return SCAN_FOUND;
        }
        st = c == delim ? AT_FIELD_START : IN_UNQUOTED;
    }
    *state = st;
    if (!eof || len == 0)
        return SCAN_NEED_MORE;
    /* The last record without a line break (§2.2); an unclosed quote is
     * found by csv_build. */
    *rec_len = *next = len;
    *state = AT_FIELD_START;
    return SCAN_FOUND;
}

void csv_names_clear(sluice_data_parser *p)
{
    free(p->names_mem);
    free(p->names);
    free(p->name_lens);
    p->names_mem = NULL;
    p->names = NULL;
    p->name_lens = NULL;
    p->n_names = 0;
    p->duplicate_names = false;
    p->names_batch = NULL;
    p->batch_names = NULL;
}

/* One field's place in the record, found by split(). */
typedef struct cell {
    const char *s;
    size_t len;
    bool unescape; /* quoted with "" inside: the doubled quotes become one */
} cell;

/* Where an error is: the line within the record and the column in it. */
static void error_at(sluice_data_parser *p, sluice_data_error *error, const char *rec, const char *at,
                     const char *what)
{
    size_t lines_in = 0;
    const char *line_start = rec;
    for (const char *c = rec; c < at; c++)
        if (*c == '\n') {
            lines_in++;
            line_start = c + 1;
        }
    data_error_set(p, error, lines_in, (size_t)(at - line_start) + 1, "%s", what);
}

/* Finds the next field at *pos: sets *c and moves *pos past the delimiter
 * after it (to len + 1 after the last field).  false on bad quoting. */
static bool next_cell(sluice_data_parser *p, const char *rec, size_t len, size_t *pos, cell *c,
                      sluice_data_error *error)
{
    const char delim = p->opt.delimiter;
    const char *s = rec + *pos, *end = rec + len;
    c->unescape = false;
    if (s < end && *s == '"') {
        const char *q = s + 1;
        for (;;) {
            q = memchr(q, '"', (size_t)(end - q));
            if (!q) {
                error_at(p, error, rec, s, "a quoted field is not closed before the end of the input");
                return false;
            }
            if (q + 1 < end && q[1] == '"') { /* §2.7: "" is one quote */
                c->unescape = true;
                q += 2;
                continue;
            }
            break;
        }
        c->s = s + 1;
        c->len = (size_t)(q - s - 1);
        if (q + 1 < end && q[1] != delim) {
            error_at(p, error, rec, q + 1, "expected the delimiter or the end of the record after a closing quote");
            return false;
        }
        *pos = (size_t)(q + 2 - rec);
        return true;
    }
    const char *d = memchr(s, delim, (size_t)(end - s));
    const char *stop = d ? d : end;
    const char *dq = memchr(s, '"', (size_t)(stop - s));
    if (dq) {
        error_at(p, error, rec, dq, "a double quote inside an unquoted field (RFC 4180 §2.5: quote the field)");
        return false;
    }
    c->s = s;
    c->len = (size_t)(stop - s);
    *pos = (size_t)(stop - rec) + 1;
    return true;
}

/* The field's STRING in the arena: a copy, without the doubled quotes. */
static sluice_field *cell_field(sluice_batch *batch, const cell *c)
{
    if (!c->unescape)
        return sluice_field_new_string(batch, c->s, c->len);
    char *out = sluice_batch_alloc(batch, c->len + 1);
    size_t n = 0;
    for (size_t i = 0; i < c->len; i++) {
        out[n++] = c->s[i];
        if (c->s[i] == '"')
            i++; /* skip the second of the pair */
    }
    out[n] = '\0';
    return sluice_field_new_string_static(batch, out, n);
}

/* The header line: its fields become the column names (malloc'd, once per
 * input). */
static build_result read_header(sluice_data_parser *p, const char *rec, size_t len, sluice_data_error *error)
{
    size_t n = 0, pos = 0, bytes = 0;
    cell c;
    while (pos <= len) {
        if (!next_cell(p, rec, len, &pos, &c, error))
            return BUILD_BAD;
        n++;
        bytes += c.len + 1;
    }
    p->names_mem = malloc(bytes);
    p->names = malloc(n * sizeof *p->names);
    p->name_lens = malloc(n * sizeof *p->name_lens);
    if (!p->names_mem || !p->names || !p->name_lens) {
        fprintf(stderr, "sluice: out of memory (CSV header)\n");
        abort();
    }
    char *out = p->names_mem;
    pos = 0;
    for (size_t i = 0; i < n; i++) {
        next_cell(p, rec, len, &pos, &c, error);
        p->names[i] = out;
        size_t k = 0;
        for (size_t j = 0; j < c.len; j++) {
            out[k++] = c.s[j];
            if (c.unescape && c.s[j] == '"')
                j++;
        }
        out[k] = '\0';
        p->name_lens[i] = (uint32_t)k;
        out += k + 1;
        for (size_t j = 0; j < i && !p->duplicate_names; j++)
            if (p->name_lens[j] == k && memcmp(p->names[j], p->names[i], k) == 0)
                p->duplicate_names = true;
    }
    p->n_names = n;
    p->header_pending = false;
    return BUILD_NONE;
}

/* The column names in this batch's arena, copied once per parse call, so
 * that records keep them after the parser moves on to another file. */
static const char **batch_names(sluice_data_parser *p, sluice_batch *batch)
{
    if (p->names_batch == batch)
        return p->batch_names;
    const char **names = sluice_batch_alloc(batch, p->n_names * sizeof *names);
    for (size_t i = 0; i < p->n_names; i++)
        names[i] = sluice_batch_strndup(batch, p->names[i], p->name_lens[i]);
    p->names_batch = batch;
    p->batch_names = names;
    return names;
}

build_result csv_build(sluice_data_parser *p, sluice_batch *batch, const char *rec, size_t len,
                       sluice_data_error *error)
{
    if (len == 0)
        return BUILD_NONE;
    if (p->header_pending)
        return read_header(p, rec, len, error);

    size_t pos = 0, n = 0;
    cell c;
    sluice_field *root;
    if (!p->opt.header) {
        root = sluice_field_new_list(batch, 8);
        while (pos <= len) {
            if (!next_cell(p, rec, len, &pos, &c, error))
                return BUILD_BAD;
            sluice_list_append(batch, root, cell_field(batch, &c));
        }
    } else {
        const char **names = batch_names(p, batch);
        root = sluice_field_new_map(batch, p->n_names);
        while (pos <= len) {
            if (!next_cell(p, rec, len, &pos, &c, error))
                return BUILD_BAD;
            if (n == p->n_names) {
                data_error_set(p, error, 0, 0, "more fields than the %zu columns of the header", p->n_names);
                return BUILD_BAD;
            }
            if (p->duplicate_names)
                sluice_map_put(batch, root, names[n], p->name_lens[n], cell_field(batch, &c));
            else
                sluice_map_append_static(batch, root, names[n], p->name_lens[n], cell_field(batch, &c));
            n++;
        }
        if (n != p->n_names) {
            data_error_set(p, error, 0, 0, "%zu field(s), but the header has %zu columns", n, p->n_names);
            return BUILD_BAD;
        }
    }
    sluice_batch_add(batch, sluice_record_new(batch, root));
    return BUILD_RECORD;
}
