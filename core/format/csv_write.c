/* core/format/csv_write.c — writing the `delimited` data format (RFC 4180).
 *
 * A field is quoted only when it must be (§2.6): when it holds the
 * delimiter, a double quote, CR or LF; a quote inside is doubled (§2.7).
 * One more case: a record of a single empty field is written as "", since
 * an empty line is read back as no record at all.  Lines end with LF, as
 * the other formats' do; readers, ours included, take CRLF and LF alike.
 *
 * Fields that are not STRINGs are written as their text (field_text.c):
 * numbers as JSON writes them, DATETIME in RFC 3339, BYTES in base64, a
 * nested LIST or MAP as its JSON.
 *
 * With a header, the columns are the first record's keys, written as the
 * header line unless the output has one; later records put each column's
 * value in its place (empty when missing) and a key that is not a column is
 * a record error rather than a silently shifted row.  Without a header a
 * MAP's values go out in its order and a LIST's in its. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/buf_impl.h"
#include "format/data_format_impl.h"

void csv_columns_clear(sluice_data_writer *w)
{
    free(w->columns_mem);
    free(w->columns);
    free(w->column_lens);
    w->columns_mem = NULL;
    w->columns = NULL;
    w->column_lens = NULL;
    w->n_columns = 0;
}

static bool needs_quotes(const char *s, size_t n, char delim)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == delim || c == '"' || c == '\n' || c == '\r')
            return true;
    }
    return false;
}

static void put_cell(sluice_buf *out, const char *s, size_t n, char delim)
{
    if (!needs_quotes(s, n, delim)) {
        if (n)
            buf_put(out, s, n);
        return;
    }
    buf_putc(out, '"');
    for (const char *end = s + n; s < end;) {
        const char *q = memchr(s, '"', (size_t)(end - s));
        const char *stop = q ? q + 1 : end;
        buf_put(out, s, (size_t)(stop - s));
        if (q)
            buf_putc(out, '"'); /* §2.7 */
        s = stop;
    }
    buf_putc(out, '"');
}

static void put_field(sluice_data_writer *w, sluice_buf *out, const sluice_field *f)
{
    if (f && sluice_field_type(f) == SLUICE_STRING) {
        size_t n;
        const char *s = sluice_field_get_string(f, &n);
        put_cell(out, s, n, w->opt.delimiter);
        return;
    }
    sluice_buf_reset(w->scratch);
    field_text_append(w->scratch, f);
    put_cell(out, sluice_buf_data(w->scratch), sluice_buf_len(w->scratch), w->opt.delimiter);
}

/* The first record's keys become the columns (malloc'd once per output). */
static void take_columns(sluice_data_writer *w, const sluice_field *map)
{
    size_t n = sluice_field_count(map), bytes = 0;
    for (size_t i = 0; i < n; i++) {
        size_t klen;
        sluice_map_entry(map, i, NULL, &klen);
        bytes += klen + 1;
    }
    w->columns_mem = malloc(bytes ? bytes : 1);
    w->columns = malloc((n ? n : 1) * sizeof *w->columns);
    w->column_lens = malloc((n ? n : 1) * sizeof *w->column_lens);
    if (!w->columns_mem || !w->columns || !w->column_lens) {
        fprintf(stderr, "sluice: out of memory (CSV columns)\n");
        abort();
    }
    char *p = w->columns_mem;
    for (size_t i = 0; i < n; i++) {
        const char *key;
        size_t klen;
        sluice_map_entry(map, i, &key, &klen);
        memcpy(p, key, klen);
        p[klen] = '\0';
        w->columns[i] = p;
        w->column_lens[i] = (uint32_t)klen;
        p += klen + 1;
    }
    w->n_columns = n;
}

static void put_header(sluice_data_writer *w, sluice_buf *out)
{
    for (size_t i = 0; i < w->n_columns; i++) {
        if (i)
            buf_putc(out, w->opt.delimiter);
        put_cell(out, w->columns[i], w->column_lens[i], w->opt.delimiter);
    }
    if (w->n_columns == 1 && w->column_lens[0] == 0)
        buf_put(out, "\"\"", 2);
    buf_putc(out, '\n');
}

static int write_by_columns(sluice_data_writer *w, const sluice_field *map, sluice_buf *out, char *err,
                            size_t errsize)
{
    size_t found = 0;
    for (size_t i = 0; i < w->n_columns; i++) {
        const sluice_field *f = sluice_map_get(map, w->columns[i], w->column_lens[i]);
        if (i)
            buf_putc(out, w->opt.delimiter);
        if (f) {
            put_field(w, out, f);
            found++;
        }
    }
    if (found == sluice_field_count(map))
        return SLUICE_OK;
    for (size_t i = 0; i < sluice_field_count(map); i++) {
        const char *key;
        size_t klen;
        sluice_map_entry(map, i, &key, &klen);
        bool known = false;
        for (size_t j = 0; j < w->n_columns && !known; j++)
            known = w->column_lens[j] == klen && memcmp(w->columns[j], key, klen) == 0;
        if (!known) {
            snprintf(err, errsize, "delimited: field \"%.*s\" is not one of the %zu columns of the header",
                     (int)(klen > 64 ? 64 : klen), key, w->n_columns);
            return SLUICE_ERROR;
        }
    }
    return SLUICE_OK;
}

int csv_write(sluice_data_writer *w, const sluice_record *record, sluice_buf *out, char *err, size_t errsize)
{
    const sluice_field *root = sluice_record_root(record);
    sluice_type type = root ? sluice_field_type(root) : SLUICE_NULL;
    size_t start = out->len;

    if (w->opt.header) {
        if (type != SLUICE_MAP) {
            snprintf(err, errsize, "delimited: with a header, a record must be a map (this one is a %s)",
                     sluice_type_name(type));
            return SLUICE_ERROR;
        }
        if (!w->columns) {
            take_columns(w, root);
            if (!w->header_present) {
                put_header(w, out);
                w->header_present = true;
            }
            start = out->len;
        }
        if (write_by_columns(w, root, out, err, errsize) != SLUICE_OK)
            return SLUICE_ERROR;
    } else if (type == SLUICE_MAP || type == SLUICE_LIST) {
        size_t n = sluice_field_count(root);
        for (size_t i = 0; i < n; i++) {
            if (i)
                buf_putc(out, w->opt.delimiter);
            put_field(w, out, type == SLUICE_MAP ? sluice_map_entry(root, i, NULL, NULL) : sluice_list_get(root, i));
        }
    } else {
        put_field(w, out, root);
    }
    if (out->len == start && !(w->opt.header ? w->n_columns == 0 : type == SLUICE_LIST && !sluice_field_count(root)))
        buf_put(out, "\"\"", 2); /* one empty field, not an empty line */
    buf_putc(out, '\n');
    return SLUICE_OK;
}
