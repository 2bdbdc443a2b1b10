/* plugins/postgres/pg_write.c — write_rows: which statement writes a run
 * of rows.
 *
 * Inserts in bulk go by COPY, the server's fastest load path; upserts (COPY
 * has no ON CONFLICT), bisection (bulk false: a failed COPY says nothing of
 * which row failed, a one-row INSERT does) and views (COPY refuses a view
 * unless it has an INSTEAD OF trigger) go by multi-row INSERT.  Whether a
 * relation is a view is asked once per relation and connection, by its
 * quoted name bound as a regclass parameter. */
#include "pg.h"

#include <stdlib.h>
#include <string.h>

static const pg_relkind *find_relkind(const sql_conn *conn, const char *quoted)
{
    for (size_t i = 0; i < conn->n_relkinds; i++)
        if (strcmp(conn->relkinds[i].quoted, quoted) == 0)
            return &conn->relkinds[i];
    return NULL;
}

/* Whether COPY may write into `table`; SQL_OK with *copy_ok set, or the
 * lookup's failure. */
static sql_status copy_allowed(sql_conn *conn, const sql_table *table, bool *copy_ok, sql_error *err)
{
    const pg_relkind *known = find_relkind(conn, table->quoted);
    if (known) {
        *copy_ok = known->copy_ok;
        return SQL_OK;
    }
    const char *params[1] = {table->quoted};
    PGresult *res = PQexecParams(conn->pg, "SELECT relkind FROM pg_catalog.pg_class WHERE oid = $1::regclass", 1,
                                 NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        sql_status status = pg_error_from_result(conn, res, "relkind", err);
        PQclear(res);
        return status;
    }
    *copy_ok = PQgetvalue(res, 0, 0)[0] != 'v';
    PQclear(res);
    pg_relkind *grown = realloc(conn->relkinds, (conn->n_relkinds + 1) * sizeof *grown);
    char *name = strdup(table->quoted);
    if (!grown || !name) {
        free(name);
        if (grown)
            conn->relkinds = grown;
        return SQL_OK; /* only the memo is lost: ask again next time */
    }
    conn->relkinds = grown;
    conn->relkinds[conn->n_relkinds++] = (pg_relkind){name, *copy_ok};
    return SQL_OK;
}

sql_status pg_write_rows(sql_conn *conn, const sql_group *group, size_t lo, size_t hi, bool bulk, sql_error *err)
{
    if (lo >= hi)
        return SQL_OK;
    if (bulk && group->operation == SQL_OP_INSERT) {
        bool copy_ok = false;
        sql_status status = copy_allowed(conn, group->table, &copy_ok, err);
        if (status != SQL_OK)
            return status;
        if (copy_ok)
            return pg_copy_rows(conn, group, lo, hi, err);
    }
    return pg_insert_rows(conn, group, lo, hi, err);
}
