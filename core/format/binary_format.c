/* core/format/binary_format.c — the `binary` data format: the bytes as one
 * BYTES field named "value" (sluice/data_format.h).
 *
 * Reading, a record is a whole input (a file), cut into records of
 * max_record_size bytes when it is larger: whole files are what binary
 * data usually is (images, archives), and the cut keeps a huge file from
 * taking unbounded memory while staying deterministic (the same file gives
 * the same records however it is read).  An empty input gives no record.
 * Writing puts the bytes out as they are, with nothing between records. */
#include "config.h"

#include <stdio.h>

#include "format/buf_impl.h"
#include "format/data_format_impl.h"

#define VALUE_KEY "value"

build_result binary_build(sluice_data_parser *p, sluice_batch *batch, const char *rec, size_t len,
                          sluice_data_error *error)
{
    (void)p;
    (void)error;
    sluice_field *root = sluice_field_new_map(batch, 1);
    sluice_map_append_static(batch, root, VALUE_KEY, sizeof VALUE_KEY - 1, sluice_field_new_bytes(batch, rec, len));
    sluice_batch_add(batch, sluice_record_new(batch, root));
    return BUILD_RECORD;
}

/* The "value" field of a MAP root, or the root itself: BYTES or STRING as
 * they are, another scalar as its text. */
int binary_write(sluice_data_writer *w, const sluice_record *record, sluice_buf *out, char *err, size_t errsize)
{
    (void)w;
    const sluice_field *root = sluice_record_root(record);
    const sluice_field *f = root;
    if (root && sluice_field_type(root) == SLUICE_MAP)
        f = sluice_map_get(root, VALUE_KEY, sizeof VALUE_KEY - 1);
    if (!f || sluice_field_type(f) == SLUICE_MAP || sluice_field_type(f) == SLUICE_LIST) {
        snprintf(err, errsize, "binary: the record has no \"/value\" field to write");
        return SLUICE_ERROR;
    }
    if (sluice_field_type(f) == SLUICE_BYTES) {
        size_t n;
        const char *s = sluice_field_get_string(f, &n);
        if (n)
            buf_put(out, s, n);
        return SLUICE_OK;
    }
    field_text_append(out, f);
    return SLUICE_OK;
}
