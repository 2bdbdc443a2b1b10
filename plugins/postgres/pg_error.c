/* plugins/postgres/pg_error.c — what a failed statement means for the
 * batch, decided by SQLSTATE alone (issue 7: "never by message text";
 * PostgreSQL manual, Appendix A "PostgreSQL Error Codes").
 *
 *   connection gone (PQstatus CONNECTION_BAD), whatever the SQLSTATE,
 *   08xxx connection exception,
 *   57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now,
 *   57014 query_canceled (pg_cancel_backend, statement_timeout),
 *   40001 serialization_failure, 40P01 deadlock_detected,
 *   55P03 lock_not_available,
 *   53000 insufficient_resources, 53100 disk_full, 53200 out_of_memory,
 *   53300 too_many_connections
 *       -> SQL_RETRY: the batch is offered again after a reconnect; waiting
 *          can cure them, and a retry that does not ends in the pipeline
 *          stopping without a commit, which loses nothing.
 *   21xxx cardinality_violation (ON CONFLICT DO UPDATE touching one row
 *         twice in a statement: bisecting splits the two rows),
 *   22xxx data_exception (bad value, out of range, bad encoding),
 *   23xxx integrity_constraint_violation (NOT NULL, unique, foreign key,
 *         check, exclusion)
 *       -> SQL_DATA_ERROR: some rows are refused; the sink bisects.
 *   anything else (42xxx syntax or access, 53400 configuration limit,
 *   28xxx authentication, XX000 ...), and no SQLSTATE on a live
 *   connection (a client-side failure)
 *       -> SQL_FATAL.
 */
#include "pg.h"

#include <string.h>

sql_status pg_classify(const char *sqlstate, bool connection_bad)
{
    if (connection_bad)
        return SQL_RETRY;
    if (!sqlstate || strlen(sqlstate) != 5)
        return SQL_FATAL;
    static const char *const retry_codes[] = {"57P01", "57P02", "57P03", "57014", "40001", "40P01", "55P03",
                                              "53000", "53100", "53200", "53300"};
    for (size_t i = 0; i < sizeof retry_codes / sizeof retry_codes[0]; i++)
        if (strcmp(sqlstate, retry_codes[i]) == 0)
            return SQL_RETRY;
    if (strncmp(sqlstate, "08", 2) == 0)
        return SQL_RETRY;
    if (strncmp(sqlstate, "21", 2) == 0 || strncmp(sqlstate, "22", 2) == 0 || strncmp(sqlstate, "23", 2) == 0)
        return SQL_DATA_ERROR;
    return SQL_FATAL;
}

sql_status pg_error_from_result(sql_conn *conn, const PGresult *res, const char *what, sql_error *err)
{
    bool bad = PQstatus(conn->pg) == CONNECTION_BAD;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    sql_status status = pg_classify(state, bad);
    if (!primary) /* a client-side failure: libpq's own message */
        return sql_error_set(err, status, state, 0, "%s: %s", what, PQerrorMessage(conn->pg));
    /* The detail names the offending key or value ("Key (id)=(5) already
     * exists."): what makes a record error useful. */
    if (detail)
        return sql_error_set(err, status, state, 0, "%s (%s)", primary, detail);
    return sql_error_set(err, status, state, 0, "%s", primary);
}
