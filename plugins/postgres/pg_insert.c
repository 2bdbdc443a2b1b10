/* plugins/postgres/pg_insert.c — multi-row INSERT with bound values, for
 * upserts and while the sink bisects a failed group.
 *
 *   INSERT INTO "s"."t" ("a","b") VALUES ($1,$2),($3,$4),...
 *     [ON CONFLICT ("k") DO UPDATE SET "b" = EXCLUDED."b" | DO NOTHING]
 *
 * Values are text parameters (the server parses them as the column's
 * type), bytea values binary parameters (their raw bytes).  A statement
 * holds at most PG_MAX_PARAMS parameters (the Bind message counts them in
 * 16 bits), so a run of rows goes in as many statements as that needs.
 * DO NOTHING when every column of the group is a key: there is nothing
 * to update.  Two rows with one key in one statement make the server
 * refuse it (21000, "cannot affect row a second time"): a data error, and
 * bisecting puts them in separate statements, the later one winning. */
#include "pg.h"

#include <stdlib.h>
#include <string.h>

/* Rows per statement besides the parameter limit.  Measured (30,000
 * 23-column taxi rows upserted, server CPU from the postmaster's children
 * times): 1000 rows per statement 0.65-0.71 s, 100 rows 0.73-0.84 s, 20
 * rows 0.90-0.95 s; preparing the statement once per shape instead of
 * sending it with each batch saved nothing measurable (0.75-0.85 s at 1000
 * rows), so statements are not prepared. */
#define INSERT_MAX_ROWS 1000

static void put_on_conflict(pg_buf *b, const sql_group *group)
{
    const sql_table *t = group->table;
    pg_buf_puts(b, " ON CONFLICT (");
    for (size_t k = 0; k < t->n_key_columns; k++) {
        if (k)
            pg_buf_putc(b, ',');
        pg_quote_ident(b, t->columns[t->key_columns[k]].name);
    }
    pg_buf_puts(b, ") DO ");
    bool any = false;
    for (size_t c = 0; c < group->n_columns; c++) {
        size_t col = group->columns[c];
        if (t->columns[col].key)
            continue;
        pg_buf_puts(b, any ? "," : "UPDATE SET ");
        any = true;
        pg_quote_ident(b, t->columns[col].name);
        pg_buf_puts(b, " = EXCLUDED.");
        pg_quote_ident(b, t->columns[col].name);
    }
    if (!any)
        pg_buf_puts(b, "NOTHING");
}

/* The statement for `rows` rows of the group into conn->sql. */
static void build_statement(pg_buf *b, const sql_group *group, size_t rows)
{
    pg_buf_reset(b);
    pg_buf_puts(b, "INSERT INTO ");
    pg_buf_puts(b, group->table->quoted);
    pg_buf_puts(b, " (");
    pg_quote_columns(b, group);
    pg_buf_puts(b, ") VALUES ");
    size_t n = 1;
    for (size_t r = 0; r < rows; r++) {
        pg_buf_puts(b, r ? ",(" : "(");
        for (size_t c = 0; c < group->n_columns; c++) {
            if (c)
                pg_buf_putc(b, ',');
            pg_buf_putc(b, '$');
            pg_buf_put_uint(b, n++);
        }
        pg_buf_putc(b, ')');
    }
    if (group->operation == SQL_OP_UPSERT)
        put_on_conflict(b, group);
}

static bool reserve_params(sql_conn *conn, size_t n)
{
    if (n <= conn->param_cap)
        return true;
    const char **values = realloc(conn->param_values, n * sizeof *values);
    if (values)
        conn->param_values = values;
    int *lengths = realloc(conn->param_lengths, n * sizeof *lengths);
    if (lengths)
        conn->param_lengths = lengths;
    int *formats = realloc(conn->param_formats, n * sizeof *formats);
    if (formats)
        conn->param_formats = formats;
    if (!values || !lengths || !formats)
        return false;
    conn->param_cap = n;
    return true;
}

/* Binds rows [lo, lo + rows) into the parameter arrays.  A text value
 * holding a NUL byte cannot be a text parameter (libpq would cut it there)
 * nor PostgreSQL text (COPY refuses it as 22021): refused the same way. */
static sql_status bind_rows(sql_conn *conn, const sql_group *group, size_t lo, size_t rows, sql_error *err)
{
    size_t n = 0;
    for (size_t r = lo; r < lo + rows; r++) {
        const sql_value *values = group->rows[r].values;
        for (size_t c = 0; c < group->n_columns; c++, n++) {
            const sql_value *v = &values[c];
            conn->param_values[n] = v->kind == SQL_VALUE_NULL ? NULL : v->text;
            conn->param_lengths[n] = (int)v->len;
            conn->param_formats[n] = v->kind == SQL_VALUE_BYTES;
            if (v->kind == SQL_VALUE_TEXT && memchr(v->text, '\0', v->len))
                return sql_error_set(err, SQL_DATA_ERROR, "22021", 0,
                                     "column \"%s\": a NUL byte cannot be stored in PostgreSQL text",
                                     group->table->columns[group->columns[c]].name);
        }
    }
    return SQL_OK;
}

static sql_status insert_chunk(sql_conn *conn, const sql_group *group, size_t lo, size_t rows, sql_error *err)
{
    size_t n_params = rows * group->n_columns;
    build_statement(&conn->sql, group, rows);
    if (conn->sql.failed || !reserve_params(conn, n_params))
        return sql_error_set(err, SQL_FATAL, NULL, 0, "out of memory");
    sql_status status = bind_rows(conn, group, lo, rows, err);
    if (status != SQL_OK)
        return status;
    if (!PQsendQueryParams(conn->pg, conn->sql.data, (int)n_params, NULL, conn->param_values, conn->param_lengths,
                           conn->param_formats, 0))
        return pg_error_from_result(conn, NULL, "INSERT", err);
    return pg_finish(conn, PGRES_COMMAND_OK, "INSERT", err);
}

sql_status pg_insert_rows(sql_conn *conn, const sql_group *group, size_t lo, size_t hi, sql_error *err)
{
    if (group->n_columns == 0)
        return sql_error_set(err, SQL_FATAL, NULL, 0, "INSERT: a group without columns");
    size_t per_statement = PG_MAX_PARAMS / group->n_columns;
    if (per_statement > INSERT_MAX_ROWS)
        per_statement = INSERT_MAX_ROWS;
    if (per_statement == 0)
        return sql_error_set(err, SQL_FATAL, NULL, 0, "INSERT: %zu columns exceed PostgreSQL's %d parameters",
                             group->n_columns, PG_MAX_PARAMS);
    for (size_t r = lo; r < hi; r += per_statement) {
        size_t rows = hi - r < per_statement ? hi - r : per_statement;
        sql_status status = insert_chunk(conn, group, r, rows, err);
        if (status != SQL_OK)
            return status;
    }
    return SQL_OK;
}
