/* plugins/mysql/my_classify.c — what a MariaDB / MySQL error means for the
 * batch, decided from the error number and SQLSTATE only: messages are
 * localized (lc_messages) and change between versions, numbers do not.
 *
 * Numbers: the server's are in <mysqld_error.h> (MariaDB KB "MariaDB Error
 * Codes"), the client library's (2000..) in <errmsg.h>. */
#include "my_backend.h"

#include <errmsg.h>
#include <mysqld_error.h>
#include <string.h>

/* The connection is gone or the transaction was rolled back under us: the
 * whole batch can be offered again after reconnecting. */
static bool is_transient(unsigned code)
{
    switch (code) {
    case CR_CONNECTION_ERROR:  /* 2002: socket connect failed */
    case CR_CONN_HOST_ERROR:   /* 2003: TCP connect failed */
    case CR_SERVER_GONE_ERROR: /* 2006 */
    case CR_SERVER_LOST:       /* 2013 */
    case CR_SERVER_LOST_EXTENDED:
    case CR_ERR_NET_READ:
    case CR_ERR_NET_WRITE:
    case ER_CON_COUNT_ERROR:   /* 1040: too many connections, for now */
    case ER_SERVER_SHUTDOWN:   /* 1053 */
    case ER_NET_READ_ERROR:
    case ER_NET_READ_INTERRUPTED:
    case ER_NET_ERROR_ON_WRITE:
    case ER_NET_WRITE_INTERRUPTED:
    case ER_LOCK_WAIT_TIMEOUT: /* 1205 */
    case ER_LOCK_DEADLOCK:     /* 1213: InnoDB rolled the transaction back */
    case ER_QUERY_INTERRUPTED: /* 1317: KILL QUERY, e.g. by an operator */
    case ER_CONNECTION_KILLED: /* 1927: KILL CONNECTION, server shutdown */
    case ER_STATEMENT_TIMEOUT: /* 1969: max_statement_time */
        return true;
    default:
        return false;
    }
}

/* The rows were refused for what they hold: strict sql_mode turns the
 * warnings 1265 / 1366 / 1292 into errors whose SQLSTATE is not always of
 * class 22 (1265 is 01000, 1364 and 1366 are HY000), hence the numbers. */
static bool is_data_error(unsigned code)
{
    switch (code) {
    case ER_BAD_NULL_ERROR:                  /* 1048 */
    case ER_DUP_ENTRY:                       /* 1062 */
    case ER_NO_REFERENCED_ROW:               /* 1216 */
    case ER_ROW_IS_REFERENCED:               /* 1217 */
    case ER_WARN_NULL_TO_NOTNULL:            /* 1263 */
    case ER_WARN_DATA_OUT_OF_RANGE:          /* 1264 */
    case WARN_DATA_TRUNCATED:                /* 1265 */
    case ER_TRUNCATED_WRONG_VALUE:           /* 1292 */
    case ER_INVALID_CHARACTER_STRING:        /* 1300 */
    case ER_NO_DEFAULT_FOR_FIELD:            /* 1364 */
    case ER_DIVISION_BY_ZERO:                /* 1365 */
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD: /* 1366 */
    case ER_ILLEGAL_VALUE_FOR_TYPE:          /* 1367 */
    case ER_DATA_TOO_LONG:                   /* 1406 */
    case ER_WRONG_VALUE_FOR_TYPE:            /* 1411 */
    case ER_ROW_IS_REFERENCED_2:             /* 1451 */
    case ER_NO_REFERENCED_ROW_2:             /* 1452 */
    case ER_DUP_ENTRY_WITH_KEY_NAME:         /* 1586 */
    case ER_DATA_OVERFLOW:                   /* 1916 */
    case ER_DATA_TRUNCATED:                  /* 1917 */
    case ER_BAD_DATA:                        /* 1918 */
    case ER_CONSTRAINT_FAILED:               /* 4025: CHECK, incl. MariaDB's JSON_VALID */
    case ER_NET_PACKET_TOO_LARGE:            /* 1153: one row over max_allowed_packet */
    case CR_NET_PACKET_TOO_LARGE:            /* 2020: the same, seen by the client */
        return true;
    default:
        return false;
    }
}

static bool sqlstate_class(const char *sqlstate, const char *cls)
{
    return sqlstate && strncmp(sqlstate, cls, 2) == 0;
}

sql_status my_classify(unsigned code, const char *sqlstate)
{
    if (is_transient(code))
        return SQL_RETRY;
    if (is_data_error(code))
        return SQL_DATA_ERROR;
    /* SQL:2016 classes: 08 connection exception, 40 transaction rollback
     * (40001 serialization failure); 22 data exception, 23 integrity
     * constraint violation. */
    if (sqlstate_class(sqlstate, "08") || sqlstate_class(sqlstate, "40"))
        return SQL_RETRY;
    if (sqlstate_class(sqlstate, "22") || sqlstate_class(sqlstate, "23"))
        return SQL_DATA_ERROR;
    return SQL_FATAL;
}

sql_status my_classify_connect(unsigned code, const char *sqlstate)
{
    /* 1045 access denied, 1049 unknown database, 2026 TLS: waiting will
     * not fix them.  2005 unknown host neither (a typo, not a DNS blip,
     * almost always). */
    return my_classify(code, sqlstate) == SQL_RETRY ? SQL_RETRY : SQL_FATAL;
}
