/* plugins/postgres/pg_exec.c — running a statement without results
 * (transaction control), and collecting the results of one sent. */
#include "pg.h"

#include <string.h>

static void end_unexpected_copy(sql_conn *conn, ExecStatusType st)
{
    if (st == PGRES_COPY_IN || st == PGRES_COPY_BOTH)
        PQputCopyEnd(conn->pg, "sluice sends no COPY data here");
    if (st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
        char *row;
        while (PQgetCopyData(conn->pg, &row, 0) > 0)
            PQfreemem(row);
    }
}

sql_status pg_finish(sql_conn *conn, ExecStatusType want, const char *what, sql_error *err)
{
    /* Every result must be read before the next command, even after a
     * failure; the first failure is the one that explains the others. */
    sql_status status = SQL_OK;
    bool got_any = false;
    PGresult *res;
    while ((res = PQgetResult(conn->pg)) != NULL) {
        got_any = true;
        ExecStatusType st = PQresultStatus(res);
        if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
            /* A COPY where none was expected (an init_query "COPY ...
             * FROM STDIN"): end it, or PQgetResult would return it forever. */
            PQclear(res);
            end_unexpected_copy(conn, st);
            if (status == SQL_OK)
                status = sql_error_set(err, SQL_FATAL, NULL, 0, "%s: a COPY is not expected here", what);
            continue;
        }
        if (status == SQL_OK && st != want && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
            status = pg_error_from_result(conn, res, what, err);
        PQclear(res);
        if (PQstatus(conn->pg) == CONNECTION_BAD)
            break;
    }
    if (status == SQL_OK && (!got_any || PQstatus(conn->pg) == CONNECTION_BAD))
        status = pg_error_from_result(conn, NULL, what, err);
    return status;
}

/* PostgreSQL answers COMMIT of a transaction that had already failed with
 * success and the command tag ROLLBACK (SQL reference, COMMIT): nothing of
 * the batch was written, so it must not be reported done.  The sink never
 * commits after an error it saw; this guards against one it did not. */
static sql_status pg_commit(sql_conn *conn, sql_error *err)
{
    if (!PQsendQuery(conn->pg, "COMMIT"))
        return pg_error_from_result(conn, NULL, "COMMIT", err);
    PGresult *res = PQgetResult(conn->pg);
    if (!res)
        return pg_error_from_result(conn, NULL, "COMMIT", err);
    sql_status st = SQL_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        st = pg_error_from_result(conn, res, "COMMIT", err);
    else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
        st = sql_error_set(err, SQL_FATAL, NULL, 0, "COMMIT: the server rolled the transaction back (command tag %s)",
                           PQcmdStatus(res));
    PQclear(res);
    while ((res = PQgetResult(conn->pg)) != NULL) /* none, normally: ready for the next command */
        PQclear(res);
    return st;
}

sql_status pg_exec(sql_conn *conn, const char *sql, sql_error *err)
{
    if (strcmp(sql, "COMMIT") == 0)
        return pg_commit(conn, err);
    if (!PQsendQuery(conn->pg, sql))
        return pg_error_from_result(conn, NULL, sql, err);
    return pg_finish(conn, PGRES_COMMAND_OK, sql, err);
}
