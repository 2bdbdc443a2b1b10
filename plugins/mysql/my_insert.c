/* plugins/mysql/my_insert.c — writing a group's rows with prepared
 * INSERTs, in one of two ways:
 *
 * - MariaDB (10.2 and later): a one-row INSERT executed over arrays of
 *   values, all rows in one COM_STMT_BULK_EXECUTE round trip:
 *       INSERT INTO `db`.`t` (`a`,`b`) VALUES (?,?)
 *   The server sets up one row of parameters, not thousands: measured on
 *   the taxi rows, half the server CPU of the multi-row form below.
 * - MySQL (or SLUICE_MYSQL_NO_BULK set, which tests use to cover this
 *   path on MariaDB): multi-row INSERTs,
 *       INSERT INTO `db`.`t` (`a`,`b`) VALUES (?,?),(?,?),...
 *   holding at most 65,535 placeholders (the protocol's parameter count
 *   is 2 bytes).
 * Both may end in ON DUPLICATE KEY UPDATE `b`=VALUES(`b`) (upsert).
 *
 * Every value is bound (text as MYSQL_TYPE_STRING, converted by the server
 * to the column's type under the strict sql_mode; bytes as
 * MYSQL_TYPE_BLOB; NULL as such), never spliced.  One execution carries
 * as many rows as fit in a packet of max_allowed_packet bytes; a refused
 * row fails the whole statement either way, which is what the sink's
 * bisection needs.  Statements are prepared once per (shape, rows) and
 * kept per connection.
 */
#include "my_backend.h"

#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MY_MAX_PARAMS 65535u
/* Array binding has no such limit; this only bounds the scratch arrays. */
#define MY_MAX_BULK_ROWS 100000u
/* Room left in a packet for the header, the statement id, flags, the null
 * bitmap's rounding: generous, the exact sum depends on the library. */
#define MY_PACKET_SLACK 4096u
/* Per value: a length prefix (up to 9 bytes), its type (2 bytes), a bit of
 * the null bitmap, and ",?" in the statement text. */
#define MY_VALUE_OVERHEAD 14u

/* "INSERT INTO t (cols)" "\n" "ON DUPLICATE ...": the statement's shape,
 * which is also its key in the statement cache. */
static bool build_key(my_text *key, const sql_group *group, size_t *head_len)
{
    const sql_table *t = group->table;
    my_text_reset(key);
    bool ok = my_text_puts(key, "INSERT INTO ") && my_text_puts(key, t->quoted) && my_text_puts(key, " (");
    for (size_t c = 0; ok && c < group->n_columns; c++)
        ok = (c == 0 || my_text_puts(key, ",")) && my_text_ident(key, t->columns[group->columns[c]].name);
    ok = ok && my_text_puts(key, ")");
    *head_len = key->len;
    ok = ok && my_text_puts(key, "\n");
    if (!ok || group->operation != SQL_OP_UPSERT)
        return ok;

    /* MariaDB KB "INSERT ... ON DUPLICATE KEY UPDATE": VALUES(c) is the
     * value the row would have inserted.  Keys keep their value; when the
     * row has nothing but keys, a no-op assignment still makes the
     * duplicate a success. */
    ok = my_text_puts(key, " ON DUPLICATE KEY UPDATE ");
    bool any = false;
    for (size_t c = 0; ok && c < group->n_columns; c++) {
        size_t col = group->columns[c];
        if (t->columns[col].key)
            continue;
        const char *name = t->columns[col].name;
        ok = (!any || my_text_puts(key, ",")) && my_text_ident(key, name) && my_text_puts(key, "=VALUES(") &&
             my_text_ident(key, name) && my_text_puts(key, ")");
        any = true;
    }
    if (ok && !any) {
        const char *name = t->columns[group->columns[0]].name;
        ok = my_text_ident(key, name) && my_text_puts(key, "=") && my_text_ident(key, name);
    }
    return ok;
}

/* The text of a statement of `rows` rows of the key's shape. */
static bool build_sql(my_text *sql, const my_text *key, size_t head_len, size_t n_columns, size_t rows)
{
    my_text_reset(sql);
    bool ok = my_text_append(sql, key->data, head_len) && my_text_puts(sql, " VALUES ");
    for (size_t r = 0; ok && r < rows; r++) {
        ok = my_text_puts(sql, r ? ",(?" : "(?");
        for (size_t c = 1; ok && c < n_columns; c++)
            ok = my_text_puts(sql, ",?");
        ok = ok && my_text_puts(sql, ")");
    }
    return ok && my_text_puts(sql, key->data + head_len + 1);
}

