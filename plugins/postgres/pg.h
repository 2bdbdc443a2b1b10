/* plugins/postgres/pg.h — the PostgreSQL backend of the SQL destination
 * (plugins/sql/sql.h's sql_backend, on libpq).
 *
 * One sql_conn per sink instance, hence per runner: libpq connections are
 * not shared between threads, and nothing here is global.  Buffers for
 * statement text, COPY data and bound parameters live in the connection
 * and are reused from batch to batch, so writing a row allocates nothing.
 */
#ifndef SLUICE_PLUGINS_PG_H
#define SLUICE_PLUGINS_PG_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "pg_buf.h"
#include "sql.h"

struct sql_conn {
    PGconn *pg;
    pg_buf sql;  /* statement text */
    pg_buf copy; /* COPY data, sent in large chunks */
    /* Bound parameters of one INSERT statement (see pg_insert.c). */
    const char **param_values;
    int *param_lengths;
    int *param_formats;
    size_t param_cap;
};

extern const sql_backend pg_backend;

/* ---- pg_connect.c ---------------------------------------------------------- */

sql_conn *pg_connect(const sql_conn_config *config, sql_error *err);
void pg_disconnect(sql_conn *conn);

/* ---- pg_exec.c ------------------------------------------------------------- */

sql_status pg_exec(sql_conn *conn, const char *sql, sql_error *err);
/* Reads every pending result of `conn` after a command was sent and
 * returns the outcome of the first that is neither `want` nor a command
 * completion; `what` names the statement in messages ("COPY", "INSERT"). */
sql_status pg_finish(sql_conn *conn, ExecStatusType want, const char *what, sql_error *err);

/* ---- pg_error.c ------------------------------------------------------------ */

/* The outcome of a failed statement from its SQLSTATE ("" or NULL when
 * libpq gave none) and whether the connection is gone.  A pure function:
 * see pg_error.c for the table. */
sql_status pg_classify(const char *sqlstate, bool connection_bad);
/* Fills err from a failed result (NULL: libpq could not even make one)
 * of a statement `what`, and returns its status. */
sql_status pg_error_from_result(sql_conn *conn, const PGresult *res, const char *what, sql_error *err);

/* ---- pg_describe.c --------------------------------------------------------- */

sql_status pg_describe(sql_conn *conn, const char *schema, const char *name, sql_table *table, sql_error *err);
/* The sink's type for a PostgreSQL base type name ("int4", "jsonb"), and
 * the range of integer types.  Pure. */
sql_type pg_type_of(const char *typname, int64_t *min, int64_t *max);

/* ---- pg_quote.c ------------------------------------------------------------ */

/* Appends `name` as a quoted identifier: "name", with '"' doubled. */
void pg_quote_ident(pg_buf *b, const char *name);
/* Appends "c1","c2",... : the group's columns, quoted. */
void pg_quote_columns(pg_buf *b, const sql_group *group);

/* ---- pg_copy.c ------------------------------------------------------------- */

/* Rows [lo, hi) of an insert group with COPY ... FROM STDIN (text). */
sql_status pg_copy_rows(sql_conn *conn, const sql_group *group, size_t lo, size_t hi, sql_error *err);
/* Appends one value in COPY's text format: \N for NULL, bytea as \\x hex,
 * backslash, tab, newline and carriage return escaped.  Pure. */
void pg_copy_value(pg_buf *b, const sql_value *value);

/* ---- pg_insert.c ----------------------------------------------------------- */

/* Rows [lo, hi) with multi-row INSERT (ON CONFLICT for upserts), values
 * bound, in statements of at most PG_MAX_PARAMS parameters. */
sql_status pg_insert_rows(sql_conn *conn, const sql_group *group, size_t lo, size_t hi, sql_error *err);

/* The protocol's limit: a Bind message counts its parameters in 16 bits. */
#define PG_MAX_PARAMS 65535

/* ---- pg_write.c ------------------------------------------------------------ */

sql_status pg_write_rows(sql_conn *conn, const sql_group *group, size_t lo, size_t hi, bool bulk, sql_error *err);

#endif
