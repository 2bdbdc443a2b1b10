/* plugins/postgres/pg_copy.c — the bulk path for inserts: COPY ... FROM
 * STDIN in text format (PostgreSQL manual, COPY, "Text Format").
 *
 * One row per line, columns separated by tabs, \N for NULL; in a value a
 * backslash, tab, newline and carriage return are written as \\, \t, \n
 * and \r.  bytea goes as its hex text form \x0a1b..., whose backslash is
 * itself escaped.  The rows are built into the connection's buffer and
 * sent in chunks of COPY_CHUNK bytes: few, large CopyData messages, no
 * allocation per row.  A row the server refuses fails the whole COPY; the
 * sink then bisects with INSERTs (write_rows with bulk false). */
#include "pg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Sent when the buffer holds this much: large enough that the per-message
 * cost vanishes, small enough to stay in cache-friendly memory. */
#define COPY_CHUNK (256u * 1024u)

/* Bytes that need a backslash escape in text format, and their letter. */
static const char escape_letter[256] = {['\\'] = '\\', ['\t'] = 't', ['\n'] = 'n', ['\r'] = 'r'};

/* The most bytes a value takes in text format: every byte escaped, or
 * bytea's \\x and two hex digits a byte; \N for NULL. */
static size_t worst_len(const sql_value *v)
{
    return v->kind == SQL_VALUE_NULL ? 2 : 3 + 2 * v->len;
}

/* SWAR (eight bytes per step): a word with the high bit set in each byte
 * of w equal to c's byte (the "has zero byte" test on w ^ c). */
static uint64_t bytes_equal(uint64_t w, uint64_t c)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t x = w ^ (c * ones);
    return (x - ones) & ~x & highs;
}

/* The length of s's prefix without a byte to escape: text values are
 * mostly clean, so they are scanned a word at a time and copied whole. */
static size_t clean_prefix(const char *s, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (bytes_equal(w, '\\') | bytes_equal(w, '\t') | bytes_equal(w, '\n') | bytes_equal(w, '\r'))
            break;
    }
    while (i < len && !escape_letter[(unsigned char)s[i]])
        i++;
    return i;
}

static char *put_escaped(char *out, const char *s, size_t len)
{
    size_t clean = clean_prefix(s, len);
    memcpy(out, s, clean);
    out += clean;
    for (size_t i = clean; i < len; i++) {
        char letter = escape_letter[(unsigned char)s[i]];
        if (letter) {
            *out++ = '\\';
            *out++ = letter;
        } else {
            *out++ = s[i];
        }
    }
    return out;
}

static char *put_bytea_hex(char *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    *out++ = '\\';
    *out++ = '\\';
    *out++ = 'x';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        *out++ = hex[c >> 4];
        *out++ = hex[c & 15];
    }
    return out;
}

/* Writes one value at out (room for worst_len) and returns its end.
 * `clean`: the text is the converter's own form of a number, boolean or
 * date/time (sql.h, sql_value), which never holds a byte to escape, so it
 * is copied as is. */
static char *put_value(char *out, const sql_value *value, bool clean)
{
    switch (value->kind) {
    case SQL_VALUE_NULL:
        memcpy(out, "\\N", 2);
        return out + 2;
    case SQL_VALUE_BYTES:
        return put_bytea_hex(out, value->text, value->len);
    case SQL_VALUE_TEXT:
    default:
        if (clean) {
            memcpy(out, value->text, value->len);
            return out + value->len;
        }
        return put_escaped(out, value->text, value->len);
    }
}

void pg_copy_value(pg_buf *b, const sql_value *value)
{
    char *out = pg_buf_reserve(b, worst_len(value));
    if (!out)
        return;
    b->len += (size_t)(put_value(out, value, false) - out);
    b->data[b->len] = '\0';
}