static MYSQL_STMT *prepared(sql_conn *conn, const sql_group *group, size_t head_len, size_t rows,
                            sql_error *err)
{
    MYSQL_STMT *stmt = my_stmt_cache_find(&conn->stmts, conn->key.data, rows);
    if (stmt)
        return stmt;
    if (!build_sql(&conn->sql, &conn->key, head_len, group->n_columns, rows) ||
        !(stmt = mysql_stmt_init(conn->db))) {
        sql_error_set(err, SQL_FATAL, "", 0, "out of memory");
        return NULL;
    }
    if (mysql_stmt_prepare(stmt, conn->sql.data, conn->sql.len) != 0) {
        char what[300];
        snprintf(what, sizeof what, "preparing INSERT into %s", group->table->quoted);
        my_error_from_stmt(stmt, what, err);
        mysql_stmt_close(stmt);
        return NULL;
    }
    if (!my_stmt_cache_put(&conn->stmts, conn->key.data, rows, stmt)) {
        sql_error_set(err, SQL_FATAL, "", 0, "out of memory");
        return NULL;
    }
    return stmt;
}

static bool ensure_binds(sql_conn *conn, size_t n)
{
    if (n <= conn->binds_cap)
        return true;
    MYSQL_BIND *b = realloc(conn->binds, n * sizeof *b);
    if (!b)
        return false;
    /* A connection takes one path: multi-row binds set buffer_type,
     * buffer and buffer_length (length and is_null stay NULL: the library
     * then takes buffer_length, and MYSQL_TYPE_NULL for NULL); array
     * binds set buffer_type, buffer, length and u.indicator. */
    memset(b + conn->binds_cap, 0, (n - conn->binds_cap) * sizeof *b);
    conn->binds = b;
    conn->binds_cap = n;
    return true;
}

/* TINYINT(1) takes numbers: "true" would be refused (1366). */
static const char *bool_digit(const sql_value *v)
{
    return v->len == 4 && memcmp(v->text, "true", 4) == 0 ? "1" : "0";
}

static void bind_value(MYSQL_BIND *b, const sql_value *v, sql_type type)
{
    switch (v->kind) {
    case SQL_VALUE_NULL:
        b->buffer_type = MYSQL_TYPE_NULL;
        b->buffer = NULL;
        b->buffer_length = 0;
        return;
    case SQL_VALUE_BYTES:
        b->buffer_type = MYSQL_TYPE_BLOB;
        break;
    case SQL_VALUE_TEXT:
        b->buffer_type = MYSQL_TYPE_STRING;
        if (type == SQL_TYPE_BOOL) {
            b->buffer = (void *)bool_digit(v);
            b->buffer_length = 1;
            return;
        }
        break;
    }
    b->buffer = (void *)v->text;
    b->buffer_length = (unsigned long)v->len;
}

static sql_status execute(sql_conn *conn, const sql_group *group, size_t head_len, size_t first, size_t rows,
                          sql_error *err)
{
    size_t n = group->n_columns;
    MYSQL_STMT *stmt = prepared(conn, group, head_len, rows, err);
    if (!stmt)
        return err->status;
    if (!ensure_binds(conn, rows * n))
        return sql_error_set(err, SQL_FATAL, "", 0, "out of memory");
    MYSQL_BIND *b = conn->binds;
    for (size_t r = first; r < first + rows; r++)
        for (size_t c = 0; c < n; c++)
            bind_value(b++, &group->rows[r].values[c], group->table->columns[group->columns[c]].type);
    if (mysql_stmt_bind_param(stmt, conn->binds) != 0 || mysql_stmt_execute(stmt) != 0) {
        char what[300];
        snprintf(what, sizeof what, "INSERT into %s", group->table->quoted);
        return my_error_from_stmt(stmt, what, err);
    }
    return SQL_OK;
}

static bool ensure_values(sql_conn *conn, size_t n)
{
    if (n <= conn->values_cap)
        return true;
    void **v = realloc(conn->values, n * sizeof *v);
    if (v)
        conn->values = v;
    unsigned long *l = realloc(conn->lengths, n * sizeof *l);
    if (l)
        conn->lengths = l;
    char *ind = realloc(conn->indicators, n);
    if (ind)
        conn->indicators = ind;
    if (!v || !l || !ind)
        return false;
    conn->values_cap = n;
    return true;
}

