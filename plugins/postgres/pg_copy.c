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

#include <string.h>

/* Sent when the buffer holds this much: large enough that the per-message
 * cost vanishes, small enough to stay in cache-friendly memory. */
#define COPY_CHUNK (256u * 1024u)

/* Bytes that need a backslash escape in text format, and their letter. */
static char escape_letter(unsigned char c)
{
    switch (c) {
    case '\\':
        return '\\';
    case '\t':
        return 't';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    default:
        return 0;
    }
}

static void put_escaped(pg_buf *b, const char *s, size_t len)
{
    /* Worst case every byte doubles; reserving once keeps the loop tight. */
    char *out = pg_buf_reserve(b, 2 * len);
    if (!out)
        return;
    char *start = out;
    for (size_t i = 0; i < len; i++) {
        char letter = escape_letter((unsigned char)s[i]);
        if (letter) {
            *out++ = '\\';
            *out++ = letter;
        } else {
            *out++ = s[i];
        }
    }
    b->len += (size_t)(out - start);
    b->data[b->len] = '\0';
}

static void put_bytea_hex(pg_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char *out = pg_buf_reserve(b, 3 + 2 * len);
    if (!out)
        return;
    char *start = out;
    *out++ = '\\';
    *out++ = '\\';
    *out++ = 'x';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        *out++ = hex[c >> 4];
        *out++ = hex[c & 15];
    }
    b->len += (size_t)(out - start);
    b->data[b->len] = '\0';
}

void pg_copy_value(pg_buf *b, const sql_value *value)
{
    switch (value->kind) {
    case SQL_VALUE_NULL:
        pg_buf_append(b, "\\N", 2);
        break;
    case SQL_VALUE_BYTES:
        put_bytea_hex(b, value->text, value->len);
        break;
    case SQL_VALUE_TEXT:
    default:
        put_escaped(b, value->text, value->len);
        break;
    }
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
    bool sent = true;
    for (size_t r = lo; r < hi && sent; r++) {
        const sql_value *values = group->rows[r].values;
        for (size_t c = 0; c < group->n_columns; c++) {
            if (c)
                pg_buf_putc(b, '\t');
            pg_copy_value(b, &values[c]);
        }
        pg_buf_putc(b, '\n');
        if (b->failed)
            break;
        if (b->len >= COPY_CHUNK)
            sent = flush(conn);
    }
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
