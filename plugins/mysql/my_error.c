/* plugins/mysql/my_error.c — a client library error as an sql_error. */
#include "my_backend.h"

sql_status my_error_from_conn(MYSQL *db, const char *what, sql_error *err)
{
    unsigned code = mysql_errno(db);
    const char *state = mysql_sqlstate(db);
    return sql_error_set(err, my_classify(code, state), state, (int)code, "%s: %s (error %u)", what,
                         mysql_error(db), code);
}

sql_status my_error_from_stmt(MYSQL_STMT *stmt, const char *what, sql_error *err)
{
    unsigned code = mysql_stmt_errno(stmt);
    const char *state = mysql_stmt_sqlstate(stmt);
    return sql_error_set(err, my_classify(code, state), state, (int)code, "%s: %s (error %u)", what,
                         mysql_stmt_error(stmt), code);
}