/* True for column types whose converted text never needs an escape. */
static bool clean_type(sql_type type)
{
    switch (type) {
    case SQL_TYPE_INT:
    case SQL_TYPE_FLOAT:
    case SQL_TYPE_DECIMAL:
    case SQL_TYPE_BOOL:
    case SQL_TYPE_DATE:
    case SQL_TYPE_TIME:
    case SQL_TYPE_TIMESTAMP: return true;
    default: return false;
    }
}

/* Appends one row (tab-separated values, newline), reserving its worst
 * case once so the values are written without a check per byte. */
static void put_row(pg_buf *b, const sql_value *values, const bool *clean, size_t n)
{
    size_t need = n; /* tabs and the newline */
    for (size_t c = 0; c < n; c++)
        need += worst_len(&values[c]);
    char *out = pg_buf_reserve(b, need);
    if (!out)
        return;
    char *start = out;
    for (size_t c = 0; c < n; c++) {
        if (c)
            *out++ = '\t';
        out = put_value(out, &values[c], clean[c]);
    }
    *out++ = '\n';
    b->len += (size_t)(out - start);
    b->data[b->len] = '\0';
}

/* Sends the buffer as CopyData; false when the connection failed. */
static bool flush(sql_conn *conn)
{
    if (conn->copy.len == 0)
        return true;
    int rc = PQputCopyData(conn->pg, conn->copy.data, (int)conn->copy.len);
    pg_buf_reset(&conn->copy);
    return rc == 1;
}

static sql_status start_copy(sql_conn *conn, const sql_group *group, sql_error *err)
{
    pg_buf *sql = &conn->sql;
    pg_buf_reset(sql);
    pg_buf_puts(sql, "COPY ");
    pg_buf_puts(sql, group->table->quoted);
    pg_buf_puts(sql, " (");
    pg_quote_columns(sql, group);
    pg_buf_puts(sql, ") FROM STDIN");
    if (sql->failed)
        return sql_error_set(err, SQL_FATAL, NULL, 0, "out of memory");
    PGresult *res = PQexec(conn->pg, sql->data);
    sql_status status = SQL_OK;
    if (PQresultStatus(res) != PGRES_COPY_IN)
        status = pg_error_from_result(conn, res, "COPY", err);
    PQclear(res);
    return status;
}

sql_status pg_copy_rows(sql_conn *conn, const sql_group *group, size_t lo, size_t hi, sql_error *err)
{
    sql_status status = start_copy(conn, group, err);
    if (status != SQL_OK)
        return status;
    pg_buf *b = &conn->copy;
    pg_buf_reset(b);
    /* Per column of the group: copied without an escape scan. */
    bool clean_small[64], *clean = clean_small;
    if (group->n_columns > sizeof clean_small / sizeof *clean_small) {
        clean = malloc(group->n_columns * sizeof *clean); /* once per COPY */
        if (!clean)
            b->failed = true;
    }
    for (size_t c = 0; clean && c < group->n_columns; c++)
        clean[c] = clean_type(group->table->columns[group->columns[c]].type);
    bool sent = true;
    for (size_t r = lo; r < hi && sent && !b->failed; r++) {
        put_row(b, group->rows[r].values, clean, group->n_columns);
        if (b->failed)
            break;
        if (b->len >= COPY_CHUNK)
            sent = flush(conn);
    }
    if (clean != clean_small)
        free(clean);
    if (b->failed) {
        pg_buf_reset(b);
        /* Ending the COPY with an error message aborts it server-side. */
        PQputCopyEnd(conn->pg, "out of memory");
        pg_finish(conn, PGRES_COMMAND_OK, "COPY", err);
        return sql_error_set(err, SQL_FATAL, NULL, 0, "out of memory");
    }
    if (sent)
        sent = flush(conn);
    if (PQputCopyEnd(conn->pg, NULL) != 1 || !sent) {
        status = pg_finish(conn, PGRES_COMMAND_OK, "COPY", err);
        return status != SQL_OK ? status : pg_error_from_result(conn, NULL, "COPY", err);
    }
    return pg_finish(conn, PGRES_COMMAND_OK, "COPY", err);
}
