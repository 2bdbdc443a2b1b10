/* plugins/mysql/my_describe.c — a table's columns from
 * information_schema.COLUMNS, with the names bound as parameters: a table
 * name from a record ("x; DROP TABLE y") is only ever compared, never
 * spliced into SQL. */
#include "my_backend.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* COALESCE(?, DATABASE()): no `schema` means the connection's database. */
static const char describe_sql[] =
    "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_KEY "
    "FROM information_schema.COLUMNS "
    "WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? "
    "ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION";

enum { COL_SCHEMA, COL_TABLE, COL_NAME, COL_DATA_TYPE, COL_TYPE, COL_NULLABLE, COL_KEY, N_RESULT };

/* Names are at most 64 characters (up to 4 bytes each); COLUMN_TYPE may
 * be longer (an ENUM's values) and is then cut: it is only shown in
 * messages and its start says what the type is. */
#define MY_NAME_BUF 300
#define MY_TYPE_BUF 512

typedef struct describe_row {
    char text[N_RESULT][MY_TYPE_BUF];
    unsigned long len[N_RESULT];
    my_bool is_null[N_RESULT];
} describe_row;

static void bind_results(MYSQL_BIND *res, describe_row *row)
{
    memset(res, 0, sizeof(MYSQL_BIND) * N_RESULT);
    for (int i = 0; i < N_RESULT; i++) {
        res[i].buffer_type = MYSQL_TYPE_STRING;
        res[i].buffer = row->text[i];
        res[i].buffer_length = i == COL_TYPE ? MY_TYPE_BUF : MY_NAME_BUF;
        res[i].length = &row->len[i];
        res[i].is_null = &row->is_null[i];
    }
}

static const char *field(describe_row *row, int i)
{
    size_t cap = i == COL_TYPE ? MY_TYPE_BUF : MY_NAME_BUF;
    size_t n = row->is_null[i] ? 0 : row->len[i] < cap ? row->len[i] : cap - 1;
    row->text[i][n] = '\0';
    return row->text[i];
}

/* information_schema compares names case-insensitively (its collation),
 * while the server opens tables by their exact name unless
 * lower_case_table_names is set: keep only the rows of the table an
 * INSERT would reach. */
static bool same_name(const sql_conn *conn, const char *stored, const char *asked)
{
    return conn->names_fold_case ? strcasecmp(stored, asked) == 0 : strcmp(stored, asked) == 0;
}

static bool add_column(sql_table *table, describe_row *row)
{
    sql_column *cols = realloc(table->columns, (table->n_columns + 1) * sizeof *cols);
    if (!cols)
        return false;
    table->columns = cols;
    sql_column *col = &cols[table->n_columns];
    *col = (sql_column){0};
    col->name = strdup(field(row, COL_NAME));
    col->db_type = strdup(field(row, COL_TYPE));
    if (!col->name || !col->db_type) {
        free(col->name);
        free(col->db_type);
        return false;
    }
    my_column_type(col, field(row, COL_DATA_TYPE), col->db_type);
    col->not_null = strcmp(field(row, COL_NULLABLE), "NO") == 0;
    col->primary_key = strcmp(field(row, COL_KEY), "PRI") == 0;
    table->n_columns++;
    return true;
}

/* `schema`.`name`, from the names as the server stores them. */
static bool set_names(sql_table *table, describe_row *row)
{
    my_text quoted = {0};
    table->schema = strdup(field(row, COL_SCHEMA));
    table->name = strdup(field(row, COL_TABLE));
    if (!table->schema || !table->name || !my_text_ident(&quoted, table->schema) ||
        !my_text_puts(&quoted, ".") || !my_text_ident(&quoted, table->name)) {
        my_text_free(&quoted);
        return false;
    }
    table->quoted = quoted.data;
    return true;
}

static sql_status fetch_columns(sql_conn *conn, MYSQL_STMT *stmt, const char *schema, const char *name,
                                sql_table *table, sql_error *err)
{
    describe_row *row = malloc(sizeof *row);
    if (!row)
        return sql_error_set(err, SQL_FATAL, "", 0, "out of memory");
    MYSQL_BIND res[N_RESULT];
    bind_results(res, row);
    sql_status st = SQL_OK;
    if (mysql_stmt_bind_result(stmt, res) != 0) {
        st = my_error_from_stmt(stmt, "reading information_schema.COLUMNS", err);
        goto out;
    }
    int rc;
    while ((rc = mysql_stmt_fetch(stmt)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
        if (!same_name(conn, field(row, COL_TABLE), name) ||
            (schema && !same_name(conn, field(row, COL_SCHEMA), schema)))
            continue;
        /* Case-insensitive servers may list two spellings: keep the first. */
        if (table->name && strcmp(table->name, field(row, COL_TABLE)) != 0)
            continue;
        if ((!table->name && !set_names(table, row)) || !add_column(table, row)) {
            st = sql_error_set(err, SQL_FATAL, "", 0, "out of memory");
            goto out;
        }
    }
    if (rc == 1)
        st = my_error_from_stmt(stmt, "reading information_schema.COLUMNS", err);
out:
    free(row);
    return st;
}

sql_status my_describe(sql_conn *conn, const char *schema, const char *name, sql_table *table, sql_error *err)
{
    MYSQL_STMT *stmt = mysql_stmt_init(conn->db);
    if (!stmt)
        return my_error_from_conn(conn->db, "describing a table", err);
    MYSQL_BIND params[2];
    memset(params, 0, sizeof params);
    params[0].buffer_type = schema ? MYSQL_TYPE_STRING : MYSQL_TYPE_NULL;
    params[0].buffer = (void *)schema;
    params[0].buffer_length = schema ? strlen(schema) : 0;
    params[1].buffer_type = MYSQL_TYPE_STRING;
    params[1].buffer = (void *)name;
    params[1].buffer_length = strlen(name);

    sql_status st;
    if (mysql_stmt_prepare(stmt, describe_sql, sizeof describe_sql - 1) != 0 ||
        mysql_stmt_bind_param(stmt, params) != 0 || mysql_stmt_execute(stmt) != 0)
        st = my_error_from_stmt(stmt, "reading information_schema.COLUMNS", err);
    else
        st = fetch_columns(conn, stmt, schema, name, table, err);
    mysql_stmt_close(stmt);

    if (st == SQL_OK && table->n_columns == 0)
        st = sql_error_set(err, SQL_NO_TABLE, "42S02", 0, "no table %s%s%s", schema ? schema : "",
                           schema ? "." : "", name);
    if (st != SQL_OK)
        sql_table_free(table); /* what was filled, and zeroes it */
    return st;
}
