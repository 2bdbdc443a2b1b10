/* plugins/postgres/pg_describe.c — a table's columns, from pg_catalog.
 *
 * The schema and table names are bound parameters: a name such as
 * `x; DROP TABLE y` is only ever compared with pg_class.relname, finds
 * nothing, and becomes SQL_NO_TABLE (a record error for the sink).
 *
 * Case: a name matches the relation of exactly that name first, else the
 * one of its lower-case form (how PostgreSQL folds unquoted identifiers:
 * `CREATE TABLE Trips` makes "trips", and table "Trips" finds it).  The
 * same for the schema; no schema means current_schema(), the first
 * existing schema of the search_path.
 *
 * Relations: tables (r), partitioned tables (p), foreign tables (f) and
 * views (v; COPY refuses a view, so the table is marked no_copy and
 * written with INSERT, see pg_write.c).  Columns: live ones
 * (attnum > 0, not dropped), without generated columns (PostgreSQL 12's
 * GENERATED ALWAYS AS (...) STORED refuses any value).  A domain counts as
 * its base type.  A table with a foreign key is marked serial (sql.h). */
#include "pg.h"

#include <stdlib.h>
#include <string.h>

#define DESCRIBE_SELECT                                                                                     \
    "WITH rel AS ("                                                                                         \
    " SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_catalog.pg_class c"                             \
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"                                             \
    " WHERE c.relkind IN ('r', 'p', 'f', 'v')"                                                              \
    " AND n.nspname IN (coalesce($1::text, current_schema()), lower($1::text))"                             \
    " AND c.relname IN ($2::text, lower($2::text))"                                                         \
    " ORDER BY n.nspname = coalesce($1::text, current_schema()) DESC, c.relname = $2::text DESC"            \
    " LIMIT 1)"                                                                                             \
    " SELECT rel.nspname, rel.relname, a.attname,"                                                          \
    " pg_catalog.format_type(a.atttypid, a.atttypmod),"                                                     \
    " CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END,"                                        \
    " a.attnotnull,"                                                                                        \
    " EXISTS (SELECT 1 FROM pg_catalog.pg_index i"                                                          \
    "  WHERE i.indrelid = rel.oid AND i.indisprimary AND a.attnum = ANY (i.indkey)),"                       \
    " rel.relkind,"                                                                                         \
    " EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conrelid = rel.oid AND k.contype = 'f')"     \
    " FROM rel LEFT JOIN (pg_catalog.pg_attribute a"                                                        \
    "  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"                                                     \
    "  LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype)"                                          \
    " ON a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped"

/* attgenerated exists from PostgreSQL 12 on. */
static const char describe_sql_12[] = DESCRIBE_SELECT " AND a.attgenerated = '' ORDER BY a.attnum";
static const char describe_sql_95[] = DESCRIBE_SELECT " ORDER BY a.attnum";

enum { COL_SCHEMA, COL_TABLE, COL_NAME, COL_DB_TYPE, COL_BASE_TYPE, COL_NOT_NULL, COL_PRIMARY, COL_RELKIND, COL_FKEY };

sql_type pg_type_of(const char *typname, int64_t *min, int64_t *max)
{
    static const struct {
        const char *name;
        sql_type type;
        int64_t min, max;
    } types[] = {
        {"int2", SQL_TYPE_INT, INT16_MIN, INT16_MAX},
        {"int4", SQL_TYPE_INT, INT32_MIN, INT32_MAX},
        {"int8", SQL_TYPE_INT, INT64_MIN, INT64_MAX},
        {"float4", SQL_TYPE_FLOAT, 0, 0},
        {"float8", SQL_TYPE_FLOAT, 0, 0},
        {"numeric", SQL_TYPE_DECIMAL, 0, 0},
        {"bool", SQL_TYPE_BOOL, 0, 0},
        {"date", SQL_TYPE_DATE, 0, 0},
        {"time", SQL_TYPE_TIME, 0, 0},
        {"timetz", SQL_TYPE_TIME, 0, 0},
        {"timestamp", SQL_TYPE_TIMESTAMP, 0, 0},
        {"timestamptz", SQL_TYPE_TIMESTAMP, 0, 0},
        {"bytea", SQL_TYPE_BYTES, 0, 0},
        {"json", SQL_TYPE_JSON, 0, 0},
        {"jsonb", SQL_TYPE_JSON, 0, 0},
    };
    *min = *max = 0;
    for (size_t i = 0; typname && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(typname, types[i].name) == 0) {
            *min = types[i].min;
            *max = types[i].max;
            return types[i].type;
        }
    return SQL_TYPE_TEXT; /* text, varchar, uuid, enums, arrays...: the server parses the text */
}

static bool is_true(const PGresult *res, int row, int col)
{
    return PQgetvalue(res, row, col)[0] == 't';
}

/* Fills table from the rows of a successful describe; false when out of
 * memory (the caller frees what was filled). */
static bool fill_table(const PGresult *res, sql_table *table)
{
    int rows = PQntuples(res);
    table->schema = strdup(PQgetvalue(res, 0, COL_SCHEMA));
    table->name = strdup(PQgetvalue(res, 0, COL_TABLE));
    pg_buf quoted = {0};
    pg_quote_ident(&quoted, PQgetvalue(res, 0, COL_SCHEMA));
    pg_buf_putc(&quoted, '.');
    pg_quote_ident(&quoted, PQgetvalue(res, 0, COL_TABLE));
    if (quoted.failed)
        pg_buf_free(&quoted);
    table->quoted = quoted.data;
    if (!table->schema || !table->name || !table->quoted)
        return false;
    table->no_copy = PQgetvalue(res, 0, COL_RELKIND)[0] == 'v';
    table->serial = is_true(res, 0, COL_FKEY);
    /* A table without columns has one row of NULLs (the LEFT JOIN). */
    if (PQgetisnull(res, 0, COL_NAME))
        return true;
    table->columns = calloc((size_t)rows, sizeof *table->columns);
    if (!table->columns)
        return false;
    for (int r = 0; r < rows; r++) {
        sql_column *col = &table->columns[table->n_columns++];
        col->name = strdup(PQgetvalue(res, r, COL_NAME));
        col->db_type = strdup(PQgetvalue(res, r, COL_DB_TYPE));
        if (!col->name || !col->db_type)
            return false;
        col->type = pg_type_of(PQgetvalue(res, r, COL_BASE_TYPE), &col->min, &col->max);
        col->not_null = is_true(res, r, COL_NOT_NULL);
        col->primary_key = is_true(res, r, COL_PRIMARY);
    }
    return true;
}

sql_status pg_describe(sql_conn *conn, const char *schema, const char *name, sql_table *table, sql_error *err)
{
    const char *params[2] = {schema, name};
    const char *sql = PQserverVersion(conn->pg) >= 120000 ? describe_sql_12 : describe_sql_95;
    PGresult *res = PQexecParams(conn->pg, sql, 2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        sql_status status = pg_error_from_result(conn, res, "describe", err);
        PQclear(res);
        return status;
    }
    if (PQntuples(res) == 0) {
        PQclear(res);
        if (schema)
            return sql_error_set(err, SQL_NO_TABLE, NULL, 0, "no table \"%s\" in schema \"%s\"", name, schema);
        return sql_error_set(err, SQL_NO_TABLE, NULL, 0, "no table \"%s\"", name);
    }
    bool ok = fill_table(res, table);
    PQclear(res);
    if (!ok) {
        sql_table_free(table); /* zeroes it: the cache's own free after a failure finds nothing */
        return sql_error_set(err, SQL_FATAL, NULL, 0, "out of memory");
    }
    return SQL_OK;
}
