/* core/format/json_lines.c — the `json` data format: one JSON value per
 * line, the record's root (or the {"attributes", "value"} envelope with
 * SLUICE_JSON_WITH_ATTRIBUTES), through the arena JSON reader and writer
 * (json_read.c, json_write.c).  Lines of only whitespace are skipped, as
 * JSON-lines readers commonly do. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "format/buf_impl.h"
#include "format/data_format_impl.h"

static bool blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

build_result json_build(sluice_data_parser *p, sluice_batch *batch, const char *rec, size_t len,
                        sluice_data_error *error)
{
    char msg[200];
    if (blank(rec, len))
        return BUILD_NONE;
    sluice_record *r = sluice_json_parse_record(batch, rec, len, p->opt.json_flags, msg, sizeof msg);
    if (!r) {
        /* msg is "column N: ..." within the line: "line L, column N: ...". */
        if (strncmp(msg, "column ", 7) == 0)
            snprintf(error->message, sizeof error->message, "line %llu, %s", (unsigned long long)p->line, msg);
        else
            data_error_set(p, error, 0, 0, "%s", msg);
        return BUILD_BAD;
    }
    sluice_batch_add(batch, r);
    return BUILD_RECORD;
}

int json_write(sluice_data_writer *w, const sluice_record *record, sluice_buf *out, char *err, size_t errsize)
{
    (void)err;
    (void)errsize;
    sluice_json_write_record(out, record, w->opt.json_flags);
    buf_putc(out, '\n');
    return SLUICE_OK;
}
