/* core/format/text_format.c — the `text` data format: one line per record,
 * in a STRING field named "text" (sluice/data_format.h), and the line
 * scanning the json format shares.
 *
 * A line ends with LF; a CR just before it is part of the ending (CRLF
 * files read the same as LF ones).  A last line without an ending is a
 * record only at the end of the input.  The bytes are taken as they are:
 * a STRING holds bytes with a length, so a line that is not valid UTF-8
 * still reaches a destination whole (the JSON writer then replaces the
 * bad bytes with U+FFFD). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "format/buf_impl.h"
#include "format/data_format_impl.h"

scan_result line_scan(const char *data, size_t len, bool eof, size_t *rec_len, size_t *next)
{
    const char *nl = memchr(data, '\n', len);
    if (!nl) {
        if (!eof || len == 0)
            return SCAN_NEED_MORE;
        *rec_len = *next = len;
        return SCAN_FOUND;
    }
    size_t n = (size_t)(nl - data);
    *next = n + 1;
    *rec_len = n > 0 && data[n - 1] == '\r' ? n - 1 : n;
    return SCAN_FOUND;
}

/* The key is a literal: no copy, no lookup (sluice_map_append_static). */
#define TEXT_KEY "text"

build_result text_build(sluice_data_parser *p, sluice_batch *batch, const char *rec, size_t len,
                        sluice_data_error *error)
{
    (void)p;
    (void)error;
    sluice_field *root = sluice_field_new_map(batch, 1);
    sluice_map_append_static(batch, root, TEXT_KEY, sizeof TEXT_KEY - 1, sluice_field_new_string(batch, rec, len));
    sluice_batch_add(batch, sluice_record_new(batch, root));
    return BUILD_RECORD;
}

/* The "text" field of a MAP root, or a scalar root itself.  A line break in
 * it would come back as two records, so LF anywhere and CR at the end (it
 * would be taken for a CRLF) are refused. */
int text_write(sluice_data_writer *w, const sluice_record *record, sluice_buf *out, char *err, size_t errsize)
{
    (void)w;
    const sluice_field *root = sluice_record_root(record);
    const sluice_field *f = root;
    if (root && sluice_field_type(root) == SLUICE_MAP)
        f = sluice_map_get(root, TEXT_KEY, sizeof TEXT_KEY - 1);
    if (!f || sluice_field_type(f) == SLUICE_MAP || sluice_field_type(f) == SLUICE_LIST) {
        snprintf(err, errsize, "text: the record has no \"/text\" field to write");
        return SLUICE_ERROR;
    }
    size_t start = out->len;
    field_text_append(out, f);
    const char *s = out->data + start;
    size_t n = out->len - start;
    if (memchr(s, '\n', n) || (n > 0 && s[n - 1] == '\r')) {
        snprintf(err, errsize, "text: \"/text\" contains a line break, which would make two records");
        return SLUICE_ERROR;
    }
    buf_putc(out, '\n');
    return SLUICE_OK;
}