/* Rows [first, first + rows) as arrays bound to a one-row INSERT, column
 * by column (Connector/C "bulk operations": buffer is an array of
 * pointers, length of lengths, u.indicator of STMT_INDICATOR_NULL or
 * NONE).  The server runs them as one statement: a refused row fails it
 * whole, as a multi-row INSERT would. */
static sql_status execute_bulk(sql_conn *conn, const sql_group *group, size_t head_len, size_t first, size_t rows,
                               sql_error *err)
{
    size_t n = group->n_columns;
    MYSQL_STMT *stmt = prepared(conn, group, head_len, 1, err);
    if (!stmt)
        return err->status;
    if (!ensure_binds(conn, n) || !ensure_values(conn, rows * n))
        return sql_error_set(err, SQL_FATAL, "", 0, "out of memory");
    for (size_t c = 0; c < n; c++) {
        sql_type type = group->table->columns[group->columns[c]].type;
        void **values = conn->values + c * rows;
        unsigned long *lengths = conn->lengths + c * rows;
        char *indicators = conn->indicators + c * rows;
        for (size_t r = 0; r < rows; r++) {
            const sql_value *v = &group->rows[first + r].values[c];
            indicators[r] = v->kind == SQL_VALUE_NULL ? STMT_INDICATOR_NULL : STMT_INDICATOR_NONE;
            values[r] = (void *)v->text;
            lengths[r] = (unsigned long)v->len;
            if (type == SQL_TYPE_BOOL && v->kind == SQL_VALUE_TEXT) {
                values[r] = (void *)bool_digit(v);
                lengths[r] = 1;
            }
        }
        MYSQL_BIND *b = &conn->binds[c];
        b->buffer_type = type == SQL_TYPE_BYTES ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
        b->buffer = values;
        b->buffer_length = 0;
        b->length = lengths;
        b->u.indicator = indicators;
    }
    unsigned int array_size = (unsigned int)rows;
    if (mysql_stmt_attr_set(stmt, STMT_ATTR_ARRAY_SIZE, &array_size) != 0 ||
        mysql_stmt_bind_param(stmt, conn->binds) != 0 || mysql_stmt_execute(stmt) != 0) {
        char what[300];
        snprintf(what, sizeof what, "INSERT into %s", group->table->quoted);
        return my_error_from_stmt(stmt, what, err);
    }
    return SQL_OK;
}

static size_t row_bytes(const sql_row *row, size_t n_columns)
{
    size_t bytes = 0;
    for (size_t c = 0; c < n_columns; c++)
        bytes += row->values[c].len + MY_VALUE_OVERHEAD;
    return bytes;
}

sql_status my_write_rows(sql_conn *conn, const sql_group *group, size_t lo, size_t hi, bool bulk,
                         sql_error *err)
{
    /* `bulk` (false while bisecting) changes nothing: both ways are as
     * exact about which rows failed (all of the statement's). */
    (void)bulk;
    size_t head_len, n = group->n_columns;
    if (n == 0 || !build_key(&conn->key, group, &head_len))
        return sql_error_set(err, SQL_FATAL, "", 0, n ? "out of memory" : "INSERT with no columns");
    size_t max_rows = conn->bulk ? MY_MAX_BULK_ROWS : MY_MAX_PARAMS / n;
    size_t budget = conn->max_packet > MY_PACKET_SLACK + conn->key.len ? conn->max_packet - MY_PACKET_SLACK -
                                                                             conn->key.len
                                                                       : 0;
    for (size_t i = lo; i < hi;) {
        size_t rows = 0, bytes = 0;
        while (i + rows < hi && rows < max_rows) {
            size_t more = row_bytes(&group->rows[i + rows], n);
            if (rows > 0 && bytes + more > budget)
                break;
            bytes += more;
            rows++;
        }
        /* Sending it would only get the connection closed (1153). */
        if (bytes > budget)
            return sql_error_set(err, SQL_DATA_ERROR, "HY000", ER_NET_PACKET_TOO_LARGE,
                                 "a row of about %zu bytes does not fit in max_allowed_packet (%lu bytes)", bytes,
                                 conn->max_packet);
        sql_status st = conn->bulk ? execute_bulk(conn, group, head_len, i, rows, err)
                                   : execute(conn, group, head_len, i, rows, err);
        if (st != SQL_OK)
            return st;
        i += rows;
    }
    return SQL_OK;
}
