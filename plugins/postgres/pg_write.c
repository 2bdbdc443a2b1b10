/* plugins/postgres/pg_write.c — write_rows: which statement writes a run
 * of rows.
 *
 * Inserts in bulk go by COPY, the server's fastest load path; upserts (COPY
 * has no ON CONFLICT), bisection (bulk false: a failed COPY says nothing of
 * which row failed, a one-row INSERT does) and views (COPY refuses a view
 * unless it has an INSTEAD OF trigger; pg_describe.c marks them no_copy
 * from pg_class.relkind) go by multi-row INSERT. */
#include "pg.h"

sql_status pg_write_rows(sql_conn *conn, const sql_group *group, size_t lo, size_t hi, bool bulk, sql_error *err)
{
    if (lo >= hi)
        return SQL_OK;
    if (bulk && group->operation == SQL_OP_INSERT && !group->table->no_copy)
        return pg_copy_rows(conn, group, lo, hi, err);
    return pg_insert_rows(conn, group, lo, hi, err);
}
